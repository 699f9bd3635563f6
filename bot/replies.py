"""The Bot API calls of the respondent's path whose result the bot never reads.

PTB turns every returned ``Message`` (with its chat, sender and keyboard) into objects, which
costs about as much CPU as the call itself; the survey never looks at them. These calls go
through :meth:`telegram.Bot.do_api_request`, which returns Telegram's JSON as is, and through the
same rate limiter, defaults and error handling as PTB's own methods. The method names are
written in lower case: Telegram's methods are case-insensitive, and PTB warns when a name it has
a method for (``sendMessage``) is sent this way.
"""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode

__all__ = ["edit_keyboard", "edit_text", "send_text"]


async def send_text(
    bot: Bot, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """``sendMessage`` of an HTML text, with ``keyboard`` under it if given."""
    await bot.do_api_request(
        "sendmessage",
        api_kwargs={
            "chat_id": chat_id,
            "text": text,
            "parse_mode": ParseMode.HTML,
            "reply_markup": keyboard,
        },
    )


async def edit_text(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """``editMessageText``: the message's HTML text, and its keyboard (none when not given)."""
    await bot.do_api_request(
        "editmessagetext",
        api_kwargs={
            "chat_id": chat_id,
            "message_id": message_id,
            "text": text,
            "parse_mode": ParseMode.HTML,
            "reply_markup": keyboard,
        },
    )


async def edit_keyboard(
    bot: Bot, chat_id: int, message_id: int, keyboard: InlineKeyboardMarkup | None
) -> None:
    """``editMessageReplyMarkup``: the message's keyboard, removed when ``keyboard`` is None."""
    await bot.do_api_request(
        "editmessagereplymarkup",
        api_kwargs={"chat_id": chat_id, "message_id": message_id, "reply_markup": keyboard},
    )
