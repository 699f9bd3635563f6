"""The bot under load: 500 respondents answering whole questionnaires at once through the real
update path and a fake Bot API that takes 50 ms per call.

Not a test: a script that prints figures, each with its goal and PASS/FAIL. Run it from the
repository root with

    .venv/bin/python bench/bench_bot.py [--respondents 500] [--latency 0.05]

What runs, in one process and one event loop, as in production:

1. **The survey bot** from ``build_application`` (its ``PerUserUpdateProcessor``, no rate
   limiter), started with ``app.start()``; updates go into ``app.update_queue`` as the Updater
   would put them. Each respondent sends its next update only once the bot has finished the
   previous one (a person waits for the next question) and answers at once (no think time), so
   the bot runs at full capacity: /start, language, 6 identity answers, period, U1–U8, P1–P5,
   skip, submit = 24 updates each. Afterwards every submission in the database is compared
   with what its respondent typed and tapped.
2. **Disorder probe**: 200 more respondents whose every tap arrives twice back to back and who
   type name and age without waiting, so up to 400 updates wait at once and the processor's
   limit of 256 is reached; the database must still hold exactly their answers.
3. **Report build**: the month in the database (the 700 submissions above: 30 counted, 670
   beyond quota) built as the monthly post builds it, ``bot.staff.report.build`` (charts, XLSX and
   DOCX in a spawned child process), while a ticker task sleeps 5 ms at a time and records how
   late it wakes; then the process's RSS.
4. **Echo bots** on the same fake (same latency, same processor, same respondents and arrival
   model): PTB's echobot (one reply per text message) and an echo bot making the survey's calls
   (a tap: answer the query, edit its message, send a message with buttons). They take turns
   with the survey bot's phase 1 (on a new database each time), survey / echo / same-calls echo,
   ``--rounds`` times, so that load drift on the machine moves all three alike; the ratios are
   of the medians.
5. **Sequential survey bot** (``SimpleUpdateProcessor(1)``, i.e. ``concurrent_updates(False)``)
   with a few respondents, for comparison.

Handler time is measured per update around ``Application.process_update`` (after the update
processor's per-user lock is taken), with the fake's calls timed per task: see ``Tracker`` and
``TimedSandbox`` in bench/harness.py.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

import echo_bots
import harness as h
import probes
import walks as w
from telegram.ext import (
    ApplicationBuilder,
    SimpleUpdateProcessor,
)

import bot.app
import bot.store.connection
from bot.app import CONCURRENT_UPDATES, build_application
from bot.processing import PerUserUpdateProcessor
from bot.sections import Config

RSS_GOAL = 150.0


def plans(config: Config, first_id: int, count: int, seed: int) -> list[w.Plan]:
    rng = random.Random(seed)
    codes = [s.code for s in config.services]
    return [w.plan(first_id + n, config.survey.questionnaire, codes, rng) for n in range(count)]


def survey_bot(
    args: argparse.Namespace, folder: Path
) -> tuple[Config, h.TimedSandbox, h.App, h.Tracker]:
    """The survey bot as bench_bot runs it: on the timed fake, without a rate limiter, timed."""
    config = h.bench_config(folder)
    sandbox = h.TimedSandbox(latency=args.latency)
    app = build_application(config, sandbox, clock=h.RunningClock(), rate_limited=False)
    tracker = h.Tracker()
    tracker.install(app)
    return config, sandbox, app, tracker


async def survey(args: argparse.Namespace, folder: Path) -> float:
    """Phases 1–3; returns the survey bot's updates/s."""
    config, sandbox, app, tracker = survey_bot(args, folder)
    commits = probes.time_record_answer(app)
    database = probes.DatabaseThread()
    async with h.running(app):
        # 1. capacity
        print(
            f"\n-- 1. survey bot, {args.respondents} respondents, {args.latency * 1000:.0f} ms "
            f"per Bot API call, no think time --"
        )
        people = plans(config, 1_000_000, args.respondents, seed=1)
        driver = w.Driver(app, sandbox, tracker)
        cpu = time.process_time()
        with database:
            wall, stuck = await driver.run(people)
        cpu = time.process_time() - cpu
        rate = driver.updates / wall
        print(
            f"  {driver.updates:,} updates in {wall:.1f} s; process CPU {cpu:.1f} s "
            f"({cpu / wall * 100:.0f}% of one core; the driver's own share "
            f"{driver.driver_seconds:.1f} s); "
            f"at most {driver.most_waiting} updates queued and {tracker.most_at_once} in "
            "handlers at once"
        )
        h.report(
            "survey bot throughput",
            rate,
            "updates/s",
            "≥ 400",
            rate >= 400,
            note=f"{calls_per_update(sandbox, driver):.2f} Bot API calls per update",
        )
        matched = w.checked(config.storage.path, people)
        h.report(
            "answers on the right item (submissions equal to what was tapped)",
            matched,
            f"of {len(people)}",
            f"{len(people)} of {len(people)}",
            matched == len(people) and not stuck,
        )
        order_ok = tracker.overlaps == 0 and tracker.reordered == 0
        h.report(
            "a user's updates overlapping or out of order",
            tracker.overlaps + tracker.reordered,
            "",
            "0",
            order_ok,
        )
        probes.handler_times(tracker)
        h.report(
            "answer commit p99 (storage.record_answer, under this load)",
            h.percentile(commits, 99) * 1000,
            "ms",
            note=f"p50 {h.percentile(commits, 50) * 1000:.1f} ms, n={len(commits):,}; "
            "mostly waiting for the database thread's earlier transactions",
        )
        database.report(wall)
        probes.errors(tracker)
        gc.collect()
        after_run = h.rss_mb()
        h.report(
            f"RSS after the {args.respondents}-respondent run",
            after_run,
            "MiB",
            f"≤ {RSS_GOAL:.0f}",
            after_run <= RSS_GOAL,
            note="includes the in-process fake Bot API's messages",
        )

        # 2. disorder probe
        print(
            f"\n-- 2. disorder probe: {args.probe} respondents, every tap twice, name and age "
            "typed back to back --"
        )
        tracker.reset()
        hurried = plans(config, 2_000_000, args.probe, seed=2)
        driver = w.Driver(app, sandbox, tracker)
        wall, stuck = await driver.run(hurried, hurried=True)
        matched = w.checked(config.storage.path, hurried)
        h.report(
            "hurried respondents whose submission equals what they tapped",
            matched,
            f"of {len(hurried)}",
            f"{len(hurried)} of {len(hurried)}",
            matched == len(hurried) and not stuck,
            note=f"{driver.updates:,} updates, {driver.updates / wall:.0f}/s; at most "
            f"{driver.most_waiting} queued and {tracker.most_at_once} in handlers at once",
        )
        h.report(
            "a hurried user's updates overlapping or out of order",
            tracker.overlaps + tracker.reordered,
            "",
            "0",
            tracker.overlaps == 0 and tracker.reordered == 0,
        )
        probes.errors(tracker)

        # 3. report build
        print("\n-- 3. monthly report while the bot runs --")
        await probes.report_stall(config, folder / "report")
        gc.collect()
        after_report = h.rss_mb()
        h.report(
            "RSS after the run and a report build",
            after_report,
            "MiB",
            f"≤ {RSS_GOAL:.0f}",
            after_report <= RSS_GOAL,
        )
    return rate


