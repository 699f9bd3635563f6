"""Storage faults: a locked database, a full disk, a read-only database and failing reads.

Each fault is made with SQLite's own mechanisms where one exists: another connection holding the
write lock past a short busy timeout, ``PRAGMA max_page_count`` (SQLITE_FULL exactly as a full
disk gives it), ``PRAGMA query_only`` (SQLITE_READONLY; chmod would not stop root, and the open
file descriptor keeps writing anyway). A failure in the middle of a transaction and a failing read
are injected into the writer connection, as SQLite offers no switch for them.

In every case the respondent is told to try again, nothing is half-written, and once the fault
clears the very same tap or message works.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.runtime import runtime
from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from tests.support.app import App
from tests.support.storage_faults import (
    TRY_AGAIN,
    JSONDict,
    at_first_item,
    at_name,
    at_review,
    at_suggestion,
    content,
    failing,
    faulty_writer_fixture,  # noqa: F401  (a fixture)
    say,
    start,
    storage_errors,
    tap,
)
from tests.support.survey import ITEMS

# -- how a fault is made ---------------------------------------------------------------------------

Fault = Callable[[App, Path], contextlib.AbstractAsyncContextManager[str]]


def pragma(db: sqlite3.Connection, statement: str) -> Any:
    """Runs ``PRAGMA statement`` on the bot's connection; returns its first row."""
    return db.execute(f"PRAGMA {statement}").fetchone()


@contextlib.asynccontextmanager
async def locked(app: App, path: Path) -> Any:
    """Another process holds the write lock longer than the writer's busy timeout."""
    storage = runtime(app).storage
    await storage.read(pragma, "busy_timeout = 50")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield "database is locked"
    finally:
        other.execute("ROLLBACK")
        other.close()
        await storage.read(pragma, "busy_timeout = 5000")


@contextlib.asynccontextmanager
async def read_only(app: App, path: Path) -> Any:
    """The database can be read but not written, as after a read-only remount."""
    storage = runtime(app).storage
    await storage.read(pragma, "query_only = ON")
    try:
        yield "attempt to write a readonly database"
    finally:
        await storage.read(pragma, "query_only = OFF")


@contextlib.asynccontextmanager
async def disk_full(app: App, path: Path) -> Any:
    """No room for one more page: SQLite answers SQLITE_FULL, as on a full disk."""
    storage = runtime(app).storage
    (pages,) = await storage.read(pragma, "page_count")
    await storage.read(pragma, f"max_page_count = {pages}")
    try:
        yield "database or disk is full"
    finally:
        await storage.read(pragma, "max_page_count = 1073741823")


Setup = Callable[[App, Respondent], Awaitable[None]]
Action = Callable[[SandboxRequest, Respondent], JSONDict]
# action: (respondent's state, the update, what shows that it worked once the fault cleared)
ACTIONS: dict[str, tuple[Setup, Action, str]] = {
    "tap-an-item": (at_first_item, tap("3 · "), "<b>U2</b>"),
    "type-a-name": (at_name, say("Dini B"), "Berapa usia Anda"),
    "reopen-the-link": (at_first_item, start, "Melanjutkan"),
    "submit": (at_review, tap("✅ Kirim"), "Terima kasih"),
    "skip-the-suggestion": (at_suggestion, tap("Lewati"), "Periksa jawaban"),
}
FAULTS: dict[str, Fault] = {"locked": locked, "read-only": read_only}


async def suffer(
    app: App,
    sandbox: SandboxRequest,
    config: Config,
    r: Respondent,
    payload: JSONDict,
    fault: contextlib.AbstractAsyncContextManager[str],
) -> str:
    """Sends ``payload`` during ``fault``; checks the respondent was told to try again and that
    the database did not change at all. Returns the storage error's text."""
    before = content(config.storage.path)
    last = max((m["message_id"] for m in sandbox.sent_to(r.chat_id)), default=0)
    calls = len(sandbox.calls)
    async with fault as reason:
        await r.send(app, payload)
    [error] = storage_errors(app)
    assert reason in str(error)
    assert content(config.storage.path) == before
    told = [m.get("text") or "" for m in sandbox.sent_since(r.chat_id, last)]
    assert told and TRY_AGAIN in told[-1]
    if "callback_query" in payload:
        toasts = [c for c in sandbox.calls[calls:] if c.method == "answerCallbackQuery"]
        assert toasts and "belum tersimpan" in toasts[-1].params.get("text", "")
    return str(error)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("action", ACTIONS)
