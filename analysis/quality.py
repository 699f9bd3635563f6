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

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from itertools import chain, compress

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
        counts = Counter(chain.from_iterable(self.flagged.values()))
        return {signal: counts[signal] for signal in SIGNALS}


def quality(
    db_path: DbPath, period: str, questionnaire: Questionnaire, rules: QualityRules
) -> Quality:
    """The signals of ``period``'s submissions under ``rules``."""
    items = [item.code for item in questionnaire.items]
    rows = answered(db_path, period, items, rules.fast_seconds)
    by_institution: dict[str, list[Answered]] = defaultdict(list)
    by_person: dict[tuple[str, str, str], list[Answered]] = defaultdict(list)
    norm = cache(_norm)  # names and institutions come again and again
    for row in rows:
        institution = norm(row.institution)
        if institution:
            by_institution[institution].append(row)
        name = norm(row.name)
        if name and row.user_id is not None:
            by_person[(row.service, name, institution)].append(row)
    bursts = _bursts(by_institution.values(), rules)
    repeats = _repeats(by_person.values())
    flagged: dict[int, tuple[str, ...]] = {}
    for row in rows:
        fast = row.seconds is not None and row.seconds < rules.fast_seconds
        found = (  # in the order of SIGNALS
            fast,
            row.id in bursts,
            row.id in repeats,
            row.user_id is not None and row.user_id in rules.insiders,
            fast and row.same_score,
        )
        if any(found):
            flagged[row.id] = tuple(compress(SIGNALS, found))
    return Quality(flagged)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _bursts(groups: Iterable[Sequence[Answered]], rules: QualityRules) -> set[int]:
    """Submissions of one institution, in time order, ``burst_count`` or more in a window."""
    window = timedelta(minutes=rules.burst_minutes)
    flagged: set[int] = set()
    for group in groups:
        if len(group) < rules.burst_count:
            continue  # no window can hold enough of them
        times = [datetime.fromisoformat(row.submitted_at) for row in group]
        start = 0
        for end in range(len(group)):
            while times[end] - times[start] > window:
                start += 1
            if end - start + 1 >= rules.burst_count:
                flagged.update(row.id for row in group[start : end + 1])
    return flagged


def _repeats(groups: Iterable[Sequence[Answered]]) -> set[int]:
    """One name and institution in one service, from more than one Telegram account."""
    return {
        row.id
        for group in groups
        if len(group) > 1 and len({row.user_id for row in group}) > 1
        for row in group
    }
