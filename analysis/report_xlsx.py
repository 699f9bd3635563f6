"""The staff workbook: Ringkasan, Per unsur, Per layanan, Demografi, Responden, Saran, Mutu data
and Tindak lanjut (:mod:`analysis.follow_up`).

Every number is a number staff can sum, sort and chart. An index, item index or converted value
is the value the report shows, rounded half-up to 2 decimals, with the format ``0.00`` (Excel
shows ``3,92`` in an Indonesian locale); shares are fractions with the format ``0.0%``; counts
and scores are integers. Where there is no value a dash stands. The converted value is index × the
conversion before rounding (97,92, not 3,92 × 25 = 98,00), as the reference computes it: a note
under the Ringkasan's index table says so. The words are under ``xlsx`` in
``analysis/resources/report.toml``.

Every text cell is a plain string (openpyxl ``data_type`` ``s``), never a formula: a name,
institution or suggestion that begins with ``=`` (``=HYPERLINK(…)``), ``+``, ``-``, ``@``, a tab
or a carriage return is shown as typed, and also keeps Excel's quote prefix so that editing the
cell does not turn it into a formula. Text is cleaned of what XLSX cannot hold
(:func:`survey.safe_text.clean`) as it goes in, whatever the database holds.

The Saran sheet lists every answer to the suggestion question, one row per submission, as sent:
placeholders ("-", "Tidak ada") and repeated suggestions too, so staff can check what the draft
left out or grouped. Its last column says which answers the draft does not count as suggestions
and which concern anti-corruption (:mod:`analysis.suggestions`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment

from analysis.content import ReportData
from analysis.follow_up import write_sheet
from analysis.indices import Breakdown
from analysis.numbers import DASH
from analysis.report_text import (
    NOTE_MARK,
    conversion_note,
    lke_basis,
    lke_months,
    surveys_named,
)
from analysis.suggestions import Suggestion, concerns_anti_corruption
from analysis.texts import text, words
from analysis.xlsx_cells import (
    BOLD,
    INDEX_FORMAT,
    SHARE_FORMAT,
    TIME_FORMAT,
    add_row,
    header_row,
    set_widths,
    title_row,
)
from analysis.zones import zone_label
from survey.period import Period
from survey.questionnaire import PERSONAL

__all__ = ["SHEETS", "write_xlsx"]

SHEETS = words("xlsx.sheets")


def write_xlsx(data: ReportData, path: str | PathLike[str]) -> Path:
    """Writes the workbook of ``data`` to ``path`` and returns the path."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    _summary(book.create_sheet(SHEETS[0]), data)
    _items(book.create_sheet(SHEETS[1]), data)
    _services(book.create_sheet(SHEETS[2]), data)
    _demographics(book.create_sheet(SHEETS[3]), data)
    _respondents(book.create_sheet(SHEETS[4]), data)
    _suggestions(book.create_sheet(SHEETS[5]), data)
    _quality(book.create_sheet(SHEETS[6]), data)
    write_sheet(book.create_sheet(SHEETS[7]), data)
    target = Path(path)
    book.save(target)
    return target


def _summary(sheet: Any, data: ReportData) -> None:
    overall = data.indices.overall
    scope = data.service_name(data.service) if data.service else text("common.all_services")
    surveys = surveys_named(data.questionnaire)
    _title(sheet, text("xlsx.summary.title", surveys=surveys, month=data.month), data)
    rows: list[Sequence[Any]] = [
        (text("xlsx.summary.unit"), data.unit),
        (text("xlsx.summary.period"), data.month),
        (text("xlsx.summary.service"), scope),
        (text("xlsx.summary.quota"), data.quota),
        (text("xlsx.summary.counted"), overall.respondents),
        (text("xlsx.summary.answers"), overall.responses),
        (text("xlsx.summary.beyond_quota"), overall.beyond_quota),
        *([(text("xlsx.summary.late"), overall.late)] if overall.late else []),
        (),
    ]
    for row in rows:
        add_row(sheet, list(row))
    index_header = list(words("xlsx.summary.index_header"))
    note = conversion_note(data)
    if note:  # the converted value, explained under the table
        index_header[2] += NOTE_MARK
    header_row(sheet, index_header)
    for key, definition in data.questionnaire.indices.items():
        value = overall.indices.get(key)
        lowest, highest = overall.extremes(definition.items)
        _append(
            sheet,
            [
                definition.name[data.questionnaire.reference_language],
                _shown(value.rounded if value else None),
                _shown(value.converted_rounded if value else None),
                value.category if value else text("xlsx.summary.no_data"),
                _codes(overall, lowest),
                _codes(overall, highest),
            ],
        )
    if note:
        add_row(sheet, [note])
    if data.questionnaire.lke:
        _lke(sheet, data)
    set_widths(sheet, (44, 16, 22, 26, 22, 34))


