"""``surveibot import``: a file in the layout of :mod:`bot.cli.transfer` read, checked whole,
and stored (all or nothing) through :mod:`bot.store.transfer`. What counts as the same
submission, and which submit times are read, is said in :mod:`bot.cli.transfer`."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from bot.cli.transfer import (
    DAY_FIRST,
    ImportResult,
    RowError,
    TransferError,
    file_format,
    header,
    unquote,
)
from bot.sections import Config
from bot.store.transfer import Import, importing
from survey.console import say
from survey.period import Period
from survey.questionnaire import PERSONAL
from survey.safe_text import clean


def read_file(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yields (line number, cells as text) for every row of a CSV or XLSX file, header first.

    A CSV cell loses the quote that :func:`neutral` put before a formula.
    """
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
            yield number, [unquote(cell) for cell in row]
        return
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TransferError(say("transfer.not_xlsx", path=path)) from exc
    if _is_report_workbook(book.sheetnames):
        book.close()
        raise TransferError(say("transfer.report_workbook", path=path))
    sheet = book.worksheets[0]
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, ["" if v is None else _cell_text(v) for v in values]
    book.close()


def _is_report_workbook(names: Sequence[str]) -> bool:
    """Whether the sheets are those of the report's workbook (analysis/report_xlsx.py)."""
    from analysis.texts import words

    return any(set(words("xlsx.sheets", lang)) <= set(names) for lang in ("id", "en"))


@dataclass(frozen=True)
class Checked:
    """A file's rows as they will be stored, or the reasons it cannot be imported."""

    rows: tuple[dict[str, Any], ...] = ()
    errors: tuple[RowError, ...] = ()

    @property
    def bad_lines(self) -> int:
        """How many lines have at least one error."""
        return len({error.line for error in self.errors})


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
        return Checked(errors=tuple(RowError(line, r) for r in _header_problems(found, expected)))
    parser = _RowParser(config)
    parsed: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for number, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are not rows
        problems: list[str] = []
        if any(cell.strip() for cell in cells[len(expected) :]):
            problems.append(say("transfer.too_many", count=len(cells), width=len(expected)))
        row = parser.parse(dict(zip(expected, cells, strict=False)), problems)
        if problems:
            errors.extend(RowError(number, problem) for problem in problems)
        else:
            parsed.append(row)
    return Checked(tuple(parsed), tuple(errors))


def _header_problems(found: Sequence[str], expected: Sequence[str]) -> list[str]:
    """Names the missing and unknown columns, then says what the header must be."""
    wanted = [name.lower() for name in expected]
    missing = [name for name in expected if name.lower() not in found]
    unknown = [name for name in found if name and name not in wanted]
    problems = []
    if missing:
        problems.append(say("transfer.missing_columns", names=", ".join(missing)))
    if unknown:
        problems.append(say("transfer.unknown_columns", names=", ".join(unknown)))
    problems.append(say("transfer.header", columns=",".join(expected)))
    return problems