def echo_plans(people: Sequence[w.Plan], taps: bool) -> list[w.Plan]:
    """The same respondents and number of updates; every tap becomes a text when ``taps`` is off."""
    result = []
    for p in people:
        steps = [
            w.Step("tap", data_prefix="e:")
            if step.kind == "tap" and taps
            else w.Step("text", step.text or f"jawaban {n}")
            for n, step in enumerate(p.steps)
        ]
        result.append(w.Plan(p.user_id, p.service, p.name, p.age, {}, "", {}, steps))
    return result


async def echo(args: argparse.Namespace, people: Sequence[w.Plan], taps: bool) -> float:
    sandbox = h.TimedSandbox(latency=args.latency)
    app = (
        ApplicationBuilder()
        .token(h.TOKEN)
        .request(sandbox)
        .get_updates_request(sandbox)
        .concurrent_updates(PerUserUpdateProcessor(CONCURRENT_UPDATES))
        .build()
    )
    echo_bots.add_handlers(app, "taps" if taps else "plain")
    tracker = h.Tracker()
    tracker.install(app)
    await app.initialize()
    await app.start()
    try:
        driver = w.Driver(app, sandbox, tracker)
        wall, stuck = await driver.run(echo_plans(people, taps))
    finally:
        await app.stop()
        await app.shutdown()
    probes.errors(tracker)
    if stuck:
        print(f"  {stuck} echo respondents got stuck")
    print(
        f"  echo bot {'making the survey calls' if taps else 'replying to texts'}: "
        f"{calls_per_update(sandbox, driver):.2f} Bot API calls per update"
    )
    return driver.updates / wall


