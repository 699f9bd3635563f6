"""The echo bots the survey is compared with, in-process (bench_bot) and as their own process
(bench_http).

- **plain**: PTB's examples/echobot.py, one reply per text message.
- **taps**: an echo bot making the survey's Bot API calls: a text gets a reply with four buttons;
  a tap is answered, shown on its message, and followed by a new message with buttons.

As a process (bench_http starts it)::

    python bench/echo_bots.py --kind taps --base-url http://127.0.0.1:PORT/bot --token T --pool 32

``--transport aiohttp`` makes its calls through the survey bot's request class
(:class:`bot.app.AiohttpRequest`); by default it is PTB's ``HTTPXRequest`` as is.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app import AiohttpRequest
from bot.processing import PerUserUpdateProcessor

KINDS = ("plain", "taps")


def echo_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(n), callback_data=f"e:{n}")] for n in range(1, 5)]
    )


async def echo_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echoes the message (PTB's examples/echobot.py)."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def echo_with_buttons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echoes the message with four buttons under it."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text, reply_markup=echo_keyboard())


async def echo_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the tap, shows it on its message, and sends the next buttons: the survey's calls."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    await query.answer()
    await query.edit_message_text(f"✅ {query.data}")
    await context.bot.send_message(
        update.effective_chat.id, f"{query.data}", reply_markup=echo_keyboard()
    )


def add_handlers(app: Application[Any, Any, Any, Any, Any, Any], kind: str) -> None:
    """The handlers of the ``kind`` echo bot (see the module docstring)."""
    if kind == "taps":
        app.add_handler(MessageHandler(filters.TEXT, echo_with_buttons))
        app.add_handler(CallbackQueryHandler(echo_tap))
    else:
        app.add_handler(MessageHandler(filters.TEXT, echo_text))


def main() -> None:
    parser = argparse.ArgumentParser(description="An echo bot polling a Bot API.")
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--pool", type=int, default=256, help="HTTP connection pool size")
    parser.add_argument("--concurrent", type=int, default=256)
    parser.add_argument(
        "--transport",
        choices=("httpx", "aiohttp"),
        default="httpx",
        help="PTB's HTTPXRequest as is, or over aiohttp as the survey bot (bot.app.AiohttpRequest)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    builder = ApplicationBuilder().token(args.token).base_url(args.base_url)
    if args.transport == "aiohttp":
        builder = builder.request(AiohttpRequest(args.pool, pool_timeout=10.0))
        builder = builder.get_updates_request(AiohttpRequest(1))
    else:
        builder = builder.connection_pool_size(args.pool).pool_timeout(10.0)
    app = builder.concurrent_updates(PerUserUpdateProcessor(args.concurrent)).build()
    add_handlers(app, args.kind)
    app.run_polling(poll_interval=0.0)


if __name__ == "__main__":
    main()
