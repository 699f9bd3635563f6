"""Follow-up actions (table ``actions``, :mod:`survey.follow_up`): recorded, moved on, done.

Each change is one transaction with its ``action_recorded`` event (the audit trail), which holds
the action's number, target and status, and the evidence file's SHA-256: never its text or file.
The evidence file is kept in the row, so that a backup of the database holds it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from analysis.db import read_actions
from bot.store import events
from bot.store.connection import iso
from bot.store.storage import Storage
from survey.follow_up import DONE, Action, Target

__all__ = ["Evidence", "EvidenceFile", "finish", "for_month", "one", "record", "set_status"]


@dataclass(frozen=True)
class EvidenceFile:
    """A file sent as evidence: its name, media type and content."""

    name: str
    media_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Evidence:
    """What ``/selesai`` is given: a note, a file, or both (or neither)."""

    note: str | None = None
    file: EvidenceFile | None = None

    def __bool__(self) -> bool:
        return self.note is not None or self.file is not None


async def record(
    storage: Storage,
    period: str,
    target: Target,
    service: str | None,
    what: str,
    who: str,
    due: date,
    status: str,
    now: datetime,
) -> Action:
    """Records an action and returns it."""
    return await storage.write(
        _record, period, target, service, what, who, due.isoformat(), status, iso(now)
    )


def _record(
    db: sqlite3.Connection,
    period: str,
    target: Target,
    service: str | None,
    what: str,
    who: str,
    due: str,
    status: str,
    now: str,
) -> Action:
    number = db.execute(
        "INSERT INTO actions (period, item, red_flag, service, what, who, due, status, "
        "recorded_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (period, target.item, target.red_flag, service, what, who, due, status, now, now),
    ).lastrowid
    assert number is not None
    [action] = read_actions(db, number=number)
    _recorded(db, action, now)
    return action


async def set_status(storage: Storage, number: int, status: str, now: datetime) -> Action | None:
    """Moves an open action to ``status`` (planned or in progress); returns it as it is now,
    unchanged when it is done already, None when there is no such action."""
    return await storage.write(_set_status, number, status, iso(now))


def _set_status(db: sqlite3.Connection, number: int, status: str, now: str) -> Action | None:
    found = read_actions(db, number=number)
    if not found or found[0].done or found[0].status == status:
        return found[0] if found else None
    db.execute("UPDATE actions SET status = ?, updated_at = ? WHERE id = ?", (status, now, number))
    [moved] = read_actions(db, number=number)
    _recorded(db, moved, now)
    return moved


async def finish(
    storage: Storage, number: int, evidence: Evidence, now: datetime
) -> tuple[Action, bool] | None:
    """Marks an action done with its evidence; returns it and whether it was open. For a done
    action, new evidence replaces what it had (the note, the file, or both) and the day it was
    done stays. None when there is no such action."""
    return await storage.write(_finish, number, evidence, iso(now))


def _finish(
    db: sqlite3.Connection, number: int, evidence: Evidence, now: str
) -> tuple[Action, bool] | None:
    found = read_actions(db, number=number)
    if not found:
        return None
    before = found[0]
    if before.done and not evidence:
        return before, False
    db.execute(
        "UPDATE actions SET status = ?, updated_at = ?, done_at = COALESCE(done_at, ?), "
        "evidence_note = COALESCE(?, evidence_note) WHERE id = ?",
        (DONE, now, now, evidence.note, number),
    )
    detail: dict[str, object] = {}
    if evidence.file is not None:
        file = evidence.file
        db.execute(
            "UPDATE actions SET evidence_name = ?, evidence_type = ?, evidence_sha256 = ?, "
            "evidence = ? WHERE id = ?",
            (file.name, file.media_type, file.sha256, file.content, number),
        )
        detail["evidence_sha256"] = file.sha256
    if evidence.note is not None:
        detail["evidence_note"] = True
    [after] = read_actions(db, number=number)
    _recorded(db, after, now, **detail)
    return after, not before.done


def _recorded(db: sqlite3.Connection, action: Action, now: str, **detail: object) -> None:
    """The audit trail's event for an action as it now stands: number, target, status."""
    label, status = action.target.label, action.status
    events.record(
        db,
        "action_recorded",
        action.period,
        now,
        action=action.id,
        target=label,
        status=status,
        **detail,
    )


async def one(storage: Storage, number: int) -> tuple[Action, EvidenceFile | None] | None:
    """An action and its evidence file, or None when there is no such action."""
    return await storage.read(_one, number)


def _one(db: sqlite3.Connection, number: int) -> tuple[Action, EvidenceFile | None] | None:
    found = read_actions(db, number=number)
    if not found:
        return None
    row = db.execute(
        "SELECT evidence_name, evidence_type, evidence FROM actions WHERE id = ?", (number,)
    ).fetchone()
    name, media_type, content = row
    file = None if content is None else EvidenceFile(name, media_type, bytes(content))
    return found[0], file


async def for_month(storage: Storage, period: str) -> list[Action]:
    """The actions that answer ``period``'s results, oldest first."""
    return await storage.read(read_actions, period=period)
