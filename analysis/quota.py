"""The one place the quota rule is written: who a person is, and which persons count.

**Who counts in a month: the first ``quota`` persons, every submission of theirs.** The
reference's criterion b (BAB II A) is "30 penerima layanan pertama", the first 30 recipients of
a service in the month: persons, not submissions. A person who answers for two services is one
respondent, and both answers count (the reference's January 2025: 3 submissions from 2 persons,
"2 (dua) responden", indices averaged over the 3).

A **person** is a Telegram account (``submissions.person_key``, kept after an erasure); for an
imported row, which has no account, the same name and institution, compared case- and
space-insensitively (:func:`person_of`); an imported row without either is a person of its own.
Persons are placed in each month by their first submission that is not late (time, then id;
``submitted_at`` is ISO-8601 UTC text, so text order is time order); the first ``quota`` count,
with the quota a closed month was closed with. Late submissions (stored after the month closed)
never count. A month closed before this rule keeps the one it closed with, each submission on
its own (``closed_months.rule``, ``bot/store/migrations/0006_quota_persons.sql``), so its posted
figures stay what they were.

:func:`analysis.db.persons` reads whom each submission stands for (SQL calling
:func:`person_of`); :func:`counted_persons` places them, in Python, cheaper than SQLite ranking
every row (bench/bench_indices.py). Everything that counts builds on these two: the analysis's
tallies and rows (:mod:`analysis.db`) and the bot's counted ids and closing figures
(``bot/store/``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["counted_ids", "counted_persons", "person_of"]


def person_of(submission_id: int, name: str | None, institution: str | None) -> str:
    """Who an imported submission stands for: its name and institution, normalised."""
    parts = [" ".join(str(v or "").split()).casefold() for v in (name, institution)]
    if not any(parts):
        return f"submission:{submission_id}"
    return "name:" + "\x1f".join(parts)


def counted_persons(rows: Iterable[Sequence[Any]], quota: int) -> dict[str, set[str]]:
    """Each period's counted persons, from rows of :func:`analysis.db.persons`
    (``id_, period_, at_, late, person, closed_quota``, then anything).

    A person's first submission of the month that is not late is its earliest time and smallest
    id; persons are placed by it, and the first ``quota`` count (a closed month's own quota).
    """
    months: dict[str, dict[str, tuple[str, int]]] = {}  # period → person → first (time, id)
    limits: dict[str, int] = {}
    for sid, period, at, late, person, closed_quota, *_ in rows:
        if late:
            continue
        firsts = months.get(period)
        if firsts is None:
            firsts = months[period] = {}
            limits[period] = quota if closed_quota is None else closed_quota
        first = firsts.get(person)
        firsts[person] = (at, sid) if first is None else (min(first[0], at), min(first[1], sid))
    return {
        period: set(
            firsts
            if len(firsts) <= limits[period]  # everyone counts: no need to place them
            else sorted(firsts, key=firsts.__getitem__)[: limits[period]]
        )
        for period, firsts in months.items()
    }


def counted_ids(rows: Iterable[Sequence[Any]], quota: int) -> set[int]:
    """The ids of the rows (as :func:`counted_persons` reads them) that count: not late, of a
    counted person."""
    rows = list(rows)
    counted = counted_persons(rows, quota)
    return {row[0] for row in rows if not row[3] and row[4] in counted.get(row[1], ())}
