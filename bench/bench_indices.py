"""How long one month's indices take over a database of 1,000,000 stored item answers.

Not a test: a script that prints figures. Run it with

    .venv/bin/python bench/bench_indices.py [--submissions 77000] [--repeat 5] [--report]

It writes a temporary SQLite file with the bot's schema: 77,000 submissions × 13 scores
(1,001,000 answers), 12 "heavy" months of ~6,400 submissions each (2024) and one realistic
month (2025-01, 45 submissions). It then times, in the same run:

* the public API: ``period_indices`` (one month, tallied in SQL), ``summarize`` (the JSON
  summary: the month plus its LKE 3-month window) and ``load_period`` (the row DataFrame),
* a plain ``SELECT item, score`` of the same month (submission joined with its scores), fetched
  whole, as the yardstick the API is compared to: the least any index computation must read.
  ``summarize`` reads the month and the two before it (the LKE window), so its yardstick is the
  same SELECT over those three months, timed in turn with it (SELECT, summarize, SELECT, …) so
  that a change in the machine's load moves both alike,

for the realistic month with quota 30, and for a heavy month with quota 30 and with a quota
large enough to count every one of its submissions. Each figure is the median of ``--repeat``
runs (the first run, with a cold page cache, is shown beside it). Goals: ≤ 1 s per call, and
``summarize`` ≤ 1.5× the plain SELECT for the month where everything counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import harness as h

from analysis.db import load_period
from analysis.indices import LKE_MONTHS
from analysis.summary import period_indices, summarize
from bot.store import Storage
from survey.period import Period
from survey.questionnaire import Questionnaire, load

SERVICES = {"cpob": "A", "cpob_impor": "B", "fasilitas_bersama": "C", "suket_cpob": "D"}
HEAVY_MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]
REALISTIC = "2025-01"
REALISTIC_SIZE = 45
HEAVY = "2024-12"
EVERYONE = 10**9

PLAIN_SELECT = (
    "SELECT sc.item, sc.score "
    "FROM submissions AS s JOIN scores AS sc ON sc.submission_id = s.id WHERE s.period IN ({})"
)
SUMMARIZE_GOAL = 1.5  # × the plain SELECT, for the month where everything counts


def generate(path: Path, submissions: int, questionnaire: Questionnaire) -> int:
    """Fills ``path`` in one transaction; returns the number of stored item answers."""
    rng = random.Random(20250101)
    codes = [i.code for i in questionnaire.items]
    identities = [
        json.dumps(
            {
                "name": f"Responden {n}",
                "age": str(rng.randint(17, 99)),
                "gender": rng.choice("LP"),
                "education": rng.choice(["sd", "smp", "sma", "d3", "s1", "s2"]),
                "occupation": rng.choice(["pns", "swasta", "bumn", "wiraswasta", "lainnya"]),
                "institution": f"PT Contoh {n}",
            }
        )
        for n in range(500)
    ]
    heavy_total = submissions - REALISTIC_SIZE
    months = [
        (period, heavy_total // len(HEAVY_MONTHS) + (i < heavy_total % len(HEAVY_MONTHS)))
        for i, period in enumerate(HEAVY_MONTHS)
    ] + [(REALISTIC, REALISTIC_SIZE)]
    rows: list[tuple[Any, ...]] = []
    scores: list[tuple[int, str, int]] = []
    score_values = [1, 2, 3, 4]
    score_weights = [1, 3, 10, 16]
    next_id = 1
    for period, count in months:
        for _ in range(count):
            second = rng.randrange(27 * 86400)
            day, rest = divmod(second, 86400)
            submitted = (
                f"{period}-{day + 1:02d}T{rest // 3600:02d}:{rest // 60 % 60:02d}:"
                f"{rest % 60:02d}.{rng.randrange(10**6):06d}+00:00"
            )
            rows.append(
                (
                    next_id,
                    next_id,
                    rng.choice(list(SERVICES)),
                    period,
                    submitted,
                    "id",
                    rng.choice(identities),
                    "Saran uji" if rng.random() < 0.1 else None,
                    next_id,
                )
            )
            picked = rng.choices(score_values, score_weights, k=len(codes))
            scores.extend(zip([next_id] * len(codes), codes, picked, strict=True))
            next_id += 1
    asyncio.run(create(path))
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO submissions (id, user_id, service, period, submitted_at, language, "
            "identity, suggestion, person_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'p' || ?)",
            rows,
        )
        db.executemany("INSERT INTO scores (submission_id, item, score) VALUES (?, ?, ?)", scores)
        db.execute("COMMIT")
        db.execute("ANALYZE")
    finally:
        db.close()
    return len(scores)


async def create(path: Path) -> None:
    """An empty database with every migration applied, as the bot creates it."""
    storage = Storage(path)
    await storage.open()
    await storage.close()


def plain_select(path: Path, *periods: str) -> int:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        sql = PLAIN_SELECT.format(", ".join("?" * len(periods)))
        return len(db.execute(sql, periods).fetchall())
    finally:
        db.close()


def timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Returns (first run, median of ``repeat``) wall times in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times)


def timed_in_turn(
    call: Callable[[], object], yardstick: Callable[[], object], repeat: int
) -> tuple[float, float, float]:
    """Runs ``yardstick`` and ``call`` in turn ``repeat`` times; returns ``call``'s first and
    median wall times and ``yardstick``'s median, in seconds."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, samples in zip((yardstick, call), times, strict=True):
            start = time.perf_counter()
            run()
            samples.append(time.perf_counter() - start)
    return times[1][0], statistics.median(times[1]), statistics.median(times[0])


