"""How the benchmarks print a figure; shared by harness.py and run_all.py (which imports nothing
heavy)."""

from __future__ import annotations


def fmt(value: float) -> str:
    """A figure as the benchmark tables print it: 1,234 · 123 · 12.3 · 1.23."""
    if value == int(value):
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"
