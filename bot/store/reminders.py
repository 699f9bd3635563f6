"""Reminders to respondents who did not submit (tables ``reminders`` and ``unreachable``).

Each reminder is a row keyed (draft, n), claimed with a lease before it is sent and marked
``sent``, ``failed`` or ``unreachable`` after (see :mod:`bot.reminders`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store.connection import iso, parse_time
from bot.store.storage import Storage


@dataclass(frozen=True)
class Due:
    """Reminder ``n`` of a draft, due while the draft was last active at ``updated_at``."""

    draft_id: int
    n: int
    updated_at: str


async def due(
    storage: Storage, delay: timedelta, max_count: int, max_attempts: int, now: datetime
) -> list[Due]:
    """Returns the reminders due now, oldest activity first: reminder ``n`` (up to
    ``max_count``) of the user's most recently active open draft, ``delay`` after the later of
    its last activity and its previous reminder; none for a draft whose reminder failed
    ``max_attempts`` times, nor for a respondent unreachable since their last activity."""
    rows = await storage.read(_due_rows, iso(now - delay), max_attempts)
    found = []
    for draft_id, updated_at, sent, last_sent in rows:
        last = max(updated_at, last_sent or "")
        if sent < max_count and parse_time(last) + delay <= now:
            found.append(Due(draft_id, sent + 1, updated_at))
    return found


async def claim(
    storage: Storage, due: Due, owner: str, now: datetime, lease: timedelta, max_attempts: int
) -> bool:
    """Takes reminder (draft, n) for ``owner`` if it is still due and nobody else holds it."""
    return await storage.write(_claim, due, owner, iso(now), iso(now + lease), max_attempts)


async def settle(
    storage: Storage,
    due: Due,
    owner: str,
    status: str | None,
    now: datetime,
    user_id: int | None = None,
    reason: str = "forbidden",
) -> None:
    """Marks our claim ``sent``, ``failed`` or ``unreachable`` (the respondent too), or gives it
    back (``None``) as if it was never made."""
    await storage.write(_settle, due, owner, status, iso(now), user_id, reason)


def _due_rows(db: sqlite3.Connection, active_before: str, max_attempts: int) -> list[sqlite3.Row]:
    return db.execute(
        "SELECT d.id, d.updated_at, (SELECT COUNT(*) FROM reminders r WHERE r.draft_id = d.id "
        " AND r.status = 'sent'), (SELECT MAX(r.sent_at) FROM reminders r "
        " WHERE r.draft_id = d.id AND r.status = 'sent') FROM drafts d "
        "WHERE d.status = 'open' AND d.chat_id IS NOT NULL AND d.updated_at <= ? "
        "AND d.id = (SELECT o.id FROM drafts o WHERE o.user_id = d.user_id "
        " AND o.status = 'open' ORDER BY o.updated_at DESC, o.id DESC LIMIT 1) "
        "AND NOT EXISTS (SELECT 1 FROM unreachable u WHERE u.user_id = d.user_id "
        " AND u.since >= d.updated_at) "
        "AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.draft_id = d.id "
        " AND r.status = 'failed' AND r.attempts >= ?) "
        "ORDER BY d.updated_at, d.id",
        (active_before, max_attempts),
    ).fetchall()


def _claim(
    db: sqlite3.Connection, due: Due, owner: str, now: str, until: str, max_attempts: int
) -> bool:
    row = db.execute(
        "SELECT d.status = 'open' AND d.updated_at = ? AND NOT EXISTS (SELECT 1 FROM "
        "unreachable u WHERE u.user_id = d.user_id AND u.since >= d.updated_at) AND "
        "(SELECT COUNT(*) FROM reminders r WHERE r.draft_id = d.id AND r.status = 'sent') = ? "
        "FROM drafts d WHERE d.id = ?",
        (due.updated_at, due.n - 1, due.draft_id),
    ).fetchone()
    if row is None or not row[0]:
        return False
    cursor = db.execute(
        "INSERT INTO reminders (draft_id, n, status, claimed_by, claimed_until, attempts) "
        "VALUES (?, ?, 'claimed', ?, ?, 1) ON CONFLICT (draft_id, n) DO UPDATE SET "
        "status = 'claimed', claimed_by = excluded.claimed_by, "
        "claimed_until = excluded.claimed_until, attempts = attempts + 1 "
        "WHERE status = 'failed' AND attempts < ? OR status = 'unreachable' "
        "OR status = 'claimed' AND claimed_until <= ?",
        (due.draft_id, due.n, owner, until, max_attempts, now),
    )
    return cursor.rowcount == 1


def _settle(
    db: sqlite3.Connection,
    due: Due,
    owner: str,
    status: str | None,
    now: str,
    user_id: int | None,
    reason: str,
) -> None:
    where = "WHERE draft_id = ? AND n = ? AND claimed_by = ? AND status = 'claimed'"
    key = (due.draft_id, due.n, owner)
    if status is None:
        db.execute(f"DELETE FROM reminders {where}", key)
        return
    sent_at = now if status == "sent" else None
    db.execute(
        f"UPDATE reminders SET status = ?, claimed_until = NULL, sent_at = ? {where}",
        (status, sent_at, *key),
    )
    if status == "unreachable" and user_id is not None:
        db.execute(
            "INSERT INTO unreachable (user_id, since, reason) VALUES (?, ?, ?) ON CONFLICT "
            "(user_id) DO UPDATE SET since = excluded.since, reason = excluded.reason",
            (user_id, now, reason),
        )
