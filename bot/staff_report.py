"""A month's report for staff: built by :mod:`analysis` in a child process, sent part by part.

:func:`build` runs :func:`build_files` in a fresh child process, one per build and gone when it
returns, so the bot's own process never imports pandas, matplotlib, openpyxl or python-docx
(~100 MiB that would stay) and its event loop never waits for their GIL-holding seconds of work.
The child is *spawned*, not forked: a fresh interpreter that inherits neither the bot's logging
handlers, nor its database connection, sockets or threads; it imports ``bot.staff_report`` and
what the report needs, and hands back plain bytes. The summary alone (``files=False``, or a month
without data) needs no pandas and is computed in a worker thread. :func:`build_workbook`, for
``/export``, builds the month's XLSX alone the same way, in a child, without charts or DOCX.

Exceptions::

    BuildFailed   the child building the report ended before it answered (killed, out of memory);
                  nothing was sent, the caller may try again later

The four parts of a post are ``text`` (the figures), ``album`` (the charts), ``xlsx`` and
``docx``. :func:`send_part` sends one of them and returns the ids of its messages; it keeps to
Telegram's limits: texts are cut under 4096 characters, captions under 1024, albums hold at most
10 photos, and a group gets about 20 messages a minute (:class:`Pacer`). A short ``RetryAfter`` is
waited out; every other error goes to the caller, who knows what was already sent.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import tempfile
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, TypeVarTuple

from telegram import Bot, InputMediaPhoto
from telegram.constants import ParseMode
from telegram.error import RetryAfter

from bot.questionnaire import Questionnaire
from bot.runtime import Runtime
from bot.staff_store import suggestions
from bot.staff_text import MAX_CAPTION, Wording, chart_caption, clip, post_text, split_text

logger = logging.getLogger(__name__)

MAX_ALBUM = 10
GROUP_MESSAGES_PER_MINUTE = 20
LONGEST_WAIT = 90.0  # seconds; a longer RetryAfter fails the part, to be retried by a later run
TRIES = 3
T = TypeVar("T")
P = ParamSpec("P")
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
    args = _analysis_args(rt, period)
    count = len(await suggestions(rt.storage, period))
    if files and await rt.storage.submission_count(period) > 0:
        built = await in_child(build_files, *args, rt.config.reports.include_personal)
        return Report(period, built.summary, count, interim, built.charts, built.xlsx, built.docx)
    summary = await asyncio.to_thread(summary_of, *args)
    return Report(period, summary, count, interim)


async def build_workbook(rt: Runtime, period: str) -> Attachment:
    """Builds the month's XLSX workbook alone, in a child process, as :func:`build` builds it."""
    args = _analysis_args(rt, period)
    return await in_child(workbook_file, *args, rt.config.reports.include_personal)


def _analysis_args(
    rt: Runtime, period: str
) -> tuple[Path, str, Questionnaire, dict[str, str], int]:
    """The arguments every build starts with: database, period, questionnaire, services, quota."""
    return (
        rt.config.storage.path,
        period,
        rt.config.survey.questionnaire,
        {s.code: s.name for s in rt.config.services},
        rt.config.survey.monthly_quota,
    )


async def in_child(function: Callable[[*Ts], T], *args: *Ts) -> T:
    """Runs ``function(*args)`` in a fresh spawned process and returns its result.

    ``function`` and its arguments go to the child by pickle: a module-level function (or a
    :func:`functools.partial` of one). The child re-imports the program's main module, so a
    script calling this must guard its start with ``if __name__ == "__main__"``. The process
    ends with the call; if it dies first (killed, out of memory), :class:`BuildFailed` is raised.
    """
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, function, *args)
    except BrokenProcessPool as exc:
        raise BuildFailed("the process building the report stopped before it finished") from exc
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # the child exits on its own, at once


@dataclass(frozen=True)
class Files:
    """What :func:`build_files` read back from the report folder."""

    summary: Mapping[str, Any]
    charts: tuple[Attachment, ...]
    xlsx: Attachment
    docx: Attachment


def summary_of(
    db_path: Path,
    period: str,
    questionnaire: Questionnaire,
    services: Mapping[str, str],
    quota: int,
) -> dict[str, Any]:
    """Runs in a worker thread: the month's summary alone, without any file."""
    from analysis.summary import summarize

    return summarize(db_path, period, questionnaire, services, quota)


