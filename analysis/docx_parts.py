"""A thin layer over python-docx for the report: headings, tables, figures, placeholders.

The document is meant to be finished in Word: text the unit must write itself is a bracketed,
yellow-highlighted placeholder; the table of contents and the page numbers are Word fields;
the text is tagged Indonesian so Word spell-checks it as such. Web addresses are links a reader
can click. Every text is cleaned of what XML cannot hold (:func:`survey.safe_text.clean`) as it
goes in, since lxml refuses a control character from a stored answer. The look (one font, black
headings, a chapter a page) is :mod:`analysis.docx_styles`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, RGBColor
from docx.text.run import Run

from analysis.docx_styles import TABLE_SIZE, apply_house_style
from analysis.texts import Span
from survey.safe_text import clean

__all__ = ["ARABIC", "ROMAN", "ReportDocument"]

LANGUAGE_TAG = "id-ID"
ROMAN, ARABIC = "lowerRoman", "decimal"  # page numbers i, ii … and 1, 2 …
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)  # Word's own colour for a hyperlink
# What follows w:updateFields in w:settings (ECMA-376 CT_Settings): it must come before them.
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)
# What follows w:pgNumType in a w:sectPr (ECMA-376 CT_SectPr): it must come before them.
_AFTER_PAGE_NUMBERS = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)
_AFTER_VERTICAL_ALIGNMENT = _AFTER_PAGE_NUMBERS[_AFTER_PAGE_NUMBERS.index("w:vAlign") + 1 :]


class ReportDocument:
    """A Word document being written top to bottom."""

    def __init__(self, title: str) -> None:
        self.document: Any = Document()
        self.document.core_properties.title = clean(title)
        self.document.core_properties.author = "surveibot"
        self.document.core_properties.language = LANGUAGE_TAG
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
        for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, margin, Cm(2.5))
        apply_house_style(self.document)
        properties = self.document.styles["Normal"].element.get_or_add_rPr()
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), LANGUAGE_TAG)
        properties.append(language)
        self._style_ids: dict[str, str] = {}

    def heading(self, text: str, level: int = 1) -> None:
        """A heading; a chapter's (level 1) starts a page. A line feed in ``text`` breaks the
        line ("BAB I", "PENDAHULUAN"), which the table of contents shows as a space."""
        self.styled(text, f"Heading {level}")

    def styled(self, text: str, style: str) -> Any:
        """A paragraph of ``text`` in the named paragraph style.

        The style's id is looked up once per document: python-docx's ``style=`` looks it up,
        and the default paragraph style with it (a scan of every style), for each paragraph,
        which was a third of the draft's time."""
        paragraph = self.document.add_paragraph(clean(text))
        style_id = self._style_ids.get(style)
        if style_id is None:
            style_id = self._style_ids[style] = self.document.styles[style].style_id
        paragraph._p.style = style_id
        return paragraph

    def paragraph(
        self, text: str | Iterable[Span] = "", bold: bool = False, center: bool = False
    ) -> Any:
        """A paragraph of ``text``, or of runs (:func:`analysis.texts.spans`), some italic."""
        paragraph = self.document.add_paragraph()
        for span in [Span(text, False)] if isinstance(text, str) else text:
            if span.text:
                shown = f"[{span.text}]" if span.placeholder else span.text
                run = paragraph.add_run(clean(shown))
                run.bold = bold
                run.italic = span.italic or span.placeholder or None
                if span.placeholder:
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.JUSTIFY
        return paragraph

    def placeholder(self, text: str) -> None:
        """A bracketed, highlighted note for the unit to replace with its own text."""
        run = self.document.add_paragraph().add_run(f"[{clean(text)}]")
        run.italic = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def listing(self, lines: Iterable[str], numbered: bool = False) -> None:
        style = "List Number" if numbered else "List Bullet"
        for line in lines:
            self.styled(line, style)

    def lettered(self, line: str) -> Any:
        """A lettered line (``a. Jika …``), indented, its letter hanging."""
        paragraph = self.paragraph(line)
        paragraph.paragraph_format.left_indent = Cm(1.0)
        paragraph.paragraph_format.first_line_indent = Cm(-0.6)  # the letter hangs
        return paragraph

    def link_line(self, line: str, url: str) -> None:
        """A lettered line (``a. <url> untuk …``), indented, with ``url`` in it a link."""
        line, url = clean(line), clean(url)
        before, found, after = line.partition(url)
        if not found:
            raise ValueError(f"{url!r} is not in {line!r}")
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(1.0)
        paragraph.paragraph_format.first_line_indent = Cm(-0.6)  # the letter hangs
        paragraph.add_run(before)
        relation = self.document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), relation)
        element = OxmlElement("w:r")
        link.append(element)
        paragraph._p.append(link)
        run = Run(element, paragraph)
        run.text = url
        run.font.color.rgb = LINK_COLOUR
        run.font.underline = True
        paragraph.add_run(after)

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        widths: Sequence[float] = (),
        bold_rows: Iterable[int] = (),
        right: Iterable[int] = (),
    ) -> Any:
        """A grid table; ``bold_rows`` index the body rows, ``right`` the right-aligned columns.

        Each row is written as one piece of XML (:func:`_row_xml`), what python-docx's
        ``add_row``, ``add_run``, ``font.size`` and ``width`` would make cell by cell: for the
        appendix of a thousand respondents that is 0.1 s instead of 2 s.
        """
        table = self.document.add_table(rows=0, cols=len(header))
        table.style = "Table Grid"  # looked up by name once per table, not per cell
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        right_columns = set(right)
        bold = {r + 1 for r in bold_rows}
        twips = [round(Cm(width).twips) for width in widths]
        for r, values in enumerate([header, *rows]):
            cells = [
                _Cell(
                    clean(str(value)),
                    twips[c] if c < len(twips) else None,
                    bold=r == 0 or r in bold,
                    right=c in right_columns and r > 0,
                )
                for c, value in enumerate(values)
            ]
            table._tbl.append(parse_xml(_row_xml(cells)))
        self.document.add_paragraph()
        return table

    def merge_row(self, table: Any, row: int, text: str) -> None:
        """Turns a table row into one bold cell spanning the table (a group heading)."""
        cells = table.rows[row].cells
        merged = cells[0].merge(cells[-1])
        merged.text = ""
        run = merged.paragraphs[0].add_run(clean(text))
        run.bold, run.font.size = True, TABLE_SIZE

    def caption(self, text: str) -> None:
        paragraph = self.styled(text, "Caption")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def figure(self, path: str | PathLike[str], caption: str, width_cm: float) -> None:
        """The picture at ``width_cm`` (the width it was drawn at: analysis.layout), centred,
        with its caption."""
        self.document.add_picture(str(path), width=Cm(width_cm))
        self.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.caption(caption)

    def contents(self, hint: str, depth: int) -> None:
        """A Word table-of-contents field listing headings of levels 1 to ``depth``, showing
        ``hint`` until filled. Word is asked to fill it as it opens the file (it asks the reader
        first); "Update Field" (F9) fills it too."""
        paragraph = self.document.add_paragraph()
        paragraph._p.append(_field(f'TOC \\o "1-{depth}" \\h \\z \\u', hint))
        settings = self.document.settings.element
        if settings.find(qn("w:updateFields")) is None:
            update = OxmlElement("w:updateFields")
            update.set(qn("w:val"), "true")
            settings.insert_element_before(update, *_AFTER_UPDATE_FIELDS)

    def centre_page(self) -> None:
        """Centres the current section's text between the top and bottom margins (the cover)."""
        properties = self.document.sections[-1]._sectPr
        centred = properties.find(qn("w:vAlign"))
        if centred is None:
            centred = OxmlElement("w:vAlign")
            properties.insert_element_before(centred, *_AFTER_VERTICAL_ALIGNMENT)
        centred.set(qn("w:val"), "center")

    def new_section(self, numbering: str) -> None:
        """Goes on on a new page, numbered from 1 in Word's ``numbering`` (:data:`ROMAN`,
        :data:`ARABIC`), the number centred in the footer; the pages before keep theirs (the first
        section, the cover, has none)."""
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        properties = section._sectPr
        numbers = properties.find(qn("w:pgNumType"))
        if numbers is None:
            numbers = OxmlElement("w:pgNumType")
            properties.insert_element_before(numbers, *_AFTER_PAGE_NUMBERS)
        numbers.set(qn("w:fmt"), numbering)
        centred = properties.find(qn("w:vAlign"))  # copied from the cover's section
        if centred is not None:
            properties.remove(centred)
        numbers.set(qn("w:start"), "1")
        footer = section.footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph._p.append(_field("PAGE"))

    def save(self, path: str | PathLike[str]) -> Path:
        target = Path(path)
        self.document.save(str(target))
        return target


