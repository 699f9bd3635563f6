"""Export a month's submissions to CSV/XLSX, and import history from a previous platform.

Both use one layout, so export → import round-trips::

    period,service,submitted_at,name,age,gender,education,occupation,institution,
    U1,…,U8,P1,…,P5,suggestion

Choices are written and read as the questionnaire labels them (reference language; the option
code is accepted too), scores as 1–4. An import is all or nothing: every bad row is reported with
its line number and reason, and nothing is imported from a file that has any. Each row gets a key
(a hash of its content), and a row whose service, period and submit time are already stored is
skipped, so importing the same file twice adds nothing. The quota needs no work here: counted
submissions are derived from ``submitted_at`` order whenever they are read.

This module runs in the command line, without an event loop: it uses the stdlib ``sqlite3``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from analysis.safe_text import clean
from bot.config import Config
from bot.console import say
from bot.questionnaire import Questionnaire

FORMATS = ("csv", "xlsx")


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
    already_present: int
    errors: tuple[RowError, ...] = ()


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


def export_rows(config: Config, period: str) -> list[list[Any]]:
    """Returns every submission of ``period`` (counted or not) in submit order, as file rows."""
    from analysis.data import load_period

    q = config.survey.questionnaire
    frame = load_period(config.storage.path, period, q, config.survey.monthly_quota)
    rows: list[list[Any]] = []
    for record in frame.to_dict("records"):
        submitted = record["submitted_at"].to_pydatetime().astimezone(config.survey.timezone)
        row: list[Any] = [period, record["service"], submitted.isoformat()]
        for question in q.identity:
            row.append(_plain(record[question.key]))
        row.extend(_plain(record[item.code]) for item in q.items)
        row.append(_plain(record["suggestion"]))
        rows.append(row)
    return rows


def write_file(path: Path, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Writes rows as CSV (UTF-8 with BOM, so Excel reads it) or XLSX, by the file's suffix."""
    kind = file_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows(rows)
        return
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Responden"
    sheet.append(list(columns))
    for row in rows:
        sheet.append(list(row))
    book.save(path)


def file_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise TransferError(say("transfer.format", path=path))
    return suffix


# -- import ----------------------------------------------------------------------------------------


