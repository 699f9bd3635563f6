"""The staff side's rows: the monthly posts (table ``posts``), learnt settings, and the counts
admins ask for. Every write is one ``BEGIN IMMEDIATE`` transaction of :class:`Storage`, so two bot
processes on one database agree on who posts what.

A month's post is claimed whole: the first claimer inserts one row per part it plans to send, all
``claimed`` with a lease; anyone else finding a live lease leaves the month alone, so the parts
always go out in order and once. Parts are marked ``sent`` one by one; on a failure the claimer
puts its unsent parts back to ``failed``; a lease that ran out (a dead process) may be taken over.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from analysis.db import connect_readonly
from analysis.suggestions import is_placeholder
from bot.sections import Service
from bot.store import events, settings
from bot.store.closed_months import close_month
from bot.store.connection import _changes_of, _first_of, _rows_of, iso, parse_time
from bot.store.storage import Storage

PARTS = ("text", "album", "xlsx", "docx")
NO_DATA_PARTS = ("text",)
MIGRATED = "staff_chat_migrated:{}"
BOT_USERNAME = "bot_username"  # kept at every start, for survey links in reports made offline
SERVED_SINCE = "staff_chat_since:{}"


@dataclass(frozen=True)
class Claim:
    """The outcome of :func:`claim`: the parts now ours to send, in order."""

    state: Literal["claimed", "done", "busy"]
    parts: tuple[str, ...] = ()


async def claim(
    storage: Storage,
    period: str,
    chat_id: int,
    owner: str,
    now: datetime,
    lease: timedelta,
    quota: int,
) -> Claim:
    """Claims the month's unsent parts for ``owner`` unless they are all sent or leased to
    someone else. The first claim fixes the plan: every part, or the text alone without data;
    and closes the month with ``quota``, so what is posted stays the month's figures."""
    return await storage.write(_claim, period, chat_id, owner, now, lease, quota)


def _claim(
    db: sqlite3.Connection,
    period: str,
    chat_id: int,
    owner: str,
    moment: datetime,
    lease: timedelta,
    quota: int,
) -> Claim:
    now, until = iso(moment), iso(moment + lease)
    found = db.execute(
        "SELECT part, status, claimed_by, claimed_until FROM posts "
        "WHERE period = ? AND chat_id = ?",
        (period, chat_id),
    )
    rows = {row[0]: tuple(row[1:]) for row in found}
    if rows and all(status == "sent" for status, _, _ in rows.values()):
        return Claim("done")
    if any(
        status == "claimed" and by != owner and (lease_end or "") > now
        for status, by, lease_end in rows.values()
    ):
        return Claim("busy")
    if not rows:
        has_data = _first_of(
            db, "SELECT EXISTS (SELECT 1 FROM submissions WHERE period = ?)", (period,)
        )
        plan = PARTS if has_data and has_data[0] else NO_DATA_PARTS
        close_month(db, period, "posted", quota, moment)
        db.executemany(
            "INSERT INTO posts (period, chat_id, part, status, claimed_by, claimed_until, "
            "attempts) VALUES (?, ?, ?, 'claimed', ?, ?, 1)",
            [(period, chat_id, part, owner, until) for part in plan],
        )
        return Claim("claimed", plan)
    db.execute(
        "UPDATE posts SET status = 'claimed', claimed_by = ?, claimed_until = ?, "
        "attempts = attempts + 1 WHERE period = ? AND chat_id = ? AND status != 'sent'",
        (owner, until, period, chat_id),
    )
    return Claim("claimed", tuple(p for p in PARTS if p in rows and rows[p][0] != "sent"))


async def renew(
    storage: Storage,
    period: str,
    chat_id: int,
    owner: str,
    now: datetime,
    lease: timedelta,
) -> bool:
    """Extends ``owner``'s lease before the next part; False if the claim was lost meanwhile."""
    changed = await storage.write(
        _changes_of,
        "UPDATE posts SET claimed_until = ? WHERE period = ? AND chat_id = ? "
        "AND status = 'claimed' AND claimed_by = ?",
        (iso(now + lease), period, chat_id, owner),
    )
    return changed > 0


async def mark_sent(
    storage: Storage,
    period: str,
    chat_id: int,
    part: str,
    message_ids: Sequence[int],
    now: datetime,
) -> None:
    """Records that ``part`` went out, with the ids of its messages."""
    await storage.write(_mark_sent, period, chat_id, part, list(message_ids), iso(now))


def _mark_sent(
    db: sqlite3.Connection, period: str, chat_id: int, part: str, ids: list[int], now: str
) -> None:
    db.execute(
        "UPDATE posts SET status = 'sent', sent_at = ?, message_ids = ?, claimed_until = NULL, "
        "last_error = NULL WHERE period = ? AND chat_id = ? AND part = ?",
        (now, json.dumps(ids), period, chat_id, part),
    )
    events.record(db, "post_sent", period, now, part=part, messages=len(ids))


