"""The Word draft looks like a government report, not python-docx's default template: black
headings, chapters centred on two lines and each on a page of its own, a centred cover, one font
at one size. Read from the styles the draft's paragraphs actually use, as Word resolves them:
the run, then the paragraph's style and the styles it is based on, then the document defaults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from analysis.report import ReportRequest, build_report
from bot import config as config_module
from survey import unit_texts
from survey.questionnaire import load
from tests.support.analysis_fixtures import SERVICES, january_2025
from tests.support.docx_draft import starts_page

REPO = Path(__file__).resolve().parent.parent
FONT = "Arial"
SCRIPTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
THEMES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
CHAPTERS = [
    "BAB I\nPENDAHULUAN",
    "BAB II\nMETODOLOGI SURVEI",
    "BAB III\nPENGOLAHAN SURVEI",
    "BAB IV\nDATA SURVEI",
    "BAB V\nPENUTUP",
]


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The draft of January 2025 with the unit's texts and links as shipped."""
    root = tmp_path_factory.mktemp("look")
    survey = january_2025(root / "survey.db")
    example = config_module.load(REPO / "config.example.toml", need_token=False)
    files = build_report(
        ReportRequest(
            survey.path,
            "2025-01",
            load(),
            SERVICES,
            30,
            links={code: f"https://t.me/SurveiUjiBot?start={code}" for code in SERVICES},
            legal_basis=example.reports.legal_basis,
            unit_texts=unit_texts.load(REPO / "survey" / "data" / "unit-texts.example.toml"),
        ),
        root / "draft",
    )
    return docx.Document(str(files.docx))


def style(paragraph: Paragraph) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""


def body(document: Any) -> list[Paragraph]:
    return list(document.paragraphs)


def in_tables(document: Any) -> list[Paragraph]:
    return [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]


def styles_of(paragraph: Paragraph) -> Iterator[Any]:
    """The paragraph's style and those it is based on, nearest first."""
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def defaults(document: Any) -> Any:
    """The document defaults' run properties (``w:docDefaults/w:rPrDefault/w:rPr``)."""
    return document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))[0]


def resolved(document: Any, paragraph: Paragraph, run: Any, name: str) -> Any:
    """A run's font property (``name``, ``size``, ``color.rgb`` …) as Word resolves it."""
    for font in (run.font, *(style.font for style in styles_of(paragraph))):
        value = font
        for part in name.split("."):
            value = getattr(value, part)
        if value is not None:
            return value
    if name == "name":
        return defaults(document).rFonts.get(qn("w:ascii"))
    if name == "size":
        return Pt(int(defaults(document).sz.get(qn("w:val"))) / 2)
    return None


def alignment(paragraph: Paragraph) -> Any:
    found = paragraph.alignment
    for style in styles_of(paragraph):
        if found is not None:
            break
        found = style.paragraph_format.alignment
    return found


def test_headings_title_and_captions_are_black_not_blue(document: Any) -> None:
    used = {style(p) for p in body(document)}
    coloured = sorted(n for n in used if n.startswith(("Heading", "Title", "Caption")))

    assert {"Heading 1", "Heading 2", "Heading 3", "Title", "Caption"} <= set(coloured)
    for name in (*coloured, *(f"Heading {n}" for n in range(1, 10))):
        color = document.styles[name].font.color
        assert (name, color.rgb, color.theme_color) == (name, RGBColor(0, 0, 0), None)
    for paragraph in body(document):
        if style(paragraph) in coloured:
            for run in paragraph.runs:
                assert resolved(document, paragraph, run, "color.rgb") == RGBColor(0, 0, 0)


def test_chapters_are_centred_on_two_lines_each_on_a_page_of_its_own(document: Any) -> None:
    chapters = [p for p in body(document) if style(p) == "Heading 1"]
    titles = [p.text for p in chapters]

    assert [t for t in titles if t.startswith("BAB")] == CHAPTERS
    assert titles[:2] == ["KATA PENGANTAR", "DAFTAR ISI"]
    assert titles[-1] == "Lampiran 1. Data Responden"
    for chapter in chapters:
        assert (chapter.text, alignment(chapter)) == (chapter.text, WD_ALIGN_PARAGRAPH.CENTER)
        assert starts_page(chapter), chapter.text
    # Nothing else breaks the page: a break before a chapter would leave a blank page.
    assert not document.element.body.xpath(".//w:br[@w:type='page']")


def test_contents_lists_each_chapter_on_one_line(document: Any) -> None:
    # Without \x, Word lists a heading's line break as a space: "BAB I PENDAHULUAN", as the
    # reference's Daftar Isi does.
    [toc] = [
        f.get(qn("w:instr"))
        for f in document.element.body.iter(qn("w:fldSimple"))
        if f.get(qn("w:instr")).split()[0] == "TOC"
    ]

    assert "\\x" not in toc.split()


def test_cover_is_centred_as_a_whole(document: Any) -> None:
    cover, *rest = document.sections
    ends = cover._sectPr.getparent().getparent()  # the paragraph holding the section's end
    blocks = []
    for paragraph in body(document):
        blocks.append(paragraph)
        if paragraph._p is ends:
            break

    assert [p.text for p in blocks if p.text][:2] == [
        "LAPORAN ANALISIS SPKP DAN SPAK",
        "JANUARI 2025",
    ]
    assert all(alignment(p) == WD_ALIGN_PARAGRAPH.CENTER for p in blocks if p.text)
    assert not [p for p in blocks[:-1] if not p.text]  # centred by the page, not by blank lines
    assert cover._sectPr.find(qn("w:vAlign")).get(qn("w:val")) == "center"
    assert all(s._sectPr.find(qn("w:vAlign")) is None for s in rest)  # the text starts on top


def test_one_font_at_one_size_throughout(document: Any) -> None:
    paragraphs = [p for p in body(document) if p.text]
    cells = [p for p in in_tables(document) if p.text]
    used = {style.style_id: style for p in paragraphs + cells for style in styles_of(p)}

    # Every script's font named, no theme font that would win over it (Calibri, Cambria).
    for properties in [defaults(document), *(s.element.rPr for s in used.values())]:
        fonts = properties.rFonts if properties is not None else None
        if fonts is not None:
            assert {fonts.get(qn(slot)) for slot in SCRIPTS} == {FONT}
            assert not [slot for slot in THEMES if fonts.get(qn(slot)) is not None]
    for paragraph in paragraphs + cells:
        for run in paragraph.runs:
            assert resolved(document, paragraph, run, "name") == FONT
    # 12 pt for the body, headings and captions; tables 11 pt; the cover's title 16 pt.
    sizes = {
        (style(p), resolved(document, p, r, "size").pt)
        for p in paragraphs
        for r in p.runs
        if r.text
    }
    assert {size for name, size in sizes if name != "Title"} == {12.0}
    assert {size for name, size in sizes if name == "Title"} == {16.0}
    assert {"Normal", "Heading 1", "Heading 2", "Heading 3", "Caption"} <= {n for n, _ in sizes}
    assert {resolved(document, p, r, "size").pt for p in cells for r in p.runs if r.text} == {11.0}
