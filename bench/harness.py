"""What the bench scripts share: a config in a temp folder, a clock, a timed fake Bot API,
respondents that answer the whole questionnaire through the application's update queue, and the
way figures are printed.

Not a test module and not imported by the bot. Every figure goes through :func:`report`, which
prints ``name: value unit (goal …) PASS|FAIL`` and, when ``BENCH_RESULTS`` names a file, appends it
there as one JSON line for ``bench/run_all.py``.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import math
import os
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from figures import fmt

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# RetryAfter reads its own retry_after on construction, which warns unless PTB 22 is told to use
# timedelta periods (the same setting the tests use).
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Update  # noqa: E402
from telegram.ext import Application  # noqa: E402

from bot.config import TOKEN_ENV, load  # noqa: E402
from bot.sandbox import SandboxRequest  # noqa: E402
from bot.sections import Config  # noqa: E402

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
App = Application[Any, Any, Any, Any, Any, Any]
# 15 January 2025, 10:00 in Jakarta: the bot offers "Januari 2025" and "Desember 2024".
START = datetime(2025, 1, 15, 3, 0, tzinfo=UTC)
PERIOD = "2025-01"
PERIOD_LABEL = "2025-01"  # the period button's callback value

# Per task: [seconds inside the fake Bot API (its latency and its own work), seconds of the
# fake's own work alone]. Set by Tracker for each update it times.
API_WAIT: contextvars.ContextVar[list[float] | None] = contextvars.ContextVar(
    "api_wait", default=None
)
# Seconds each task has held the event loop, for the tasks Tracker is timing, and when the
# loop callback running now began.
_RUN_TIME: dict[Any, float] = {}
_STEP_BEGAN = [0.0]
_handle_run = asyncio.events.Handle._run


def _timed_run(self: asyncio.Handle) -> None:
    # A task's steps and wake-ups are loop callbacks whose __self__ is the task: adding up how
    # long each ran gives the time the task's own code held the loop.
    began = _STEP_BEGAN[0] = time.perf_counter()
    try:
        _handle_run(self)
    finally:
        owner = getattr(self._callback, "__self__", None)  # type: ignore[attr-defined]
        if owner in _RUN_TIME:
            _RUN_TIME[owner] += time.perf_counter() - began


def _start_run_clock(task: Any) -> None:
    # Called inside one of the task's steps: the part of the step before now does not count.
    _RUN_TIME[task] = _STEP_BEGAN[0] - time.perf_counter()


def _stop_run_clock(task: Any) -> float:
    # Called inside one of the task's steps: the part of the step so far counts, the rest not.
    return _RUN_TIME.pop(task) + time.perf_counter() - _STEP_BEGAN[0]


asyncio.events.Handle._run = _timed_run  # type: ignore[method-assign]


def cores() -> int:
    return os.cpu_count() or 1


# -- figures -----------------------------------------------------------------------------------


def report(
    name: str,
    value: float | None,
    unit: str,
    goal: str | None = None,
    ok: bool | None = None,
    note: str = "",
) -> None:
    """Prints one figure with its goal and verdict, and records it for run_all."""
    shown = "n/a" if value is None else fmt(value)
    verdict = "" if ok is None else ("PASS" if ok else "FAIL")
    line = f"{name}: {shown} {unit}".rstrip()
    if goal:
        line += f"  (goal {goal})"
    if verdict:
        line += f"  {verdict}"
    if note:
        line += f"  [{note}]"
    print(line, flush=True)
    target = os.environ.get("BENCH_RESULTS")
    if target:
        row = {
            "name": name,
            "value": value,
            "unit": unit,
            "goal": goal,
            "verdict": verdict or None,
            "note": note,
            "script": Path(sys.argv[0]).name,
        }
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def report_p99(name: str, values_ms: Sequence[float], goal_ms: float, note: str = "") -> None:
    """Reports the 99th percentile of ``values_ms`` against ``p99 < goal_ms``."""
    p99 = percentile(values_ms, 99)
    report(name, p99, "ms", f"< {goal_ms:g}", p99 < goal_ms, note=note)


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q in 0–100) of ``values``."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def rss_mb() -> float:
    """The process's resident set size now (VmRSS), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def header(title: str) -> None:
    load = os.getloadavg()[0]
    print(
        f"\n== {title} (os.cpu_count() = {cores()}, Python {sys.version.split()[0]}, "
        f"load average {load:.2f}) =="
    )


# -- the bot's surroundings --------------------------------------------------------------------


