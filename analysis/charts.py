"""The report's charts, as matplotlib ``Figure`` objects drawn with Agg.

pyplot is never imported: its global figure registry keeps every figure alive until closed,
which leaks in a long-running bot. A ``Figure`` made here is freed like any object;
:func:`save_png` also clears it so its artists go at once. Labels are the report's texts
(``charts`` in ``analysis/resources/report.toml``) and numbers use decimal commas.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from analysis.demographics import UNKNOWN
from analysis.indices import Breakdown
from analysis.layout import CHART_WIDTHS_CM, SMALLEST_PT
from analysis.numbers import DASH, format_id, format_percent
from analysis.periods import month_name, short_month_name
from analysis.report_text import indices_named, surveys_named
from analysis.texts import text
from survey.questionnaire import Questionnaire
from survey.scoring import IndexDef

__all__ = [
    "age_window",
    "count_chart",
    "items_chart",
    "new_figure",
    "save_png",
    "titled",
    "trend_chart",
]

DPI = 150  # dots per printed inch: the charts are drawn at the size the draft prints them
CM = 1 / 2.54  # inches
BAND_COLOURS = ("#f4c7c3", "#fce8b2", "#fff7c2", "#cde8d4")  # worst … best
SERIES_COLOURS = ("#1f5fa8", "#d9731a", "#2e8b57", "#8e44ad", "#7f7f7f")  # the indices in order
BAR_COLOUR = "#1f5fa8"


def new_figure(kind: str, height_cm: float) -> Figure:
    """Returns a Figure ``CHART_WIDTHS_CM[kind]`` wide (the width the draft places it at) and
    ``height_cm`` high, with its own Agg canvas, outside pyplot's registry."""
    size = (CHART_WIDTHS_CM[kind] * CM, height_cm * CM)
    figure = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def titled(title: str, period: str) -> str:
    """A chart's title with its month, so that a PNG pasted alone still says which it shows."""
    return text("charts.with_month", title=title, month=month_name(period))