def calls_per_update(sandbox: h.TimedSandbox, driver: w.Driver) -> float:
    """Bot API calls the bot made per update it was sent (start-up calls included)."""
    return sum(sandbox.statuses.values()) / max(driver.updates, 1)


async def survey_capacity(args: argparse.Namespace, folder: Path) -> float:
    """Phase 1 alone, on a new database: the survey bot's updates/s, for the interleaved rounds."""
    config, sandbox, app, tracker = survey_bot(args, folder)
    async with h.running(app):
        driver = w.Driver(app, sandbox, tracker)
        wall, stuck = await driver.run(plans(config, 1_000_000, args.respondents, seed=1))
    if stuck:
        print(f"  {stuck} survey respondents got stuck")
    return driver.updates / wall


# -- 5. sequential ---------------------------------------------------------------------------------


async def sequential(args: argparse.Namespace, folder: Path) -> float:
    config = h.bench_config(folder)
    sandbox = h.TimedSandbox(latency=args.latency)
    # build_application always installs our processor; for the comparison it gets PTB's
    # sequential one, which is what concurrent_updates(False) builds.
    with mock.patch.object(bot.app, "PerUserUpdateProcessor", lambda _n: SimpleUpdateProcessor(1)):
        app = build_application(config, sandbox, clock=h.RunningClock(), rate_limited=False)
    assert isinstance(app.update_processor, SimpleUpdateProcessor)
    tracker = h.Tracker()
    tracker.install(app)
    async with h.running(app):
        people = plans(config, 3_000_000, args.sequential, seed=3)
        driver = w.Driver(app, sandbox, tracker)
        wall, stuck = await driver.run(people)
        matched, _ = w.check_submissions(config.storage.path, people)
    rate = driver.updates / wall
    h.report(
        "sequential survey bot (SimpleUpdateProcessor(1)) throughput",
        rate,
        "updates/s",
        note=f"{args.sequential} respondents, {driver.updates} updates in {wall:.1f} s, "
        f"{matched} submissions right, {stuck} stuck; reference ≈ 10/s",
    )
    return rate


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="surveibot-bench-") as tmp:
        folder = Path(tmp)
        rate = await survey(args, folder / "concurrent")

        print(
            f"\n-- 4. survey and echo bots taking turns, {args.rounds} rounds: same fake "
            f"({args.latency * 1000:.0f} ms), same processor, "
            f"same {args.respondents} respondents --"
        )
        config = h.bench_config(folder)
        people = plans(config, 1_000_000, args.respondents, seed=1)
        rates: dict[str, list[float]] = {"survey": [], "plain": [], "taps": []}
        for round_ in range(args.rounds):
            # Interleaved, survey / echo / same-calls echo / survey …, so that load drift on the
            # machine moves all three alike; each figure is the median of its rounds.
            rates["survey"].append(await survey_capacity(args, folder / f"round-{round_}"))
            rates["plain"].append(await echo(args, people, taps=False))
            rates["taps"].append(await echo(args, people, taps=True))
            print(
                f"  round {round_ + 1}: survey {rates['survey'][-1]:.0f}, echo "
                f"{rates['plain'][-1]:.0f}, same-calls echo {rates['taps'][-1]:.0f} updates/s"
            )
        survey_rate = statistics.median(rates["survey"])
        plain = statistics.median(rates["plain"])
        shaped = statistics.median(rates["taps"])
        rounds = f"medians of {args.rounds} interleaved rounds"
        h.report("in-process survey bot throughput", survey_rate, "updates/s", note=rounds)
        h.report("bare PTB echo bot (one reply per message) throughput", plain, "updates/s")
        h.report("echo bot making the survey's calls throughput", shaped, "updates/s")
        h.report(
            "survey ÷ bare echo bot",
            survey_rate / plain,
            "",
            note="retired as a goal: a tap needs three Bot API calls, the echo one",
        )
        h.report(
            "in-process, survey ÷ echo bot making the survey's calls",
            survey_rate / shaped,
            "",
            "≥ 0.8",
            survey_rate / shaped >= 0.8,
            note=f"same Bot API calls per update: the cost of the survey's own work; {rounds}",
        )

        print(f"\n-- 5. sequential survey bot, {args.sequential} respondents --")
        seq = await sequential(args, folder / "sequential")
        h.report("concurrent ÷ sequential", rate / seq, "×")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--probe", type=int, default=200)
    parser.add_argument("--sequential", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved survey/echo rounds")
    h.header("bench_bot: the bot under load")
    began = time.perf_counter()
    asyncio.run(main(parser.parse_args()))
    print(f"\nbench_bot took {time.perf_counter() - began:.0f} s", file=sys.stderr)