def _field(instruction: str, shown: str = "") -> Any:
    """A Word field (``w:fldSimple``) showing ``shown`` until Word works it out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    if shown:
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = clean(shown)
        run.append(text)
        field.append(run)
    return field


@dataclass(frozen=True)
class _Cell:
    text: str
    width: int | None  # twips
    bold: bool
    right: bool


def _row_xml(cells: Sequence[_Cell]) -> str:
    """A ``w:tr`` of one-paragraph cells, as python-docx writes them: the cell's width in
    ``w:tcW``, right alignment in ``w:jc``, bold and :data:`TABLE_SIZE` on the run, a line break
    as ``w:br`` and a tab as ``w:tab``."""
    size = round(TABLE_SIZE.pt * 2)  # w:sz counts half-points
    parts = [f"<w:tr {nsdecls('w')}>"]
    for cell in cells:
        parts.append("<w:tc>")
        if cell.width is not None:
            parts.append(f'<w:tcPr><w:tcW w:w="{cell.width}" w:type="dxa"/></w:tcPr>')
        parts.append("<w:p>")
        if cell.right:
            parts.append('<w:pPr><w:jc w:val="right"/></w:pPr>')
        parts.append(f'<w:r><w:rPr>{"<w:b/>" if cell.bold else ""}<w:sz w:val="{size}"/></w:rPr>')
        for n, line in enumerate(cell.text.split("\n")):
            if n:
                parts.append("<w:br/>")
            for m, piece in enumerate(line.split("\t")):
                if m:
                    parts.append("<w:tab/>")
                if piece:
                    parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
        parts.append("</w:r></w:p></w:tc>")
    parts.append("</w:tr>")
    return "".join(parts)
