"""What a test reads back from the report's files: the text of a DOCX, the cells of an XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import docx
import openpyxl


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def xlsx_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return "\n".join(
            str(value)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    finally:
        book.close()


def xlsx_cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cell values, by sheet name, in the workbook's order."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            sheet.title: [tuple(r) for r in sheet.iter_rows(values_only=True)] for sheet in book
        }
    finally:
        book.close()


def cell_types(source: Path | IO[bytes]) -> dict[tuple[str, Any], str]:
    """Every filled cell's data type ("s" text, "n" number, "f" formula…) by (sheet, value)."""
    book = openpyxl.load_workbook(source)
    try:
        return {
            (sheet.title, cell.value): cell.data_type
            for sheet in book
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        }
    finally:
        book.close()
