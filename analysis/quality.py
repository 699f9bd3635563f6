"""How far a month's figures can be trusted: signals that flag submissions for a person to look
at, never excluding anyone (README, "Integritas data").

- **fast**: the rated items, from the month's answer to the last item, took under
  ``fast_seconds`` (default 20: 13 items at under 1,5 s each, faster than anyone reads them);
- **bursts**: ``burst_count`` (5) or more submissions from one institution within
  ``burst_minutes`` (10);
- **repeats**: the same name and institution from different Telegram accounts in one service and
  month;
- **insiders**: submitted from an admin's or a listed staff member's account;
- **straight_fast**: every item given the same score *and* fast (all 4s alone is common here).

Imported rows carry no timing: they take part only in the signals that need none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from analysis.db import Answered, DbPath, answered
from survey.questionnaire import Questionnaire

__all__ = ["DEFAULT_RULES", "SIGNALS", "Quality", "QualityRules", "quality"]

SIGNALS = ("fast", "bursts", "repeats", "insiders", "straight_fast")


@dataclass(frozen=True)
class QualityRules:
    fast_seconds: float = 20.0
    burst_count: int = 5
    burst_minutes: int = 10
    insiders: frozenset[int] = frozenset()  # admin and staff Telegram ids


DEFAULT_RULES = QualityRules()


@dataclass(frozen=True)
class Quality:
    """The month's signals: submission ids per signal, and each flagged id's signals."""

    flagged: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def count(self, signal: str) -> int:
        return sum(signal in signals for signals in self.flagged.values())

    def as_json(self) -> dict[str, int]:
        return {signal: self.count(signal) for signal in SIGNALS}


def quality(
    db_path: DbPath, period: str, questionnaire: Questionnaire, rules: QualityRules
) -> Quality:
    """The signals of ``period``'s submissions under ``rules``."""
    rows = answered(db_path, period, [item.code for item in questionnaire.items])
    found: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        fast = row.seconds is not None and row.seconds < rules.fast_seconds
        if fast:
            found[row.id].append("fast")
        if row.user_id is not None and row.user_id in rules.insiders:
            found[row.id].append("insiders")
        if fast and len(set(row.scores)) == 1:
            found[row.id].append("straight_fast")
    for sid in _bursts(rows, rules):
        found[sid].append("bursts")
    for sid in _repeats(rows):
        found[sid].append("repeats")
    return Quality(
        {row.id: tuple(s for s in SIGNALS if s in found[row.id]) for row in rows if row.id in found}
    )


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _bursts(rows: Sequence[Answered], rules: QualityRules) -> Iterable[int]:
    window = timedelta(minutes=rules.burst_minutes)
    by_institution: dict[str, list[Answered]] = defaultdict(list)
    for row in rows:
        if _norm(row.institution):
            by_institution[_norm(row.institution)].append(row)
    flagged: set[int] = set()
    for group in by_institution.values():
        times = [datetime.fromisoformat(row.submitted_at) for row in group]
        start = 0
        for end in range(len(group)):
            while times[end] - times[start] > window:
                start += 1
            if end - start + 1 >= rules.burst_count:
                flagged.update(row.id for row in group[start : end + 1])
    return flagged


def _repeats(rows: Sequence[Answered]) -> Iterable[int]:
    groups: dict[tuple[str, str, str], list[Answered]] = defaultdict(list)
    for row in rows:
        if _norm(row.name) and row.user_id is not None:
            groups[(row.service, _norm(row.name), _norm(row.institution))].append(row)
    return {
        row.id
        for group in groups.values()
        if len({row.user_id for row in group}) > 1
        for row in group
    }
