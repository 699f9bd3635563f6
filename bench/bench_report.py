"""How long the month's report files take for 1,000 counted submissions, and how much memory.

Not a test: a script that prints figures, each with its goal and PASS/FAIL. Run it from the
repository root with

    .venv/bin/python bench/bench_report.py [--submissions 1000] [--repeat 3] [--profile]

It writes a database with the bot's schema holding one month (2025-01) of ``--submissions``
submissions from as many people, over the four services, a quarter of them with a suggestion, and
a quota large enough to count them all. Then, each ``--repeat`` times, median shown:

- **through the bot**: ``bot.staff.report.build``, as the monthly post and ``/report`` build the
  files: a spawned child process makes the charts, the XLSX and the DOCX and sends them back.
  Timed from the call to the files in hand, the child's start-up and imports included;
- **from the command line**: ``surveibot report 2025-01 --out …`` as its own process, timed from
  spawn to exit.

Peak RSS is the largest resident set of those processes (``ru_maxrss``: of the bot's children
from ``RUSAGE_CHILDREN``, of each command from ``wait4``). ``--profile`` also runs the child's work
in this process under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.store import Storage

if TYPE_CHECKING:
    from bot.sections import Config

# harness (which imports telegram) is imported inside the functions: the bot's report child
# re-imports this script as its main module, and should import what it does under
# `surveibot run`, not more.
REPO = Path(__file__).resolve().parent.parent

PERIOD = "2025-01"
TIME_GOAL = 3.0  # seconds, through the bot's child process
RSS_GOAL = 150.0  # MiB
SURVEIBOT = str(Path(sys.executable).parent / "surveibot")


async def create(path: Path) -> None:
    """An empty database with every migration applied, as the bot creates it."""
    storage = Storage(path)
    await storage.open()
    await storage.close()


def generate(path: Path, count: int, config: Config) -> None:
    """One month of ``count`` submissions from as many people, in one transaction."""
    rng = random.Random(20250101)
    codes = [item.code for item in config.survey.questionnaire.items]
    services = [service.code for service in config.services]
    suggestions = [
        "Mohon jumlah evaluator ditambah agar proses lebih cepat.",
        "Pelayanan sudah baik, pertahankan.",
        "Sistem e-sertifikasi kadang lambat saat jam sibuk.",
    ]
    rows: list[tuple[object, ...]] = []
    scores: list[tuple[int, str, int]] = []
    for n in range(1, count + 1):
        second = rng.randrange(27 * 86400)
        day, rest = divmod(second, 86400)
        identity = {
            "name": f"Responden {n}",
            "age": str(rng.randint(20, 65)),
            "gender": rng.choice("LP"),
            "education": rng.choice(["sma", "d3", "s1", "s2"]),
            "occupation": rng.choice(["pns", "swasta", "bumn", "wiraswasta", "lainnya"]),
            "institution": f"PT Contoh Farma {n % 120}",
        }
        suggestion = None
        if rng.random() < 0.25:
            suggestion = rng.choice(suggestions) if rng.random() < 0.5 else f"Saran nomor {n}."
        rows.append(
            (
                n,
                n,
                rng.choice(services),
                PERIOD,
                f"{PERIOD}-{day + 1:02d}T{rest // 3600:02d}:{rest // 60 % 60:02d}:"
                f"{rest % 60:02d}+00:00",
                json.dumps(identity),
                suggestion,
                f"p{n}",
            )
        )
        picked = rng.choices([1, 2, 3, 4], [1, 3, 10, 16], k=len(codes))
        scores.extend((n, code, score) for code, score in zip(codes, picked, strict=True))
    asyncio.run(create(path))
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO submissions (id, user_id, service, period, submitted_at, language, "
            "identity, suggestion, person_key) VALUES (?, ?, ?, ?, ?, 'id', ?, ?, ?)",
            rows,
        )
        db.executemany("INSERT INTO scores (submission_id, item, score) VALUES (?, ?, ?)", scores)
        db.execute("COMMIT")
    finally:
        db.close()


def config_file(folder: Path, quota: int) -> Path:
    """The example config with its database in ``folder`` and the given quota."""
    text = (REPO / "config.example.toml").read_text("utf-8")
    text = re.sub(r'(?m)^path = ".*"$', f'path = "{folder / "survey.db"}"', text, count=1)
    text = re.sub(r"(?m)^monthly_quota = \d+$", f"monthly_quota = {quota}", text, count=1)
    path = folder / "config.toml"
    path.write_text(text, "utf-8")
    return path


async def through_the_bot(config: Config, repeat: int) -> list[float]:
    """``bot.staff.report.build`` ``repeat`` times; the wall seconds of each."""
    from bot import messages
    from bot.respondent.screens import Renderer
    from bot.runtime import Runtime
    from bot.staff.report import build

    text = messages.load(config.survey.questionnaire.languages)
    rt = Runtime(config, Storage(config.storage.path), text, Renderer(config, text))
    await rt.storage.open()
    times = []
    try:
        for _ in range(repeat):
            began = time.perf_counter()
            report = await build(rt, PERIOD)
            times.append(time.perf_counter() - began)
            assert report.docx is not None and report.summary["responses"] > 0
    finally:
        await rt.storage.close()
    return times


def from_the_command_line(config: Path, out: Path, repeat: int) -> tuple[list[float], float]:
    """``surveibot report`` ``repeat`` times; the wall seconds of each and the largest RSS."""
    times, peak = [], 0.0
    for n in range(repeat):
        began = time.perf_counter()
        command = [SURVEIBOT, "report", PERIOD, "-c", str(config), "--out", str(out / str(n))]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - began)
        stderr = process.stderr.read().decode() if process.stderr else ""
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"surveibot report failed:\n{stderr}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return times, peak


def profile(config: Config) -> None:
    """The child's work in this process, under cProfile: the 25 costliest calls."""
    from analysis.request import ReportRequest
    from bot.staff.report import build_files

    job = ReportRequest(
        db_path=config.storage.path,
        period=PERIOD,
        questionnaire=config.survey.questionnaire,
        services={s.code: s.name for s in config.services},
        quota=config.survey.monthly_quota,
        include_personal=False,
        unit_name=config.reports.unit_name,
        zone=str(config.survey.timezone),
        links=None,
    )
    profiler = cProfile.Profile()
    profiler.runcall(build_files, job)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> int:
    import harness as h

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print where the child's time goes")
    args = parser.parse_args()
    h.header("bench_report: the month's report files")
    with tempfile.TemporaryDirectory(prefix="surveibot-bench-report-") as tmp:
        folder = Path(tmp)
        path = config_file(folder, quota=args.submissions)
        config = h.bench_config(folder, monthly_quota=args.submissions)
        config = replace(config, storage=replace(config.storage, path=folder / "survey.db"))
        generate(config.storage.path, args.submissions, config)
        bot_times = asyncio.run(through_the_bot(config, args.repeat))
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        cli_times, cli_peak = from_the_command_line(path, folder / "out", args.repeat)
        if args.profile:
            profile(config)
    took = statistics.median(bot_times)
    print(
        f"  {args.submissions:,} counted submissions; through the bot: "
        + ", ".join(f"{t:.2f}" for t in bot_times)
        + " s; from the command line: "
        + ", ".join(f"{t:.2f}" for t in cli_times)
        + " s"
    )
    h.report(
        f"report files for {args.submissions:,} counted submissions, through the bot's child",
        took,
        "s",
        f"≤ {TIME_GOAL:.0f} s",
        took <= TIME_GOAL,
        note=f"median of {args.repeat}",
    )
    h.report(
        "the same from the command line (surveibot report)",
        statistics.median(cli_times),
        "s",
        note=f"median of {args.repeat}",
    )
    peak = max(children, cli_peak)
    h.report(
        "peak RSS of the process building the report",
        peak,
        "MiB",
        f"≤ {RSS_GOAL:.0f} MiB",
        peak <= RSS_GOAL,
        note=f"bot's child {children:.0f} MiB, command line {cli_peak:.0f} MiB",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
