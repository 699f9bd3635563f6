"""The rows of an import from a previous platform (:mod:`bot.cli.transfer`): one ``BEGIN
IMMEDIATE`` transaction on a connection of its own, as the command line has no event loop.

Imported submissions are stored by the one insert the bot's submit uses
(:func:`bot.store.submissions.insert_submission`), with ``source = 'import'`` and an
``import_key`` per row.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.store import events
from bot.store.closed_months import Closing, close_month, closed_month
from bot.store.submissions import insert_submission


class Import:
    """The database as one import sees it, inside its transaction (:func:`importing`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def event(self, period: str, **detail: object) -> None:
        """Records the import of ``period``'s rows in the audit trail."""
        events.record(self._db, "import", period, datetime.now(UTC), **detail)

    def closed(self, periods: Sequence[str], closing: Closing | None, now: datetime) -> set[str]:
        """The months among ``periods`` that are closed, closing first those that ``closing``
        says are due (a month holding no submission stays open)."""
        for period in periods:
            if closing is not None and closing.closes(period, now):
                close_month(self._db, period, "post_time", closing.quota, now)
        return {period for period in periods if closed_month(self._db, period) is not None}

    def stored(self, periods: Sequence[str]) -> list[dict[str, Any]]:
        """Every submission of ``periods``, from the bot or an import, as a file row reads."""
        marks = ", ".join("?" * len(periods))
        scores: dict[int, dict[str, int]] = {}
        for submission, item, score in self._db.execute(
            "SELECT sc.submission_id, sc.item, sc.score FROM scores AS sc "
            f"JOIN submissions AS s ON s.id = sc.submission_id WHERE s.period IN ({marks})",
            periods,
        ):
            scores.setdefault(submission, {})[item] = score
        found = []
        for number, period, service, submitted_at, identity, suggestion in self._db.execute(
            "SELECT id, period, service, submitted_at, identity, suggestion FROM submissions "
            f"WHERE period IN ({marks})",
            periods,
        ):
            found.append(
                {
                    "period": period,
                    "service": service,
                    "submitted_at": submitted_at,
                    "identity": json.loads(identity),
                    "scores": scores.get(number, {}),
                    "suggestion": suggestion,
                }
            )
        return found

    def add(self, row: Mapping[str, Any], key: str, late: bool) -> None:
        """Adds one checked row, with its scores, as an imported submission (``late`` for a
        closed month: kept, never counted), under ``key`` or the next free ``key#n``."""
        insert_submission(
            self._db,
            service=row["service"],
            period=row["period"],
            submitted_at=row["submitted_at"],
            language="id",
            identity=row["identity"],
            suggestion=row["suggestion"],
            scores=row["scores"],
            late=late,
            source="import",
            import_key=self._free_key(key),
        )

    def _free_key(self, key: str) -> str:
        """``key``, or ``key#2``, ``key#3`` … for the next identical copy: the first not stored."""
        candidate, copy = key, 1
        while self._db.execute(
            "SELECT 1 FROM submissions WHERE import_key = ?", (candidate,)
        ).fetchone():
            copy += 1
            candidate = f"{key}#{copy}"
        return candidate


@contextlib.contextmanager
def importing(db_path: Path) -> Iterator[Import]:
    """Opens the database at ``db_path`` for one import: committed when the block ends, rolled
    back when it raises."""
    # closing(): sqlite3's own context manager ends the transaction but leaves the file open.
    with contextlib.closing(sqlite3.connect(db_path, isolation_level=None)) as db:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")
        db.execute("BEGIN IMMEDIATE")
        try:
            yield Import(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
