"""Start-up time: from process start to the bot ready to take updates. Goal ≤ 2 s.

Not a test: a script that prints figures. Run it from the repository root with

    .venv/bin/python bench/bench_startup.py [--repeat 5]

Each figure is the median of ``--repeat`` fresh processes of the venv's Python, timed by this
parent from spawning the child to the child's "ready" line:

* ``python -c pass``: the interpreter alone;
* ``python -c "import bot.app"``: the bot's imports (until the process has exited);
* ready: the child imports ``bot.app``, builds the application over the sandbox Bot API (with
  the production rate limiter), runs ``initialize()`` and ``post_init`` (opens the database,
  applies the migrations, sets the command menus through the fake) and prints "ready"; once on
  a new database and once on the database the previous start left behind.

It also prints the RSS of a fresh process after ``import bot.app``, and after importing what a
report build loads (``analysis.report`` with its charts and Word modules: the floor of the child
process the bot spawns for each build; ``/export`` loads only ``analysis.report``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness as h

READY = """
import asyncio, os, sys
from dataclasses import replace
from pathlib import Path
os.environ.setdefault("PTB_TIMEDELTA", "true")
from bot.app import build_application
from bot.config import TOKEN_ENV, load
from bot.sandbox import SandboxRequest

async def main():
    token = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
    config = load(Path("config.example.toml"), {TOKEN_ENV: token})
    config = replace(config, storage=replace(config.storage, path=Path(sys.argv[1])))
    app = build_application(config, SandboxRequest())
    await app.initialize()
    await app.post_init(app)
    print("ready", flush=True)
    await app.shutdown()
    await app.post_shutdown(app)

asyncio.run(main())
"""

RSS_AFTER = """
import sys

def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) / 1024 for l in status if l.startswith("VmRSS:"))

before = rss_mb()
for module in sys.argv[1:]:
    __import__(module)
print(f"{before:.1f} {rss_mb():.1f}")
"""


def time_until(args: list[str], marker: str | None) -> float:
    """Seconds from spawning ``args`` to ``marker`` on its stdout (or to its exit)."""
    began = time.perf_counter()
    child = subprocess.Popen(args, cwd=h.REPO, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    took = None
    for line in child.stdout:
        if marker is not None and line.strip() == marker:
            took = time.perf_counter() - began
    if child.wait(timeout=60) != 0:
        raise RuntimeError(f"{args} failed with exit code {child.returncode}")
    return took if took is not None else time.perf_counter() - began


def median_of(repeat: int, args: list[str], marker: str | None = None) -> tuple[float, float]:
    times = [time_until(args, marker) for _ in range(repeat)]
    return statistics.median(times), max(times)


def main(repeat: int) -> None:
    python = sys.executable
    bare, _ = median_of(repeat, [python, "-c", "pass"])
    h.report("python -c pass", bare * 1000, "ms", note=f"median of {repeat}")
    imports, worst = median_of(repeat, [python, "-c", "import bot.app"])
    h.report(
        'python -c "import bot.app"',
        imports * 1000,
        "ms",
        note=f"median of {repeat}, max {worst * 1000:.0f} ms",
    )
    new, existing = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="surveibot-bench-") as tmp:
            db = str(Path(tmp) / "survey.db")
            new.append(time_until([python, "-c", READY, db], "ready"))
            existing.append(time_until([python, "-c", READY, db], "ready"))
    for label, times in (("new database", new), ("existing database", existing)):
        took = statistics.median(times)
        h.report(
            f"start-up to ready ({label})",
            took * 1000,
            "ms",
            "≤ 2000",
            took <= 2.0,
            note=f"median of {repeat}, max {max(times) * 1000:.0f} ms",
        )
    for modules in (
        ["bot.app"],
        ["analysis.report"],
        ["analysis.report", "analysis.charts", "analysis.report_docx"],
    ):
        out = subprocess.run(
            [python, "-c", RSS_AFTER, *modules],
            cwd=h.REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        before, after = float(out[0]), float(out[1])
        h.report(
            f"RSS of a fresh process after import {', '.join(modules)}",
            after,
            "MiB",
            note=f"+{after - before:.0f} MiB over the bare interpreter",
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    h.header("bench_startup: start-up time")
    main(parser.parse_args().repeat)
