"""The composition root: :func:`build_application` wires config, storage, handlers and jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
from httpx_aiohttp import HttpxAiohttpClient
from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import integrity, menus, messages, reminders
from bot.admin import alerts
from bot.admin import commands as admin
from bot.processing import PerUserUpdateProcessor
from bot.respondent import buttons, conversation, privacy
from bot.respondent.screens import Renderer
from bot.runtime import KEY, Runtime, runtime, utc_now
from bot.sections import Config
from bot.staff import closed_months
from bot.staff import post as staff
from bot.store import Storage, StorageGone, StorageUnavailable
from bot.store import staff as staff_store

logger = logging.getLogger(__name__)

CONCURRENT_UPDATES = 256
POOL_TIMEOUT = 10.0  # seconds an API call may wait for a free connection


class AiohttpRequest(HTTPXRequest):
    """PTB's ``HTTPXRequest`` (its timeouts, errors and limits) with aiohttp carrying the calls.

    httpcore, httpx's own transport, schedules its connection pool in Python on every call and
    asks every pooled socket whether it is readable: over half the bot's CPU time over HTTP
    (bench/bench_http.py --profile). httpx-aiohttp, by httpx's maintainer, is the httpx transport
    that hands the call to aiohttp's pool and parser, mostly C; the bot's updates per CPU second
    went from ~86 to ~250 at the same pool (16), ~335 at 64. aiohttp has no write timeout: an
    upload is bounded by the read one.
    """

    def _build_client(self) -> httpx.AsyncClient:
        # PTB builds its client here, again after each shutdown; the transport is made anew too.
        return HttpxAiohttpClient(**self._client_kwargs)


def build_application(
    config: Config,
    request: BaseRequest | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    rate_limited: bool = True,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Builds the bot. ``request`` replaces the HTTP transport (tests and the demo pass a fake)."""
    builder = ApplicationBuilder().token(config.telegram.token)
    if config.telegram.base_url is not None:
        builder = builder.base_url(config.telegram.base_url)
        file_url = config.telegram.base_file_url
        assert file_url is not None
        builder = builder.base_file_url(file_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # Updates wait for a free connection instead of failing after PTB's 1 s.
        pool = config.telegram.connection_pool_size
        builder = builder.request(AiohttpRequest(pool, pool_timeout=POOL_TIMEOUT))
        builder = builder.get_updates_request(AiohttpRequest(1))  # PTB's own for getUpdates
    if rate_limited:
        # Bulk sends (reminders, staff posts) are paced by bot.pacing; a reply to a
        # respondent is
        # not held to 30/s overall (that capped the bot at ~17 updates/s). The limiter keeps
        # groups to 20/min and retries a 429 after its retry_after, pausing every call meanwhile.
        limiter = AIORateLimiter(overall_max_rate=0, max_retries=3)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    app = (
        builder.concurrent_updates(PerUserUpdateProcessor(CONCURRENT_UPDATES))
        .post_init(_open)
        .post_shutdown(_close)
        .build()
    )
    questionnaire = config.survey.questionnaire
    text = messages.load(questionnaire.languages, overrides=questionnaire.messages)
    app.bot_data[KEY] = Runtime(
        config=config,
        storage=Storage(config.storage.path),
        messages=text,
        render=Renderer(config, text),
        clock=clock,
    )
    _add_handlers(app)
    staff.schedule(app)
    closed_months.schedule(app)
    reminders.schedule(app)
    privacy.schedule(app)
    integrity.schedule(app)
    return app


def _add_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    new = filters.UpdateType.MESSAGE  # edited messages change nothing
    private = filters.ChatType.PRIVATE & new
    alerts.add_handlers(app)
    app.add_handler(CommandHandler("start", conversation.start, filters=private))
    app.add_handler(CommandHandler("cancel", conversation.cancel, filters=private))
    app.add_handler(CommandHandler("help", conversation.help_command, filters=private))
    app.add_handler(
        CommandHandler("start", conversation.outside_private, filters=filters.ChatType.GROUPS & new)
    )
    # Privacy and admin handlers come before the respondent's catch-alls below.
    privacy.add_handlers(app)
    admin.add_handlers(app)
    app.add_handler(CallbackQueryHandler(buttons.button))
    app.add_handler(MessageHandler(private & filters.COMMAND, conversation.help_command))
    app.add_handler(MessageHandler(private & filters.TEXT, conversation.text_answer))
    app.add_handler(MessageHandler(private, conversation.other_input))
    app.add_error_handler(_on_error)


async def _open(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    rt = runtime(app)
    await rt.storage.open()
    await privacy.finish_erasures(rt.storage)  # one pending when the bot stopped
    # initialize() has asked Telegram who the bot is; reports made offline link to it.
    await staff_store.remember(rt.storage, staff_store.BOT_USERNAME, app.bot.username, rt.now())
    await menus.install(app)


async def _close(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await runtime(app).storage.close()


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the failure without personal data and tells the respondent what to do."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if isinstance(error, TelegramError) and not isinstance(error, StorageUnavailable):
        logger.warning("update %s: Telegram error %s: %s", update_id, type(error).__name__, error)
        return
    logger.error("update %s failed", update_id, exc_info=error)
    if isinstance(error, StorageGone):
        await alerts.database_gone(context.application)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    rt = runtime(context)
    key = "try_again" if isinstance(error, StorageUnavailable) else "error"
    text = rt.messages.get(key, rt.config.survey.default_language)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(
                rt.messages.plain(key, rt.config.survey.default_language)
            )
        await context.bot.send_message(update.effective_chat.id, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        logger.warning("could not tell the user about the failure: %s", exc)
