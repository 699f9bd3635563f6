"""The tap as a respondent feels it: from an answer to the next question, at a human pace.

Not a test: a script that prints figures, each with its goal and PASS/FAIL. Run it from the
repository root with

    .venv/bin/python bench/bench_tap.py [--respondents 50] [--latency 0.05]

``surveibot run`` runs as its own process, exactly as deployed (the production build with its
AIORateLimiter, connection pool and update processor), polling the sandbox Bot API over HTTP
(:mod:`bot.sandbox.http`, 50 ms per call). The sandbox answers 429 as Telegram's flood control
would for a chat that gets more than ``--per-chat`` sends or edits a second; replies are not held
to the 30 messages a second of broadcasts, which Telegram applies to bulk sends, not to answers.

``--respondents`` people arrive within ten seconds and answer the whole questionnaire, waiting 1–3 s
(uniformly) before each answer, as a person reading and tapping does. For every answer, the time
from the update being put into the Bot API's queue to the bot's next message reaching that chat is
what the respondent waits: it includes the long poll that fetches the update, the bot's work and
its calls. The figures are its p50, p95 and p99 over all answers, and the 429s the bot received.
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
from bench_http import (
    SURVEIBOT,
    WAIT,
    HttpSandbox,
    run_process,
    survey_config,
    survey_plans,
)

from bot.sandbox import user
from bot.sandbox.http import SandboxServer


async def respond(
    sandbox: HttpSandbox, plan: w.Plan, rng: random.Random, waits: list[float]
) -> None:
    """Answers the plan's steps at a human pace; each answer's wait for the next message goes
    into ``waits``."""
    person = user(plan.user_id, plan.name)
    chat = plan.user_id
    arrived = sandbox.arrived.setdefault(chat, asyncio.Event())
    await asyncio.sleep(rng.uniform(0, 10))  # people arrive over ten seconds
    for n, step in enumerate(plan.steps):
        if n:
            await asyncio.sleep(rng.uniform(1, 3))  # reading the question, then tapping
        async with asyncio.timeout(WAIT):
            payload = w.payload_for(sandbox, person, step)
            before = sandbox.sent[chat]
            arrived.clear()
            began = time.perf_counter()
            sandbox.queue_update(payload)
            while sandbox.sent[chat] <= before:
                await arrived.wait()
                arrived.clear()
            waits.append(time.perf_counter() - began)


async def main(args: argparse.Namespace) -> None:
    sandbox = HttpSandbox(
        latency=args.latency, max_poll_wait=args.poll, per_chat_limit=(args.per_chat, 1.0)
    )
    async with SandboxServer(sandbox) as server:
        with tempfile.TemporaryDirectory(prefix="surveibot-bench-tap-") as tmp:
            folder = Path(tmp)
            config = survey_config(folder, server.base_url, args.pool)
            people = survey_plans(2_000_000, args.respondents, seed=7)
            rng = random.Random(7)
            waits: list[float] = []

            async def everyone() -> list[BaseException | None]:
                return await asyncio.gather(
                    *(respond(sandbox, p, random.Random(rng.random()), waits) for p in people),
                    return_exceptions=True,
                )

            began = time.perf_counter()
            outcomes = await run_process(
                sandbox, [SURVEIBOT, "run", "-c", str(config)], folder / "bot.log", everyone
            )
            took = time.perf_counter() - began
            log = (folder / "bot.log").read_text("utf-8", "replace").splitlines()
    stuck = [o for o in outcomes if isinstance(o, BaseException)]
    for failure in stuck[:3]:
        print(f"  respondent stuck: {failure!r}", file=sys.stderr)
    for line in [line for line in log if "Error" in line][:5]:
        print(f"  bot log: {line[:200]}", file=sys.stderr)
    print(
        f"  {len(people)} respondents, {len(waits)} answers in {took:.0f} s "
        f"({len(waits) / took:.1f} updates/s), {len(stuck)} stuck"
    )
    p95 = h.percentile(waits, 95)
    h.report("tap to next question, p50", h.percentile(waits, 50) * 1000, "ms")
    h.report(
        "tap to next question, p95, at a human pace over HTTP",
        p95 * 1000,
        "ms",
        "≤ 1500 ms",
        p95 <= 1.5 and not stuck,
        note=f"{len(people)} respondents, 1–3 s per answer, production build",
    )
    h.report("tap to next question, p99", h.percentile(waits, 99) * 1000, "ms")
    too_many = sandbox.statuses.get(429, 0)
    h.report("429 answers received by the bot", too_many, "", "0", too_many == 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per Bot API call")
    parser.add_argument("--poll", type=float, default=10.0, help="longest getUpdates wait")
    parser.add_argument(
        "--per-chat", type=int, default=3, help="sends+edits a chat may get a second"
    )
    parser.add_argument("--pool", type=int, default=64, help="the bot's connection pool")
    h.header("bench_tap: tap to next question at a human pace, over HTTP")
    asyncio.run(main(parser.parse_args()))
