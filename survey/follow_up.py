"""Follow-up actions (*tindak lanjut*): what a unit does about a month's low items and red flags.

An action answers one month's results: an item of the questionnaire (``U6``) or one red flag
(``R57``: the red flag of submission 57, as its alert and ``/tindaklanjut`` name it). It says what
is done, who is responsible, by when, and its status: planned, in progress, done. A done action
may carry evidence: a note, a file, or both.

The report of a month shows the actions that answer it and those still to be told
(:func:`shown_in`): an action appears in the report of its own month and of the next, whatever
its status (the next month's report is the first made after it was recorded), and after that for
as long as it is open, and in the report of the month it was done in.

No telegram, no SQL: the bot stores actions (``bot/store/actions.py``), the report reads and
writes them (``analysis/db.py``, ``analysis/follow_up.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from survey.period import Period

__all__ = [
    "DONE",
    "OPEN_STATUSES",
    "STATUSES",
    "Action",
    "Target",
    "parse_action_number",
    "parse_due",
    "parse_target",
    "shown_in",
]

STATUSES = ("planned", "in_progress", "done")
OPEN_STATUSES = STATUSES[:2]
DONE = "done"
RED_FLAG_PREFIX = "R"

_RED_FLAG = re.compile(rf"{RED_FLAG_PREFIX}(\d{{1,12}})", re.IGNORECASE)
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


@dataclass(frozen=True)
class Target:
    """What an action answers: an item code, or the red flag of a submission."""

    item: str | None = None
    red_flag: int | None = None

    @property
    def label(self) -> str:
        """``U6`` or ``R57``."""
        return self.item if self.item is not None else f"{RED_FLAG_PREFIX}{self.red_flag}"


@dataclass(frozen=True)
class Action:
    """One recorded action. ``service`` is the red flag's service (None for an item); times are
    UTC; ``evidence_sha256`` identifies the evidence file kept with it."""

    id: int
    period: str
    target: Target
    what: str
    who: str
    due: date
    status: str
    recorded_at: datetime
    service: str | None = None
    done_at: datetime | None = None
    evidence_note: str | None = None
    evidence_name: str | None = None
    evidence_sha256: str | None = None

    @property
    def done(self) -> bool:
        return self.status == DONE

    @property
    def label(self) -> str:
        """How people name it: ``T3``."""
        return f"T{self.id}"


def parse_target(text: str, items: tuple[str, ...]) -> Target | None:
    """The target ``text`` names: one of ``items`` (any case), or ``R`` and a submission's
    number; None for anything else."""
    given = text.strip()
    for code in items:
        if given.upper() == code.upper():
            return Target(item=code)
    found = _RED_FLAG.fullmatch(given)
    return Target(red_flag=int(found.group(1))) if found else None


def parse_action_number(text: str) -> int | None:
    """The number of ``T3``, ``#3`` or ``3``; None for anything else."""
    found = re.fullmatch(r"(?:T|#)?(\d{1,12})", text.strip(), re.IGNORECASE)
    return int(found.group(1)) if found else None


def parse_due(text: str) -> date | None:
    """A target date: ``2025-03-31``, ``31-03-2025`` (or with ``/`` or ``.``), or a month
    ``2025-03``, meaning its last day; None when it is none of these or no real day."""
    given = text.strip()
    if Period.is_one(given):
        month = Period.parse(given)
        return date(month.year, month.month, month.days)
    if found := _ISO_DAY.fullmatch(given):
        year, month_number, day = (int(part) for part in found.groups())
    elif found := _DAY_FIRST.fullmatch(given):
        day, month_number, year = (int(part) for part in found.groups())
    else:
        return None
    try:
        return date(year, month_number, day)
    except ValueError:
        return None


def shown_in(action: Action, period: str, done_period: str | None) -> bool:
    """Whether the report of ``period`` shows ``action`` (see the module docstring);
    ``done_period`` is the month it was done in, in the survey's time zone."""
    if action.period > period:
        return False
    if period <= Period.parse(action.period).shift(1) or not action.done:
        return True
    return done_period is not None and period <= done_period
