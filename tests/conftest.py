"""Shared fixtures: a config in a temp folder, a settable clock, the sandbox Bot API and the app."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application, ContextTypes

from bot.app import build_application
from bot.config import TOKEN_ENV, Config, load
from bot.sandbox import Respondent, SandboxRequest
from survey import console

# RetryAfter reads its own retry_after on construction, which warns PTBDeprecationWarning (an
# error under filterwarnings=error) unless PTB 22 is told to use timedelta periods.
os.environ.setdefault("PTB_TIMEDELTA", "true")

REPO = Path(__file__).resolve().parent.parent
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


@pytest.fixture(autouse=True)
def operator_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with the command line in Indonesian, whatever the shell says."""
    monkeypatch.delenv(console.LANGUAGE_ENV, raising=False)
    console.use("id")
    yield
    console.use("id")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    loaded = load(REPO / "config.example.toml", {TOKEN_ENV: TOKEN})
    return replace(loaded, storage=replace(loaded.storage, path=tmp_path / "survey.db"))


def unit_config(folder: Path) -> Path:
    """A configuration in ``folder``, as a unit writes it; its database is folder/surveibot.db."""
    text = (REPO / "config.example.toml").read_text(encoding="utf-8")
    path = folder / "config.toml"
    path.write_text(text.replace('token = ""', f'token = "{TOKEN}"'), encoding="utf-8")
    return path


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """The example configuration as a file for the command line, its database beside it."""
    return unit_config(tmp_path)


@pytest.fixture
def sandbox() -> SandboxRequest:
    return SandboxRequest()


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


@pytest.fixture
async def app(config: Config, sandbox: SandboxRequest, clock: Clock) -> AsyncIterator[App]:
    async with running(config, sandbox, clock) as application:
        yield application


@pytest.fixture
def respondent(sandbox: SandboxRequest) -> Respondent:
    return Respondent(sandbox, 5001, "Dini")


def pytest_configure(config: pytest.Config) -> None:
    # Part of the default run (and of CI); `pytest -m "not slow"` leaves them out locally.
    config.addinivalue_line("markers", "slow: a test that takes tens of seconds (test_kill.py)")
