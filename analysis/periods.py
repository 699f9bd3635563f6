"""Survey periods (``YYYY-MM``) and their names (``Januari 2025``, from the report's texts)."""

from __future__ import annotations

import calendar
import re

from analysis.texts import REPORT_LANGUAGE, text, words

__all__ = [
    "MONTHS_ID",
    "MONTHS_ID_SHORT",
    "check_period",
    "last_day",
    "month_name",
    "period_range",
    "short_month_name",
]

MONTHS_ID = words("months.long")
MONTHS_ID_SHORT = words("months.short")

_PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def check_period(period: str) -> tuple[int, int]:
    """Returns (year, month) of a ``YYYY-MM`` period; raises ValueError naming a bad one."""
    match = _PERIOD.fullmatch(period)
    if match is None:
        raise ValueError(f"period {period!r} is not a month written as YYYY-MM")
    return int(match.group(1)), int(match.group(2))


def month_name(period: str, language: str = REPORT_LANGUAGE) -> str:
    """``2025-01`` → ``Januari 2025``."""
    year, month = check_period(period)
    names = words("months.long", language)
    return text("months.name", language, month=names[month - 1], year=year)


def short_month_name(period: str, language: str = REPORT_LANGUAGE) -> str:
    """``2025-01`` → ``Jan 2025``, for chart axes."""
    year, month = check_period(period)
    names = words("months.short", language)
    return text("months.name", language, month=names[month - 1], year=year)


def last_day(period: str) -> int:
    """The number of days in the period's month."""
    year, month = check_period(period)
    return calendar.monthrange(year, month)[1]


def period_range(period: str, months: int) -> list[str]:
    """The ``months`` periods ending with ``period``, oldest first: (``2025-01``, 3) →
    ``["2024-11", "2024-12", "2025-01"]``."""
    year, month = check_period(period)
    index = year * 12 + month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1)]