async def release(storage: Storage, period: str, chat_id: int, owner: str, error: str) -> None:
    """Gives ``owner``'s unsent parts back, to be claimed again by a later run."""
    await storage.write(
        _changes_of,
        "UPDATE posts SET status = 'failed', claimed_until = NULL, last_error = ? "
        "WHERE period = ? AND chat_id = ? AND status = 'claimed' AND claimed_by = ?",
        (error[:500], period, chat_id, owner),
    )


async def posted_at(storage: Storage, period: str, chat_id: int) -> datetime | None:
    """Returns when the month's post was completed in the chat, or None if it is not (yet)."""
    row = await storage.read(
        _first_of,
        "SELECT COUNT(*), SUM(status = 'sent'), MAX(sent_at) FROM posts "
        "WHERE period = ? AND chat_id = ?",
        (period, chat_id),
    )
    if row is None or not row[0] or row[0] != row[1]:
        return None
    return parse_time(row[2])


async def completed(storage: Storage, chat_id: int, periods: Sequence[str]) -> set[str]:
    """Returns which of ``periods`` are fully posted in the chat."""
    if not periods:
        return set()
    marks = ", ".join("?" * len(periods))
    rows = await storage.read(
        _rows_of,
        f"SELECT period FROM posts WHERE chat_id = ? AND period IN ({marks}) "
        "GROUP BY period HAVING MIN(status = 'sent') = 1",
        (chat_id, *periods),
    )
    return {row[0] for row in rows}


# -- settings ------------------------------------------------------------------------------------


async def setting(storage: Storage, key: str) -> str | None:
    return await storage.read(settings.setting, key)


async def keep_first(storage: Storage, key: str, value: str, now: datetime) -> str:
    """Stores ``value`` unless ``key`` already has one; returns the value that is kept."""
    return await storage.write(settings.keep_first, key, value, iso(now))


def survey_links(db_path: Path, services: Sequence[Service]) -> dict[str, str] | None:
    """Each service's survey link, with the bot's username kept at its last start; None before
    the bot has ever run. Reads the database file directly, for the command line."""
    if not db_path.is_file():
        return None
    with connect_readonly(db_path) as db:
        try:
            bot_username = settings.setting(db, BOT_USERNAME)
        except sqlite3.OperationalError:  # a database from before the settings table
            return None
    return links_of(bot_username, services)


def links_of(bot_username: str | None, services: Sequence[Service]) -> dict[str, str] | None:
    """Each service's survey link, or None without the bot's username."""
    if not bot_username:
        return None
    return {service.code: service.link(bot_username) for service in services}


async def remember(storage: Storage, key: str, value: str, now: datetime) -> None:
    """Stores ``value`` as ``key``'s current value."""
    await storage.write(settings.remember, key, value, iso(now))


async def current_chat(storage: Storage, configured: int) -> int:
    """Follows the configured staff chat through its recorded migrations to its id today."""
    chat_id = configured
    for _ in range(5):  # a group migrates once; the bound only guards against a cycle
        moved = await setting(storage, MIGRATED.format(chat_id))
        if moved is None:
            break
        chat_id = int(moved)
    return chat_id


async def record_migration(storage: Storage, old: int, new: int, now: datetime) -> None:
    """Records that chat ``old`` is now ``new``; its posts move along, being the same chat."""
    await storage.write(_record_migration, old, new, iso(now))


def _record_migration(db: sqlite3.Connection, old: int, new: int, now: str) -> None:
    settings.remember(db, MIGRATED.format(old), str(new), now)
    db.execute("UPDATE OR IGNORE posts SET chat_id = ? WHERE chat_id = ?", (new, old))


# -- figures for admins --------------------------------------------------------------------------


async def has_submissions(storage: Storage, period: str) -> bool:
    return await storage.submission_count(period) > 0


async def suggestions(storage: Storage, period: str) -> list[tuple[str, str]]:
    """Returns the month's suggestions as (service code, text), oldest first; never a name.

    Placeholders ("-", "Tidak ada": :func:`analysis.suggestions.is_placeholder`) are left out:
    the report does not count them as suggestions, and neither do the staff post and
    ``/suggestions``."""
    rows = await storage.read(
        _rows_of,
        "SELECT service, suggestion FROM submissions WHERE period = ? "
        "AND suggestion IS NOT NULL AND TRIM(suggestion) != '' ORDER BY submitted_at, id",
        (period,),
    )
    return [(str(service), str(text)) for service, text in rows if not is_placeholder(str(text))]


async def open_drafts(storage: Storage) -> int:
    """Counts the surveys started and neither submitted nor cancelled."""
    row = await storage.read(_first_of, "SELECT COUNT(*) FROM drafts WHERE status = 'open'")
    return int(row[0]) if row else 0