async def test_a_write_fault_asks_to_try_again_and_the_same_update_works_after(
    app: App, sandbox: SandboxRequest, config: Config, action: str, fault: str
) -> None:
    setup, build, works = ACTIONS[action]
    r = Respondent(sandbox, 5001, "Dini")
    await setup(app, r)
    payload = build(sandbox, r)
    await suffer(app, sandbox, config, r, payload, FAULTS[fault](app, config.storage.path))
    await r.send(app, payload)  # the same tap or message, now that the fault is gone
    assert works in "\n".join(m.get("text") or "" for m in sandbox.sent_to(r.chat_id)[-2:])


async def test_a_full_disk_refuses_a_long_suggestion_until_there_is_room(
    app: App, sandbox: SandboxRequest, config: Config
) -> None:
    r = Respondent(sandbox, 5001, "Dini")
    await at_suggestion(app, r)
    payload = sandbox.message_update(r.user, "🙏" * 2000)  # 8 KB: two more pages at least
    await suffer(app, sandbox, config, r, payload, disk_full(app, config.storage.path))
    await r.send(app, payload)
    assert "Periksa jawaban" in (r.last_text or "")
    with contextlib.closing(sqlite3.connect(config.storage.path)) as db:
        [(stored,)] = db.execute("SELECT value FROM answers WHERE key = 'suggestion'")
    assert stored == "🙏" * 2000


async def test_a_full_disk_refuses_the_submission_until_there_is_room(
    app: App, sandbox: SandboxRequest, config: Config
) -> None:
    r = Respondent(sandbox, 5001, "Dini")
    await at_suggestion(app, r)
    await r.say(app, "🙏" * 2000)  # the submission copies it: the disk must have room
    payload = tap("✅ Kirim")(sandbox, r)
    await suffer(app, sandbox, config, r, payload, disk_full(app, config.storage.path))
    await r.send(app, payload)
    assert "Terima kasih" in (r.last_text or "")


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("INSERT INTO scores", "database or disk is full"),
        ("UPDATE drafts", "disk I/O error"),
        ("COMMIT", "database or disk is full"),
    ],
)
async def test_a_submission_failing_halfway_leaves_nothing_behind(
    app: App, sandbox: SandboxRequest, config: Config, statement: str, message: str
) -> None:
    r = Respondent(sandbox, 5001, "Dini")
    await at_review(app, r)
    payload = tap("✅ Kirim")(sandbox, r)

    @contextlib.asynccontextmanager
    async def halfway() -> Any:
        with failing(statement, message):
            yield message

    await suffer(app, sandbox, config, r, payload, halfway())
    with contextlib.closing(sqlite3.connect(config.storage.path)) as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone() == (0,)
        assert db.execute("SELECT status FROM drafts").fetchall() == [("open",)]
    await r.send(app, payload)
    assert "Terima kasih" in (r.last_text or "")
    with contextlib.closing(sqlite3.connect(config.storage.path)) as db:
        assert db.execute("SELECT COUNT(*) FROM scores").fetchone() == (len(ITEMS),)


READS: dict[str, tuple[Setup, Action]] = {
    "tap-an-item": (at_first_item, tap("3 · ")),
    "type-a-name": (at_name, say("Dini B")),
    "reopen-the-link": (at_first_item, start),
    "ask-for-help": (at_first_item, lambda s, r: s.command_update(r.user, "help")),
    "send-a-sticker": (at_name, lambda s, r: s.sticker_update(r.user)),
}


@pytest.mark.parametrize("action", READS)
async def test_a_failing_read_asks_to_try_again_too(
    app: App, sandbox: SandboxRequest, config: Config, action: str
) -> None:
    setup, build = READS[action]
    r = Respondent(sandbox, 5001, "Dini")
    await setup(app, r)
    payload = build(sandbox, r)

    @contextlib.asynccontextmanager
    async def unreadable() -> Any:
        with failing("SELECT", "disk I/O error"):
            yield "disk I/O error"

    await suffer(app, sandbox, config, r, payload, unreadable())
    sent = len(sandbox.sent_to(r.chat_id))
    await r.send(app, payload)
    assert len(sandbox.sent_to(r.chat_id)) > sent  # answered normally now
    assert TRY_AGAIN not in (r.last_text or "")


async def test_a_bug_in_sql_is_not_passed_off_as_a_passing_fault(
    app: App, sandbox: SandboxRequest, config: Config
) -> None:
    """Only faults from outside are "try again"; an SQL error is a bug and says so."""
    storage = runtime(app).storage
    with pytest.raises(sqlite3.OperationalError, match="no such column"):
        await storage.read(lambda db: db.execute("SELECT nonsense FROM drafts").fetchall())
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await storage.write(lambda db: db.execute("INSERT INTO nowhere VALUES (1)").rowcount)
    assert not storage.in_transaction