def build_files(
    db_path: Path,
    period: str,
    questionnaire: Questionnaire,
    services: Mapping[str, str],
    quota: int,
    include_personal: bool,
) -> Files:
    """Runs in the child process: writes the report into a temporary folder and reads it back."""
    from analysis.report import build_report

    with tempfile.TemporaryDirectory(prefix="surveibot-report-") as folder:
        files = build_report(
            db_path, period, questionnaire, services, quota, folder, include_personal
        )
        return Files(
            summary=files.summary,
            charts=tuple(
                Attachment(key, path.name, path.read_bytes()) for key, path in files.charts.items()
            ),
            xlsx=Attachment("xlsx", files.xlsx.name, files.xlsx.read_bytes()),
            docx=Attachment("docx", files.docx.name, files.docx.read_bytes()),
        )


def workbook_file(
    db_path: Path,
    period: str,
    questionnaire: Questionnaire,
    services: Mapping[str, str],
    quota: int,
    include_personal: bool,
) -> Attachment:
    """Runs in the child process: writes the workbook into a temporary folder and reads it back."""
    from analysis.report import build_workbook

    with tempfile.TemporaryDirectory(prefix="surveibot-workbook-") as folder:
        path = build_workbook(
            db_path, period, questionnaire, services, quota, folder, include_personal
        )
        return Attachment("xlsx", path.name, path.read_bytes())


class Pacer:
    """Keeps a group under about 20 messages a minute; private chats pass straight through."""

    def __init__(
        self,
        limit: int = GROUP_MESSAGES_PER_MINUTE,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._sent: deque[float] = deque()

    async def wait(self, chat_id: int, count: int = 1) -> None:
        """Waits until ``count`` more messages fit into the last minute's budget of the chat."""
        if chat_id > 0:
            return
        while True:
            now = self.clock()
            while self._sent and self._sent[0] <= now - self.window:
                self._sent.popleft()
            if not self._sent or len(self._sent) + count <= self.limit:
                break
            await self.sleep(self._sent[0] + self.window - now)
        self._sent.extend([now] * count)


async def send_part(
    bot: Bot,
    chat_id: int,
    part: str,
    report: Report,
    words: Wording,
    pacer: Pacer,
    personal: bool = False,
) -> list[int]:
    """Sends one part of the report to ``chat_id``; returns the ids of the messages sent."""
    if part == "text":
        ids = []
        text = post_text(report.summary, report.suggestions, words, interim=report.interim)
        for chunk in split_text(text):
            await pacer.wait(chat_id)
            sent = await _patiently(bot.send_message, chat_id, chunk, parse_mode=ParseMode.HTML)
            ids.append(sent.message_id)
        return ids
    if part == "album":
        return await _send_album(bot, chat_id, report, words, pacer)
    attachment = report.xlsx if part == "xlsx" else report.docx
    if attachment is None:
        raise ValueError(f"the report of {report.period} has no {part} file")
    caption = words.plain(f"staff_{part}_caption", month=words.month(report.period))
    if personal:
        caption += words.plain("staff_personal_note")
    await pacer.wait(chat_id)
    sent = await _patiently(
        bot.send_document,
        chat_id,
        attachment.content,
        filename=attachment.filename,
        caption=clip(caption, MAX_CAPTION),
    )
    return [sent.message_id]


async def _send_album(
    bot: Bot, chat_id: int, report: Report, words: Wording, pacer: Pacer
) -> list[int]:
    ids: list[int] = []
    charts = report.charts
    for start in range(0, len(charts), MAX_ALBUM):
        chunk = charts[start : start + MAX_ALBUM]
        captions = [chart_caption(c.key, report.period, words) for c in chunk]
        await pacer.wait(chat_id, len(chunk))
        if len(chunk) == 1:  # an album needs two items at least
            photo = await _patiently(
                bot.send_photo,
                chat_id,
                chunk[0].content,
                caption=captions[0],
                filename=chunk[0].filename,
            )
            ids.append(photo.message_id)
            continue
        media = [
            InputMediaPhoto(c.content, caption=caption, filename=c.filename)
            for c, caption in zip(chunk, captions, strict=True)
        ]
        album = await _patiently(bot.send_media_group, chat_id, media)
        ids += [m.message_id for m in album]
    return ids


async def _patiently(call: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
    """Makes a Bot API call, waiting out a short flood-control pause (429) before trying again."""
    for attempt in range(1, TRIES + 1):
        try:
            return await call(*args, **kwargs)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            if attempt == TRIES or seconds > LONGEST_WAIT:
                raise
            logger.info("flood control: waiting %s s before trying again", seconds)
            await asyncio.sleep(seconds)
    raise AssertionError("unreachable")