def _lke(sheet: Any, data: ReportData) -> None:
    """The LKE PMPZI value of each index, under the Ringkasan's index table."""
    add_row(sheet, [])
    lke_header = list(words("xlsx.summary.lke_header"))
    if data.service is not None:  # the unit's value, over all services: not the service's
        lke_header[0] = text("xlsx.summary.lke_unit")
    header_row(sheet, lke_header)
    months = lke_months(data)
    for key, definition in data.questionnaire.indices.items():
        _append(sheet, [definition.short, _shown(data.lke.rounded(key)), months])
    add_row(sheet, [lke_basis(data)])


def _items(sheet: Any, data: ReportData) -> None:
    questionnaire = data.questionnaire
    language = questionnaire.reference_language
    overall = data.indices.overall
    counted = data.counted
    _title(sheet, text("xlsx.items.title", month=data.month), data)
    scores_header = (text("xlsx.items.score", score=s) for s in questionnaire.scores)
    header_row(sheet, (*words("xlsx.items.header"), *scores_header))
    for key, definition in questionnaire.indices.items():
        for code in definition.items:
            item = questionnaire.item(code)
            scores = counted[code].dropna() if code in counted else pd.Series(dtype="Int64")
            _append(
                sheet,
                [
                    code,
                    item.element[language] if item else code,
                    _shown(overall.element_rounded(code)),
                    int(scores.count()),
                    *(int((scores == s).sum()) for s in questionnaire.scores),
                ],
            )
        value = overall.indices.get(key)
        _append(sheet, ["", definition.name[language], _shown(value.rounded if value else None)])
        sheet.cell(sheet.max_row, 2).font = BOLD
        sheet.cell(sheet.max_row, 3).font = BOLD
    set_widths(sheet, (8, 46, 10, 16, *(9 for _ in questionnaire.scores)))


def _services(sheet: Any, data: ReportData) -> None:
    codes = [i.code for i in data.questionnaire.items]
    keys = list(data.questionnaire.indices)
    shorts = [d.short for d in data.questionnaire.indices.values()]
    _title(sheet, text("xlsx.services.title", month=data.month), data)
    header = list(words("xlsx.services.header"))
    for short in shorts:
        header += [short, text("xlsx.services.category", short=short)]
    header_row(sheet, (*header, *codes))
    rows = [(code, data.service_name(code), b) for code, b in data.indices.services.items()]
    if data.service is None:
        rows.append(("", text("common.all_services"), data.indices.overall))
    for code, name, breakdown in rows:
        line: list[Any] = [
            code,
            name,
            breakdown.respondents,
            breakdown.responses,
            breakdown.beyond_quota,
        ]
        for key in keys:
            value = breakdown.indices.get(key)
            line += [_shown(value.rounded), value.category] if value else [DASH, DASH]
        line += [_shown(breakdown.element_rounded(c)) for c in codes]
        _append(sheet, line)
    if data.service is None:
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
    set_widths(sheet, (18, 52, 12, 12, 8, 22, 8, 26, *(7 for _ in codes)))


def _demographics(sheet: Any, data: ReportData) -> None:
    demographics = data.demographics
    _title(sheet, text("xlsx.demographics.title", month=data.month), data)
    add_row(sheet, [text("xlsx.demographics.total"), demographics.total])
    for key, counts in demographics.counts.items():
        add_row(sheet, [])
        title = text("common.age_groups") if key == "age" else demographics.titles[key]
        header_row(sheet, (title, *words("xlsx.demographics.header")))
        for label, number in counts.items():
            share = number / demographics.total if demographics.total else 0.0
            _append(sheet, [label, number, share], SHARE_FORMAT)
    set_widths(sheet, (34, 10, 12))


def _respondents(sheet: Any, data: ReportData) -> None:
    questionnaire = data.questionnaire
    language = questionnaire.reference_language
    counted = data.counted
    _title(sheet, text("xlsx.respondents.title", month=data.month), data)
    # who may see the file, or that names are left out and how to include them
    note = (
        text("common.personal")
        if data.include_personal
        else text("xlsx.respondents.private", include=text("common.include_personal"))
    )
    add_row(sheet, [note])
    identity = [q for q in questionnaire.identity if q.key in counted.columns]
    codes = [i.code for i in questionnaire.items]
    times = [t.to_pydatetime() for t in counted["submitted_at"]]
    month = Period.parse(data.period)
    first = datetime(month.year, month.month, 1, tzinfo=data.zone)
    zone = zone_label(data.zone, times or [first])
    number_header, service_header = words("xlsx.respondents.header")
    header_row(
        sheet,
        (
            number_header,
            text("xlsx.respondents.time", zone=zone),
            service_header,
            *(q.column_text[language] for q in identity),
            *codes,
        ),
    )
    numbers = data.respondent_numbers()  # a person's submissions share their number
    first = sheet.max_row + 1
    for index, (number, row, time) in enumerate(
        zip(numbers, counted.to_dict("records"), times, strict=True)
    ):
        add_row(
            sheet,
            [
                number,
                # Excel keeps no time zone: the clock time in the zone the header names.
                time.replace(tzinfo=None, microsecond=0),
                data.service_name(str(row["service"])),
                *(_cell(row[q.key]) for q in identity),
                *(_cell(row[c]) for c in codes),
            ],
        )
        sheet.cell(first + index, 2).number_format = TIME_FORMAT
    sheet.freeze_panes = "A4"
    set_widths(sheet, (6, 18, 40, *(18 for _ in identity), *(5 for _ in codes)))


