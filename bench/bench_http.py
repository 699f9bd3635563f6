"""The bot as deployed: its own process, polling a Bot API over HTTP through PTB's HTTPXRequest.

Not a test: a script that prints figures, each with its goal and PASS/FAIL. Run it from the
repository root with

    .venv/bin/python bench/bench_http.py [--respondents 100] [--rounds 3] [--profile DIR]

The sandbox Bot API (:class:`bot.sandbox.SandboxRequest`, 50 ms per call) is served over HTTP by
:mod:`bot.sandbox.http` in this process. Three bots, each started as its own process on that
front, take turns within one run, A B C A B C …, so that load drift on the machine moves all three
alike; each figure is the median of its rounds:

- **survey**: ``surveibot run -c cfg.toml``, exactly as systemd runs it (its AIORateLimiter,
  connection pool and update processor), with a new database each round;
- **echo**: PTB's echobot (one reply per text message) with PTB's ``HTTPXRequest`` as is (httpx's
  own pool, of ``--echo-pool`` connections), ``bench/echo_bots.py --kind plain``;
- **same-calls echo**: ``bench/echo_bots.py --kind taps --transport aiohttp``: the survey's Bot
  API calls through the survey's request class (``bot.app.AiohttpRequest``) and pool, and nothing
  else.

Each round, ``--respondents`` people answer at once; a person sends the next update only once the
bot's next message has reached their chat (what a person waits for). The survey's respondents
answer the whole questionnaire (23 updates); the echo bots get the same number of updates, taps
where the survey has taps. A bot's figures are its updates per second of wall time and per second
of its own CPU time (user + system, from /proc), the latter being what "per core" means.

``--pools 4,8,16,64,256`` runs the survey once per connection pool size instead (config
``[telegram] connection_pool_size``), for choosing the default.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import harness as h
import walks as w

from bot.sandbox import user
from bot.sandbox.http import SandboxServer

SURVEIBOT = str(Path(sys.executable).parent / "surveibot")
ECHO = str(Path(__file__).resolve().parent / "echo_bots.py")
TICKS = os.sysconf("SC_CLK_TCK")
T = TypeVar("T")
WAIT = 30.0  # seconds a respondent waits for the bot before counting as stuck


class HttpSandbox(h.TimedSandbox):
    """The timed sandbox, waking a respondent when the bot sends a message to their chat."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sent: dict[int, int] = defaultdict(int)
        self.arrived: dict[int, asyncio.Event] = {}
        self.polling = asyncio.Event()

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/getUpdates"):
            self.polling.set()
        return await super().do_request(url, *args, **kwargs)

    def answered(self, method: str, params: Any, status: int | None) -> None:
        if method == "sendMessage" and status == 200:
            chat = int(params["chat_id"])
            self.sent[chat] += 1
            event = self.arrived.get(chat)
            if event is not None:
                event.set()


@dataclass
class Outcome:
    updates: int
    wall: float
    cpu: float
    stuck: int

    @property
    def rate(self) -> float:
        return self.updates / self.wall

    @property
    def per_cpu(self) -> float:
        return self.updates / self.cpu if self.cpu else float("nan")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def survey_config(folder: Path, base_url: str, pool: int) -> Path:
    """The example config, on the sandbox's HTTP front, with its database in ``folder``."""
    text = (h.REPO / "config.example.toml").read_text("utf-8")
    text = text.replace('token = ""', f'token = "{h.TOKEN}"\nbase_url = "{base_url}"', 1)
    text = re.sub(
        r"(?m)^connection_pool_size = \d+$", f"connection_pool_size = {pool}", text, count=1
    )
    text = re.sub(r'(?m)^path = ".*"$', f'path = "{folder / "survey.db"}"', text, count=1)
    path = folder / "config.toml"
    path.write_text(text, "utf-8")
    return path


def this_month() -> str:
    """The month the bot offers first: today in the example config's time zone."""
    return datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")


def survey_plans(first_id: int, count: int, seed: int) -> list[w.Plan]:
    import random

    config = h.bench_config(Path(tempfile.gettempdir()))
    rng = random.Random(seed)
    codes = [s.code for s in config.services]
    month = this_month()
    people = [w.plan(first_id + n, config.survey.questionnaire, codes, rng) for n in range(count)]
    for person in people:
        person.steps = [
            w.Step("tap", data_suffix=f":period:{month}")
            if step.data_suffix.startswith(":period:")
            else step
            for step in person.steps
        ]
    return people


