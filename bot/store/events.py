"""The audit trail (table ``events``): what happened to the month's data, appended in the same
transaction as the change itself and never changed after (the table's triggers refuse it).

Each event has a kind, the month it concerns (when it has one) and details without personal
data: ids, counts, services, file names and hashes. ``surveibot audit YYYY-MM`` prints them.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis.db import connect_readonly
from bot.store.connection import iso

__all__ = ["KINDS", "read", "record"]

KINDS = (
    "submission",
    "late_submission",
    "review_change",
    "erasure",
    "import",
    "month_closed",
    "post_sent",
    "red_flag",
    "action_recorded",
)


def record(
    db: sqlite3.Connection, kind: str, period: str | None, at: datetime | str, **detail: Any
) -> None:
    """Appends one event, inside the caller's transaction."""
    db.execute(
        "INSERT INTO events (at, kind, period, detail) VALUES (?, ?, ?, ?)",
        (at if isinstance(at, str) else iso(at), kind, period, json.dumps(detail, sort_keys=True)),
    )


def read(db_path: Path, period: str) -> list[dict[str, Any]]:
    """The events of ``period``, and those of no month (an erasure) that happened in it, in the
    order they happened (read-only)."""
    with connect_readonly(db_path) as db:
        rows = db.execute(
            "SELECT id, at, kind, period, detail FROM events "
            "WHERE period = ? OR (period IS NULL AND substr(at, 1, 7) = ?) ORDER BY id",
            (period, period),
        ).fetchall()
    return [
        {"id": i, "at": at, "kind": kind, "period": p, **json.loads(detail)}
        for i, at, kind, p, detail in rows
    ]
