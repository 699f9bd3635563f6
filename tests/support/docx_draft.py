"""The report draft as Word reads it: its headings and page breaks, and January's drafts.

The fixture ``drafts_fixture`` is registered as ``drafts``: a test module imports it and its
tests ask for ``drafts``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import docx
import pytest

from analysis.report import ReportFiles, ReportRequest, build_report
from bot import config as config_module
from survey import unit_texts
from survey.questionnaire import Questionnaire
from tests.support.analysis_fixtures import SERVICES, january_2025
from tests.support.app import REPO

LINKS = {code: f"https://t.me/SurveiUjiBot?start={code}" for code in SERVICES}
UNIT = "Direktorat Pengawasan Produksi Obat, Narkotika, Psikotropika dan Prekursor"
EXAMPLE_TEXTS = REPO / "survey" / "data" / "unit-texts.example.toml"


class Drafts:
    """January 2025's drafts, each built when a test first reads it (a module reads only some)."""

    def __init__(self, root: Path, questionnaire: Questionnaire) -> None:
        self.root = root
        self.questionnaire = questionnaire
        self.db = january_2025(root / "survey.db").path

    def build(self, name: str, quota: int = 3, **options: Any) -> ReportFiles:
        request = ReportRequest(self.db, "2025-01", self.questionnaire, SERVICES, quota, **options)
        return build_report(request, self.root / name)

    @cached_property
    def linked(self) -> ReportFiles:
        return self.build("linked", links=LINKS)

    @cached_property
    def linked_cpob(self) -> ReportFiles:
        return self.build("linked-cpob", service="cpob", links=LINKS)

    @cached_property
    def unlinked(self) -> ReportFiles:
        return self.build("unlinked")

    @cached_property
    def written(self) -> ReportFiles:
        """The unit's texts and legal basis as shipped, quota 30, with links."""
        example = config_module.load(REPO / "config.example.toml", need_token=False)
        return self.build(
            "written",
            30,
            links=LINKS,
            unit_name=UNIT,
            legal_basis=example.reports.legal_basis,
            unit_texts=unit_texts.load(EXAMPLE_TEXTS),
        )


@pytest.fixture(name="drafts", scope="module")
def drafts_fixture(
    tmp_path_factory: pytest.TempPathFactory, questionnaire: Questionnaire
) -> Drafts:
    return Drafts(tmp_path_factory.mktemp("drafts"), questionnaire)


def style(paragraph: Any) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""


def level(paragraph: Any) -> int | None:
    """The heading level of ``paragraph``, None for body text."""
    name = style(paragraph)
    return int(name.removeprefix("Heading ")) if name.startswith("Heading ") else None


def as_listed(paragraph: Any) -> str:
    """A heading as the table of contents lists it: "BAB I PENDAHULUAN", set on two lines."""
    return " ".join(paragraph.text.split())


def under(path: Path, heading: str) -> list[Any]:
    """The paragraphs under ``heading``, up to the next heading of its level or above."""
    found: list[Any] = []
    own: int | None = None
    for paragraph in docx.Document(str(path)).paragraphs:
        current = level(paragraph)
        if own is None:
            if current is not None and as_listed(paragraph) == heading:
                own = current
        elif current is not None and current <= own:
            break
        else:
            found.append(paragraph)
    return found


def starts_page(paragraph: Any) -> bool:
    """Whether ``paragraph`` begins a new page: its own or its style's "page break before"."""
    found = paragraph.paragraph_format.page_break_before
    style = paragraph.style
    while found is None and style is not None:
        found, style = style.paragraph_format.page_break_before, style.base_style
    return bool(found)