def echo_plans(people: Sequence[w.Plan], taps: bool) -> list[w.Plan]:
    """The same respondents and number of updates; taps only where the survey has them and
    ``taps`` is on (the first update is always a text, so a keyboard exists to tap)."""
    result = []
    for p in people:
        steps = [
            w.Step("tap", data_prefix="e:")
            if step.kind == "tap" and taps and n
            else w.Step("text", step.text or f"jawaban {n}")
            for n, step in enumerate(p.steps)
        ]
        result.append(w.Plan(p.user_id, p.service, p.name, p.age, {}, "", {}, steps))
    return result


async def respond(sandbox: HttpSandbox, plan: w.Plan) -> None:
    """Sends the plan's updates one by one, each once the bot's reply to the last has arrived."""
    person = user(plan.user_id, plan.name)
    chat = plan.user_id
    arrived = sandbox.arrived.setdefault(chat, asyncio.Event())
    for step in plan.steps:
        async with asyncio.timeout(WAIT):
            while True:
                try:
                    payload = w.payload_for(sandbox, person, step)
                    break
                except LookupError:  # the question with this button is still on its way
                    arrived.clear()
                    await arrived.wait()
            before = sandbox.sent[chat]
            arrived.clear()
            sandbox.queue_update(payload)
            while sandbox.sent[chat] <= before:
                await arrived.wait()
                arrived.clear()


async def run_process(
    sandbox: HttpSandbox,
    command: Sequence[str],
    log: Path,
    work: Callable[[], Awaitable[T]],
    profile: Path | None = None,
) -> tuple[T, float, float]:
    """Starts the bot process, awaits ``work()`` once it polls, stops it; what ``work`` returned,
    the wall seconds it took and the bot's CPU seconds meanwhile. With ``profile``, py-spy
    samples the bot meanwhile into that file (collapsed stacks, ``--format raw``)."""
    sandbox.polling.clear()
    with log.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=h.REPO,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        async with asyncio.timeout(60):
            await sandbox.polling.wait()
        await asyncio.sleep(0.5)  # start-up calls done, the bot idles in getUpdates
        spy = None if profile is None else await start_py_spy(process.pid, profile)
        cpu = cpu_seconds(process.pid)
        began = time.perf_counter()
        result = await work()
        wall = time.perf_counter() - began
        cpu = cpu_seconds(process.pid) - cpu
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file and exits
            await spy.wait()
    finally:
        process.terminate()
        try:
            async with asyncio.timeout(20):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
    return result, wall, cpu


async def start_py_spy(pid: int, out: Path) -> asyncio.subprocess.Process:
    """py-spy (``pip install py-spy``, not a dependency) sampling ``pid`` into ``out``."""
    spy = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "py-spy"),
        *("record", "--pid", str(pid), "--format", "raw", "--rate", "250", "-o", str(out)),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await asyncio.sleep(0.5)  # attached
    return spy


async def run_bot(
    sandbox: HttpSandbox,
    command: Sequence[str],
    log: Path,
    people: Sequence[w.Plan],
    profile: Path | None = None,
) -> Outcome:
    """Starts the bot process, lets ``people`` answer at once, stops it; its figures."""

    async def everyone() -> list[BaseException | None]:
        return await asyncio.gather(*(respond(sandbox, p) for p in people), return_exceptions=True)

    outcomes, wall, cpu = await run_process(sandbox, command, log, everyone, profile)
    stuck = [o for o in outcomes if isinstance(o, BaseException)]
    for failure in stuck[:3]:
        print(f"  respondent stuck: {failure!r}", file=sys.stderr)
    updates = sum(len(p.steps) for p in people)
    return Outcome(updates, wall, cpu, len(stuck))


def median(outcomes: Sequence[Outcome], attribute: str) -> float:
    return float(statistics.median(getattr(o, attribute) for o in outcomes))