def bench_config(folder: Path, **survey: Any) -> Config:
    """The example config with its database in ``folder``."""
    loaded = load(REPO / "config.example.toml", {TOKEN_ENV: TOKEN})
    config = replace(loaded, storage=replace(loaded.storage, path=folder / "survey.db"))
    if survey:
        config = replace(config, survey=replace(config.survey, **survey))
    return config


@asynccontextmanager
async def running(app: App) -> AsyncIterator[App]:
    """Starts a bot from ``build_application`` as ``surveibot run`` does (no polling); stops it."""
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()
    try:
        yield app
    finally:
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


class RunningClock:
    """The bot's clock: START plus the real time elapsed, plus any jump made with ``advance``."""

    def __init__(self, start: datetime = START) -> None:
        self.start = start
        self.began = time.monotonic()
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return self.start + self.offset + timedelta(seconds=time.monotonic() - self.began)

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


class TimedSandbox(SandboxRequest):
    """The sandbox Bot API, adding the time each call takes to the calling task's API_WAIT.

    It records no calls: the bench never inspects them, and a real Bot API keeps its records
    outside the bot's process (they would otherwise grow the RSS measured here).
    """

    def __init__(self, *, latency: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.delay = latency  # slept here, so the fake's own work can be timed apart from it
        self.statuses: dict[int | None, int] = {}

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        began = time.perf_counter()
        own = 0.0
        try:
            if self.delay > 0:
                await asyncio.sleep(self.delay)
            work = time.perf_counter()
            try:
                return await super().do_request(*args, **kwargs)
            finally:
                own = time.perf_counter() - work
        finally:
            spent = API_WAIT.get()
            if spent is not None:
                spent[0] += time.perf_counter() - began
                spent[1] += own

    def _record(
        self,
        method: str,
        params: Any,
        files: Any,
        url: str,
        status: int | None,
        result: Any = None,
    ) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.answered(method, params, status)

    def answered(self, method: str, params: Any, status: int | None) -> None:
        """Called with every call the sandbox answered; for subclasses that watch them."""


@dataclass
class Tracker:
    """Wraps ``app.process_update``: wakes whoever waits for an update, and times it.

    ``handler`` holds, per update, the time from the start of its handlers to their end, minus
    the time its task spent inside the fake Bot API: the bot's own time for the update (PTB
    dispatch and (de)serialisation, handler code, database awaits, and waiting for the event
    loop while other updates run). The update processor's lock wait comes before it and is not
    counted.
    """

    handler: list[float] = field(default_factory=list)
    api: list[float] = field(default_factory=list)
    run: list[float] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    # Ordering evidence: a user's update started while another of theirs was still in its
    # handlers, or after a later one of theirs; and the most updates in handlers at once.
    overlaps: int = 0
    reordered: int = 0
    most_at_once: int = 0
    _busy: dict[int, int] = field(default_factory=dict)
    _in_handlers: int = 0
    _last_id: dict[int, int] = field(default_factory=dict)
    _waiting: dict[int, asyncio.Future[None]] = field(default_factory=dict)

    def install(self, app: App) -> None:
        inner = app.process_update

        async def process_update(update: object) -> None:
            who = self._enter(update)
            spent = [0.0, 0.0]
            token = API_WAIT.set(spent)
            task = asyncio.current_task()
            assert task is not None
            _start_run_clock(task)
            began = time.perf_counter()
            try:
                await inner(update)
            finally:
                total = time.perf_counter() - began
                API_WAIT.reset(token)
                self.handler.append(total - spent[0])
                self.api.append(spent[0])
                self.run.append(_stop_run_clock(task) - spent[1])
                self._leave(who)
                if isinstance(update, Update):
                    waiter = self._waiting.pop(update.update_id, None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(None)

        app.process_update = process_update  # type: ignore[method-assign]

        async def keep(update: object, context: Any) -> None:
            self.errors.append(context.error)

        app.add_error_handler(keep)

    def _enter(self, update: object) -> int | None:
        if not isinstance(update, Update) or update.effective_user is None:
            return None
        who = update.effective_user.id
        if self._busy.get(who):
            self.overlaps += 1
        if update.update_id < self._last_id.get(who, -1):
            self.reordered += 1
        self._last_id[who] = update.update_id
        self._busy[who] = self._busy.get(who, 0) + 1
        self._in_handlers += 1
        self.most_at_once = max(self.most_at_once, self._in_handlers)
        return who

    def _leave(self, who: int | None) -> None:
        if who is not None:
            self._busy[who] -= 1
            self._in_handlers -= 1

    def expect(self, update_id: int) -> asyncio.Future[None]:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[update_id] = waiter
        return waiter

    def reset(self) -> None:
        self.handler.clear()
        self.api.clear()
        self.run.clear()
        self.most_at_once = 0
