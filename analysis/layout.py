"""How wide the draft prints each chart: the one number both the chart and its place use.

The DOCX page (A4, :mod:`analysis.docx_styles`) leaves 16 cm between the margins. A chart is
drawn exactly as wide as it is placed (:mod:`analysis.charts`), so a font size in the chart is
the size it prints at: every text 8 pt or more (:data:`SMALLEST_PT`).
"""

from __future__ import annotations

__all__ = ["CHART_WIDTHS_CM", "SMALLEST_PT", "TEXT_WIDTH_CM"]

TEXT_WIDTH_CM = 16.0
CHART_WIDTHS_CM = {"count": 13.0, "items": TEXT_WIDTH_CM, "trend": TEXT_WIDTH_CM}
SMALLEST_PT = 8.0
