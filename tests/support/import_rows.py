"""Rows of an import file as a respondent's paper form gives them, written as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.support.analysis_fixtures import EXPORT_COLUMNS

COLUMNS = list(EXPORT_COLUMNS)


def person(
    when: str,
    name: str = "Budi",
    *,
    period: str = "2025-03",
    score: str = "4",
    institution: str = "PT X",
    suggestion: str = "",
) -> list[str]:
    return [
        period,
        "cpob",
        when,
        name,
        "30",
        "Laki-laki",
        "D4/S1",
        "Lainnya",
        institution,
        *[score] * 13,
        suggestion,
    ]


def write_csv(path: Path, rows: list[list[str]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([columns, *rows])
    return path
