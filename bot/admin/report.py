"""``/report YYYY-MM [sini|ulang]``: a month's report, now.

- ``/report 2025-01`` posts to the staff chat through the same once-only machinery as the monthly
  job (:func:`bot.staff.post.post_month`): it sends what is missing and never duplicates the
  scheduled
  post. A month already posted is not posted again; the reply says when it went out.
- ``/report 2025-01 ulang`` (``again``) posts the whole report to the staff chat again, on purpose.
  It is not recorded as the month's post, so it changes nothing for the scheduled one.
- ``/report 2025-01 sini`` (``here``) sends the whole report to the admin's own chat, also for the
  month in progress (interim figures), and is not recorded either.

If the report cannot be built (its child process died or raised: the admin is told that the
report could not be built, never the error's text, which may quote a respondent) or Telegram
refuses it (the admin is told the kind of error), the progress message says so; only the post
through the once-only machinery is then retried automatically.

The staff chat only gets months that have ended; a month in progress goes to the admin alone.
An admin may post a month that has ended before its scheduled time: the scheduled run then finds
it done.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.admin.args import AdminCommand, month_argument
from bot.pacing import GroupLimit
from bot.staff.post import current_parts, post_month, post_time, send_following
from bot.staff.report import BuildFailed, build
from bot.staff.send import send_part
from bot.store import staff as staff_store

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
HERE = frozenset({"sini", "here"})
AGAIN = frozenset({"ulang", "again"})


async def report(update: Update, context: Context) -> None:
    """Posts a month's report to the staff chat, again on request, or sends it here."""
    request = AdminCommand.of(update, context)
    mode = request.args[1].lower() if len(request.args) > 1 else ""
    if not request.args or mode not in HERE | AGAIN | {""}:
        await request.reply(request.text("admin_report_usage", example=request.current))
        return
    period = await month_argument(request, "report")
    if period is None:
        return
    if mode in HERE:
        await _send_here(request, period, context)
    elif await _staff_chat_takes(request, period):
        if mode in AGAIN:
            await _post_again(request, period, context)
        elif not await _already_posted(request, period):
            await _post_once(request, period, context)


def _over(request: AdminCommand, period: str) -> bool:
    """Whether the month has ended, so that the staff chat may have its report."""
    return period < request.current


async def _staff_chat_takes(request: AdminCommand, period: str) -> bool:
    """Checks that a staff chat is set up and the month is over; otherwise says why not."""
    rt = request.rt
    if rt.config.telegram.staff_chat_id is None:
        await request.reply(request.text("admin_no_staff_chat", period=period))
        return False
    if _over(request, period):
        return True
    zone = rt.config.survey.timezone
    when = rt.messages.when(post_time(period, zone, rt.config.reports), zone, request.language)
    month = request.month(period)
    await request.reply(request.text("admin_not_due", month=month, when=when, period=period))
    return False


async def _already_posted(request: AdminCommand, period: str) -> bool:
    """Says when the month was posted to the staff chat, if it was; returns whether it was."""
    rt = request.rt
    configured = rt.config.telegram.staff_chat_id
    assert configured is not None
    chat_id = await staff_store.current_chat(rt.storage, configured)
    posted = await staff_store.posted_at(rt.storage, period, chat_id)
    if posted is None:
        return False
    when = rt.messages.when(posted, rt.config.survey.timezone, request.language)
    month = request.month(period)
    await request.reply(request.text("admin_already_posted", month=month, when=when, period=period))
    return True


async def _progress(request: AdminCommand, period: str, context: Context) -> Message:
    message = await request.reply(request.text("admin_preparing", month=request.month(period)))
    await context.bot.send_chat_action(request.chat_id, ChatAction.UPLOAD_DOCUMENT)
    return message


async def _post_once(request: AdminCommand, period: str, context: Context) -> None:
    progress = await _progress(request, period, context)
    result = await post_month(context.application, period)
    if result.state == "done":  # another run finished it meanwhile
        await progress.delete()
        await _already_posted(request, period)
        return
    key = {"posted": "admin_posted", "busy": "admin_post_busy"}.get(result.state)
    if key is None:
        key = "admin_build_failed" if result.build_failed else "admin_post_failed"
    text = request.text(key, month=request.month(period), error=result.cause or "")
    await progress.edit_text(text, parse_mode=ParseMode.HTML)


async def _post_again(request: AdminCommand, period: str, context: Context) -> None:
    rt = request.rt
    configured = rt.config.telegram.staff_chat_id
    assert configured is not None
    progress = await _progress(request, period, context)
    chat_id = await staff_store.current_chat(rt.storage, configured)
    pacer = GroupLimit()
    try:
        built = await build(rt, period)
        for part in current_parts(built):
            _, chat_id = await send_following(context.application, chat_id, part, built, pacer)
    except (TelegramError, BuildFailed) as exc:
        await _failed(request, progress, period, exc)
        return
    logger.info("admin %s posted %s to the staff chat again", request.chat_id, period)
    await _finish(request, progress, "admin_resent", period)


async def _send_here(request: AdminCommand, period: str, context: Context) -> None:
    rt = request.rt
    progress = await _progress(request, period, context)
    personal = rt.config.reports.include_personal
    try:
        built = await build(rt, period, interim=not _over(request, period))
        for part in current_parts(built):
            words = request.report_words
            await send_part(
                context.bot, request.chat_id, part, built, words, GroupLimit(), personal
            )
    except (TelegramError, BuildFailed) as exc:
        await _failed(request, progress, period, exc)
        return
    await _finish(request, progress, "admin_sent_here", period)


async def _finish(request: AdminCommand, progress: Message, key: str, period: str) -> None:
    text = request.text(key, month=request.month(period))
    await progress.edit_text(text, parse_mode=ParseMode.HTML)


async def _failed(
    request: AdminCommand, progress: Message, period: str, exc: TelegramError | BuildFailed
) -> None:
    logger.warning("/report %s failed: %s", period, exc)
    month = request.month(period)
    key = "admin_build_failed" if isinstance(exc, BuildFailed) else "admin_send_failed"
    text = request.text(key, month=month, error=type(exc).__name__)
    await progress.edit_text(text, parse_mode=ParseMode.HTML)
