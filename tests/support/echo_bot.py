"""A plain PTB bot over the sandbox Bot API (start, a tap, echo), for the sandbox's own tests.

Its fixtures are named ``*_fixture`` and registered under their short names (``sandbox``,
``app``, ``ana`` and the autouse ``_timedelta_periods``): a test module imports them all and its
tests ask for them by the short name, in place of the conftest fixtures of the same names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox import (
    Respondent,
    SandboxRequest,
)
from tests.support.app import App

USER = 1001
CHOICES = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("1 · Sangat sulit", callback_data="q1:1")],
        [InlineKeyboardButton("4 · Sangat mudah", callback_data="q1:4")],
    ]
)


@pytest.fixture(name="_timedelta_periods", autouse=True)
def timedelta_periods_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    # RetryAfter.__init__ reads its own retry_after, which warns PTBDeprecationWarning (an error
    # here) unless PTB 22 is told to use the future timedelta type.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with the deep-link payload and offers two answers."""
    assert update.message is not None
    await update.message.reply_text(f"Halo {' '.join(context.args or [])}", reply_markup=CHOICES)


async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirms the tapped answer in place."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(f"Dipilih: {update.callback_query.data}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeats the text."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def keep_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keeps the error: re-raising here would only be logged by PTB, never reach the test."""
    context.bot_data.setdefault("errors", []).append(context.error)


def build(sandbox: SandboxRequest, base_url: str | None = None) -> App:
    builder = ApplicationBuilder().token("123:ABC").request(sandbox).get_updates_request(sandbox)
    if base_url is not None:
        builder = builder.base_url(base_url)
    app = builder.build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(chosen))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_error_handler(keep_error)
    return app


@pytest.fixture(name="sandbox")
def sandbox_fixture() -> SandboxRequest:
    return SandboxRequest(seed=7)


@pytest.fixture(name="app")
async def app_fixture(sandbox: SandboxRequest) -> AsyncIterator[App]:
    application = build(sandbox)
    await application.initialize()
    yield application
    errors = application.bot_data.pop("errors", [])
    await application.shutdown()
    assert errors == [], "a handler raised"


@pytest.fixture(name="ana")
def ana_fixture(sandbox: SandboxRequest) -> Respondent:
    return Respondent(sandbox, USER, "Ana")


def handler_errors(app: App) -> list[BaseException]:
    errors: list[BaseException] = app.bot_data.pop("errors", [])
    return errors
