"""Drafts, their answers, the step being asked, the submit that ends a draft, and button taps.

A respondent's place in the questionnaire is never stored as "the current question": it is derived
from the answers of their draft (:func:`current_step`). Answers are keyed by (draft, key), so a
replayed or doubled button press can only ever touch the item printed on that button.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.store import events
from bot.store.closed_months import Closing, close_month, closed_month
from bot.store.connection import _first_of, _rows_of, iso, parse_time
from bot.store.submissions import SAME_PERSON, Submission, insert_submission, submission_where
from survey.questionnaire import PERIOD

REVIEW = "review"


class Outcome(enum.Enum):
    """What happened to an answer."""

    RECORDED = "recorded"  # stored; the questionnaire moves on
    DUPLICATE = "duplicate"  # the same answer was already stored: nothing changes
    STALE = "stale"  # the key is not the one being asked: nothing changes
    CLOSED = "closed"  # the draft is no longer open: nothing changes
    TAKEN = "taken"  # the person already submitted the service for that period: nothing changes


@dataclass(frozen=True)
class Draft:
    id: int
    user_id: int | None
    chat_id: int | None
    service: str
    status: str
    editing: str | None
    created_at: datetime
    updated_at: datetime
    answers: Mapping[str, str] = field(default_factory=dict)

    def step(self, steps: Sequence[str]) -> str:
        return current_step(self.answers, steps, self.editing)


def current_step(answers: Mapping[str, str], steps: Sequence[str], editing: str | None) -> str:
    """Returns the key being asked: the one under change, else the first unanswered, else review."""
    if editing is not None:
        return editing
    return next((key for key in steps if key not in answers), REVIEW)


def open_draft(
    db: sqlite3.Connection, user_id: int, chat_id: int, service: str, now: datetime
) -> tuple[Draft, bool]:
    found = open_draft_id(db, user_id, service)
    created = found is None
    if found is None:
        found = db.execute(
            "INSERT INTO drafts (user_id, chat_id, service, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (user_id, chat_id, service, iso(now), iso(now)),
        ).lastrowid
    else:
        db.execute(
            "UPDATE drafts SET updated_at = ?, chat_id = ? WHERE id = ?",
            (iso(now), chat_id, found),
        )
    assert found is not None
    draft = load_draft(db, found)
    assert draft is not None
    return draft, created


def begin(
    db: sqlite3.Connection,
    user_id: int,
    key: str,
    chat_id: int,
    service: str,
    periods: Sequence[str],
    now: datetime,
) -> tuple[Draft | None, bool, list[Submission]]:
    earlier: list[Submission] = []
    if open_draft_id(db, user_id, service) is None:
        found = [submission_where(db, SAME_PERSON, (key, user_id, service, p)) for p in periods]
        earlier = [s for s in found if s is not None]
        if len(earlier) == len(periods):
            return None, False, earlier
    draft, created = open_draft(db, user_id, chat_id, service, now)
    return draft, created, earlier


def find_open_draft(db: sqlite3.Connection, user_id: int, service: str) -> Draft | None:
    found = open_draft_id(db, user_id, service)
    return None if found is None else load_draft(db, found)


def active_draft(db: sqlite3.Connection, user_id: int) -> Draft | None:
    row = _first_of(
        db,
        "SELECT id FROM drafts WHERE user_id = ? AND status = 'open' "
        "ORDER BY updated_at DESC, id DESC LIMIT 1",
        (user_id,),
    )
    return None if row is None else load_draft(db, row[0])


def record_answer(
    db: sqlite3.Connection,
    draft_id: int,
    user_id: int,
    key: str,
    value: str,
    steps: Sequence[str],
    now: datetime,
    source_message_id: int | None,
    person: str | None = None,
) -> tuple[Outcome, Draft | None]:
    draft = load_draft(db, draft_id)
    if draft is None or draft.user_id != user_id:
        return Outcome.STALE, None  # someone else's draft stays theirs
    if draft.status != "open":
        return Outcome.CLOSED, draft
    if source_message_id is not None and _message_used(db, draft_id, source_message_id):
        return Outcome.DUPLICATE, draft
    if key != draft.step(steps):
        same = draft.answers.get(key) == value
        return (Outcome.DUPLICATE if same else Outcome.STALE), draft
    taken = (person, user_id, draft.service, value)
    if key == PERIOD and person is not None and submission_where(db, SAME_PERSON, taken):
        return Outcome.TAKEN, draft
    upsert_answer(db, draft_id, key, value, now, source_message_id)
    db.execute(
        "UPDATE drafts SET editing = NULL, updated_at = ? WHERE id = ?", (iso(now), draft_id)
    )
    answers = {**draft.answers, key: value}
    return Outcome.RECORDED, replace(
        draft, editing=None, updated_at=parse_time(iso(now)), answers=answers
    )


def upsert_answer(
    db: sqlite3.Connection,
    draft_id: int,
    key: str,
    value: str,
    now: datetime,
    source_message_id: int | None = None,
) -> None:
    """Stores ``value`` as the draft's answer to ``key``, replacing an earlier one."""
    db.execute(
        "INSERT INTO answers (draft_id, key, value, answered_at, source_message_id) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (draft_id, key) DO UPDATE SET "
        "value = excluded.value, answered_at = excluded.answered_at, "
        "source_message_id = excluded.source_message_id",
        (draft_id, key, value, iso(now), source_message_id),
    )


