"""Survey periods (``YYYY-MM``) and their names (``Januari 2025``, from the report's texts)."""

from __future__ import annotations

from datetime import date

from analysis.texts import REPORT_LANGUAGE, text, words
from survey.period import Period

__all__ = [
    "MONTHS_ID",
    "MONTHS_ID_SHORT",
    "day_name",
    "month_name",
    "month_span",
    "short_month_name",
]

MONTHS_ID = words("months.long")
MONTHS_ID_SHORT = words("months.short")


def month_name(period: str, language: str = REPORT_LANGUAGE) -> str:
    """``2025-01`` → ``Januari 2025``."""
    month = Period.parse(period)
    names = words("months.long", language)
    return text("months.name", language, month=names[month.month - 1], year=month.year)


def day_name(day: date, language: str = REPORT_LANGUAGE) -> str:
    """``2025-03-31`` → ``31 Maret 2025``."""
    names = words("months.long", language)
    return text("months.day", language, day=day.day, month=names[day.month - 1], year=day.year)


def month_span(first: str, last: str, language: str = REPORT_LANGUAGE) -> str:
    """``2026-08``, ``2026-10`` → ``Agustus–Oktober 2026``; across years ``November 2025–Januari
    2026``; one month alone is its name."""
    if first == last:
        return month_name(first, language)
    start, end = Period.parse(first), Period.parse(last)
    first_year, first_month, last_year, last_month = start.year, start.month, end.year, end.month
    names = words("months.long", language)
    if first_year == last_year:
        return text(
            "months.span_same_year",
            language,
            first=names[first_month - 1],
            last=names[last_month - 1],
            year=last_year,
        )
    return text(
        "months.span", language, first=month_name(first, language), last=month_name(last, language)
    )


def short_month_name(period: str, language: str = REPORT_LANGUAGE) -> str:
    """``2025-01`` → ``Jan 2025``, for chart axes."""
    month = Period.parse(period)
    names = words("months.short", language)
    return text("months.name", language, month=names[month.month - 1], year=month.year)