async def main(args: argparse.Namespace) -> None:
    sandbox = HttpSandbox(latency=args.latency, max_poll_wait=0.05)
    pools = [int(p) for p in args.pools.split(",")] if args.pools else []
    async with SandboxServer(sandbox) as server:
        with tempfile.TemporaryDirectory(prefix="surveibot-bench-http-") as tmp:
            folder = Path(tmp)
            log = folder / "bots.log"
            first = 1_000_000

            def survey(pool: int, round_: int) -> tuple[list[str], list[w.Plan]]:
                where = folder / f"survey-{pool}-{round_}"
                where.mkdir()
                config = survey_config(where, server.base_url, pool)
                return [SURVEIBOT, "run", "-c", str(config)], survey_plans(
                    first + round_ * 100_000, args.respondents, seed=round_
                )

            def echo(kind: str, round_: int) -> tuple[list[str], list[w.Plan]]:
                command = [sys.executable, ECHO, "--kind", kind, "--base-url", server.base_url]
                command += ["--token", h.TOKEN]
                if kind == "taps":  # the survey's request class and pool
                    command += ["--transport", "aiohttp", "--pool", str(args.pool)]
                else:
                    command += ["--transport", "httpx", "--pool", str(args.echo_pool)]
                people = survey_plans(first + round_ * 100_000, args.respondents, seed=round_)
                return command, echo_plans(people, taps=kind == "taps")

            bots: dict[str, Any] = {}
            if pools:
                for pool in pools:
                    bots[f"survey, pool {pool}"] = lambda r, pool=pool: survey(pool, r)
            else:
                bots["survey"] = lambda r: survey(args.pool, r)
                bots["echo"] = lambda r: echo("plain", r)
                bots["same-calls echo"] = lambda r: echo("taps", r)
            results: dict[str, list[Outcome]] = {name: [] for name in bots}
            for round_ in range(args.rounds):
                for name, make in bots.items():
                    command, people = make(round_)
                    profile = None
                    if args.profile:
                        slug = name.replace(" ", "-").replace(",", "")
                        profile = Path(args.profile) / f"{slug}-{round_ + 1}.txt"
                    outcome = await run_bot(sandbox, command, log, people, profile)
                    results[name].append(outcome)
                    print(
                        f"  round {round_ + 1}, {name}: {outcome.rate:.0f} updates/s, "
                        f"{outcome.per_cpu:.0f} per CPU second, {outcome.stuck} stuck",
                        flush=True,
                    )
            lines = log.read_text("utf-8", "replace").splitlines()
            errors = [line for line in lines if "Error" in line]
            for line in errors[:5]:
                print(f"  bot log: {line[:200]}", file=sys.stderr)

    print()
    for name, outcomes in results.items():
        h.report(
            f"over HTTP, {name}: throughput (median of {len(outcomes)})",
            median(outcomes, "rate"),
            "updates/s",
        )
        h.report(
            f"over HTTP, {name}: updates per CPU second of its process",
            median(outcomes, "per_cpu"),
            "updates/s",
        )
    if pools:
        return
    survey_rate = median(results["survey"], "rate")
    shaped = median(results["same-calls echo"], "rate")
    h.report(
        "over HTTP, survey ÷ same-calls echo",
        survey_rate / shaped,
        "",
        "≥ 0.8",
        survey_rate / shaped >= 0.8,
        note="medians of interleaved rounds",
    )
    per_core = median(results["survey"], "per_cpu")
    h.report(
        "over HTTP, survey updates per core",
        per_core,
        "updates/s",
        "≥ 100",
        per_core >= 100,
        note="the audit measured about 50 with httpx's own pool of 256",
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--pool", type=int, default=64, help="the survey's connection pool")
    parser.add_argument(
        "--echo-pool", type=int, default=16, help="PTB's echobot's pool (httpx's best: 16)"
    )
    parser.add_argument("--pools", default="", help="compare the survey at these pool sizes")
    parser.add_argument(
        "--profile", default="", help="folder for py-spy's collapsed stacks of each bot and round"
    )
    h.header("bench_http: the bot as deployed, over HTTP")
    began = time.perf_counter()
    asyncio.run(main(parser.parse_args()))
    print(f"\nbench_http took {time.perf_counter() - began:.0f} s", file=sys.stderr)
