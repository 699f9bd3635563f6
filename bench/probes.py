"""What bench_bot.py looks at besides throughput: one answer's database trip
(:func:`time_record_answer`), how busy the database thread is (:class:`DatabaseThread`), the
handlers' own times and errors, and how long a report build stalls the event loop
(:func:`report_stall`, :class:`Ticker`). Not imported by the bot."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import harness as h  # puts the repository on sys.path

import bot.store.connection
from bot.runtime import runtime
from bot.sections import Config

STALL_GOAL = 0.100  # seconds the event loop may stall while a report is built


def time_record_answer(app: h.App) -> list[float]:
    storage = runtime(app).storage
    inner = storage.record_answer
    times: list[float] = []

    async def record_answer(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return await inner(*args, **kwargs)
        finally:
            times.append(time.perf_counter() - began)

    storage.record_answer = record_answer  # type: ignore[method-assign]
    return times


class DatabaseThread:
    """Times every transaction on aiosqlite's thread: wall time (the thread is busy) and CPU.

    ``bot.store.connection._commit_batch`` is what :meth:`bot.store.Storage.write` runs there
    (one transaction for every write queued meanwhile: group commit),
    ``bot.store.connection._transaction`` what :meth:`~bot.store.Storage.read` runs.
    """

    NAMES = ("_commit_batch", "_transaction")

    def __init__(self) -> None:
        self.count = 0
        self.writes = 0
        self.busy = 0.0
        self.cpu = 0.0
        self._inner = {name: getattr(bot.store.connection, name) for name in self.NAMES}

    def _timer(self, name: str) -> Any:
        inner = self._inner[name]

        def timed(*args: Any, **kwargs: Any) -> Any:
            began, cpu = time.perf_counter(), time.thread_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.count += 1
                if name == "_commit_batch":
                    self.writes += len(args[-1])  # the batch
                self.busy += time.perf_counter() - began
                self.cpu += time.thread_time() - cpu

        return timed

    def __enter__(self) -> DatabaseThread:
        for name in self.NAMES:
            setattr(bot.store.connection, name, self._timer(name))
        return self

    def __exit__(self, *exc: object) -> None:
        for name, inner in self._inner.items():
            setattr(bot.store.connection, name, inner)

    def report(self, wall: float) -> None:
        each = self.busy / max(self.count, 1) * 1000
        h.report(
            "database thread busy (transactions / run time)",
            self.busy / wall * 100,
            "%",
            note=f"{self.count:,} transactions ({self.writes:,} writes in group commits), "
            f"{each:.2f} ms each on the thread of which "
            f"{self.cpu / max(self.count, 1) * 1000:.2f} ms CPU; the rest is the commit's "
            "fsync and waiting for the GIL after each SQLite call",
        )


def handler_times(tracker: h.Tracker) -> None:
    run = [t * 1000 for t in tracker.run]
    wall = [t * 1000 for t in tracker.handler]
    h.report_p99(
        "handler time p99: the update's own time on the event loop",
        run,
        20,
        note=f"p50 {h.percentile(run, 50):.2f} ms; excludes the fake's latency and work",
    )
    h.report_p99(
        "handler time p99: wall time minus time awaiting the fake",
        wall,
        20,
        note=f"p50 {h.percentile(wall, 50):.1f} ms; at full capacity this is queueing for the "
        "loop and the database thread (see bench_paced.py for a human pace)",
    )


def errors(tracker: h.Tracker) -> None:
    if tracker.errors:
        print(f"  handler errors: {len(tracker.errors)}, first {tracker.errors[0]!r}")
        tracker.errors.clear()


class Ticker:
    """Sleeps 5 ms at a time and records how late it wakes: the loop's stalls."""

    def __init__(self) -> None:
        self.late: list[float] = []
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Ticker:
        self._task = asyncio.create_task(self._tick())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._task is not None
        await self._task

    async def _tick(self) -> None:
        while not self._stop.is_set():
            began = time.perf_counter()
            await asyncio.sleep(0.005)
            self.late.append(time.perf_counter() - began - 0.005)


def report_available() -> bool:
    """Whether analysis/report.py defines build_report, without importing it (nor pandas)."""
    spec = importlib.util.find_spec("analysis.report")
    if spec is None or spec.origin is None:
        return False
    return "def build_report(" in Path(spec.origin).read_text("utf-8")


async def report_stall(config: Config, out: Path) -> None:
    """Builds the month's report as the bot does, while the ticker runs.

    ``out`` is not used: the bot's build keeps its files in memory, as the post sends them.
    """
    from bot import messages
    from bot.respondent.screens import Renderer
    from bot.runtime import Runtime
    from bot.staff.report import build
    from bot.store import Storage

    total, counted = await runtime_counted(config)
    if not report_available():
        print("  analysis.report.build_report is not available: no stall figure")
        h.report(
            "longest event-loop stall during a report build",
            None,
            "ms",
            "≤ 100",
            False,
            note="analysis.report.build_report missing",
        )
        return
    # The running bot's own Runtime is not reachable from here; this one reads the same database.
    text = messages.load(config.survey.questionnaire.languages)
    rt = Runtime(config, Storage(config.storage.path), text, Renderer(config, text))
    await rt.storage.open()
    try:
        async with Ticker() as ticks:
            began = time.perf_counter()
            report = await build(rt, h.PERIOD)
            took = time.perf_counter() - began
    finally:
        await rt.storage.close()
    files = [f for f in (*report.charts, report.xlsx, report.docx) if f is not None]
    size = sum(len(f.content) for f in files) / 1024
    print(
        f"  bot.staff.report.build({h.PERIOD}): {total} submissions, {counted} counted, "
        f"{len(files)} files ({size:.0f} KiB) in {took:.1f} s with the child's start-up; "
        f"{len(ticks.late):,} ticks"
    )
    worst = max(ticks.late) * 1000
    heavy = ("pandas", "matplotlib", "openpyxl", "docx")
    imported = ", ".join(m for m in heavy if m in sys.modules) or "none"
    h.report(
        "longest event-loop stall during a report build",
        worst,
        "ms",
        "≤ 100",
        worst <= STALL_GOAL * 1000,
        note=f"child process; p99 tick lateness {h.percentile(ticks.late, 99) * 1000:.1f} ms; "
        f"pandas, matplotlib, openpyxl, docx imported in the bot: {imported}",
    )


async def runtime_counted(config: Config) -> tuple[int, int]:
    import sqlite3

    with sqlite3.connect(config.storage.path) as db:
        (total,) = db.execute(
            "SELECT COUNT(*) FROM submissions WHERE period = ?", (h.PERIOD,)
        ).fetchone()
    return total, min(total, config.survey.monthly_quota)


# -- 4. echo bots ----------------------------------------------------------------------------------
