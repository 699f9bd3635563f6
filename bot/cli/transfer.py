"""Export a month's submissions to CSV/XLSX, and import history from a previous platform.

Both use one layout, so export → import round-trips::

    period,service,submitted_at,name,age,gender,education,occupation,institution,
    U1,…,U8,P1,…,P5,suggestion

Choices are written and read as the questionnaire labels them (reference language; the option
code is accepted too), scores as 1–4. Export leaves names and institutions empty unless asked
for them; such a file still imports. A CSV cell that a spreadsheet would run as a formula (it
begins with ``=``, ``+``, ``-``, ``@``, tab or CR) is written behind a single quote, and import
takes exactly that quote off again; XLSX cells are written as plain text.

Reading a file in (:mod:`bot.cli.importing`) is all or nothing: every error of every bad row is
reported with its line number, and nothing is imported from a file that has any.
``submitted_at`` may be ISO (``2025-04-14 10:12``), as Excel set to Indonesian writes it
(``14/04/2025 10:12``, ``14/04/2025 10.12.33``, ``14/04/2025``) or an Excel date cell, and must
fall in its period's month or later.

A row is already stored only when it is the same submission: period, service, submit time, every
answer and the suggestion equal. Name and institution are compared too, unless no row of the file
has any (an export without them still matches what it came from). Identical rows are counted, not
collapsed: the n-th identical row of a file matches the n-th identical stored submission, so two
anonymous paper forms with the same answers and minute are two submissions, and importing the
same file twice adds nothing. The quota needs no work here: counted submissions are derived from
``submitted_at`` order whenever they are read.

This module runs in the command line, without an event loop: its rows are read and stored by
:mod:`bot.store.transfer`, with the stdlib ``sqlite3``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.sections import Config
from survey.console import say
from survey.questionnaire import PERSONAL, Questionnaire

FORMATS = ("csv", "xlsx")
# OWASP "CSV injection": a cell beginning with one of these is run by spreadsheets as a formula.
# A value already beginning with quotes before one of them gets one more, so import can always
# take exactly one off.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
# 14/04/2025, 14/04/2025 10:12, 14/04/2025 10:12:33 (Excel set to Indonesian; or with dots).
DAY_FIRST = re.compile(
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:[ T](?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?)?"
)


class TransferError(Exception):
    """The file cannot be read or written; the message says why."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return say("transfer.row", line=self.line, reason=self.reason)


@dataclass(frozen=True)
class ImportResult:
    added: int
    identical: int
    errors: tuple[RowError, ...] = ()
    late: Mapping[str, int] = field(default_factory=dict)  # period → rows added as late


def header(questionnaire: Questionnaire) -> list[str]:
    """Returns the column names of the file layout."""
    return [
        "period",
        "service",
        "submitted_at",
        *(q.key for q in questionnaire.identity),
        *(i.code for i in questionnaire.items),
        "suggestion",
    ]


# -- export ----------------------------------------------------------------------------------------


def export_rows(config: Config, period: str, personal: bool) -> list[list[Any]]:
    """Returns every submission of ``period`` (counted or not) in submit order, as file rows.

    Names and institutions are left empty unless ``personal``.
    """
    from analysis.db import load_period

    q = config.survey.questionnaire
    hidden = () if personal else PERSONAL
    frame = load_period(config.storage.path, period, q, config.survey.monthly_quota)
    rows: list[list[Any]] = []
    for record in frame.to_dict("records"):
        submitted = record["submitted_at"].to_pydatetime().astimezone(config.survey.timezone)
        row: list[Any] = [period, record["service"], submitted.isoformat()]
        for question in q.identity:
            row.append("" if question.key in hidden else plain(record[question.key]))
        row.extend(plain(record[item.code]) for item in q.items)
        row.append(plain(record["suggestion"]))
        rows.append(row)
    return rows


def write_file(path: Path, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Writes rows as CSV (UTF-8 with BOM, so Excel reads it) or XLSX, by the file's suffix.

    No cell a respondent wrote can become a formula: CSV cells that would are quoted
    (:func:`neutral`), XLSX text cells are typed as text.
    """
    kind = file_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows([neutral(v) if isinstance(v, str) else v for v in r] for r in rows)
        return
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Responden"
    sheet.append(list(columns))
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl makes "=…" a formula otherwise
    book.save(path)


def neutral(text: str) -> str:
    """Returns ``text`` behind a single quote if a spreadsheet would run it as a formula."""
    return f"'{text}" if _FORMULA.match(text) else text


def unquote(text: str) -> str:
    """Takes off the single quote :func:`neutral` added, and only that one."""
    return text[1:] if text.startswith("'") and _FORMULA.match(text, 1) else text


def file_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise TransferError(say("transfer.format", path=path))
    return suffix


def plain(value: Any) -> Any:
    """Turns pandas' missing values into empty cells and numpy numbers into Python ones."""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value
