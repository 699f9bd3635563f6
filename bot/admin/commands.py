"""Admin commands, in private chats with the bot, for the user ids in ``[telegram] admin_ids``.

``/stats [YYYY-MM]``, ``/report YYYY-MM [sini|ulang]`` (:mod:`bot.admin.report`),
``/export YYYY-MM``, ``/invite SERVICE``, ``/remind``, ``/suggestions YYYY-MM``, and the
follow-up tracker's ``/tindaklanjut`` and ``/selesai`` (:mod:`bot.admin.follow_up`). Anyone else
gets a polite refusal, and the attempt is logged with the user id alone. Replies follow the
admin's Telegram language when the bot speaks it; report contents stay in the survey's language.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatAction, ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.admin import follow_up
from bot.admin.args import AdminCommand, month_argument
from bot.admin.report import report
from bot.messages import Safe
from bot.runtime import runtime
from bot.staff.report import BuildFailed, build, build_workbook
from bot.staff.text import stats_text, suggestion_lines
from bot.store import staff as staff_store
from bot.telegram_text import split_text
from survey.safe_text import clean

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


def add_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Adds the admin command handlers."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    commands: dict[str, Handler] = {
        "stats": stats,
        "report": report,
        "export": export,
        "invite": invite,
        "remind": remind,
        "suggestions": suggestions,
        "tindaklanjut": follow_up.follow_up,
        "selesai": follow_up.done,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, admins_only(name, callback), filters=private))
    # /selesai as the caption of its evidence file
    captioned = (filters.Document.ALL | filters.PHOTO) & filters.CaptionRegex(r"^/selesai(@\w+)?\b")
    app.add_handler(MessageHandler(private & captioned, admins_only("selesai", follow_up.done)))
    app.add_handler(ChatMemberHandler(added_to_chat, ChatMemberHandler.MY_CHAT_MEMBER))


async def added_to_chat(update: Update, context: Context) -> None:
    """Logs the id of a group or channel the bot joined, which ``staff_chat_id`` needs."""
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
        chat = change.chat
        logger.info(
            "the bot is %s of %s %s: to post the monthly report there, set "
            "[telegram] staff_chat_id = %s",
            status,
            chat.type,
            chat.id,
            chat.id,
        )


def admins_only(command: str, handler: Handler) -> Handler:
    """Wraps ``handler`` so that only admins reach it; others are refused and logged."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: Context) -> None:
        rt = runtime(context)
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        if user.id not in rt.config.telegram.admin_ids:
            logger.warning("refused /%s from user %s: not an admin", command, user.id)
            request = AdminCommand.of(update, context)
            await message.reply_text(request.text("admin_refused"), parse_mode=ParseMode.HTML)
            return
        await handler(update, context)

    return guarded


async def stats(update: Update, context: Context) -> None:
    """Shows a month's live figures: counts, IPP and IPAK, services and drafts in progress."""
    request = AdminCommand.of(update, context)
    period = await month_argument(request, "stats", required=False)
    if period is None:
        return
    rt = request.rt
    summary = (await build(rt, period, files=False)).summary
    drafts = await staff_store.open_drafts(rt.storage)
    when = rt.messages.when(rt.now(), rt.config.survey.timezone, request.language)
    closed = await rt.storage.closed_month(period)
    quota = rt.config.survey.monthly_quota if closed is None else closed.quota
    text = stats_text(summary, drafts, quota, when, request.words)
    for chunk in split_text(text):
        await request.reply(chunk)


async def export(update: Update, context: Context) -> None:
    """Sends a month's XLSX workbook as a document."""
    request = AdminCommand.of(update, context)
    period = await month_argument(request, "export")
    if period is None:
        return
    rt = request.rt
    month = request.month(period)
    if not await staff_store.has_submissions(rt.storage, period):
        await request.reply(request.text("admin_no_data", month=month))
        return
    progress = await request.reply(request.text("admin_export_preparing", month=month))
    await context.bot.send_chat_action(request.chat_id, ChatAction.UPLOAD_DOCUMENT)
    words = request.report_words
    caption = words.plain("staff_xlsx_caption", month=words.month(period))
    if rt.config.reports.include_personal:
        caption += words.plain("staff_personal_note")
    try:
        workbook = await build_workbook(rt, period)
        await request.message.reply_document(
            workbook.content, filename=workbook.filename, caption=caption
        )
    except (TelegramError, BuildFailed) as exc:
        logger.warning("/export %s failed: %s", period, exc)
        key = "admin_export_build_failed" if isinstance(exc, BuildFailed) else "admin_export_failed"
        await _done(progress, request.text(key, month=month, error=type(exc).__name__))
        return
    await _done(progress, request.text("admin_export_done", month=month))


async def invite(update: Update, context: Context) -> None:
    """Sends a service's survey link with its QR code, or lists the service codes."""
    request = AdminCommand.of(update, context)
    rt = request.rt
    code = request.args[0] if request.args else None
    service = rt.config.service(code) if code else None
    if service is None:
        lines = [
            request.text("admin_invite_code", code=s.code, name=s.name) for s in rt.config.services
        ]
        given = Safe(request.text("admin_invite_unknown", code=code[:64])) if code else ""
        text = request.text(
            "admin_invite_usage",
            given=given,
            codes=Safe("\n".join(lines)),
            example=rt.config.services[0].code,
        )
        await request.reply(text)
        return
    link = service.link(context.bot.username)
    png = await asyncio.to_thread(qr_png, link)
    caption = request.text("admin_invite_caption", service=service.name, link=link)
    await request.message.reply_document(
        png, filename=f"survei-{service.code}.png", caption=caption, parse_mode=ParseMode.HTML
    )


def qr_png(text: str) -> bytes:
    """Returns a QR code of ``text`` as PNG bytes, big enough to print or to scan from a screen."""
    import qrcode  # lazily: Pillow is not needed until an admin asks

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()


async def remind(update: Update, context: Context) -> None:
    """Sends the due reminders now and says how many went out."""
    request = AdminCommand.of(update, context)
    from bot import reminders  # lazily, as the job does: not needed for any other command

    progress = await request.reply(request.text("admin_remind_sending"))
    run = await reminders.send_due(context.application)
    settings = request.rt.config.reminders
    if run.quiet:
        start, end = (f"{t:%H.%M}" for t in (settings.quiet_start, settings.quiet_end))
        text = request.text("admin_remind_quiet", start=start, end=end)
    else:
        text = request.text("admin_remind_done", count=run.sent)
        if run.failed or run.unreachable:
            text += request.text(
                "admin_remind_problems", failed=run.failed, unreachable=run.unreachable
            )
    await _done(progress, text)


async def suggestions(update: Update, context: Context) -> None:
    """Lists a month's suggestions, without names, over as many messages as needed."""
    request = AdminCommand.of(update, context)
    period = await month_argument(request, "suggestions")
    if period is None:
        return
    rows = await staff_store.suggestions(request.rt.storage, period)
    month = request.month(period)
    if not rows:
        await request.reply(request.text("admin_suggestions_none", month=month))
        return
    names = request.words.services
    # Rows stored before typed answers were cleaned may hold what Telegram cannot carry.
    shown = [(names.get(s, s), clean(text)) for s, text in rows]
    lines = suggestion_lines(shown, request.words)
    title = request.text("admin_suggestions_title", month=month, count=len(rows))
    for chunk in split_text("\n\n".join([title, *lines])):
        await request.reply(chunk)


async def _done(progress: Message, text: str) -> None:
    await progress.edit_text(text, parse_mode=ParseMode.HTML)