def save_png(figure: Figure, path: str | PathLike[str]) -> Path:
    """Writes ``figure`` as a PNG and clears it, so nothing of it outlives the call."""
    target = Path(path)
    try:
        # zlib's fastest level: charts of flat colours come out as small, in half the time
        figure.savefig(target, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    finally:
        figure.clear()
    return target


def count_chart(
    counts: Mapping[str, int], title: str, horizontal: bool = True, category: str = ""
) -> Figure:
    """A bar per category with its count and share, ``1 (50,0%)``, zeros too: ``0 (0,0%)``
    (Gambar 1–4)."""
    height = max(5.5, 1.25 * len(counts) + 3.0) if horizontal else 8.0
    figure = new_figure("count", height)
    axes = figure.add_subplot()
    figure.suptitle(title, fontsize=10)  # centred on the figure: long labels move the axes
    total = sum(counts.values())
    labels = list(counts)
    values = [counts[k] for k in labels]
    texts = [f"{n} ({format_percent(n, total)})" for n in values]
    if horizontal:
        bars = axes.barh(labels, values, color=BAR_COLOUR)
        axes.invert_yaxis()  # the first option on top, as in the questionnaire
        axes.set_xlabel(text("charts.count_axis"))
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(0, max([*values, 1]) * 1.3)
    else:
        bars = axes.bar(labels, values, color=BAR_COLOUR)
        axes.set_ylabel(text("charts.count_axis"))
        axes.set_xlabel(category)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(0, max([*values, 1]) * 1.25)
        axes.tick_params(axis="x", labelrotation=45 if len(labels) > 6 else 0)
    axes.bar_label(bars, labels=texts, padding=3, fontsize=SMALLEST_PT)
    axes.spines[["top", "right"]].set_visible(False)
    if total == 0:
        _no_data(axes)
    return figure


def age_window(
    counts: Mapping[str, int], always: tuple[str, str] = ("20–24", "55–59")
) -> dict[str, int]:
    """The age groups worth drawing: from the youngest to the oldest group with anyone in it,
    widened to ``always`` (working ages) so that month after month the axis looks alike."""
    labels = [label for label in counts if label != UNKNOWN]
    wanted = [i for i, label in enumerate(labels) if counts[label] or label in always]
    shown = labels[min(wanted) : max(wanted) + 1] if wanted else labels
    if counts.get(UNKNOWN):
        shown.append(UNKNOWN)
    return {label: counts[label] for label in shown}


def items_chart(breakdown: Breakdown, questionnaire: Questionnaire, period: str) -> Figure:
    """The index of every item, one panel per index, over its shaded category bands."""
    definitions = list(questionnaire.indices.values())
    widths = [max(len(d.items), 3) for d in definitions]
    figure = new_figure("items", 9.0)
    grid = figure.add_gridspec(1, len(definitions), width_ratios=widths)
    surveys = surveys_named(questionnaire)
    figure.suptitle(
        text("charts.items_title", surveys=surveys, month=month_name(period)), fontsize=10
    )
    language = questionnaire.reference_language
    for column, definition in enumerate(definitions):
        axes = figure.add_subplot(grid[0, column])
        _bands(axes, definition, questionnaire.points, language, named=True)
        values = [breakdown.element(code) for code in definition.items]
        heights = [math.nan if v is None else v for v in values]
        x = list(range(len(definition.items)))
        bars = axes.bar(x, heights, color=BAR_COLOUR, width=0.6, zorder=2)
        axes.set_xticks(x, list(definition.items))
        axes.set_xlim(-0.6, len(x) - 0.4)
        shown = [breakdown.element_display(c) or DASH for c in definition.items]
        axes.bar_label(bars, labels=shown, padding=2, fontsize=SMALLEST_PT)
        value = breakdown.indices.get(definition.key)
        summary = f"{value.display} – {value.category}" if value else text("charts.items_empty")
        axes.set_title(f"{definition.short}: {summary}", fontsize=9)
        axes.set_xlabel(text("charts.item_axis"))
        if column == 0:
            axes.set_ylabel(text("charts.index_axis", points=questionnaire.points))
        if all(v is None for v in values):
            _no_data(axes)
    return figure


def trend_chart(
    points: Mapping[str, Mapping[str, float | None]], questionnaire: Questionnaire
) -> Figure:
    """Each index month by month (``period -> {"ipp": value or None, …}``), over the first
    index's bands; gaps mark months without data."""
    periods = list(points)
    figure = new_figure("trend", 8.5)
    axes = figure.add_subplot()
    first = next(iter(questionnaire.indices.values()))
    _bands(axes, first, questionnaire.points, questionnaire.reference_language, named=True)
    x = list(range(len(periods)))
    # Later series are drawn smaller and on top, so equal values still show both markers.
    for n, (key, definition) in enumerate(questionnaire.indices.items()):
        values = [_nan(points[p].get(key)) for p in periods]
        axes.plot(
            x,
            values,
            marker="os^D"[n % 4],
            markersize=9 - 2 * n,
            label=definition.short,
            color=SERIES_COLOURS[n % len(SERIES_COLOURS)],
            zorder=3 + n,
        )
    axes.set_xticks(x, [short_month_name(p) for p in periods], rotation=45, ha="right")
    axes.set_xlim(-0.5, len(periods) - 0.5)
    axes.set_ylabel(text("charts.index_axis", points=questionnaire.points))
    if periods:
        first_month, last_month = month_name(periods[0]), month_name(periods[-1])
        title = text(
            "charts.trend_title",
            indices=indices_named(questionnaire),
            first=first_month,
            last=last_month,
        )
        axes.set_title(title, fontsize=10)
    axes.legend(loc="lower left", ncols=2, frameon=True)
    if all(v is None for p in points.values() for v in p.values()):
        _no_data(axes)
    return figure


def _bands(axes: Any, definition: IndexDef, points: int, language: str, named: bool) -> None:
    """Shades each category band on the index's scale (bands on the converted value divided by
    the conversion) and names it on the right-hand axis."""
    half = Decimal(5).scaleb(-definition.places - 1)  # a rounded value's band starts this early
    factor = definition.conversion if definition.bands_on == "converted" else Decimal(1)
    edges = [float((b.min - (half if i else 0)) / factor) for i, b in enumerate(definition.bands)]
    edges.append(float(definition.bands[-1].max / factor))
    for i in range(len(definition.bands)):
        colour = BAND_COLOURS[min(i, len(BAND_COLOURS) - 1)]
        axes.axhspan(edges[i], edges[i + 1], color=colour, zorder=0, linewidth=0)
    axes.set_ylim(edges[0], edges[-1] + 0.25)
    step = 0.5 if points <= 5 else 1.0  # 1,0 1,5 … 4,0 on the 4-point scale
    axes.set_yticks([1 + step * n for n in range(int((points - 1) / step) + 1)])
    axes.yaxis.set_major_formatter(FuncFormatter(_comma))
    axes.spines[["top"]].set_visible(False)
    if named:
        # The band names beside the right spine, as the labels of a second axis would stand, but
        # as plain texts: a secondary axis cost a quarter of the chart's drawing time.
        side = blended_transform_factory(axes.transAxes, axes.transData)
        pad = rcParams["ytick.major.pad"] / 72  # points → inches: a tick label's gap
        offset = ScaledTranslation(pad, 0, axes.figure.dpi_scale_trans)
        for i, band in enumerate(definition.bands):
            axes.text(
                1.0,
                (edges[i] + edges[i + 1]) / 2,
                _wrap(band.label[language]),
                transform=side + offset,
                ha="left",
                va="center_baseline",  # as a tick label stands
                fontsize=SMALLEST_PT,
            )


def _comma(value: float, _position: object) -> str:
    return format_id(float(value), 1)


def _wrap(label: str) -> str:
    """Breaks a long band name over two lines so the panels keep their width."""
    words = label.split()
    if len(label) <= 12 or len(words) < 2:
        return label
    half = len(words) // 2
    return " ".join(words[:half]) + "\n" + " ".join(words[half:])


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _no_data(axes: Any) -> None:
    axes.text(
        0.5,
        0.5,
        text("charts.no_data"),
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=11,
        color="#555555",
        bbox={"facecolor": "white", "edgecolor": "#999999", "boxstyle": "round"},
    )
