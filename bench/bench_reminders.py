"""A reminder broadcast to 1,000 respondents through a fake Bot API that enforces Telegram's
limits with 429s. Goal: ≥ 25 messages/s and not one 429 received.

Not a test: a script that prints figures. Run it from the repository root with

    .venv/bin/python bench/bench_reminders.py [--recipients 1000]

The bot is built as in production (``build_application`` with PTB's ``AIORateLimiter``) over
``SandboxRequest(flood_limit=(30, 1.0), per_chat_limit=(1, 1.0))``: more than 30 sends in any
rolling second, or a second message to one chat within a second, is answered with a 429. 1,000
respondents each open a draft and answer the language and their name; the bot's clock then moves
25 hours on (past the 24 h reminder delay, at 11:00 in Jakarta, outside the quiet hours) and
``bot.reminders.send_due(app)`` is timed. ``--latency 0.05`` makes the fake answer
every call
after 50 ms, as the real Bot API does (default 0: the fake answers at once).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import deque
from dataclasses import replace
from pathlib import Path

import harness as h

from bot.app import build_application
from bot.runtime import runtime
from bot.sandbox import SandboxRequest

RATE_GOAL = 25.0


async def main(recipients: int, per_second: float | None, latency: float) -> None:
    try:
        from bot.reminders import send_due
    except ImportError as exc:
        print(f"bot.reminders.send_due is not available ({exc})")
        h.report(
            "reminder broadcast",
            None,
            "messages/s",
            "≥ 25, 0 429s",
            False,
            note="bot.reminders.send_due missing",
        )
        return
    with tempfile.TemporaryDirectory(prefix="surveibot-bench-") as tmp:
        config = h.bench_config(Path(tmp))
        if per_second is not None:
            config = replace(config, reminders=replace(config.reminders, per_second=per_second))
        print(f"  [reminders] per_second = {config.reminders.per_second}, latency {latency} s")
        sandbox = SandboxRequest(latency=latency, flood_limit=(30, 1.0), per_chat_limit=(1, 1.0))
        clock = h.RunningClock()
        app = build_application(config, sandbox, clock=clock)  # with the production rate limiter
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        try:
            storage = runtime(app).storage
            steps = config.survey.questionnaire.step_keys
            services = [s.code for s in config.services]
            began = time.perf_counter()
            for n in range(recipients):
                user_id = 5_000_000 + n
                draft, _ = await storage.open_draft(user_id, user_id, services[n % 4], clock())
                await storage.record_answer(draft.id, user_id, "language", "id", steps, clock())
                await storage.record_answer(
                    draft.id, user_id, "name", f"Responden {n}", steps, clock()
                )
            print(f"  {recipients:,} open drafts made in {time.perf_counter() - began:.1f} s")
            clock.advance(hours=25)
            sandbox.clear()
            began = time.perf_counter()
            run = await send_due(app)
            took = time.perf_counter() - began
        finally:
            await app.shutdown()
            assert app.post_shutdown is not None
            await app.post_shutdown(app)
    sent = [c for c in sandbox.calls_to("sendMessage") if c.result_status == 200]
    chats = {c.params["chat_id"] for c in sent}
    print(f"  send_due: {run}")
    stamps = sorted(c.at for c in sent)
    rate = len(sent) / took
    pace = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    print(
        f"  {len(sent):,} messages delivered to {len(chats):,} chats in {took:.2f} s "
        f"({rate:.2f}/s; first to last answered: {pace:.2f}/s); busiest second: "
        f"{busiest_second(stamps)} messages ({busiest_second(stamps, 0.995)} in any 0.995 s)"
    )
    h.report(
        "reminder broadcast rate",
        rate,
        "messages/s",
        "≥ 25",
        rate >= RATE_GOAL,
        note=f"{len(sent):,} of {recipients:,} delivered",
    )
    h.report(
        "429s received during the broadcast",
        sandbox.flood_errors,
        "",
        "0",
        sandbox.flood_errors == 0 and len(chats) == recipients,
    )


def busiest_second(stamps: list[float], span: float = 1.0) -> int:
    window: deque[float] = deque()
    most = 0
    for stamp in sorted(stamps):
        window.append(stamp)
        while window[0] <= stamp - span:
            window.popleft()
        most = max(most, len(window))
    return most


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--per-second", type=float, help="override [reminders] per_second")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per Bot API call")
    h.header("bench_reminders: reminder broadcast under Telegram's limits")
    began = time.perf_counter()
    options = parser.parse_args()
    asyncio.run(main(options.recipients, options.per_second, options.latency))
    print(f"\nbench_reminders took {time.perf_counter() - began:.0f} s", file=sys.stderr)
