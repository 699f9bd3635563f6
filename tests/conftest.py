"""Shared fixtures: a config in a temp folder, a settable clock, the questionnaire, the sandbox
Bot API and the app.

The helpers behind them live in :mod:`tests.support`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import TOKEN_ENV, load
from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from survey import console
from survey.questionnaire import Questionnaire
from survey.questionnaire import load as load_questionnaire
from tests.support.app import REPO, TOKEN, App, Clock, running, unit_config

# RetryAfter reads its own retry_after on construction, which warns PTBDeprecationWarning (an
# error under filterwarnings=error) unless PTB 22 is told to use timedelta periods.
os.environ.setdefault("PTB_TIMEDELTA", "true")


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


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    """The questionnaire as shipped."""
    return load_questionnaire()


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """The example configuration as a file for the command line, its database beside it."""
    return unit_config(tmp_path)


@pytest.fixture
def sandbox() -> SandboxRequest:
    return SandboxRequest()


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
