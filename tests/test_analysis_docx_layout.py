"""The Word draft's survey links, page numbers and table of contents, as a reader finds them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.text.paragraph import Paragraph

from analysis.report import ReportRequest, build_report
from survey.questionnaire import Questionnaire
from tests.support.analysis_fixtures import SERVICES
from tests.support.docx_draft import (
    LINKS,
    Drafts,
    as_listed,
    drafts_fixture,  # noqa: F401  (a fixture)
    level,
    starts_page,
    under,
)

# -- survey links ------------------------------------------------------------------------------

LINK_LINES = [
    "a. https://t.me/SurveiUjiBot?start=cpob untuk layanan Sertifikasi/Resertifikasi CPOB,",
    "b. https://t.me/SurveiUjiBot?start=cpob_impor untuk layanan Penilaian Pemenuhan CPOB "
    "Fasilitas Produksi Obat Impor,",
    "c. https://t.me/SurveiUjiBot?start=fasilitas_bersama untuk layanan Persetujuan Penggunaan "
    "Fasilitas Bersama Obat dan Non Obat,",
    "d. https://t.me/SurveiUjiBot?start=suket_cpob untuk layanan Surat Keterangan Penerapan CPOB.",
]
SECTIONS_WITH_LINKS = ("B. Metode Pencacahan", "A. Data Responden")


@pytest.mark.parametrize("heading", SECTIONS_WITH_LINKS)
def test_each_services_survey_link_is_listed_as_the_reference_lists_them(
    drafts: Drafts, heading: str
) -> None:
    paragraphs = under(drafts.linked.docx, heading)
    lines = [p.text for p in paragraphs]
    listed = [p for p in paragraphs if "https://" in p.text]

    assert [p.text for p in listed] == LINK_LINES
    # each link is one a reader can click, to the address shown
    assert [[link.address for link in p.hyperlinks] for p in listed] == [
        [url] for url in LINKS.values()
    ]
    assert [[link.text for link in p.hyperlinks] for p in listed] == [
        [url] for url in LINKS.values()
    ]
    # introduced in words that fit a Telegram bot, not the reference's survey platform
    introduction = lines[lines.index(LINK_LINES[0]) - 1]
    assert "bot Telegram" in introduction and introduction.endswith("sebagai berikut:")
    assert "platform" not in "\n".join(lines) and "sapaapip" not in "\n".join(lines)


def test_the_method_says_how_the_links_reach_respondents(drafts: Drafts) -> None:
    method = "\n".join(p.text for p in under(drafts.linked.docx, "B. Metode Pencacahan"))

    assert "WhatsApp" in method and "e-mail" in method and "kode QR" in method


@pytest.mark.parametrize("heading", SECTIONS_WITH_LINKS)
def test_a_service_report_lists_its_own_link_alone(drafts: Drafts, heading: str) -> None:
    listed = [p.text for p in under(drafts.linked_cpob.docx, heading) if "https://" in p.text]

    assert listed == [
        "a. https://t.me/SurveiUjiBot?start=cpob untuk layanan Sertifikasi/Resertifikasi CPOB."
    ]


def test_without_links_the_draft_names_the_services_and_shows_no_address(drafts: Drafts) -> None:
    document = docx.Document(str(drafts.unlinked.docx))
    text = "\n".join(p.text for p in document.paragraphs)
    method = [p.text for p in under(drafts.unlinked.docx, "B. Metode Pencacahan")]

    assert "https://" not in text and "t.me" not in text and "bit.ly" not in text
    assert all(not p.hyperlinks for p in document.paragraphs)
    assert all(name in method for name in SERVICES.values())
    assert (
        "Responden mengisi survei melalui bot Telegram dengan tautan tersendiri untuk setiap "
        "layanan, dalam Bahasa Indonesia atau Bahasa Inggris." in method
    )


def test_links_missing_a_service_are_refused_before_any_file(
    drafts: Drafts, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    partial = {code: url for code, url in LINKS.items() if code != "suket_cpob"}

    with pytest.raises(ValueError, match="suket_cpob"):
        build_report(
            ReportRequest(drafts.db, "2025-01", questionnaire, SERVICES, 3, links=partial), out
        )
    assert not out.exists()


# -- page numbers ------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def page_fields(footer: Any) -> list[Any]:
    """The footer's paragraphs that show the page number (a PAGE field)."""
    return [
        paragraph
        for paragraph in footer.paragraphs
        if any(
            (field.get(f"{W}instr") or "").split()[:1] == ["PAGE"]
            for field in paragraph._p.iter(f"{W}fldSimple")
        )
        or any(
            (instruction.text or "").split()[:1] == ["PAGE"]
            for instruction in paragraph._p.iter(f"{W}instrText")
        )
    ]


