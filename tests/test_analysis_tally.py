"""The quota rule (analysis/quota.py, in Python) agrees on any data with the rule as SQL window
functions write it (the oracle below, which the bot and the reports used before): the tallies,
the counted persons and the bot's counted ids."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from analysis.db import ServiceTally, connect_readonly, persons, tally_periods
from bot.store.submissions import counted_ids
from tests.support.analysis_fixtures import SurveyDb, at

PERIODS = ["2025-01", "2025-02", "2025-03"]


_RANKED = """,
firsts AS (  -- each person's first submission (time, then id) of the month, on every row
    SELECT p.*,
           MIN(at_) OVER (PARTITION BY period_, late, person) AS first_at,
           MIN(id_) OVER (PARTITION BY period_, late, person) AS first_id
    FROM persons AS p
),
ranked AS (  -- persons ranked by their first submission
    SELECT f.*,
           NOT f.late AND DENSE_RANK() OVER (
               PARTITION BY period_, late ORDER BY first_at, first_id
           ) <= COALESCE(f.closed_quota, ?) AS counted
    FROM firsts AS f
)
"""


def ranked(columns: str, periods: list[str], quota: int) -> tuple[str, tuple[object, ...]]:
    """The rule in SQL alone: ``ranked`` has a row per submission and whether it counts."""
    prefix, args = persons(columns, periods)
    return prefix + _RANKED, (*args, quota)


def ranked_tally(path: Path, periods: list[str], quota: int) -> dict[str, dict[str, ServiceTally]]:
    """The tallies as SQL alone works them out, over :func:`ranked`."""
    prefix, args = ranked("s.service AS service,", periods, quota)
    heads: dict[tuple[str, str], tuple[int, int, int]] = {}
    persons: dict[tuple[str, str], set[str]] = {}
    sums: dict[tuple[str, str], dict[str, int]] = {}
    counts: dict[tuple[str, str], dict[str, int]] = {}
    with connect_readonly(path) as db:
        for period, service, counted, late, total in db.execute(
            prefix + "SELECT period_, service, SUM(counted), SUM(late), COUNT(*) FROM ranked "
            "GROUP BY 1, 2",
            args,
        ):
            heads[(period, service)] = (counted, total - counted - late, late)
        for period, service, person in db.execute(
            prefix + "SELECT period_, service, person FROM ranked WHERE counted", args
        ):
            persons.setdefault((period, service), set()).add(person)
        for period, service, item, total, number in db.execute(
            prefix + "SELECT r.period_, r.service, sc.item, SUM(sc.score), COUNT(*) "
            "FROM ranked AS r JOIN scores AS sc ON sc.submission_id = r.id_ WHERE r.counted "
            "GROUP BY 1, 2, 3",
            args,
        ):
            sums.setdefault((period, service), {})[item] = total
            counts.setdefault((period, service), {})[item] = number
    result: dict[str, dict[str, ServiceTally]] = {p: {} for p in periods}
    for (period, service), (counted, beyond, late) in heads.items():
        result[period][service] = ServiceTally(
            responses=counted,
            beyond_quota=beyond,
            late=late,
            sums=sums.get((period, service), {}),
            counts=counts.get((period, service), {}),
            persons=frozenset(persons.get((period, service), ())),
        )
    return result


def crowded(path: Path, seed: int) -> None:
    """Months of persons answering several services, imported namesakes, ties in time, late
    submissions, missing and odd item codes, and months closed under either rule."""
    rng = random.Random(seed)
    survey = SurveyDb(path)
    names = ["Ani", "Budi", "Citra", "", "Dini  B", "dini b"]
    used: set[tuple[int | None, str, str]] = set()  # an account answers a service once a month
    for month, period in enumerate(PERIODS, start=1):
        for _ in range(rng.randrange(5, 40)):
            service = rng.choice(["cpob", "cpob_impor", "suket_cpob", "lain"])
            user_id = rng.choice([None, 9001, 9002, 9003])
            if (user_id, service, period) in used:
                user_id = None
            used.add((user_id, service, period))
            scores = {"U1": rng.randint(1, 10), "P5": rng.randint(1, 4)}
            survey.add(
                period,
                at(rng.randrange(1, 4), rng.randrange(3), month=month),
                service=service,
                scores=scores,
                default_score=rng.randint(1, 4),
                identity={"name": rng.choice(names), "institution": rng.choice(["PT A", ""])},
                user_id=user_id,
                imported=rng.random() < 0.3,
            )
    with sqlite3.connect(path) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM submissions")]
        for sid in rng.sample(ids, len(ids) // 5):
            db.execute("UPDATE submissions SET late = 1 WHERE id = ?", (sid,))
        for sid in rng.sample(ids, len(ids) // 5):
            db.execute("DELETE FROM scores WHERE submission_id = ? AND item = 'U2'", (sid,))
        for sid in rng.sample(ids, 3):
            db.execute("DELETE FROM scores WHERE submission_id = ?", (sid,))
        for sid in rng.sample(ids, 3):
            db.execute(
                "INSERT INTO scores (submission_id, item, score) VALUES (?, ?, 3)",
                (sid, rng.choice(['X,"Y":2', 'Z"', "Ü:9"])),
            )
        for period, quota, rule in [("2025-01", 4, "submissions"), ("2025-02", 0, "persons")]:
            db.execute(
                "INSERT INTO closed_months (period, closed_at, reason, quota, figures, rule) "
                "VALUES (?, '2025-04-01T00:00:00Z', 'posted', ?, '{}', ?)",
                (period, quota, rule),
            )
    db.close()


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("quota", [0, 1, 3, 10, 10**9])
def test_python_tallies_agree_with_the_sql_rule(tmp_path: Path, seed: int, quota: int) -> None:
    path = tmp_path / "survey.db"
    crowded(path, seed)

    assert tally_periods(path, PERIODS, quota) == ranked_tally(path, PERIODS, quota)
    assert tally_periods(path, PERIODS[1:], quota) == ranked_tally(path, PERIODS[1:], quota)
    with connect_readonly(path) as db:
        for period in PERIODS:
            prefix, args = ranked("", [period], quota)
            sql = prefix + "SELECT id_ FROM ranked WHERE counted ORDER BY 1"
            assert counted_ids(db, period, quota) == [row[0] for row in db.execute(sql, args)]
