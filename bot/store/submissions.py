"""Submissions and their scores: reading one back, counting a month's, and which of them count
under the quota (:mod:`analysis.quota`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from analysis.db import PERSON_COLUMNS, persons
from analysis.quota import counted_ids as counted
from bot.store.connection import _first_of, _rows_of, parse_time


@dataclass(frozen=True)
class Submission:
    id: int
    user_id: int | None
    service: str
    period: str
    submitted_at: datetime
    language: str
    identity: Mapping[str, Any]
    suggestion: str | None
    scores: Mapping[str, int]
    late: bool = False  # stored after its month closed: kept, never counted


# The person's submission of a service and month: by the keyed hash, which outlives an erasure,
# or by the user id, for a row stored without the hash.
SAME_PERSON = "(person_key = ? OR user_id = ?) AND service = ? AND period = ?"


def submission_where(
    db: sqlite3.Connection, where: str, args: tuple[Any, ...]
) -> Submission | None:
    row = _first_of(db, f"SELECT * FROM submissions WHERE {where}", args)
    if row is None:
        return None
    rows = _rows_of(db, "SELECT item, score FROM scores WHERE submission_id = ?", (row["id"],))
    scores = {item: int(score) for item, score in rows}
    return Submission(
        id=row["id"],
        user_id=row["user_id"],
        service=row["service"],
        period=row["period"],
        submitted_at=parse_time(row["submitted_at"]),
        language=row["language"],
        identity=json.loads(row["identity"]),
        suggestion=row["suggestion"],
        scores=scores,
        late=bool(row["late"]),
    )


def counted_ids(db: sqlite3.Connection, period: str, quota: int) -> list[int]:
    prefix, args = persons("", [period])
    rows = _rows_of(db, f"{prefix} SELECT {PERSON_COLUMNS} FROM persons", args)
    return sorted(counted(rows, quota))


def submission_count(db: sqlite3.Connection, period: str) -> int:
    row = _first_of(db, "SELECT COUNT(*) FROM submissions WHERE period = ?", (period,))
    return int(row[0]) if row else 0


def insert_submission(
    db: sqlite3.Connection,
    *,
    service: str,
    period: str,
    submitted_at: str,
    language: str,
    identity: Mapping[str, Any],
    suggestion: str | None,
    scores: Mapping[str, int],
    late: bool,
    draft_id: int | None = None,
    user_id: int | None = None,
    person_key: str | None = None,
    source: str = "telegram",
    import_key: str | None = None,
) -> int:
    """Stores one submission with its scores, from the bot or an import; returns its id."""
    submission_id = db.execute(
        "INSERT INTO submissions (draft_id, user_id, person_key, service, period, submitted_at, "
        "language, identity, suggestion, source, import_key, late) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft_id,
            user_id,
            person_key,
            service,
            period,
            submitted_at,
            language,
            json.dumps(identity, ensure_ascii=False),
            suggestion,
            source,
            import_key,
            int(late),
        ),
    ).lastrowid
    assert submission_id is not None
    db.executemany(
        "INSERT INTO scores (submission_id, item, score) VALUES (?, ?, ?)",
        [(submission_id, item, score) for item, score in scores.items()],
    )
    return submission_id