def _quality(sheet: Any, data: ReportData) -> None:
    """The submissions a data-quality signal flagged, by their number on the Responden sheet."""
    _title(sheet, text("xlsx.quality.title", month=data.month), data)
    add_row(sheet, [text("xlsx.quality.note")])
    frame = data.frame
    flagged = frame[frame["id"].isin(list(data.quality.flagged))] if len(frame) else frame
    if flagged.empty:
        add_row(sheet, [text("xlsx.quality.none")])
        return
    header = list(words("xlsx.quality.header"))
    personal = [key for key in PERSONAL if data.include_personal and key in frame.columns]
    language = data.questionnaire.reference_language
    titles = {q.key: q.column_text[language] for q in data.questionnaire.identity}
    header_row(sheet, (*header, *(titles[key] for key in personal)))
    counted = data.counted
    numbers = dict(zip(counted["id"], data.respondent_numbers(), strict=True))
    for row in flagged.to_dict("records"):
        signals = data.quality.flagged[int(row["id"])]
        time = row["submitted_at"].to_pydatetime().replace(tzinfo=None, microsecond=0)
        add_row(
            sheet,
            [
                numbers.get(row["id"], DASH),
                data.service_name(str(row["service"])),
                time,
                ", ".join(text(f"xlsx.quality.signal.{signal}") for signal in signals),
                *(str(row[key] or "") for key in personal),
            ],
        )


def _suggestions(sheet: Any, data: ReportData) -> None:
    suggestions = data.suggestions()
    _title(sheet, text("xlsx.suggestions.title", month=data.month), data)
    header = list(words("xlsx.suggestions.header"))
    if data.include_personal:
        header.append(text("xlsx.suggestions.name"))
    header_row(
        sheet, (*header, text("xlsx.suggestions.suggestion"), text("xlsx.suggestions.remark"))
    )
    counted, beyond_quota = text("xlsx.suggestions.counted"), text("xlsx.suggestions.beyond_quota")
    late = text("xlsx.suggestions.late")
    anti_corruption = next(
        (d.survey for d in data.questionnaire.indices.values() if d.anti_corruption), None
    )
    for number, found in enumerate(suggestions, start=1):
        line: list[Any] = [
            number,
            data.service_name(found.service),
            counted if found.counted else late if found.late else beyond_quota,
        ]
        if data.include_personal:
            line.append(found.name or "")
        add_row(sheet, [*line, found.text, _remark(found, anti_corruption)])
        sheet.cell(sheet.max_row, len(line) + 1).alignment = Alignment(wrap_text=True)
    if not suggestions:
        add_row(sheet, ["", text("common.no_suggestions")])
    set_widths(sheet, (6, 40, 12, *((24,) if data.include_personal else ()), 90, 40))


def _remark(found: Suggestion, anti_corruption: str | None) -> str | None:
    """What the draft does with an answer, where it is not simply quoted: a placeholder is
    left out, one that concerns anti-corruption is quoted after the results of the
    ``anti_corruption`` survey (SPAK) too, when the questionnaire has one."""
    if found.placeholder:
        return text("xlsx.suggestions.placeholder")
    if anti_corruption and concerns_anti_corruption(found.text):
        return text("xlsx.suggestions.anti_corruption", survey=anti_corruption)
    return None


def _shown(value: Decimal | None) -> float | str:
    """A value rounded as the report shows it, as a number; a dash where there is none."""
    return DASH if value is None else float(value)


def _append(sheet: Any, values: Sequence[Any], number_format: str = INDEX_FORMAT) -> None:
    """Appends a row, giving its fractional numbers ``number_format``; integers stay as they are."""
    add_row(sheet, list(values), number_format)


def _title(sheet: Any, title: str, data: ReportData) -> None:
    service = data.service_name(data.service) if data.service is not None else None
    title_row(sheet, title, service)


def _codes(breakdown: Breakdown, codes: Sequence[str]) -> str:
    if not codes:
        return DASH
    return f"{', '.join(codes)} ({breakdown.element_display(codes[0])})"


def _cell(value: Any) -> Any:
    """Turns pandas' missing values and numpy integers into what openpyxl writes."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
