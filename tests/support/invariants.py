"""What every fault run must leave behind, read from the database file alone.

:func:`check_database` asserts: the file is sound (``integrity_check``, foreign keys); every stored
answer is the one its person gave for that question (nothing stored against the wrong item); every
answer the bot had shown a person to be stored is still there; nothing committed before (an
earlier :class:`Snapshot`) disappeared or changed; at most one submission per person, service and
period, with exactly their scores; everyone the bot thanked has a submission; no post part or
reminder recorded as sent twice.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.support.crowd import Person, stored_value


@dataclass
class Snapshot:
    """The committed answers at one moment: (draft, key) -> value."""

    answers: dict[tuple[int, str], str]
    submissions: int


def check_database(
    path: Path, persons: Iterable[Person], previous: Snapshot | None = None
) -> Snapshot:
    """Asserts the invariants of the module docstring; returns what is committed now."""
    people = {p.user_id: p for p in persons}
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        drafts = {
            draft_id: (user_id, service, status)
            for draft_id, user_id, service, status in db.execute(
                "SELECT id, user_id, service, status FROM drafts"
            )
        }
        answers = {
            (draft_id, key): value
            for draft_id, key, value in db.execute("SELECT draft_id, key, value FROM answers")
        }
        for (draft_id, key), value in answers.items():
            person = people[drafts[draft_id][0]]
            assert value == stored_value(person.plan, key), (
                f"user {person.user_id}: {key} stored as {value!r}, "
                f"they answered {person.plan.get(key)!r}"
            )
        for person in people.values():
            for draft_id, keys in person.confirmed.items():
                missing = {k for k in keys if (draft_id, k) not in answers}
                assert not missing, f"user {person.user_id}: shown stored, now lost: {missing}"
        if previous is not None:
            lost = {k: v for k, v in previous.answers.items() if answers.get(k) != v}
            assert not lost, f"committed answers lost or changed: {lost}"
        submissions = list(db.execute("SELECT id, user_id, service, period FROM submissions"))
        assert len({(u, s, p) for _, u, s, p in submissions}) == len(submissions)
        for submission_id, user_id, _, _ in submissions:
            person = people[user_id]
            scores = dict(
                db.execute(
                    "SELECT item, score FROM scores WHERE submission_id = ?", (submission_id,)
                )
            )
            planned = {i.code: int(person.plan[i.code]) for i in person.questionnaire.items}
            assert scores == planned, f"user {user_id}: scores {scores}, answered {planned}"
        submitted_users = {u for _, u, _, _ in submissions}
        for person in people.values():
            if person.done:
                assert person.user_id in submitted_users, f"user {person.user_id} was thanked"
        check_sent_once(db)
    return Snapshot(answers, len(submissions))


def check_sent_once(db: sqlite3.Connection) -> None:
    """No post part and no reminder is recorded as sent twice, whatever those tables hold."""
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "posts" in tables:
        rows = list(db.execute("SELECT period, chat_id, part, message_ids FROM posts"))
        assert len({(p, c, part) for p, c, part, _ in rows}) == len(rows)
        ids = [i for *_, m in rows if m for i in re.findall(r"\d+", m)]
        assert len(ids) == len(set(ids)), "one message recorded for two post parts"
    if "reminders" in tables:
        rows = list(db.execute("SELECT draft_id, n FROM reminders WHERE status = 'sent'"))
        assert len(set(rows)) == len(rows)
