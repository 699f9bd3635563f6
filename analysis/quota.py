"""Who counts in a month: the first ``quota`` persons, every submission of theirs.

The reference's criterion b is "30 penerima layanan pertama", the first 30 recipients of a
service in the month: persons, not submissions. A person who answers for two services is one
respondent, and both answers count (the reference's January 2025: 3 submissions from 2 persons,
"2 (dua) responden", indices averaged over the 3).

A **person** is a Telegram account (``submissions.person_key``, kept after an erasure); for an
imported row, which has no account, the same name and institution, compared case- and
space-insensitively (:func:`person_of`); an imported row without either is a person of its own.
Persons are ranked in each month by their first submission that is not late (time, then id); the
first ``quota`` count, with the quota a closed month was closed with. Late submissions (stored
after the month closed) never count. A month closed before this rule keeps the one it closed
with, each submission on its own (``closed_months.rule``,
``bot/store/migrations/0006_quota_persons.sql``), so its posted figures stay what they were.

:func:`ranked` is the one place this rule is written: the bot's storage and the analysis both
build on it, on a connection where :func:`person_of` is registered (:func:`register`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

__all__ = ["person_of", "ranked", "register"]


def person_of(submission_id: int, name: str | None, institution: str | None) -> str:
    """Who an imported submission stands for: its name and institution, normalised."""
    parts = [" ".join(str(v or "").split()).casefold() for v in (name, institution)]
    if not any(parts):
        return f"submission:{submission_id}"
    return "name:" + "\x1f".join(parts)


def register(db: sqlite3.Connection) -> None:
    """Makes :func:`person_of` callable from SQL on ``db``."""
    db.create_function("person_of", 3, person_of, deterministic=True)


_RANKED = """
WITH persons AS (
    SELECT {columns}
           s.id AS id_, s.period AS period_, s.submitted_at AS at_, s.late AS late,
           CASE WHEN c.rule = 'submissions' THEN 'submission:' || s.id
                WHEN s.person_key IS NOT NULL THEN s.person_key
                WHEN json_valid(s.identity) THEN person_of(
                    s.id,
                    json_extract(s.identity, '$.name'),
                    json_extract(s.identity, '$.institution'))
                ELSE 'submission:' || s.id  -- identity unreadable: a person of its own
           END AS person,
           c.quota AS closed_quota
    FROM submissions AS s LEFT JOIN closed_months AS c ON c.period = s.period
    WHERE s.period IN ({marks})
),
firsts AS (  -- each person's first submission (time, then id) of the month, on every row
    SELECT p.*,
           MIN(at_) OVER (PARTITION BY period_, late, person) AS first_at,
           MIN(id_) OVER (PARTITION BY period_, late, person) AS first_id
    FROM persons AS p
),
ranked AS (  -- persons ranked by their first submission: window functions, no self-join
    SELECT f.*,
           NOT f.late AND DENSE_RANK() OVER (
               PARTITION BY period_, late ORDER BY first_at, first_id
           ) <= COALESCE(f.closed_quota, ?) AS counted
    FROM firsts AS f
)
"""


def ranked(columns: str, periods: Sequence[str], quota: int) -> tuple[str, tuple[object, ...]]:
    """The ``WITH … ranked AS (…)`` prefix and its arguments, for ``periods``.

    ``ranked`` has one row per submission of those months: ``columns`` (a select list ending in a
    comma, over ``submissions AS s``), then ``id_``, ``period_``, ``at_`` (submitted at),
    ``late``, ``person``, ``closed_quota`` (None for an open month), ``first_at`` and
    ``first_id`` (the person's first submission) and ``counted`` (1 or 0).
    The caller's arguments follow these.
    """
    marks = ", ".join("?" * len(periods))
    return _RANKED.format(columns=columns, marks=marks), (*periods, quota)
