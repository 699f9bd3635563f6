"""Red flags (table ``red_flags``): found among new submissions, claimed, marked sent.

The scan reads every submission stored since the last one it read (``settings.red_flags_after``)
and queues those the caller's rule flags, in one transaction; so a flag is never missed, even
when the process stopped between the submit and the alert. Sending is claimed with a lease, as
the monthly post is: one alert per red flag, across restarts and several processes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store import events
from bot.store.connection import iso
from bot.store.settings import remember, setting
from bot.store.storage import Storage
from survey.integrity import Flag

__all__ = ["Alert", "claim", "flags_of", "scan", "sent", "unclaim"]

AFTER = "red_flags_after"
FlagOf = Callable[[Mapping[str, int], str | None], Flag | None]


@dataclass(frozen=True)
class Alert:
    """A red flag to tell: where and when, why, and the suggestion's text."""

    submission_id: int
    service: str
    period: str
    items: tuple[tuple[str, int], ...]
    words: tuple[str, ...]
    suggestion: str | None


async def scan(storage: Storage, flag_of: FlagOf, now: datetime) -> int:
    """Queues the red flags among the submissions stored since the last scan; returns how many."""
    return await storage.write(_scan, flag_of, iso(now))


def _scan(db: sqlite3.Connection, flag_of: FlagOf, now: str) -> int:
    after = int(setting(db, AFTER) or 0)
    rows = db.execute(
        "SELECT s.id, s.period, s.suggestion, json_group_object(sc.item, sc.score) "
        "FROM submissions AS s "
        "LEFT JOIN scores AS sc ON sc.submission_id = s.id WHERE s.id > ? GROUP BY s.id",
        (after,),
    ).fetchall()
    found = 0
    for submission_id, period, suggestion, scores in rows:
        flag = flag_of(json.loads(scores or "{}"), suggestion)
        if flag is not None:
            added = db.execute(
                "INSERT OR IGNORE INTO red_flags (submission_id, flagged_at, items, words) "
                "VALUES (?, ?, ?, ?)",
                (submission_id, now, json.dumps(flag.items), json.dumps(flag.words)),
            ).rowcount
            if added:
                events.record(db, "red_flag", period, now, submission=submission_id)
            found += added
        after = max(after, submission_id)
    remember(db, AFTER, str(after), now)
    return found


async def claim(storage: Storage, owner: str, now: datetime, lease: timedelta) -> list[Alert]:
    """Claims every red flag not sent and not held by a live lease, oldest first."""
    return await storage.write(_claim, owner, iso(now), iso(now + lease))


def _claim(db: sqlite3.Connection, owner: str, now: str, until: str) -> list[Alert]:
    rows = db.execute(
        f"{_ALERTS} WHERE r.state = 'due' OR (r.state = 'claimed' AND r.lease_until < ?) "
        "ORDER BY r.submission_id",
        (now,),
    ).fetchall()
    db.executemany(
        "UPDATE red_flags SET state = 'claimed', claimed_by = ?, lease_until = ? "
        "WHERE submission_id = ?",
        [(owner, until, row[0]) for row in rows],
    )
    return [_alert(row) for row in rows]


async def flags_of(storage: Storage, period: str) -> list[Alert]:
    """The red flags found in ``period``'s submissions, told or not, oldest first."""
    return await storage.read(_flags_of, period)


def _flags_of(db: sqlite3.Connection, period: str) -> list[Alert]:
    sql = f"{_ALERTS} WHERE s.period = ? ORDER BY r.submission_id"
    return [_alert(row) for row in db.execute(sql, (period,)).fetchall()]


_ALERTS = (
    "SELECT r.submission_id, s.service, s.period, r.items, r.words, s.suggestion "
    "FROM red_flags AS r JOIN submissions AS s ON s.id = r.submission_id"
)


def _alert(row: sqlite3.Row) -> Alert:
    return Alert(
        submission_id=row[0],
        service=row[1],
        period=row[2],
        items=tuple((str(code), int(score)) for code, score in json.loads(row[3])),
        words=tuple(json.loads(row[4])),
        suggestion=row[5],
    )


async def sent(storage: Storage, submission_id: int, message_id: int, now: datetime) -> None:
    """Marks a red flag told."""
    await storage.write(_sent, submission_id, message_id, iso(now))


def _sent(db: sqlite3.Connection, submission_id: int, message_id: int, now: str) -> None:
    db.execute(
        "UPDATE red_flags SET state = 'sent', sent_at = ?, message_id = ?, lease_until = NULL "
        "WHERE submission_id = ?",
        (now, message_id, submission_id),
    )


async def unclaim(storage: Storage, submission_id: int) -> None:
    """Gives a red flag back, to be tried again by the next run."""
    await storage.write(_unclaim, submission_id)


def _unclaim(db: sqlite3.Connection, submission_id: int) -> None:
    db.execute(
        "UPDATE red_flags SET state = 'due', claimed_by = NULL, lease_until = NULL "
        "WHERE submission_id = ? AND state = 'claimed'",
        (submission_id,),
    )
