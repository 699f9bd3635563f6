"""The unit's own texts (:mod:`survey.unit_texts`) in the report draft: its paragraphs and bullets,
with the report's month and the unit's name filled in.

What cannot be filled in stays visible: ``{tanggal}`` (the date of signing), and ``{unit}`` when
``[reports] unit_name`` is not set, are yellow placeholders, as is every text the unit has not
written (the caller writes those).
"""

from __future__ import annotations

from collections.abc import Iterable

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from analysis.content import ReportData
from analysis.docx_parts import ReportDocument
from analysis.texts import Span, fill, text
from survey.unit_texts import DATE, MONTH, UNIT, Block

__all__ = ["write_blocks", "write_signature"]

BULLET_STYLE = "List Bullet"
SIGNATURE_INDENT = Cm(9.0)  # the signature block stands in the right half of the page


def write_blocks(doc: ReportDocument, data: ReportData, blocks: Iterable[Block]) -> None:
    """Writes each paragraph or bullet of a unit's text."""
    for block in blocks:
        paragraph = doc.paragraph(fill(block.template, **_values(data)))
        if block.bullet:
            paragraph.style = BULLET_STYLE


def write_signature(doc: ReportDocument, data: ReportData, lines: Iterable[str]) -> None:
    """Writes the lines under the Kata Pengantar, one a line, an empty one left blank."""
    for line in lines:
        paragraph = doc.paragraph(fill(line, **_values(data)))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.left_indent = SIGNATURE_INDENT
        paragraph.paragraph_format.space_after = Pt(0)


def _values(data: ReportData) -> dict[str, object]:
    """What ``{bulan}``, ``{unit}`` and ``{tanggal}`` stand for in ``data``'s draft."""
    unit: str | Span = data.unit_name or Span(text("docx.unit_texts.unit"), False, True)
    return {MONTH: data.month, UNIT: unit, DATE: Span(text("docx.unit_texts.date"), False, True)}
