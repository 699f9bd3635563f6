"""The app under test: the repository's paths and token, a settable clock, and ``running``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.app import build_application
from bot.sandbox import SandboxRequest
from bot.sections import Config

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
App = Application[Any, Any, Any, Any, Any, Any]

# 15 January 2025, 10:00 in Jakarta.
START = datetime(2025, 1, 15, 3, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def unit_config(folder: Path) -> Path:
    """A configuration in ``folder``, as a unit writes it; its database is folder/surveibot.db."""
    text = (REPO / "config.example.toml").read_text(encoding="utf-8")
    path = folder / "config.toml"
    path.write_text(text.replace('token = ""', f'token = "{TOKEN}"'), encoding="utf-8")
    return path


async def _keep_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # PTB logs what an error handler raises and goes on, so errors are kept and checked instead.
    context.bot_data.setdefault("errors", []).append(context.error)


@asynccontextmanager
async def running(
    config: Config, sandbox: SandboxRequest, clock: Callable[[], datetime], **kwargs: Any
) -> AsyncIterator[App]:
    """A real Application over the sandbox, initialised like run_polling does, then shut down.

    Any exception a handler raised fails the test, unless the test took it out of
    ``bot_data["errors"]``.
    """
    app = build_application(config, sandbox, clock=clock, rate_limited=False, **kwargs)
    app.add_error_handler(_keep_error)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    try:
        yield app
    finally:
        errors = app.bot_data.get("errors", [])
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        assert not errors, f"handlers raised: {errors!r}"
