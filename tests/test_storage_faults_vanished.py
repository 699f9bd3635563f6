"""The database file vanishing under the running bot, and coming back."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from tests.support.app import App, Clock, running
from tests.support.storage_faults import (
    TRY_AGAIN,
    at_first_item,
    content,
    faulty_writer_fixture,  # noqa: F401  (a fixture)
    storage_errors,
    tap,
)

# -- the database file vanishes under the running bot ------------------------------------------

ADMINS = (9001, 9002)


def vanish(path: Path, how: str) -> None:
    """Deletes the database file, or puts another database in its place, as a careless
    ``rm`` or ``cp other.db survey.db`` would."""
    if how == "deleted":
        path.unlink()
        return
    stranger = path.with_name("stranger.db")
    with contextlib.closing(sqlite3.connect(stranger)) as db, db:
        db.execute("CREATE TABLE notes (text TEXT)")
    os.replace(stranger, path)


@pytest.mark.parametrize("how", ["deleted", "replaced"])
async def test_a_vanished_database_refuses_answers_and_tells_each_admin_once(
    config: Config, sandbox: SandboxRequest, clock: Clock, how: str
) -> None:
    unit = replace(config, telegram=replace(config.telegram, admin_ids=ADMINS))
    path = unit.storage.path
    english = Respondent(sandbox, ADMINS[0], "Admin", language_code="en")
    r = Respondent(sandbox, 5001, "Dini")
    async with running(unit, sandbox, clock) as app:
        await english.command(app, "help")  # the bot has seen this admin's language
        await at_first_item(app, r)
        vanish(path, how)
        stranger = path.read_bytes() if how == "replaced" else None
        for _ in range(3):
            calls = len(sandbox.calls)
            await r.send(app, tap("3 · ")(sandbox, r))
            assert TRY_AGAIN in (r.last_text or "")  # not thanked, not moved on
            toasts = [c for c in sandbox.calls[calls:] if c.method == "answerCallbackQuery"]
            assert toasts and "belum tersimpan" in toasts[-1].params.get("text", "")
        await r.command(app, "start", "cpob")
        assert TRY_AGAIN in (r.last_text or "")
        errors = storage_errors(app)
        assert len(errors) == 4 and all("deleted or replaced" in str(e) for e in errors)
        if stranger is not None:  # the file put in its place was not written to
            assert path.read_bytes() == stranger
    assert not any("<b>U2</b>" in (m.get("text") or "") for m in sandbox.sent_to(r.chat_id))
    english_alerts = [m["text"] for m in sandbox.sent_to(ADMINS[0]) if "🚨" in m["text"]]
    assert english_alerts == [english_alerts[0]]
    assert "The database is gone" in english_alerts[0] and str(path) in english_alerts[0]
    other_alerts = [m["text"] for m in sandbox.sent_to(ADMINS[1]) if "🚨" in m["text"]]
    assert len(other_alerts) == 1 and "Basis data hilang" in other_alerts[0]  # survey default
    if how == "replaced":  # stopped, the bot left nothing that SQLite would mix into it
        assert content(path) == {"notes": []}


async def test_a_database_moved_back_works_again(
    app: App, sandbox: SandboxRequest, config: Config
) -> None:
    """The check is on the file, not a latch: put back, the same tap is stored."""
    path = config.storage.path
    r = Respondent(sandbox, 5001, "Dini")
    await at_first_item(app, r)
    payload = tap("3 · ")(sandbox, r)
    aside = path.with_name("aside.db")
    path.rename(aside)
    await r.send(app, payload)
    assert TRY_AGAIN in (r.last_text or "")
    [error] = storage_errors(app)
    assert "deleted or replaced" in str(error)
    aside.rename(path)
    await r.send(app, payload)
    assert "<b>U2</b>" in (r.last_text or "")
