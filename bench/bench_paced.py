"""The survey bot's handler time at a human pace: 500 respondents who take 1–3 s per answer.

Not a test: a script that prints figures. Run it from the repository root with

    .venv/bin/python bench/bench_paced.py [--respondents 500] [--think 1 3] [--arrive-within 10]

bench_bot.py runs the bot at full capacity (nobody thinks), where the time an update spends in
its handlers is mostly queueing behind ~256 other updates for the event loop and the database
thread. Here the same 500 respondents open their links at random moments in the first 10 s and
then read each question for a random 1–3 s before answering (closed loop: the next update only
after the bot answered the previous one), which offers the bot ~200 updates/s. Handler time is
the wall time of ``Application.process_update`` minus the time its task spent awaiting the fake
Bot API (50 ms per call), as in bench_bot.py.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

import harness as h
import walks as w

from bot.app import build_application


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="surveibot-bench-") as tmp:
        config = h.bench_config(Path(tmp))
        sandbox = h.TimedSandbox(latency=args.latency)
        app = build_application(config, sandbox, clock=h.RunningClock(), rate_limited=False)
        tracker = h.Tracker()
        tracker.install(app)
        async with h.running(app):
            rng = random.Random(4)
            codes = [s.code for s in config.services]
            people = [
                w.plan(4_000_000 + n, config.survey.questionnaire, codes, rng)
                for n in range(args.respondents)
            ]
            driver = w.Driver(
                app,
                sandbox,
                tracker,
                think=(args.think[0], args.think[1]),
                arrive_within=args.arrive_within,
                seed=4,
            )
            wall, stuck = await driver.run(people)
            matched, _ = w.check_submissions(config.storage.path, people)
    wall_ms = [t * 1000 for t in tracker.handler]
    run_ms = [t * 1000 for t in tracker.run]
    print(
        f"  {driver.updates:,} updates in {wall:.1f} s = {driver.updates / wall:.0f}/s; "
        f"{matched} of {len(people)} submissions right; {stuck} stuck; "
        f"{len(tracker.errors)} handler errors"
    )
    p99 = h.percentile(wall_ms, 99)
    h.report(
        "handler time p99 at a human pace: wall time minus time awaiting the fake",
        p99,
        "ms",
        "< 20",
        p99 < 20,
        note=f"p50 {h.percentile(wall_ms, 50):.1f} ms, p99.9 {h.percentile(wall_ms, 99.9):.1f} ms, "
        f"max {max(wall_ms):.0f} ms; {driver.updates / wall:.0f} updates/s offered",
    )
    h.report_p99(
        "handler time p99 at a human pace: the update's own time on the event loop", run_ms, 20
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    parser.add_argument("--arrive-within", type=float, default=10.0)
    parser.add_argument("--latency", type=float, default=0.05)
    h.header("bench_paced: handler time at a human pace")
    began = time.perf_counter()
    asyncio.run(main(parser.parse_args()))
    print(f"\nbench_paced took {time.perf_counter() - began:.0f} s", file=sys.stderr)
