"""The report files the XLSX, DOCX and chart tests open, and readers for them.

The fixture ``built_fixture`` is registered as ``built``: a test module imports it and its tests
ask for ``built``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cached_property
from pathlib import Path
from typing import Any

import docx
import pytest

from analysis.report import ReportFiles, ReportRequest, build_report
from survey.questionnaire import Questionnaire
from tests.support.analysis_fixtures import JANUARY_2025, SERVICES, january_2025
from tests.support.app import REPO

SUGGESTION = str(JANUARY_2025[0]["suggestion"])
LATE_SUGGESTION = "Mohon waktu pelayanan dipercepat."
PERSONAL = [
    str(row["identity"][key]) for row in JANUARY_2025 for key in ("name", "institution")
] + ["Eko Terlambat", "CV Terlambat Jaya"]
UNIT = "Direktorat Uji Coba"


def printed_by(script: str, timeout: float) -> Any:
    """Runs ``script`` in a fresh interpreter (warnings as errors); returns the JSON it printed."""
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class Built:
    """January 2025's report files, each built when a test first reads it (a module reads some).

    The database holds the reference's January, a November 2024 to show in the trend, and a 3rd
    January person who, with a quota of 2 persons, is kept and reported beyond quota.
    """

    def __init__(self, root: Path, questionnaire: Questionnaire) -> None:
        self.root = root
        self.questionnaire = questionnaire
        survey = january_2025(root / "survey.db")
        survey.add("2024-11", "2024-11-05T00:00:00+00:00", default_score=3)
        survey.add(
            "2025-01",
            "2025-01-30T09:00:00+00:00",
            service="cpob_impor",
            default_score=1,
            identity={"name": "Eko Terlambat", "institution": "CV Terlambat Jaya"},
            suggestion=LATE_SUGGESTION,
        )
        self.db = survey.path

    def build(self, name: str, period: str = "2025-01", **options: Any) -> ReportFiles:
        request = ReportRequest(self.db, period, self.questionnaire, SERVICES, 2, **options)
        return build_report(request, self.root / name)

    @cached_property
    def default(self) -> ReportFiles:
        return self.build("default")

    @cached_property
    def personal(self) -> ReportFiles:
        return self.build("personal", include_personal=True, unit_name=UNIT)

    @cached_property
    def empty(self) -> ReportFiles:
        return self.build("empty", "2023-03")

    @cached_property
    def cpob(self) -> ReportFiles:
        return self.build("cpob", service="cpob")


@pytest.fixture(name="built", scope="module")
def built_fixture(tmp_path_factory: pytest.TempPathFactory, questionnaire: Questionnaire) -> Built:
    return Built(tmp_path_factory.mktemp("report"), questionnaire)


def style(paragraph: Any) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""


def as_listed(paragraph: Any) -> str:
    """A heading as the table of contents lists it: "BAB I PENDAHULUAN", set on two lines."""
    return " ".join(paragraph.text.split())


def chapter(path: Path, heading: str) -> str:
    """The text under a level-1 heading, up to the next one."""
    found, inside = [], False
    for paragraph in docx.Document(str(path)).paragraphs:
        if style(paragraph) == "Heading 1":
            inside = as_listed(paragraph) == heading
        elif inside:
            found.append(paragraph.text)
    return "\n".join(found)


CONVERSION_NOTE = (
    "*) Nilai konversi adalah indeks × 25 yang dihitung dari indeks sebelum pembulatan, "
    "sehingga dapat berbeda sedikit dari indeks yang ditampilkan dikali 25. Contoh: IPP "
    "3,9167 × 25 = 97,92, bukan 3,92 × 25 = 98,00."
)
