"""Closed months: a month whose counted set is final, the figures it closed with (:func:`tally`),
and the closed months whose figures changed since (see
``bot/store/migrations/0004_closed_months.sql``)."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from analysis.db import register, tally_rows
from bot.store import events
from bot.store.connection import _first_of, _rows_of, iso, parse_time

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Closing:
    """How months close by the clock, where no staff post closes them: at ``post_time(period)``,
    keeping ``quota``."""

    quota: int
    post_time: Callable[[str], datetime]

    def closes(self, period: str, now: datetime) -> bool:
        return now >= self.post_time(period)


@dataclass(frozen=True)
class ClosedMonth:
    """A month whose counted set is final (see ``bot/store/migrations/0004_closed_months.sql``)."""

    period: str
    closed_at: datetime
    reason: str
    quota: int
    figures: Mapping[str, Any]  # as closed: :func:`tally` of the month then
    noticed: Mapping[str, Any] | None  # the figures last told to the staff chat, if they changed


@dataclass(frozen=True)
class Change:
    """A closed month whose figures are no longer those it closed with (or was last told with)."""

    period: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]


def closed_month(db: sqlite3.Connection, period: str) -> ClosedMonth | None:
    """Returns ``period``'s closing, or None while it is open."""
    row = _first_of(
        db,
        "SELECT closed_at, reason, quota, figures, noticed FROM closed_months WHERE period = ?",
        (period,),
    )
    if row is None:
        return None
    closed_at, reason, quota, figures, noticed = row  # any row factory: the CLI's has none
    return ClosedMonth(
        period=period,
        closed_at=parse_time(closed_at),
        reason=reason,
        quota=int(quota),
        figures=json.loads(figures),
        noticed=None if noticed is None else json.loads(noticed),
    )


def close_month(
    db: sqlite3.Connection, period: str, reason: str, quota: int, now: datetime
) -> bool:
    """Closes ``period`` with its figures as they stand and ``quota`` kept; False when it was
    closed already (the first closing stands) or holds no submission: a month of which nothing
    was reported stays open, so history imported for it later still counts."""
    figures = tally(db, period, quota)
    if not figures:
        return False
    cursor = db.execute(
        "INSERT INTO closed_months (period, closed_at, reason, quota, figures, rule) "
        "VALUES (?, ?, ?, ?, ?, 'persons') ON CONFLICT (period) DO NOTHING",
        (period, iso(now), reason, quota, json.dumps(figures)),
    )
    if cursor.rowcount:
        logger.info("month %s closed (%s)", period, reason)
        events.record(db, "month_closed", period, now, reason=reason, quota=quota)
    return cursor.rowcount == 1


def changed_months(db: sqlite3.Connection) -> list[Change]:
    changes = []
    for row in _rows_of(db, "SELECT period FROM closed_months ORDER BY period"):
        closed = closed_month(db, row[0])
        assert closed is not None
        before = closed.noticed if closed.noticed is not None else closed.figures
        after = tally(db, closed.period, closed.quota)
        if _counted(after) != _counted(before):
            changes.append(Change(closed.period, before, after))
    return changes


def _counted(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The figures without the late count: late submissions arriving is what a closed month is
    for, not a change."""
    return {
        service: {k: v for k, v in f.items() if k != "late"}
        for service, f in figures.items()
        if f["responses"] or f["beyond_quota"]
    }


def noticed(db: sqlite3.Connection, period: str, figures: str) -> None:
    db.execute("UPDATE closed_months SET noticed = ? WHERE period = ?", (figures, period))


def tally(db: sqlite3.Connection, period: str, quota: int) -> dict[str, Any]:
    """The month's figures per service: counted, beyond quota and late submissions, and each
    item's score total and count over the counted ones (what the indices are computed from)."""
    register(db)  # the quota's persons (any connection: the bot's, the import's, a test's)
    return {
        service: {
            "responses": found.responses,
            "beyond_quota": found.beyond_quota,
            "late": found.late,
            "sums": dict(found.sums),
            "counts": dict(found.counts),
        }
        for service, found in tally_rows(db, [period], quota)[period].items()
    }
