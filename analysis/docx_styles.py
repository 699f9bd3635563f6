"""The look of the report draft: a government report's, not python-docx's default template.

One font, :data:`BODY_FONT`, at one size, :data:`BODY_SIZE`: the body, the headings and the
captions, as the reference's 12 pt. Two exceptions: the cover's title is larger
(:data:`TITLE_SIZE`), and table text is a point smaller (:data:`TABLE_SIZE`), so that more words of
the narrow columns (BAB IV's table per service, Lampiran 1) fit whole on a line. The font is named
for every script Word picks a font by (``w:rFonts`` ``ascii``, ``hAnsi``, ``eastAsia``, ``cs``)
and the template's theme fonts are dropped: a theme font wins over a named one, and Word would
fall back to Calibri or Cambria for a run it reads as East Asian or complex script.

Headings, the title and captions are black, not the template's blue. A chapter (``Heading 1``:
KATA PENGANTAR, DAFTAR ISI, BAB I–V, Lampiran) is centred and starts a page of its own, so that a
chapter staff add in Word does too; the title has no rule under it.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Pt, RGBColor

__all__ = ["BODY_FONT", "BODY_SIZE", "TABLE_SIZE", "TITLE_SIZE", "apply_house_style"]

BODY_FONT = "Arial"
BODY_SIZE = Pt(12)
TITLE_SIZE = Pt(16)  # the cover's title: a cover, not body text
TABLE_SIZE = Pt(11)  # set on each run of a table (ReportDocument.table)
BLACK = RGBColor(0, 0, 0)
# The styles the template colours blue, with their character twins ("Heading 1 Char").
_COLOURED = ("Heading", "heading", "Title", "Subtitle", "Caption", "caption", "TOC Heading")
_FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def apply_house_style(document: Any) -> None:
    """Gives ``document`` (a fresh python-docx ``Document``) the report's fonts, colours and
    chapter layout."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:  # what every style and run not naming its own starts from
        _font(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), BODY_SIZE)
    for style in styles:
        properties = style.element.rPr
        if properties is None:
            continue
        if properties.rFonts is not None:
            _font(properties)
        if style.name.startswith(_COLOURED) and properties.color is not None:
            style.font.color.rgb = BLACK
    for name in ("Normal", *(f"Heading {n}" for n in range(1, 10)), "Caption"):
        _font(styles[name].element.get_or_add_rPr(), BODY_SIZE)
        styles[name].font.color.rgb = BLACK
    styles["Caption"].font.italic = False
    title = styles["Title"]
    _font(title.element.get_or_add_rPr(), TITLE_SIZE)
    title.font.bold, title.font.color.rgb = True, BLACK
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _drop_border(title.element)
    chapter = styles["Heading 1"].paragraph_format
    chapter.alignment = WD_ALIGN_PARAGRAPH.CENTER
    chapter.page_break_before = True
    chapter.space_after = Pt(12)


def _font(properties: Any, size: Length | None = None) -> None:
    """Names :data:`BODY_FONT` for every script in ``properties`` (a ``w:rPr``), no theme font,
    and sets its ``size`` for every script."""
    fonts = properties.get_or_add_rFonts()
    for slot in _THEME_SLOTS:
        fonts.attrib.pop(qn(slot), None)
    for slot in _FONT_SLOTS:
        fonts.set(qn(slot), BODY_FONT)
    if size is not None:
        half_points = str(round(size.pt * 2))
        properties.get_or_add_sz().set(qn("w:val"), half_points)
        complex_size = properties.find(qn("w:szCs"))
        if complex_size is None:
            complex_size = OxmlElement("w:szCs")
            properties.sz.addnext(complex_size)
        complex_size.set(qn("w:val"), half_points)


def _drop_border(style: Any) -> None:
    """Removes the template's blue rule under the title."""
    paragraph = style.pPr
    border = paragraph.find(qn("w:pBdr")) if paragraph is not None else None
    if border is not None:
        paragraph.remove(border)