def numbering(section: Any) -> tuple[str | None, str | None]:
    """How a section numbers its pages: (format, first number), (None, None) when it continues."""
    found = section._sectPr.find(f"{W}pgNumType")
    if found is None:
        return None, None
    return found.get(f"{W}fmt"), found.get(f"{W}start")


def paragraphs(section: Any) -> list[Paragraph]:
    """The section's paragraphs, its tables left out."""
    return [block for block in section.iter_inner_content() if isinstance(block, Paragraph)]


def headings(section: Any) -> list[str]:
    """The section's chapter headings (level 1)."""
    return [as_listed(p) for p in paragraphs(section) if level(p) == 1]


def test_pages_are_numbered_as_the_references_contents_count_them(drafts: Drafts) -> None:
    # The reference: no number on the cover, KATA PENGANTAR i and DAFTAR ISI ii, BAB I on page 1.
    cover, front, body = docx.Document(str(drafts.linked.docx)).sections

    assert "LAPORAN ANALISIS SPKP DAN SPAK" in [p.text for p in paragraphs(cover)]
    assert cover.footer.is_linked_to_previous  # no footer of its own: a blank one
    assert headings(front) == ["KATA PENGANTAR", "DAFTAR ISI"]
    blocks = paragraphs(front)
    contents = next(p for p in blocks if p.text == "DAFTAR ISI")
    assert starts_page(contents)  # DAFTAR ISI on page ii
    assert numbering(front) == ("lowerRoman", "1")
    assert headings(body)[0] == "BAB I PENDAHULUAN"
    assert headings(body)[-1] == "Lampiran 1. Data Responden"
    assert numbering(body) == ("decimal", "1")
    for section in (front, body):
        [number] = page_fields(section.footer)
        assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER


# -- table of contents -------------------------------------------------------------------------


def contents_levels(path: Path) -> range:
    """The heading levels the draft's TOC field lists (its ``\\o "1-2"`` switch)."""
    with zipfile.ZipFile(path) as archive:
        body = ElementTree.fromstring(archive.read("word/document.xml"))
    instructions = [field.get(f"{W}instr", "") for field in body.iter(f"{W}fldSimple")]
    instructions += [code.text or "" for code in body.iter(f"{W}instrText")]
    [toc] = [i for i in instructions if i.split()[:1] == ["TOC"]]
    found = re.search(r'\\o "(\d)-(\d)"', toc)
    assert found, toc
    return range(int(found[1]), int(found[2]) + 1)


def test_contents_lists_chapters_and_their_lettered_parts_as_the_reference_does(
    drafts: Drafts,
) -> None:
    # The reference's Daftar Isi: BAB I–V with their A./B./C. parts and Lampiran 1, no deeper.
    levels = contents_levels(drafts.linked.docx)
    document = docx.Document(str(drafts.linked.docx))
    shown = [as_listed(p) for p in document.paragraphs if level(p) in levels]
    hidden = [p.text for p in document.paragraphs if (n := level(p)) and n not in levels]

    assert shown[:8] == [
        "KATA PENGANTAR",
        "DAFTAR ISI",
        "BAB I PENDAHULUAN",
        "BAB II METODOLOGI SURVEI",
        "A. Kriteria Responden",
        "B. Metode Pencacahan",
        "C. Metode Pengolahan Data dan Analisis",
        "BAB III PENGOLAHAN SURVEI",
    ]
    assert "A. Analisis Hasil Survei" in shown and "B. Data Dukung Pelaksanaan" in shown
    assert shown[-1] == "Lampiran 1. Data Responden"
    assert "Kelompok Jenis Kelamin" in hidden and "a. Indeks Persepsi Pelayanan Publik" in hidden
    assert all(re.match(r"(BAB [IVX]+|[A-Z]\.) |KATA|DAFTAR|Lampiran", h) for h in shown)


def test_word_fills_the_contents_when_the_draft_is_opened(drafts: Drafts) -> None:
    # Without it staff see the hint, not the contents, until they update the field themselves.
    with zipfile.ZipFile(drafts.linked.docx) as archive:
        settings = ElementTree.fromstring(archive.read("word/settings.xml"))

    [update] = settings.findall(f"{W}updateFields")
    assert update.get(f"{W}val") in ("true", "1", "on")
    tags = [child.tag for child in settings]
    assert tags.index(f"{W}updateFields") < tags.index(f"{W}compat")  # where the schema puts it
