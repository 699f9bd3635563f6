"""The monthly report in one call: :func:`build_report` writes the charts, the staff workbook
and the Word draft for a period, and returns their paths with the summary; :func:`build_workbook`
writes the staff workbook alone, under the same name, for ``/export``.

Both are synchronous and CPU-bound, read the database read-only and import neither telegram nor
pyplot. The charts (matplotlib) and the Word draft (python-docx) are imported only when
:func:`build_report` draws them, so the workbook costs neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import tzinfo
from os import PathLike
from pathlib import Path
from typing import Any

from analysis.content import ReportData, gather
from analysis.data import DbPath
from analysis.periods import check_period
from analysis.report_xlsx import write_xlsx
from analysis.texts import text
from analysis.zones import DEFAULT_ZONE, resolve_zone
from bot.questionnaire import Questionnaire

__all__ = ["ReportFiles", "build_report", "build_workbook", "write_charts"]

# The identity questions whose bars run upwards: their labels are numbers (age groups).
_UPRIGHT = frozenset({"age"})


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


def build_report(
    db_path: DbPath,
    period: str,
    questionnaire: Questionnaire,
    services: Mapping[str, str],
    quota: int,
    out_dir: str | PathLike[str],
    include_personal: bool = False,
    service: str | None = None,
    *,
    unit_name: str | None = None,
    zone: tzinfo | str = DEFAULT_ZONE,
) -> ReportFiles:
    """Writes ``period``'s report into ``out_dir`` (created if needed).

    ``services`` maps the configured service codes to their names, in report order. With
    ``service``, the report covers that service alone (the quota still counts every service).
    Names and institutions are written only with ``include_personal``. ``unit_name`` fills the
    unit's name into the texts; without it a bracketed placeholder stands in. Submission times
    are shown in ``zone`` (the survey's ``[survey] timezone``: a tzinfo or an IANA name).
    """
    from analysis.report_docx import write_docx  # lazily: python-docx, not for the workbook

    zone = resolve_zone(zone)
    target, stem = _target(period, services, service, out_dir)
    data = gather(
        db_path,
        period,
        questionnaire,
        services,
        quota,
        include_personal,
        service,
        unit_name,
        zone=zone,
    )
    chart_paths = write_charts(data, target, stem)
    return ReportFiles(
        docx=write_docx(data, chart_paths, target / text("files.docx", stem=stem)),
        xlsx=write_xlsx(data, target / text("files.xlsx", stem=stem)),
        charts=chart_paths,
        summary=data.summary,
    )


def build_workbook(
    db_path: DbPath,
    period: str,
    questionnaire: Questionnaire,
    services: Mapping[str, str],
    quota: int,
    out_dir: str | PathLike[str],
    include_personal: bool = False,
    service: str | None = None,
    *,
    unit_name: str | None = None,
    zone: tzinfo | str = DEFAULT_ZONE,
) -> Path:
    """Writes ``period``'s staff workbook alone into ``out_dir``; returns its path.

    The same workbook, under the same name, as :func:`build_report` writes with the same
    arguments, without drawing a chart or writing the Word draft.
    """
    zone = resolve_zone(zone)
    target, stem = _target(period, services, service, out_dir)
    data = gather(
        db_path,
        period,
        questionnaire,
        services,
        quota,
        include_personal,
        service,
        unit_name,
        zone=zone,
    )
    return write_xlsx(data, target / text("files.xlsx", stem=stem))


def _target(
    period: str, services: Mapping[str, str], service: str | None, out_dir: str | PathLike[str]
) -> tuple[Path, str]:
    """Checks the period and the service, creates ``out_dir``; returns it and the files' stem."""
    check_period(period)
    if service is not None and service not in services:
        raise ValueError(f"service {service!r} is not one of {', '.join(services)}")
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    stem = (
        text("files.stem_service", period=period, service=service)
        if service
        else text("files.stem", period=period)
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
        caption = text(f"figures.{key}.caption")
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
