"""A month's report for staff, built by :mod:`analysis` in child processes.

:func:`build` runs :func:`build_files` (the charts and the draft) and :func:`workbook_file` (the
workbook) at once, each in a fresh child process, one per build and gone when it returns, so the
bot's own process never imports pandas, matplotlib, openpyxl or python-docx (~100 MiB that would
stay) and its event loop never waits for their GIL-holding seconds of work; on two cores the
report takes the longer of the two rather than their sum. A child is *spawned*, not forked: a
fresh interpreter that inherits neither the bot's logging handlers, nor its database connection,
sockets or threads; it imports ``bot.staff.report`` (which keeps telegram out of its imports, so
the child starts in ~0.1 s) and what its files need, and hands back plain bytes. The summary
alone (``files=False``, or a month without data) needs no pandas and is computed in a worker
thread. :func:`build_workbook`, for ``/export``, builds the month's XLSX alone the same way.

Exceptions::

    BuildFailed   the child building the report ended before it answered (killed, out of memory)
                  or raised; nothing was sent, the caller may try again later. Its message names
                  what the child raised and where, never the child's own message, which may
                  quote a respondent's text

The built :class:`Report` is sent part by part by :mod:`bot.staff.send`.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import re
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple

from analysis.request import ReportRequest
from bot.store.staff import BOT_USERNAME, links_of, setting, suggestions

if TYPE_CHECKING:  # the child process, which imports this module, needs no telegram
    from bot.runtime import Runtime

logger = logging.getLogger(__name__)

T = TypeVar("T")
Ts = TypeVarTuple("Ts")


class BuildFailed(Exception):
    """The child process building the report ended before it answered; nothing was sent."""


@dataclass(frozen=True)
class Attachment:
    """One file of the report, read into memory so no temporary folder outlives the build."""

    key: str
    filename: str
    content: bytes


@dataclass(frozen=True)
class Report:
    """What a post needs: the summary, the suggestion count and, for a month with data, files."""

    period: str
    summary: Mapping[str, Any]
    suggestions: int
    interim: bool = False
    charts: tuple[Attachment, ...] = ()
    xlsx: Attachment | None = None
    docx: Attachment | None = None

    @property
    def has_data(self) -> bool:
        return bool(self.summary.get("responses"))


async def build(rt: Runtime, period: str, *, files: bool = True, interim: bool = False) -> Report:
    """Computes the month's summary and, with ``files`` and data, its charts and documents."""
    job = await _job(rt, period)
    count = len(await suggestions(rt.storage, period))
    if files and await rt.storage.submission_count(period) > 0:
        # The draft and the workbook at once, each in its own child: on two cores the report
        # takes the longer of the two rather than their sum.
        drawn = asyncio.ensure_future(in_child(build_files, job))
        book = asyncio.ensure_future(in_child(workbook_file, job))
        try:
            built, workbook = await asyncio.gather(drawn, book)
        except BaseException:
            for child in (drawn, book):
                child.cancel()
            raise
        return Report(period, built.summary, count, interim, built.charts, workbook, built.docx)
    summary = await asyncio.to_thread(summary_of, job)
    return Report(period, summary, count, interim)


async def build_workbook(rt: Runtime, period: str) -> Attachment:
    """Builds the month's XLSX workbook alone, in a child process, as :func:`build` builds it."""
    return await in_child(workbook_file, await _job(rt, period))


async def _job(rt: Runtime, period: str) -> ReportRequest:
    """The build of ``period`` as configured, for the child process: submit times shown in the
    survey's zone (by its IANA name), each service's survey link (None before the bot has learnt
    its username)."""
    config = rt.config
    username = await setting(rt.storage, BOT_USERNAME)
    return ReportRequest(
        db_path=config.storage.path,
        period=period,
        questionnaire=config.survey.questionnaire,
        services={s.code: s.name for s in config.services},
        quota=config.survey.monthly_quota,
        include_personal=config.reports.include_personal,
        unit_name=config.reports.unit_name,
        zone=config.survey.timezone.key,
        links=links_of(username, config.services),
        legal_basis=config.reports.legal_basis,
        unit_texts=config.reports.unit_texts,
        quality=config.quality_rules,
    )


async def in_child(function: Callable[[*Ts], T], *args: *Ts) -> T:
    """Runs ``function(*args)`` in a fresh spawned process and returns its result.

    ``function`` and its arguments go to the child by pickle: a module-level function (or a
    :func:`functools.partial` of one). The child re-imports the program's main module, so a
    script calling this must guard its start with ``if __name__ == "__main__"``. The process
    ends with the call; if it dies first (killed, out of memory) or ``function`` raises,
    :class:`BuildFailed` is raised.
    """
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, function, *args)
    except BrokenProcessPool as exc:
        raise BuildFailed("the process building the report stopped before it finished") from exc
    except Exception as exc:
        # Not chained: the child's message and traceback may quote a respondent's answer.
        raise BuildFailed(f"building the report raised {_kind_and_place(exc)}") from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # the child exits on its own, at once


def _kind_and_place(exc: BaseException) -> str:
    """``IllegalCharacterError at cell.py:218``: the exception's class and the last line the
    child ran, from the traceback text concurrent.futures sends back, without its message."""
    places = re.findall(r'File "([^"]+)", line (\d+)', str(exc.__cause__ or ""))
    if not places:
        return type(exc).__name__
    file, line = places[-1]
    return f"{type(exc).__name__} at {Path(file).name}:{line}"


@dataclass(frozen=True)
class Files:
    """What :func:`build_files` read back from the report folder: the draft and its charts."""

    summary: Mapping[str, Any]
    charts: tuple[Attachment, ...]
    docx: Attachment


def summary_of(job: ReportRequest) -> dict[str, Any]:
    """Runs in a worker thread: the month's summary alone, without any file."""
    from analysis.summary import summarize

    return summarize(
        job.db_path, job.period, job.questionnaire, job.services, job.quota, rules=job.quality
    )


def build_files(job: ReportRequest) -> Files:
    """Runs in a child process: writes the charts and the draft into a temporary folder and
    reads them back (the workbook is :func:`workbook_file`'s, in another child)."""
    from analysis.report import build_draft

    with tempfile.TemporaryDirectory(prefix="surveibot-report-") as folder:
        draft = build_draft(job, folder)
        return Files(
            summary=draft.summary,
            charts=tuple(
                Attachment(key, path.name, path.read_bytes()) for key, path in draft.charts.items()
            ),
            docx=Attachment("docx", draft.docx.name, draft.docx.read_bytes()),
        )


def workbook_file(job: ReportRequest) -> Attachment:
    """Runs in the child process: writes the workbook into a temporary folder and reads it back."""
    from analysis.report import build_workbook

    with tempfile.TemporaryDirectory(prefix="surveibot-workbook-") as folder:
        path = build_workbook(job, folder)
        return Attachment("xlsx", path.name, path.read_bytes())
