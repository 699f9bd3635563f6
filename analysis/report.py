"""The monthly report in one call: :func:`build_report` writes the charts, the staff workbook
and the Word draft for a period, and returns their paths with the summary; :func:`build_draft`
writes the charts and the Word draft alone and :func:`build_workbook` the staff workbook alone,
under the same names (the bot builds the two at once, in two processes).

All are synchronous and CPU-bound, read the database read-only and import neither telegram nor
pyplot. Each imports what its files need: the charts (matplotlib) and the Word draft (python-docx)
only where they are drawn, the workbook (openpyxl) only where it is written. Asked to
(``allow_empty=False``), they write nothing for a month without a counted response and raise
:class:`NoResponses`.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from analysis.content import ReportData, gather
from analysis.request import ReportRequest
from analysis.texts import text

__all__ = [
    "Draft",
    "NoResponses",
    "ReportFiles",
    "ReportRequest",
    "build_draft",
    "build_report",
    "build_workbook",
    "write_charts",
]

# The identity questions whose bars run upwards: their labels are numbers (age groups).
_UPRIGHT = frozenset({"age"})


class NoResponses(Exception):
    """The period, or the service in it, has no counted response: a report would say nothing.

    ``summary`` is the period's summary all the same (``responses`` 0; ``beyond_quota`` may not
    be), for the caller to say so.
    """

    def __init__(self, period: str, service: str | None, summary: Mapping[str, Any]) -> None:
        scope = f"{period} ({service})" if service else period
        super().__init__(f"no counted responses for {scope}: no report is written")
        self.period = period
        self.service = service
        self.summary = summary


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`build_report` wrote, and the period's summary (the ``--json`` dict)."""

    docx: Path
    xlsx: Path
    charts: Mapping[str, Path]
    summary: Mapping[str, Any]

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.docx, self.xlsx, *self.charts.values())


@dataclass(frozen=True)
class Draft:
    """What :func:`build_draft` wrote, and the period's summary."""

    docx: Path
    charts: Mapping[str, Path]  # by key: identity keys, ``items``, ``trend``
    summary: Mapping[str, Any]


def build_report(
    request: ReportRequest, out_dir: str | PathLike[str], *, allow_empty: bool = True
) -> ReportFiles:
    """Writes the report ``request`` asks for into ``out_dir`` (created if needed).

    A period (or a service in it) without a counted response has nothing to report: with
    ``allow_empty=False`` that raises :class:`NoResponses` before any file or folder is made.
    """
    from analysis.report_xlsx import write_xlsx  # lazily: openpyxl, not for the draft

    data = gather(request)
    target, stem = _target(data, out_dir, allow_empty)
    draft = _draft(data, target, stem)
    return ReportFiles(
        docx=draft.docx,
        xlsx=write_xlsx(data, target / text("files.xlsx", stem=stem)),
        charts=draft.charts,
        summary=data.summary,
    )


def build_draft(
    request: ReportRequest, out_dir: str | PathLike[str], *, allow_empty: bool = True
) -> Draft:
    """Writes the charts and the Word draft of :func:`build_report`, without the workbook."""
    data = gather(request)
    target, stem = _target(data, out_dir, allow_empty)
    return _draft(data, target, stem)


def _draft(data: ReportData, target: Path, stem: str) -> Draft:
    from analysis.report_docx import write_docx  # lazily: python-docx, not for the workbook

    # Each writer's objects (matplotlib's figures, python-docx's tree) hold reference cycles:
    # collected before the next writer starts, its memory is reused rather than added to the
    # peak (1,000 respondents: 174 → 158 MiB).
    chart_paths = write_charts(data, target, stem)
    gc.collect()
    docx = write_docx(data, chart_paths, target / text("files.docx", stem=stem))
    gc.collect()
    return Draft(docx=docx, charts=chart_paths, summary=data.summary)


def build_workbook(
    request: ReportRequest, out_dir: str | PathLike[str], *, allow_empty: bool = True
) -> Path:
    """Writes the staff workbook of ``request`` alone into ``out_dir``; returns its path.

    The same workbook, under the same name, as :func:`build_report` writes for the same request,
    without drawing a chart or writing the Word draft; ``allow_empty`` as there.
    """
    from analysis.report_xlsx import write_xlsx  # lazily: openpyxl, not for the draft

    data = gather(request)
    target, stem = _target(data, out_dir, allow_empty)
    return write_xlsx(data, target / text("files.xlsx", stem=stem))


def _target(data: ReportData, out_dir: str | PathLike[str], allow_empty: bool) -> tuple[Path, str]:
    """Creates ``out_dir`` unless there is nothing to report; returns it and the files' stem."""
    if not allow_empty and data.indices.responses == 0:
        raise NoResponses(data.period, data.service, data.summary)
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    indices = data.questionnaire.indices.values()
    surveys = "-".join(dict.fromkeys(d.survey.lower() for d in indices))
    stem = (
        text("files.stem_service", surveys=surveys, period=data.period, service=data.service)
        if data.service
        else text("files.stem", surveys=surveys, period=data.period)
    )
    return target, stem


def write_charts(data: ReportData, out_dir: Path, stem: str) -> dict[str, Path]:
    """Writes Gambar 1–6 as PNGs; returns them by key (identity keys, ``items``, ``trend``)."""
    from analysis import charts  # lazily: matplotlib, not for the workbook
    from analysis.report_docx_results import DEMOGRAPHIC_FIGURES, ITEMS_FIGURE, TREND_FIGURE

    paths: dict[str, Path] = {}
    for key, number in DEMOGRAPHIC_FIGURES:
        counts = data.demographics.counts.get(key)
        if counts is None:
            continue
        caption = charts.titled(text(f"figures.{key}.caption"), data.period)
        if key in _UPRIGHT:
            shown = charts.age_window(counts)
            figure = charts.count_chart(shown, caption, False, text("common.age_groups"))
        else:
            figure = charts.count_chart(counts, caption, True)
        paths[key] = charts.save_png(figure, out_dir / _chart_file(key, number, stem))
    figure = charts.items_chart(data.indices.overall, data.questionnaire, data.period)
    paths["items"] = charts.save_png(figure, out_dir / _chart_file("items", ITEMS_FIGURE, stem))
    figure = charts.trend_chart(data.trend(), data.questionnaire)
    paths["trend"] = charts.save_png(figure, out_dir / _chart_file("trend", TREND_FIGURE, stem))
    return paths


def _chart_file(key: str, number: int, stem: str) -> str:
    """``gambar-1-jenis-kelamin-spkp-spak-2025-01.png``."""
    return text("files.chart", number=number, name=text(f"figures.{key}.file"), stem=stem)
