"""Storage faults in tests: the writer's connection made to fail, respondents at each step.

The autouse fixture ``faulty_writer_fixture`` is registered as ``faulty_writer``: a test module
imports it, and every test of that module opens the bot's connection as a :class:`Faulty` one.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox import Respondent, SandboxRequest
from bot.store import StorageUnavailable, connection
from tests.support.app import App
from tests.support.survey import ITEMS, begin, identity

JSONDict = dict[str, Any]
TRY_AGAIN = "belum tersimpan karena gangguan sementara"


def content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, timestamps included: "nothing changed" means nothing."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(db.execute(f"SELECT * FROM {t}"), key=repr) for t in tables}


def storage_errors(app: App) -> list[StorageUnavailable]:
    """Takes the expected StorageUnavailable errors out of those `running` fails the test on."""
    errors: list[BaseException] = app.bot_data.get("errors", [])
    taken = [e for e in errors if isinstance(e, StorageUnavailable)]
    errors[:] = [e for e in errors if not isinstance(e, StorageUnavailable)]
    return taken


class Faulty(sqlite3.Connection):
    """The writer's connection in these tests: fails every statement starting with ``failure[0]``
    while ``failure`` is set, with the error ``failure[1]``."""

    failure: tuple[str, str] | None = None

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return super().execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return super().executemany(sql, *args)

    def _check(self, sql: str) -> None:
        if self.failure and sql.lstrip().upper().startswith(self.failure[0].upper()):
            raise sqlite3.OperationalError(self.failure[1])


@pytest.fixture(name="faulty_writer", autouse=True)
def faulty_writer_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opens the bot's connection as a :class:`Faulty` connection."""
    monkeypatch.setattr(connection, "CONNECTION", Faulty)


@contextlib.contextmanager
def failing(sql: str, message: str) -> Iterator[None]:
    """Makes the writer connection fail every statement starting with ``sql``."""
    Faulty.failure = (sql, message)
    try:
        yield
    finally:
        Faulty.failure = None


# -- respondents in the state each action needs --------------------------------------------------


async def at_name(app: App, r: Respondent) -> None:
    await begin(r, app)


async def at_first_item(app: App, r: Respondent) -> None:
    await r.command(app, "start", "cpob")
    await identity(r, app)
    await r.tap(app, "Januari 2025")


async def at_suggestion(app: App, r: Respondent) -> None:
    await at_first_item(app, r)
    for _ in ITEMS:
        await r.tap(app, "4 · ")


async def at_review(app: App, r: Respondent) -> None:
    await at_suggestion(app, r)
    await r.tap(app, "Lewati")


def tap(label: str) -> Callable[[SandboxRequest, Respondent], JSONDict]:
    def build(sandbox: SandboxRequest, r: Respondent) -> JSONDict:
        message = r.keyboard_message()
        assert message is not None
        data = next(
            d
            for row in sandbox.buttons(r.chat_id, message["message_id"])
            for t, d in row
            if t.startswith(label)
        )
        assert data is not None
        return sandbox.callback_update(r.user, message, data)

    return build


def say(text: str) -> Callable[[SandboxRequest, Respondent], JSONDict]:
    return lambda sandbox, r: sandbox.message_update(r.user, text)


def start(sandbox: SandboxRequest, r: Respondent) -> JSONDict:
    return sandbox.command_update(r.user, "start", "cpob")