def record_typed(
    db: sqlite3.Connection,
    user_id: int,
    value_for: Callable[[str], str | None],
    steps: Sequence[str],
    now: datetime,
    source_message_id: int,
) -> tuple[Outcome, Draft | None]:
    draft = active_draft(db, user_id)
    if draft is None:
        return Outcome.STALE, None
    key = draft.step(steps)
    value = value_for(key)
    if value is None:
        return Outcome.STALE, draft
    return record_answer(db, draft.id, user_id, key, value, steps, now, source_message_id)


def set_editing(
    db: sqlite3.Connection,
    draft_id: int,
    user_id: int,
    key: str | None,
    steps: Sequence[str],
    now: datetime,
) -> Draft | None:
    draft = load_draft(db, draft_id)
    if draft is None or draft.user_id != user_id or draft.status != "open":
        return None
    if key is not None and (key not in steps or key not in draft.answers):
        return None
    db.execute(
        "UPDATE drafts SET editing = ?, updated_at = ? WHERE id = ?", (key, iso(now), draft_id)
    )
    if key is not None:
        period = draft.answers.get("period")
        events.record(db, "review_change", period, now, draft=draft_id, key=key)
    return load_draft(db, draft_id)


def cancel(db: sqlite3.Connection, draft_id: int, user_id: int, now: datetime) -> bool:
    cursor = db.execute(
        "UPDATE drafts SET status = 'cancelled', closed_at = ?, updated_at = ? "
        "WHERE id = ? AND user_id = ? AND status = 'open'",
        (iso(now), iso(now), draft_id, user_id),
    )
    return cursor.rowcount == 1


def submit(
    db: sqlite3.Connection,
    draft_id: int,
    user_id: int,
    key: str,
    steps: Sequence[str],
    identity_keys: Sequence[str],
    item_codes: Sequence[str],
    now: datetime,
    closing: Closing | None,
) -> tuple[Outcome, Submission | None]:
    draft = load_draft(db, draft_id)
    if draft is None or draft.user_id != user_id:
        return Outcome.STALE, None
    if draft.status != "open" or draft.step(steps) != REVIEW:
        earlier = None
        if draft.status == "submitted":
            earlier = submission_where(db, "draft_id = ?", (draft_id,))
        return (Outcome.CLOSED if draft.status != "open" else Outcome.STALE), earlier
    answers = draft.answers
    period = answers["period"]
    earlier = submission_where(db, SAME_PERSON, (key, user_id, draft.service, period))
    if earlier is not None:
        return Outcome.DUPLICATE, earlier
    due = closing if closing is not None and closing.closes(period, now) else None
    if due is not None:
        close_month(db, period, "post_time", due.quota, now)
    late = closed_month(db, period) is not None
    identity = {k: answers[k] for k in identity_keys}
    submission_id = insert_submission(
        db,
        draft_id=draft_id,
        user_id=user_id,
        person_key=key,
        service=draft.service,
        period=period,
        submitted_at=iso(now),
        language=answers["language"],
        identity=identity,
        suggestion=answers["suggestion"] or None,
        scores={code: int(answers[code]) for code in item_codes},
        late=late,
    )
    kind = "late_submission" if late else "submission"
    events.record(db, kind, period, now, submission=submission_id, service=draft.service)
    if due is not None:  # an empty month closes behind its first submission after its post time
        close_month(db, period, "post_time", due.quota, now)
    db.execute(
        "UPDATE drafts SET status = 'submitted', editing = NULL, closed_at = ?, "
        "updated_at = ? WHERE id = ?",
        (iso(now), iso(now), draft_id),
    )
    return Outcome.RECORDED, submission_where(db, "id = ?", (submission_id,))


def open_draft_id(db: sqlite3.Connection, user_id: int, service: str) -> int | None:
    row = _first_of(
        db,
        "SELECT id FROM drafts WHERE user_id = ? AND service = ? AND status = 'open'",
        (user_id, service),
    )
    return None if row is None else int(row[0])


def load_draft(db: sqlite3.Connection, draft_id: int) -> Draft | None:
    rows = _rows_of(
        db,
        "SELECT d.*, a.key AS answer_key, a.value AS answer_value FROM drafts AS d "
        "LEFT JOIN answers AS a ON a.draft_id = d.id WHERE d.id = ?",
        (draft_id,),
    )
    if not rows:
        return None
    row = rows[0]
    answers = {r["answer_key"]: r["answer_value"] for r in rows if r["answer_key"] is not None}
    return Draft(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        service=row["service"],
        status=row["status"],
        editing=row["editing"],
        created_at=parse_time(row["created_at"]),
        updated_at=parse_time(row["updated_at"]),
        answers=answers,
    )


def _message_used(db: sqlite3.Connection, draft_id: int, message_id: int) -> bool:
    row = _first_of(
        db,
        "SELECT 1 FROM answers WHERE draft_id = ? AND source_message_id = ?",
        (draft_id, message_id),
    )
    return row is not None


def claim_tap(
    db: sqlite3.Connection, chat_id: int, message_id: int, button: str, now: datetime
) -> bool:
    cursor = db.execute(
        "INSERT INTO taps (chat_id, message_id, button, tapped_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (chat_id, message_id, button, iso(now)),
    )
    return cursor.rowcount == 1
