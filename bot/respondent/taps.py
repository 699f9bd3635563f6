"""Answering a tap: the spinner stopped (:func:`acknowledge`), the tapped message edited
(:func:`edit_tapped`), both best effort: storing the answer and sending the next step come first.

A :data:`Route` handles the taps of one verb of :mod:`bot.callbacks`; it raises :class:`Stale`
when the button's parts are malformed, forged or point at something gone, and the router answers
such a tap as stale.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import replies
from bot.telegram_text import MAX_ALERT, clip

logger = logging.getLogger(__name__)

Route = Callable[[CallbackQuery, list[str], ContextTypes.DEFAULT_TYPE], Awaitable[None]]


class Stale(Exception):
    """The button's data is malformed, forged or points at something that is gone."""


async def acknowledge(
    query: CallbackQuery, text: str | None = None, show_alert: bool = False
) -> None:
    """Answers the tap: stops the button's spinner and shows ``text``, if any (shortened to
    Telegram's 200 characters).

    Telegram takes one answer per tap, within about 15 seconds; a tap handled later (it waited
    while the bot was down, or the same update came twice) or a failed call is logged, and the
    handler goes on: storing the answer and sending the next question matter more than the
    spinner, which Telegram's app stops by itself.
    """
    if text is not None:
        text = clip(text, MAX_ALERT)  # Telegram refuses a longer one
    try:
        await query.answer(text, show_alert=show_alert)
    except TelegramError as exc:
        logger.info("tap not acknowledged: %s", exc)


async def edit_tapped(
    query: CallbackQuery,
    text: str | None,
    keyboard: InlineKeyboardMarkup | None = None,
    keep_text: bool = False,
) -> bool:
    """Edits the message the button was on; returns False when Telegram refused the edit.

    ``text=None`` with ``keep_text`` only removes the keyboard. The message is addressed by its
    chat and id, which Telegram sends even for a message too old to include whole (an
    ``InaccessibleMessage``: someone tapping days later); PTB's ``query.edit_message_*``
    shortcuts need the whole message. Telegram refuses edits of unchanged messages; that is not
    an error, the answer is stored either way.
    """
    if query.message is None:
        return False
    chat_id, message_id = query.message.chat.id, query.message.message_id
    bot = query.get_bot()
    try:
        if text is None or keep_text:
            await replies.edit_keyboard(bot, chat_id, message_id, keyboard)
        else:
            await replies.edit_text(bot, chat_id, message_id, text, keyboard)
    except BadRequest as exc:
        logger.debug("edit skipped: %s", exc.message)
        return False
    return True
