"""A stand-in for the report files in staff-post tests: the real summary, tiny charts and documents.

Building real charts, XLSX and DOCX takes about a second per month; the staff-post tests care
about which parts go out, not their contents. Module-level, so that the report's child process
can unpickle them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial

import pytest

from analysis.request import ReportRequest
from bot.staff import report as staff_report
from bot.staff.report import Attachment, Files

# A valid 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def tiny_files(charts: Sequence[str], job: ReportRequest) -> Files:
    """Returns the month's real summary with one tiny PNG per chart key and tiny documents."""
    return Files(
        summary=staff_report.summary_of(job),
        charts=tuple(Attachment(key, f"{key}.png", PNG) for key in charts),
        docx=Attachment("docx", f"laporan-{job.period}.docx", b"docx"),
    )


def tiny_workbook(job: ReportRequest) -> Attachment:
    """A tiny workbook, named as the real one."""
    return Attachment("xlsx", f"data-{job.period}.xlsx", b"xlsx")


def use_tiny_files(monkeypatch: pytest.MonkeyPatch, charts: Sequence[str]) -> None:
    """Makes the staff post build :func:`tiny_files` and :func:`tiny_workbook` instead of the
    real report."""
    monkeypatch.setattr(staff_report, "build_files", partial(tiny_files, tuple(charts)))
    monkeypatch.setattr(staff_report, "workbook_file", tiny_workbook)


def die(*args: object) -> Files:
    """Ends its process at once, as the out-of-memory killer would: no exception, no answer."""
    os._exit(1)