def read_file(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yields (line number, cells as text) for every row of a CSV or XLSX file, header first."""
    kind = file_format(path)
    if not path.is_file():
        raise TransferError(say("transfer.not_found", path=path))
    if kind == "csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TransferError(say("transfer.not_utf8", path=path, position=exc.start)) from None
        # Excel set to Indonesian (or other comma-decimal locales) saves CSV with semicolons.
        header = text.partition("\n")[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            yield number, row
        return
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TransferError(say("transfer.not_xlsx", path=path)) from exc
    sheet = book.worksheets[0]
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, ["" if v is None else _cell_text(v) for v in values]
    book.close()


@dataclass(frozen=True)
class Checked:
    """A file's rows as they will be stored, or the reasons it cannot be imported."""

    rows: tuple[dict[str, Any], ...] = ()
    errors: tuple[RowError, ...] = ()


def import_file(config: Config, path: Path) -> ImportResult:
    """Validates every row, then stores them all in one transaction, or none if any is bad."""
    checked = check_file(config, path)
    if checked.errors:
        return ImportResult(0, 0, checked.errors)
    return store(config, checked.rows)


def check_file(config: Config, path: Path) -> Checked:
    """Reads and validates every row of ``path`` without touching the database."""
    rows = list(read_file(path))
    expected = header(config.survey.questionnaire)
    if not rows:
        return Checked(errors=(RowError(1, say("transfer.empty")),))
    line, first = rows[0]
    found = [cell.strip().lower() for cell in first]
    while found and not found[-1]:
        found.pop()
    if found != [name.lower() for name in expected]:
        reason = say("transfer.header", columns=",".join(expected))
        return Checked(errors=(RowError(line, reason),))
    parser = _RowParser(config)
    parsed: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for number, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are not rows
        try:
            parsed.append(
                parser.parse(dict(zip(expected, _pad(cells, len(expected)), strict=True)))
            )
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
    return Checked(tuple(parsed), tuple(errors))


class _RowParser:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.q = config.survey.questionnaire
        self.zone: tzinfo = config.survey.timezone

    def parse(self, row: Mapping[str, str]) -> dict[str, Any]:
        row = {key: clean(value) for key, value in row.items()}  # what a report cannot hold
        period = row["period"].strip()
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
            raise ValueError(say("cli.period", value=repr(period)))
        service = row["service"].strip()
        if self.config.service(service) is None:
            codes = ", ".join(s.code for s in self.config.services)
            raise ValueError(say("transfer.service", value=repr(service), codes=codes))
        submitted = self.moment(row["submitted_at"])
        identity: dict[str, str] = {}
        for question in self.q.identity:
            identity[question.key] = self.identity_value(question.key, row[question.key])
        scores = {item.code: self.score(item.code, row[item.code]) for item in self.q.items}
        suggestion = row["suggestion"].strip() or None
        return {
            "period": period,
            "service": service,
            "submitted_at": submitted,
            "identity": identity,
            "scores": scores,
            "suggestion": suggestion,
        }

    def moment(self, text: str) -> str:
        text = text.strip()
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
        except ValueError:
            raise ValueError(say("transfer.submitted_at", value=repr(text))) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC).isoformat(timespec="microseconds")

    def identity_value(self, key: str, text: str) -> str:
        question = self.q.identity_question(key)
        assert question is not None
        text = " ".join(text.split())
        if question.kind == "integer":
            if not text:
                return ""
            if not re.fullmatch(r"\d{1,3}", text) or not question.min <= int(text) <= question.max:
                low, high = question.min, question.max
                raise ValueError(
                    say("transfer.integer", key=key, value=repr(text), low=low, high=high)
                )
            return str(int(text))
        if question.kind == "choice":
            if not text:
                return ""
            for option in question.options:
                labels = {option.code.lower(), *(label.lower() for label in option.label.values())}
                if text.lower() in labels or _squash(text) in {_squash(x) for x in labels}:
                    return option.code
            allowed = ", ".join(o.label[self.q.reference_language] for o in question.options)
            raise ValueError(say("transfer.choice", key=key, value=repr(text), allowed=allowed))
        if len(text) > question.max_length:
            raise ValueError(say("transfer.too_long", key=key, length=question.max_length))
        return text

    def score(self, code: str, text: str) -> int:
        text = text.strip()
        if text.endswith(".0"):
            text = text[:-2]  # spreadsheets store 4 as 4.0
        if text not in ("1", "2", "3", "4"):
            raise ValueError(say("transfer.score", key=code, value=repr(text)))
        return int(text)


def store(config: Config, rows: Sequence[Mapping[str, Any]]) -> ImportResult:
    """Stores checked rows in one transaction; a row already stored is counted, not added."""
    added = present = 0
    with sqlite3.connect(config.storage.path, isolation_level=None) as db:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")
        db.execute("BEGIN IMMEDIATE")
        try:
            for row in rows:
                key = _row_key(row)
                duplicate = db.execute(
                    "SELECT 1 FROM submissions WHERE import_key = ? OR "
                    "(service = ? AND period = ? AND submitted_at = ?)",
                    (key, row["service"], row["period"], row["submitted_at"]),
                ).fetchone()
                if duplicate:
                    present += 1
                    continue
                cursor = db.execute(
                    "INSERT INTO submissions (service, period, submitted_at, language, identity, "
                    "suggestion, source, import_key) VALUES (?, ?, ?, ?, ?, ?, 'import', ?)",
                    (
                        row["service"],
                        row["period"],
                        row["submitted_at"],
                        "id",
                        json.dumps(row["identity"], ensure_ascii=False),
                        row["suggestion"],
                        key,
                    ),
                )
                db.executemany(
                    "INSERT INTO scores (submission_id, item, score) VALUES (?, ?, ?)",
                    [(cursor.lastrowid, code, score) for code, score in row["scores"].items()],
                )
                added += 1
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return ImportResult(added, present)


def _row_key(row: Mapping[str, Any]) -> str:
    canonical = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _pad(cells: list[str], width: int) -> list[str]:
    return (cells + [""] * width)[:width]


def _plain(value: Any) -> Any:
    """Turns pandas' missing values into empty cells and numpy numbers into Python ones."""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _squash(text: str) -> str:
    return re.sub(r"[\s\-–/]", "", text.lower())
