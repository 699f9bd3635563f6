"""Runs every benchmark in bench/ and prints one table of figures, goals and verdicts.

Not a test: a script. Run it from the repository root with

    .venv/bin/python bench/run_all.py [--only bench_bot ...] [--markdown]

Each script runs in its own process (so start-up, memory and the event loop are its own) and is
stopped after ``--timeout`` seconds. Their output streams through; at the end the figures they
reported are gathered into a table (``--markdown`` prints it as the README's table). The whole
run takes about ten minutes on a 2-core machine (bench_http alone about two).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figures import fmt

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SCRIPTS = [
    "bench_bot",
    "bench_http",
    "bench_paced",
    "bench_tap",
    "bench_startup",
    "bench_reminders",
    "bench_indices",
    "bench_report",
]


def run(name: str, results: Path, timeout: float) -> str:
    script = BENCH / f"{name}.py"
    if not script.exists():
        print(f"\n{name}: not there, skipped")
        return "missing"
    env = {**os.environ, "BENCH_RESULTS": str(results), "PYTHONUNBUFFERED": "1"}
    began = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, str(script)], cwd=REPO, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"\n{name}: stopped after {timeout:.0f} s")
        return "timeout"
    took = time.perf_counter() - began
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    print(f"\n{name}: {status} in {took:.0f} s")
    return status


def table(rows: list[dict[str, object]], markdown: bool) -> str:
    lines = []
    if markdown:
        lines.append("| figure | goal | measured | verdict |")
        lines.append("|---|---|---|---|")
    for row in rows:
        value = row["value"]
        shown = "n/a" if value is None else fmt(float(value))  # type: ignore[arg-type]
        measured = f"{shown} {row['unit']}".strip()
        if row.get("note"):
            measured += f" ({row['note']})"
        goal = row.get("goal") or "—"
        verdict = row.get("verdict") or ""
        if markdown:
            lines.append(f"| {row['name']} | {goal} | {measured} | {verdict} |")
        else:
            lines.append(
                f"{verdict or '    ':4}  {row['name']}: {shown} {row['unit']}"
                + (f"  (goal {goal})" if row.get("goal") else "")
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=SCRIPTS, help="run just these scripts")
    parser.add_argument("--timeout", type=float, default=420.0, help="seconds per script")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(
        f"os.cpu_count() = {os.cpu_count()}, Python {sys.version.split()[0]}, "
        f"load average {load:.2f} at the start (other processes skew the figures)"
    )
    statuses = {}
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.jsonl"
        results.touch()
        for name in args.only or SCRIPTS:
            statuses[name] = run(name, results, args.timeout)
        rows = [json.loads(line) for line in results.read_text("utf-8").splitlines() if line]
    print(f"\n== Summary (os.cpu_count() = {os.cpu_count()}) ==")
    print(table(rows, args.markdown))
    failed = [row["name"] for row in rows if row.get("verdict") == "FAIL"]
    broken = [name for name, status in statuses.items() if status not in ("ok", "missing")]
    print(
        f"\n{len(rows)} figures, {sum(r.get('verdict') == 'PASS' for r in rows)} PASS, "
        f"{len(failed)} FAIL" + (f"; scripts not finished: {', '.join(broken)}" if broken else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
