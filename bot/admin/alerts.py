"""Private messages to the admins (``[telegram] admin_ids``) about the bot itself.

One so far: the database file was deleted or replaced while the bot runs
(:class:`~bot.store.StorageGone`). Respondents are told that their answer was not saved and to
try again (the error handler's ``try_again``); the admins are told once per run, in the Telegram
language of their last update since the start when the bot speaks it, else the survey's.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.runtime import runtime

logger = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
DATABASE_GONE = "admin_database_gone"


def add_handlers(app: App) -> None:
    """Adds the handler that notes each admin's language, ahead of every other handler."""
    app.add_handler(TypeHandler(Update, note_admin_language), group=-1)


async def note_admin_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keeps the Telegram language of an admin's update, for alerts sent to them later."""
    rt = runtime(context)
    user = update.effective_user
    if user is None or user.id not in rt.config.telegram.admin_ids or not user.language_code:
        return
    code = user.language_code[:2]
    if code in rt.messages.languages:
        rt.admin_languages[user.id] = code


async def database_gone(app: App) -> None:
    """Tells every admin, once per run, that the database file vanished under the bot."""
    rt = runtime(app)
    if DATABASE_GONE in rt.alerted:
        return
    rt.alerted.add(DATABASE_GONE)
    logger.error(
        "the database file %s was deleted or replaced: answers are refused", rt.storage.path
    )
    default = rt.config.survey.default_language
    for admin in rt.config.telegram.admin_ids:
        language = rt.admin_languages.get(admin, default)
        text = rt.messages.get(DATABASE_GONE, language, path=rt.storage.path)
        try:
            await app.bot.send_message(admin, text, parse_mode=ParseMode.HTML)
        except TelegramError as exc:  # e.g. an admin who never opened the bot: 403
            logger.warning("could not alert admin %s: %s", admin, exc)
