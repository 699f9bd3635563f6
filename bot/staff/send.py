"""Sending a built report (:class:`~bot.staff.report.Report`) to a chat, part by part.

The four parts of a post are ``text`` (the figures), ``album`` (the charts), ``xlsx`` and
``docx``. :func:`send_part` sends one of them and returns the ids of its messages; it keeps to
Telegram's limits: texts are cut under 4096 UTF-16 units, captions under 1024
(:mod:`bot.telegram_text`), albums hold at most 10 photos, and a group gets about 20 messages a
minute (:class:`bot.pacing.GroupLimit`). A short ``RetryAfter`` is
waited out; every other error goes to the caller, who knows what was already sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import ParamSpec, TypeVar

from telegram import Bot, InputMediaPhoto
from telegram.constants import ParseMode
from telegram.error import RetryAfter

from bot.pacing import GroupLimit
from bot.staff.report import Report
from bot.staff.text import Wording, chart_caption, post_text
from bot.telegram_text import MAX_CAPTION, clip, split_text

logger = logging.getLogger(__name__)

MAX_ALBUM = 10
LONGEST_WAIT = 90.0  # seconds; a longer RetryAfter fails the part, to be retried by a later run
TRIES = 3
T = TypeVar("T")
P = ParamSpec("P")


async def send_part(
    bot: Bot,
    chat_id: int,
    part: str,
    report: Report,
    words: Wording,
    pacer: GroupLimit,
    personal: bool = False,
) -> list[int]:
    """Sends one part of the report to ``chat_id``; returns the ids of the messages sent."""
    if part == "text":
        ids = []
        text = post_text(report.summary, report.suggestions, words, interim=report.interim)
        for chunk in split_text(text):
            await pacer.wait(chat_id)
            sent = await patiently(bot.send_message, chat_id, chunk, parse_mode=ParseMode.HTML)
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
    sent = await patiently(
        bot.send_document,
        chat_id,
        attachment.content,
        filename=attachment.filename,
        caption=clip(caption, MAX_CAPTION),
    )
    return [sent.message_id]


async def _send_album(
    bot: Bot, chat_id: int, report: Report, words: Wording, pacer: GroupLimit
) -> list[int]:
    ids: list[int] = []
    charts = report.charts
    for start in range(0, len(charts), MAX_ALBUM):
        chunk = charts[start : start + MAX_ALBUM]
        captions = [chart_caption(c.key, report.period, words) for c in chunk]
        await pacer.wait(chat_id, len(chunk))
        if len(chunk) == 1:  # an album needs two items at least
            photo = await patiently(
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
        album = await patiently(bot.send_media_group, chat_id, media)
        ids += [m.message_id for m in album]
    return ids


async def patiently(call: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
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
