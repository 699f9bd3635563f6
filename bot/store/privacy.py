"""A respondent's erasure (UU PDP) and their language switch: the rows they touch.

An erasure removes the free-text identity answers and the Telegram user and chat ids from every
submission and draft of the respondent, cancels their open drafts, and keeps scores, the
demographic choices and submit times (see :mod:`bot.respondent.privacy`). ``erasures`` records
counts only. The erasure also records :data:`CHECKPOINT_PENDING` in its own transaction, cleared
once a checkpoint has emptied the WAL of the erased text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.store import events, settings
from bot.store.connection import iso
from bot.store.drafts import upsert_answer
from bot.store.storage import Storage
from survey.questionnaire import LANGUAGE

# settings key: the id of the last erasure whose text may still be in the WAL file.
CHECKPOINT_PENDING = "erasure_checkpoint"


@dataclass(frozen=True)
class Erasure:
    """How many of one respondent's rows lost their identity."""

    submissions: int
    drafts: int  # drafts that were not submitted (open ones included)
    cancelled: int  # open drafts closed by the erasure


async def held(storage: Storage, user_id: int) -> tuple[int, int]:
    """Returns how many submissions and unsubmitted drafts carry the user's id."""
    return await storage.read(_held, user_id)


async def erase(storage: Storage, user_id: int, keys: list[str], now: datetime) -> Erasure:
    """Removes answers ``keys`` and the user's Telegram ids from all their rows, keeping scores,
    and marks the checkpoint pending; freed space is zeroed (``secure_delete``)."""
    return await storage.write(_erase, user_id, keys, iso(now))


async def pending_erasure(storage: Storage) -> str | None:
    """Returns the id of the erasure waiting for a checkpoint, if one is."""
    return await storage.read(settings.setting, CHECKPOINT_PENDING)


async def settle_erasure(storage: Storage, erasure: str) -> None:
    """Clears the pending mark, unless a later erasure replaced it meanwhile."""
    await storage.write(settings.forget, CHECKPOINT_PENDING, erasure)


async def set_language(
    storage: Storage, draft_id: int, user_id: int, code: str, now: datetime
) -> bool:
    """Sets the language answer of the user's open draft; False when it is not theirs or closed."""
    return await storage.write(_set_language, draft_id, user_id, code, now)


def _held(db: sqlite3.Connection, user_id: int) -> tuple[int, int]:
    row = db.execute(
        "SELECT (SELECT COUNT(*) FROM submissions WHERE user_id = ?), "
        "(SELECT COUNT(*) FROM drafts WHERE user_id = ? AND status != 'submitted')",
        (user_id, user_id),
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _erase(db: sqlite3.Connection, user_id: int, keys: list[str], now: str) -> Erasure:
    submissions, drafts = _held(db, user_id)
    if submissions == drafts == 0:
        return Erasure(0, 0, 0)
    paths = [f"$.{key}" for key in keys]
    marks = ", ".join("?" for _ in keys)
    db.execute("PRAGMA secure_delete = ON")
    cancelled = db.execute(
        "UPDATE drafts SET status = 'cancelled', editing = NULL, closed_at = ?, "
        "updated_at = ? WHERE user_id = ? AND status = 'open'",
        (now, now, user_id),
    ).rowcount
    if keys:
        db.execute(
            f"DELETE FROM answers WHERE key IN ({marks}) "
            "AND draft_id IN (SELECT id FROM drafts WHERE user_id = ?)",
            (*keys, user_id),
        )
        db.execute(
            f"UPDATE submissions SET identity = json_remove(identity, {marks}) WHERE user_id = ?",
            (*paths, user_id),
        )
    db.execute("UPDATE submissions SET user_id = NULL WHERE user_id = ?", (user_id,))
    db.execute("UPDATE drafts SET user_id = NULL, chat_id = NULL WHERE user_id = ?", (user_id,))
    db.execute("DELETE FROM unreachable WHERE user_id = ?", (user_id,))
    db.execute("DELETE FROM taps WHERE chat_id = ?", (user_id,))  # their private chat's id
    erasure = db.execute(
        "INSERT INTO erasures (erased_at, submissions, drafts, cancelled) VALUES (?, ?, ?, ?)",
        (now, submissions, drafts, cancelled),
    ).lastrowid
    # Recorded with the erasure itself, so a crash before the checkpoint cannot forget it.
    settings.remember(db, CHECKPOINT_PENDING, str(erasure), now)
    events.record(db, "erasure", None, now, submissions=submissions, drafts=drafts)
    return Erasure(submissions=submissions, drafts=drafts, cancelled=cancelled)


def _set_language(
    db: sqlite3.Connection, draft_id: int, user_id: int, code: str, now: datetime
) -> bool:
    changed = db.execute(
        "UPDATE drafts SET updated_at = ?, "
        "editing = CASE WHEN editing = ? THEN NULL ELSE editing END "
        "WHERE id = ? AND user_id = ? AND status = 'open'",
        (iso(now), LANGUAGE, draft_id, user_id),
    ).rowcount
    if changed != 1:
        return False
    upsert_answer(db, draft_id, LANGUAGE, code, now)
    return True
