"""The cells of the report's workbook, as every sheet writes them: rows whose text is plain text
XLSX can hold and Excel never reads as a formula (see :mod:`analysis.report_xlsx`), titles,
headers and column widths."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from analysis.texts import text
from survey.safe_text import clean

__all__ = [
    "BOLD",
    "DAY_FORMAT",
    "INDEX_FORMAT",
    "SHARE_FORMAT",
    "TIME_FORMAT",
    "add_row",
    "header_row",
    "set_widths",
    "title_row",
]

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
INDEX_FORMAT = "0.00"
SHARE_FORMAT = "0.0%"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
DAY_FORMAT = "yyyy-mm-dd"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel and others read as a formula


def add_row(sheet: Any, values: Sequence[Any], number_format: str | None = None) -> None:
    """Appends a row, its text as plain strings that XLSX can hold (see the module docstring),
    its fractional numbers in ``number_format`` when given.

    Every row of the workbook goes through here. The cells are made before they are appended:
    finding an appended row again (``sheet[sheet.max_row]``) scans every cell of the sheet, which
    made a thousand respondents take seconds.
    """
    cells = []
    for value in values:
        # openpyxl refuses control characters as the value is set: clean before.
        cell = Cell(sheet, value=clean(value) if isinstance(value, str) else value)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl makes text starting with "=" a formula
            if cell.value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True
        elif number_format is not None and isinstance(cell.value, float):
            cell.number_format = number_format
        cells.append(cell)
    sheet.append(cells)


def title_row(sheet: Any, title: str, service: str | None = None) -> None:
    """The sheet's title, naming the one service a per-service report covers."""
    if service is not None:
        title = text("xlsx.scoped_title", title=title, service=service)
    add_row(sheet, [title])
    sheet.cell(sheet.max_row, 1).font = TITLE


def header_row(sheet: Any, names: Iterable[str]) -> None:
    add_row(sheet, list(names))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def set_widths(sheet: Any, widths: Iterable[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