def peak_mib(call: Callable[[], object]) -> float:
    """Peak Python heap (tracemalloc) during ``call``, in MiB. SQLite's own cache is not seen."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def maxrss_mib() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / 2**20 if sys.platform == "darwin" else usage / 2**10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=77_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--report", action="store_true", help="also time build_report")
    args = parser.parse_args()
    questionnaire = load()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        start = time.perf_counter()
        answers = generate(path, args.submissions, questionnaire)
        print(
            f"generated {args.submissions:,} submissions, {answers:,} item answers in "
            f"{time.perf_counter() - start:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)"
        )
        print(f"max RSS after generation: {maxrss_mib():.0f} MiB\n")
        cases = [
            (REALISTIC, 30, "realistic month, quota 30"),
            (HEAVY, 30, "heavy month, quota 30"),
            (HEAVY, EVERYONE, "heavy month, every submission counted"),
        ]
        header = f"{'call':<16}{'first':>9}{'median':>9}{'× SELECT':>10}{'py peak':>10}"
        summarize_ratio = float("nan")
        for period, quota, title in cases:
            rows = plain_select(path, period)
            base_first, base = timed(lambda p=period: plain_select(path, p), args.repeat)
            counted = period_indices(path, period, questionnaire, quota, SERVICES).responses
            print(f"{title}: {period}, {rows // 13:,} submissions, {counted:,} counted")
            print(header)
            print(
                f"{'plain SELECT':<16}{base_first:>8.3f}s{base:>8.3f}s{1:>10.2f}"
                f"{peak_mib(lambda p=period: plain_select(path, p)):>7.1f}MiB"
            )
            calls: dict[str, Callable[[], object]] = {
                "period_indices": lambda p=period, q=quota: period_indices(
                    path, p, questionnaire, q, SERVICES
                ),
                "summarize": lambda p=period, q=quota: summarize(
                    path, p, questionnaire, SERVICES, q
                ),
                "load_period": lambda p=period, q=quota: load_period(path, p, questionnaire, q),
            }
            for name, call in calls.items():
                if name == "summarize":
                    window = Period.parse(period).back(LKE_MONTHS)
                    first, best, yardstick = timed_in_turn(
                        call, lambda w=window: plain_select(path, *w), args.repeat
                    )
                else:
                    (first, best), yardstick = timed(call, args.repeat), base
                verdict = "ok" if best <= 1.0 else "SLOW"
                print(
                    f"{name:<16}{first:>8.3f}s{best:>8.3f}s{best / yardstick:>10.2f}"
                    f"{peak_mib(call):>7.1f}MiB  {verdict}"
                )
                if name == "summarize" and quota == EVERYONE:
                    summarize_ratio = best / yardstick
            print()
        h.report(
            "summarize ÷ plain SELECT item, score of its 3 months (everything counted, medians)",
            summarize_ratio,
            "×",
            f"≤ {SUMMARIZE_GOAL}",
            summarize_ratio <= SUMMARIZE_GOAL,
        )
        if args.report:
            from analysis.report import ReportRequest, build_report

            for period, quota, title in cases:
                start = time.perf_counter()
                build_report(
                    ReportRequest(path, period, questionnaire, SERVICES, quota),
                    Path(folder) / "out",
                )
                print(f"build_report, {title}: {time.perf_counter() - start:.2f} s")
            print()
        print(f"max RSS at the end: {maxrss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