class _RowParser:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.q = config.survey.questionnaire
        self.zone: tzinfo = config.survey.timezone
        self.required = ("period", "service", "submitted_at", *(i.code for i in self.q.items))

    def parse(self, row: Mapping[str, str], problems: list[str]) -> dict[str, Any]:
        """Returns the row as it will be stored; adds every problem it finds to ``problems``.

        ``row`` lacks the columns a short line does not reach: a required one is named missing,
        an optional one (identity, suggestion) is empty.
        """
        row = {key: clean(value) for key, value in row.items()}  # what a report cannot hold
        missing = [name for name in self.required if name not in row]
        if missing:
            problems.append(say("transfer.missing_cells", names=", ".join(missing)))

        def check(name: str, parse: Callable[..., Any], *args: Any) -> Any:
            if name not in row:
                return None  # a missing column is said once, above
            try:
                return parse(*args, row[name])
            except ValueError as exc:
                problems.append(str(exc))
                return None

        period = check("period", self.period)
        service = check("service", self.service)
        submitted = check("submitted_at", self.moment)
        if period is not None and submitted is not None:
            check("submitted_at", self.in_time, period, submitted)
        identity = {
            q.key: check(q.key, self.identity_value, q.key) if q.key in row else ""
            for q in self.q.identity
        }
        scores = {item.code: check(item.code, self.score, item.code) for item in self.q.items}
        return {
            "period": period,
            "service": service,
            "submitted_at": submitted and submitted.isoformat(timespec="microseconds"),
            "identity": identity,
            "scores": scores,
            "suggestion": row.get("suggestion", "").strip() or None,
        }

    def period(self, text: str) -> str:
        period = text.strip()
        if not Period.is_one(period):
            raise ValueError(say("cli.period", value=repr(period)))
        return Period.parse(period)

    def service(self, text: str) -> str:
        service = text.strip()
        if self.config.service(service) is None:
            codes = ", ".join(s.code for s in self.config.services)
            raise ValueError(say("transfer.service", value=repr(service), codes=codes))
        return service

    def moment(self, text: str) -> datetime:
        """Returns the submit time in UTC; a time without a zone is in the survey's zone."""
        text = text.strip()
        day_first = DAY_FIRST.fullmatch(text)
        try:
            if day_first:
                parts = {k: int(v) for k, v in day_first.groupdict(default="0").items()}
                moment = datetime(
                    parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"]
                )
            else:
                moment = datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            raise ValueError(say("transfer.submitted_at", value=repr(text))) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC)

    def in_time(self, period: str, moment: datetime, text: str) -> None:
        """Refuses a submit time before the period's month: the month's service comes first."""
        if Period.of(moment, self.zone) < period:
            raise ValueError(say("transfer.before_period", value=repr(text.strip()), period=period))

    def identity_value(self, key: str, text: str) -> str:
        question = self.q.identity_question(key)
        assert question is not None
        return question.imported(text, self.q.reference_language)

    def score(self, code: str, text: str) -> int:
        text = text.strip()
        if text.endswith(".0"):
            text = text[:-2]  # spreadsheets store 4 as 4.0
        if text not in {str(score) for score in self.q.scores}:
            raise ValueError(say("transfer.score", key=code, value=repr(text), high=self.q.points))
        return int(text)


def store(
    config: Config, rows: Sequence[Mapping[str, Any]], source: Path | None = None
) -> ImportResult:
    """Stores checked rows in one transaction; a row identical to a stored one is counted only.

    Each stored submission stands for one row: a file holding a submission twice adds the second
    copy unless the database holds two. Name and institution are compared too, unless the file
    has none at all (an export without them). The audit trail records, per month, the rows
    added and the file's name and SHA-256 (``source``).
    """
    digest = hashlib.sha256(source.read_bytes()).hexdigest() if source is not None else None
    name = source.name if source is not None else None
    keys = [q.key for q in config.survey.questionnaire.identity]
    personal = [key for key in PERSONAL if key in keys]
    if not any(row["identity"].get(key) for row in rows for key in personal):
        keys = [key for key in keys if key not in personal]
    added = identical = 0
    late: Counter[str] = Counter()
    per_month: Counter[str] = Counter()
    with importing(config.storage.path) as into:
        periods = sorted({row["period"] for row in rows})
        closed = _closed_periods(into, config, periods)
        stored = Counter(_content(row, keys) for row in into.stored(periods))
        for row in rows:
            content = _content(row, keys)
            if stored[content]:
                stored[content] -= 1
                identical += 1
                continue
            is_late = row["period"] in closed
            into.add(row, _row_key(row), is_late)
            added += 1
            per_month[row["period"]] += 1
            late[row["period"]] += is_late
        for period in periods:
            into.event(period, file=name, sha256=digest, added=per_month[period])
        _closed_periods(into, config, periods)  # months past their post time close behind it
    return ImportResult(added, identical, late={p: n for p, n in sorted(late.items()) if n})


def _closed_periods(into: Import, config: Config, periods: Sequence[str]) -> set[str]:
    """The months among ``periods`` that are closed, closing those whose post time has passed
    when there is no staff chat, as the bot would (a month holding no submission stays open, so
    history imported for it counts): rows for closed months are added as late."""
    from bot.staff.closed_months import closing  # the CLI's other commands need no telegram

    return into.closed(periods, closing(config), datetime.now(UTC))


def _content(row: Mapping[str, Any], keys: Sequence[str]) -> str:
    """A submission's content in one form, from a file or the database (of its identity: keys)."""
    moment = datetime.fromisoformat(row["submitted_at"]).astimezone(UTC)
    identity = row["identity"]
    return json.dumps(
        [
            row["period"],
            row["service"],
            moment.isoformat(timespec="microseconds"),
            [" ".join(str(identity.get(key) or "").split()) for key in keys],
            sorted((code, int(score)) for code, score in row["scores"].items()),
            (row["suggestion"] or "").strip(),
        ],
        ensure_ascii=False,
    )


def _row_key(row: Mapping[str, Any]) -> str:
    canonical = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):  # an Excel date cell (datetime is a date too)
        return value.isoformat()
    return str(value)
