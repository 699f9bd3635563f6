"""SQLite storage: the single source of truth for drafts, answers and submissions.

One aiosqlite connection does every read and write. Each transaction is one function run whole on
that connection's thread (:meth:`Storage.write`, :meth:`Storage.read`), so two coroutines never
share a transaction, and writes begin with ``BEGIN IMMEDIATE`` (see
shared/reference/telegram-sqlite-facts.md). WAL with ``synchronous=FULL``: a commit returned is on
disk, so every answer is stored before the bot replies to it.

A respondent's place in the questionnaire is never stored as "the current question": it is derived
from the answers of their draft (:func:`current_step`). Answers are keyed by (draft, key), so a
replayed or doubled button press can only ever touch the item printed on that button.

Exceptions::

    StorageError            the database cannot be opened or migrated
    └── StorageUnavailable  a write failed for a reason outside our control (locked, disk full,
        │                   read-only); nothing was written and the caller may try again
        └── StorageGone     the database file was deleted or replaced while open: a write would
                            go to a file nobody will read again, so none is made

The file's identity (device and inode) is taken when the database is opened and compared with the
path's before every write transaction: one ``os.stat``, 3.6 µs measured against 340 µs for a
write transaction (a 2-core machine, local disk).

A database that :mod:`bot.cli.backup` wrote carries ``PRAGMA application_id`` =
:data:`BACKUP_APPLICATION_ID`; opening it as the live database clears that mark, so a backup can
never overwrite a live database.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import hmac
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import aiosqlite

from analysis.db import person_of, ranked, register
from survey.console import reason, say
from survey.questionnaire import PERIOD

logger = logging.getLogger(__name__)

REVIEW = "review"
T = TypeVar("T")
P = ParamSpec("P")

SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER,
    chat_id INTEGER,
    service TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'cancelled')),
    editing TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS drafts_one_open
    ON drafts (user_id, service) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS drafts_by_user ON drafts (user_id, status, updated_at);

CREATE TABLE IF NOT EXISTS answers (
    draft_id INTEGER NOT NULL REFERENCES drafts (id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    source_message_id INTEGER,
    PRIMARY KEY (draft_id, key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    draft_id INTEGER UNIQUE REFERENCES drafts (id),
    user_id INTEGER,
    service TEXT NOT NULL,
    period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    submitted_at TEXT NOT NULL,
    language TEXT NOT NULL,
    identity TEXT NOT NULL,
    suggestion TEXT,
    source TEXT NOT NULL DEFAULT 'telegram',
    import_key TEXT UNIQUE,
    UNIQUE (user_id, service, period)
);
CREATE INDEX IF NOT EXISTS submissions_by_period ON submissions (period, submitted_at, id);

CREATE TABLE IF NOT EXISTS scores (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    item TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    PRIMARY KEY (submission_id, item)
) WITHOUT ROWID;
"""


def _migrations() -> tuple[tuple[str, str], ...]:
    """Returns the named, ordered migrations: SCHEMA, then ``bot/store/migrations/NNNN_name.sql``.

    Each runs in the same transaction as the row recording it. Never edit a migration that has
    shipped: add a file with the next number.
    """
    folder = resources.files("bot.store") / "migrations"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return (("0001_initial", SCHEMA), *((f.name[:-4], f.read_text("utf-8")) for f in files))


MIGRATIONS = _migrations()


class StorageError(Exception):
    """The database cannot be used at all (bad path, corrupt file, failed migration)."""


class StorageUnavailable(StorageError):
    """A transaction failed for an outside reason; it was rolled back and may be retried."""


class StorageGone(StorageUnavailable):
    """The database file was deleted or replaced under the open connection; nothing was written."""


# "SVBK": the mark of a copy written by bot.cli.backup (SQLite header offset 68, a 32-bit integer).
BACKUP_APPLICATION_ID = 0x5356424B
CHECKPOINT_WAIT_MS = 100


class Outcome(enum.Enum):
    """What happened to an answer."""

    RECORDED = "recorded"  # stored; the questionnaire moves on
    DUPLICATE = "duplicate"  # the same answer was already stored: nothing changes
    STALE = "stale"  # the key is not the one being asked: nothing changes
    CLOSED = "closed"  # the draft is no longer open: nothing changes
    TAKEN = "taken"  # the person already submitted the service for that period: nothing changes


@dataclass(frozen=True)
class Draft:
    id: int
    user_id: int | None
    chat_id: int | None
    service: str
    status: str
    editing: str | None
    created_at: datetime
    updated_at: datetime
    answers: Mapping[str, str] = field(default_factory=dict)

    def step(self, steps: Sequence[str]) -> str:
        return current_step(self.answers, steps, self.editing)


@dataclass(frozen=True)
class Submission:
    id: int
    user_id: int | None
    service: str
    period: str
    submitted_at: datetime
    language: str
    identity: Mapping[str, Any]
    suggestion: str | None
    scores: Mapping[str, int]
    late: bool = False  # stored after its month closed: kept, never counted


@dataclass(frozen=True)
class Closing:
    """How months close by the clock, where no staff post closes them: at ``post_time(period)``,
    keeping ``quota``."""

    quota: int
    post_time: Callable[[str], datetime]

    def closes(self, period: str, now: datetime) -> bool:
        return now >= self.post_time(period)


@dataclass(frozen=True)
class ClosedMonth:
    """A month whose counted set is final (see ``bot/store/migrations/0004_closed_months.sql``)."""

    period: str
    closed_at: datetime
    reason: str
    quota: int
    figures: Mapping[str, Any]  # as closed: :func:`tally` of the month then
    noticed: Mapping[str, Any] | None  # the figures last told to the staff chat, if they changed


@dataclass(frozen=True)
class Change:
    """A closed month whose figures are no longer those it closed with (or was last told with)."""

    period: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]


def person_key(secret: str, user_id: int) -> str:
    """HMAC-SHA256 of a Telegram user id: the same account always gives the same key, and the key
    cannot be turned back into the id without the secret."""
    return hmac.new(secret.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def current_step(answers: Mapping[str, str], steps: Sequence[str], editing: str | None) -> str:
    """Returns the key being asked: the one under change, else the first unanswered, else review."""
    if editing is not None:
        return editing
    return next((key for key in steps if key not in answers), REVIEW)


def iso(moment: datetime) -> str:
    """Stores times as UTC ISO 8601 with microseconds, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Storage:
    """The database. Open it with :meth:`open`, close it with :meth:`close`.

    Every transaction is one plain function over a :class:`sqlite3.Connection`, run whole on the
    connection's thread: :meth:`write` wraps it in a savepoint of ``BEGIN IMMEDIATE`` … ``COMMIT``
    (the writes queued meanwhile share that commit: group commit), :meth:`read` in ``BEGIN`` …
    ``COMMIT``. aiosqlite runs the calls queued to its thread one after another in
    the order they were made, so two transactions never interleave and no lock is needed; and a
    transaction costs one hand-over between the event loop and that thread, not one per statement.
    Under load those hand-overs, each waiting for a turn of a busy loop, were what limited the bot
    (bench/bench_bot.py).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._queued: list[_Write] = []  # writes waiting for the next group commit
        self._writer: asyncio.Task[None] | None = None
        self._identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the file opened
        self._secret = ""

    async def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = await aiosqlite.connect(self.path, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            for pragma in (
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=FULL",
                "PRAGMA foreign_keys=ON",
                "PRAGMA busy_timeout=5000",
            ):
                await self._db.execute(pragma)
            self._identity = _identity(self.path)  # the file exists once WAL mode is set
            await self._unmark_backup()
            await self._db.create_function("person_key", 2, person_key, deterministic=True)
            await self._db.create_function("person_of", 3, person_of, deterministic=True)
            await self._migrate()
            self._secret = await self.read(_secret)
        except (sqlite3.Error, OSError) as exc:
            await self.close()
            why = reason(exc)
            raise StorageError(say("storage.cannot_open", path=self.path, reason=why)) from exc

    async def close(self) -> None:
        if self._writer is not None:  # the writes already queued are committed first
            await asyncio.shield(self._writer)
        if self._db is not None:
            await self._db.close()
            self._db = None
            if self._identity is not None and _identity(self.path) != self._identity:
                _set_aside_wal(self.path)
        self._identity = None

    async def _unmark_backup(self) -> None:
        """Clears the backup mark of a backup restored as the live database."""
        rows = list(await self.db.execute_fetchall("PRAGMA application_id"))
        if rows and rows[0][0] == BACKUP_APPLICATION_ID:
            await self.db.execute("PRAGMA application_id = 0")
            logger.info("opened a backup as the live database: its backup mark is cleared")

    @property
    def db(self) -> aiosqlite.Connection:
        """The aiosqlite connection, for a single statement such as a ``PRAGMA``."""
        if self._db is None:
            raise StorageError("the database is not open")
        return self._db

    async def write(
        self,
        work: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Runs ``work(connection, …)`` in a ``BEGIN IMMEDIATE`` transaction, within a savepoint
        of its own, and returns once it is committed; rolls it back on error.

        Writes queued while a commit is on its way share the next one (:meth:`_commit_queued`).
        A failure from outside (locked, disk full, read-only) raises :class:`StorageUnavailable`
        with nothing written.
        """
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queued.append(_Write(work, args, kwargs, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._commit_queued(), name="storage-writer")
        return await future

    async def _commit_queued(self) -> None:
        """Group commit: runs every write queued meanwhile in one ``BEGIN IMMEDIATE … COMMIT``,
        each in a savepoint of its own, and answers each caller only after the commit.

        One commit (one fsync) then serves every answer that arrived while the previous one was
        on disk; a write that fails is rolled back to its savepoint alone and raises for its
        caller only. Durability is unchanged: no caller hears back before its write is on disk.
        """
        batch: list[_Write] = []
        try:
            while self._queued:
                batch, self._queued = self._queued, []
                db = self.db
                try:
                    outcomes: list[tuple[bool, Any]] = await db._execute(  # type: ignore[no-untyped-call]
                        _commit_batch, db._conn, self.path, self._identity, batch
                    )
                except Exception as exc:  # the batch as a whole: nothing was written
                    outcomes = [(False, exc)] * len(batch)
                for write, (ok, value) in zip(batch, outcomes, strict=True):
                    if write.future.done():  # its caller was cancelled; the write stands
                        continue
                    if ok:
                        write.future.set_result(value)
                    else:
                        write.future.set_exception(_unavailable(value))
        finally:
            self._writer = None
            for write in (*batch, *self._queued):  # the writer itself was cancelled
                if not write.future.done():
                    write.future.cancel()

    async def read(
        self,
        work: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Runs ``work(connection, …)`` in one read transaction: its statements see one state."""
        return await self._transaction("BEGIN", work, *args, **kwargs)

    async def checkpoint(self) -> bool:
        """Copies the WAL into the database file and empties it; False while a reader holds it.

        It waits for readers :data:`CHECKPOINT_WAIT_MS` at most, not the busy timeout, as every
        other transaction waits behind it.
        """
        db = self.db
        done: bool = await db._execute(_checkpoint, db._conn)  # type: ignore[no-untyped-call]
        return done

    async def _transaction(
        self, begin: str, work: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T:
        db = self.db
        try:
            # aiosqlite's public calls run one statement each; its _execute queues any function
            # on the connection's thread, which one trip per transaction needs.
            result: T = await db._execute(  # type: ignore[no-untyped-call]
                _transaction, db._conn, begin, work, *args, **kwargs
            )
        except sqlite3.DatabaseError as exc:
            raise _unavailable(exc) from exc
        return result

    async def _migrate(self) -> None:
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        for name, script in MIGRATIONS:
            if await self.write(_migrate_one, name, script, iso(datetime.now(UTC))):
                logger.info("applied migration %s", name)

    # -- drafts ---------------------------------------------------------------------------------

    async def open_draft(
        self, user_id: int, chat_id: int, service: str, now: datetime
    ) -> tuple[Draft, bool]:
        """Returns the user's open draft for the service, creating it; and whether it is new."""
        return await self.write(_open_draft, user_id, chat_id, service, now)

    async def begin(
        self, user_id: int, chat_id: int, service: str, periods: Sequence[str], now: datetime
    ) -> tuple[Draft | None, bool, list[Submission]]:
        """Opens the user's survey of ``service`` in one trip: returns the open draft (None when
        every one of ``periods`` is already submitted), whether it is new, and the person's
        submissions of ``periods`` for the service when no draft was open."""
        return await self.write(
            _begin, user_id, self.person_key(user_id), chat_id, service, periods, now
        )

    async def find_open_draft(self, user_id: int, service: str) -> Draft | None:
        return await self.read(_find_open_draft, user_id, service)

    async def draft(self, draft_id: int) -> Draft | None:
        return await self.read(_load_draft, draft_id)

    async def active_draft(self, user_id: int) -> Draft | None:
        """Returns the open draft the user touched last: the one a typed answer belongs to."""
        return await self.read(_active_draft, user_id)

    async def record_answer(
        self,
        draft_id: int,
        user_id: int,
        key: str,
        value: str,
        steps: Sequence[str],
        now: datetime,
        source_message_id: int | None = None,
    ) -> tuple[Outcome, Draft | None]:
        """Stores ``value`` for ``key`` if, and only if, ``key`` is the step being asked.

        A tap on an older message, a second tap, or a redelivered update finds its key already
        answered (or not yet asked) and changes nothing; a period the person already submitted
        the service for is TAKEN. The draft comes back as it is now, or None when it does not
        exist or is another user's.
        """
        return await self.write(
            _record_answer,
            draft_id,
            user_id,
            key,
            value,
            steps,
            now,
            source_message_id,
            self.person_key(user_id),
        )

    async def record_typed(
        self,
        user_id: int,
        value_for: Callable[[str], str | None],
        steps: Sequence[str],
        now: datetime,
        source_message_id: int,
    ) -> tuple[Outcome, Draft | None]:
        """Stores a typed answer for the step the user's active draft is asking, in one trip.

        ``value_for(key)`` gives what to store for that step, or None when the text does not
        answer it (the outcome is then STALE and nothing changes). The draft is None when the
        user has no survey open.
        """
        return await self.write(_record_typed, user_id, value_for, steps, now, source_message_id)

    async def set_editing(
        self, draft_id: int, user_id: int, key: str | None, steps: Sequence[str], now: datetime
    ) -> Draft | None:
        """Reopens an answered key from the review; returns None when the draft cannot be edited."""
        return await self.write(_set_editing, draft_id, user_id, key, steps, now)

    async def cancel(self, draft_id: int, user_id: int, now: datetime) -> bool:
        """Abandons an open draft; its answers are kept, marked by the draft's status."""
        return await self.write(_cancel, draft_id, user_id, now)

    # -- submissions ----------------------------------------------------------------------------

    async def submit(
        self,
        draft_id: int,
        user_id: int,
        steps: Sequence[str],
        identity_keys: Sequence[str],
        item_codes: Sequence[str],
        now: datetime,
        closing: Closing | None = None,
    ) -> tuple[Outcome, Submission | None]:
        """Turns a complete draft into the final submission, once per person, service and month.

        Returns RECORDED with the new submission (``late`` when its month is closed, or closes
        now by ``closing``); CLOSED with the earlier submission of the same draft (or None) when
        there is nothing left to submit; DUPLICATE with the person's earlier submission of the
        service and month.
        """
        return await self.write(
            _submit,
            draft_id,
            user_id,
            self.person_key(user_id),
            steps,
            identity_keys,
            item_codes,
            now,
            closing,
        )

    async def submission_for(self, user_id: int, service: str, period: str) -> Submission | None:
        """Returns the person's submission for the service and month, also after an erasure."""
        return await self.read(
            _submission_where, _SAME_PERSON, (self.person_key(user_id), user_id, service, period)
        )

    def person_key(self, user_id: int) -> str:
        """The keyed hash that stands for a Telegram account in ``submissions.person_key``."""
        return person_key(self._secret, user_id)

    async def counted_ids(self, period: str, quota: int) -> list[int]:
        """Returns the ids of the period's counted submissions: every submission of the first
        ``quota`` persons (:func:`analysis.db.ranked`), late ones never, and with the quota kept at
        closing for a closed month."""
        prefix, args = ranked("", [period], quota)
        rows = await self.read(
            rows_of, prefix + "SELECT id_ FROM ranked WHERE counted ORDER BY 1", args
        )
        return [row[0] for row in rows]

    async def close_month(self, period: str, reason: str, quota: int, now: datetime) -> bool:
        """Closes ``period`` (see :func:`close_month`); False when it was closed before."""
        return await self.write(close_month, period, reason, quota, now)

    async def closed_month(self, period: str) -> ClosedMonth | None:
        return await self.read(closed_month, period)

    async def changed_months(self) -> list[Change]:
        """Returns the closed months whose figures differ from those they closed with (or were
        last told with)."""
        return await self.read(_changed_months)

    async def noticed(self, period: str, figures: Mapping[str, Any]) -> None:
        """Records that the staff chat was told of ``period``'s ``figures``."""
        await self.write(_noticed, period, json.dumps(figures))

    async def submission_count(self, period: str) -> int:
        row = await self.read(
            first_of, "SELECT COUNT(*) FROM submissions WHERE period = ?", (period,)
        )
        return int(row[0]) if row else 0

    # -- button taps ----------------------------------------------------------------------------

    async def claim_tap(self, chat_id: int, message_id: int, button: str, now: datetime) -> bool:
        """Records that the bot answers ``button`` on a message; False when it already did.

        Two quick taps are two callback queries on one message: only the first gets True, also
        when they run side by side or on either side of a restart.
        """
        return await self.write(_claim_tap, chat_id, message_id, button, now)


# -- transactions, on the database's thread --------------------------------------------------------


def _transaction(
    db: sqlite3.Connection, begin: str, work: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    db.execute(begin)
    try:
        result = work(db, *args, **kwargs)
        db.execute("COMMIT")
    except BaseException:
        # SQLite itself rolls back on some errors (a full disk, an I/O error).
        if db.in_transaction:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                logger.exception("rollback failed")
        raise
    return result


@dataclass(frozen=True)
class _Write:
    """A write waiting for the group commit: ``work(connection, *args, **kwargs)``."""

    work: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]
    future: asyncio.Future[Any]


def _commit_batch(
    db: sqlite3.Connection,
    path: Path,
    expected: tuple[int, int] | None,
    batch: Sequence[_Write],
) -> list[tuple[bool, Any]]:
    """Runs each write of ``batch`` in its own savepoint of one transaction, then commits; returns
    (True, result) or (False, exception) per write. Raises when the batch as a whole fails
    (nothing is written then)."""
    if expected is not None and _identity(path) != expected:
        raise StorageGone(f"the database file {path} was deleted or replaced while open")
    db.execute("BEGIN IMMEDIATE")
    outcomes: list[tuple[bool, Any]] = []
    try:
        for write in batch:
            db.execute("SAVEPOINT write")
            try:
                outcomes.append((True, write.work(db, *write.args, **write.kwargs)))
            except Exception as exc:
                if not db.in_transaction:  # SQLite rolled everything back (disk full, I/O)
                    raise
                db.execute("ROLLBACK TO write")
                outcomes.append((False, exc))
            db.execute("RELEASE write")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                logger.exception("rollback failed")
        raise
    return outcomes


def _unavailable(exc: BaseException) -> BaseException:
    """The exception a caller sees: a failure from outside as :class:`StorageUnavailable`."""
    if isinstance(exc, sqlite3.DatabaseError) and _outside_reason(exc):
        unavailable = StorageUnavailable(str(exc))
        unavailable.__cause__ = exc
        return unavailable
    return exc


def _checkpoint(db: sqlite3.Connection) -> bool:
    (timeout,) = db.execute("PRAGMA busy_timeout").fetchone()
    db.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
    try:
        row = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    return row is None or not row[0]


def _set_aside_wal(path: Path) -> None:
    """Renames the ``-wal`` and ``-shm`` the vanished database left at ``path``.

    SQLite would otherwise replay that WAL onto whatever file is at ``path`` now (a restored
    backup, say) the next time it is opened, and mix two databases into one.
    """
    for suffix in ("-wal", "-shm"):
        leftover = path.with_name(path.name + suffix)
        if not leftover.exists():
            continue
        try:
            os.replace(leftover, leftover.with_name(leftover.name + ".orphaned"))
        except OSError as exc:
            logger.error("could not set the vanished database's %s aside: %s", suffix, exc)
        else:
            logger.warning("set the vanished database's %s aside as %s.orphaned", suffix, suffix)


def _identity(path: Path) -> tuple[int, int] | None:
    """The file at ``path`` as (device, inode); None when there is none."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def rows_of(db: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
    """A read for :meth:`Storage.read`: every row of one query."""
    return db.execute(sql, args).fetchall()


def first_of(db: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> sqlite3.Row | None:
    """A read for :meth:`Storage.read`: the first row of one query, or None."""
    row: sqlite3.Row | None = db.execute(sql, args).fetchone()
    return row


def changes_of(db: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> int:
    """A write for :meth:`Storage.write`: one statement; returns how many rows it changed."""
    return db.execute(sql, args).rowcount


def _migrate_one(db: sqlite3.Connection, name: str, script: str, now: str) -> bool:
    """Applies one migration with the row recording it; False when it was applied before."""
    if first_of(db, "SELECT 1 FROM schema_migrations WHERE name = ?", (name,)) is not None:
        return False
    for statement in _statements(script):
        db.execute(statement)
    db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, now))
    return True


def _open_draft(
    db: sqlite3.Connection, user_id: int, chat_id: int, service: str, now: datetime
) -> tuple[Draft, bool]:
    found = _open_draft_id(db, user_id, service)
    created = found is None
    if found is None:
        found = db.execute(
            "INSERT INTO drafts (user_id, chat_id, service, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (user_id, chat_id, service, iso(now), iso(now)),
        ).lastrowid
    else:
        db.execute(
            "UPDATE drafts SET updated_at = ?, chat_id = ? WHERE id = ?",
            (iso(now), chat_id, found),
        )
    assert found is not None
    draft = _load_draft(db, found)
    assert draft is not None
    return draft, created


def _begin(
    db: sqlite3.Connection,
    user_id: int,
    key: str,
    chat_id: int,
    service: str,
    periods: Sequence[str],
    now: datetime,
) -> tuple[Draft | None, bool, list[Submission]]:
    earlier: list[Submission] = []
    if _open_draft_id(db, user_id, service) is None:
        found = [_submission_where(db, _SAME_PERSON, (key, user_id, service, p)) for p in periods]
        earlier = [s for s in found if s is not None]
        if len(earlier) == len(periods):
            return None, False, earlier
    draft, created = _open_draft(db, user_id, chat_id, service, now)
    return draft, created, earlier


def _find_open_draft(db: sqlite3.Connection, user_id: int, service: str) -> Draft | None:
    found = _open_draft_id(db, user_id, service)
    return None if found is None else _load_draft(db, found)


def _active_draft(db: sqlite3.Connection, user_id: int) -> Draft | None:
    row = first_of(
        db,
        "SELECT id FROM drafts WHERE user_id = ? AND status = 'open' "
        "ORDER BY updated_at DESC, id DESC LIMIT 1",
        (user_id,),
    )
    return None if row is None else _load_draft(db, row[0])


def _record_answer(
    db: sqlite3.Connection,
    draft_id: int,
    user_id: int,
    key: str,
    value: str,
    steps: Sequence[str],
    now: datetime,
    source_message_id: int | None,
    person: str | None = None,
) -> tuple[Outcome, Draft | None]:
    draft = _load_draft(db, draft_id)
    if draft is None or draft.user_id != user_id:
        return Outcome.STALE, None  # someone else's draft stays theirs
    if draft.status != "open":
        return Outcome.CLOSED, draft
    if source_message_id is not None and _message_used(db, draft_id, source_message_id):
        return Outcome.DUPLICATE, draft
    if key != draft.step(steps):
        same = draft.answers.get(key) == value
        return (Outcome.DUPLICATE if same else Outcome.STALE), draft
    taken = (person, user_id, draft.service, value)
    if key == PERIOD and person is not None and _submission_where(db, _SAME_PERSON, taken):
        return Outcome.TAKEN, draft
    db.execute(
        "INSERT INTO answers (draft_id, key, value, answered_at, source_message_id) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (draft_id, key) DO UPDATE SET "
        "value = excluded.value, answered_at = excluded.answered_at, "
        "source_message_id = excluded.source_message_id",
        (draft_id, key, value, iso(now), source_message_id),
    )
    db.execute(
        "UPDATE drafts SET editing = NULL, updated_at = ? WHERE id = ?", (iso(now), draft_id)
    )
    answers = {**draft.answers, key: value}
    return Outcome.RECORDED, replace(
        draft, editing=None, updated_at=parse_time(iso(now)), answers=answers
    )


def _record_typed(
    db: sqlite3.Connection,
    user_id: int,
    value_for: Callable[[str], str | None],
    steps: Sequence[str],
    now: datetime,
    source_message_id: int,
) -> tuple[Outcome, Draft | None]:
    draft = _active_draft(db, user_id)
    if draft is None:
        return Outcome.STALE, None
    key = draft.step(steps)
    value = value_for(key)
    if value is None:
        return Outcome.STALE, draft
    return _record_answer(db, draft.id, user_id, key, value, steps, now, source_message_id)


def _set_editing(
    db: sqlite3.Connection,
    draft_id: int,
    user_id: int,
    key: str | None,
    steps: Sequence[str],
    now: datetime,
) -> Draft | None:
    draft = _load_draft(db, draft_id)
    if draft is None or draft.user_id != user_id or draft.status != "open":
        return None
    if key is not None and (key not in steps or key not in draft.answers):
        return None
    db.execute(
        "UPDATE drafts SET editing = ?, updated_at = ? WHERE id = ?", (key, iso(now), draft_id)
    )
    return _load_draft(db, draft_id)


def _cancel(db: sqlite3.Connection, draft_id: int, user_id: int, now: datetime) -> bool:
    cursor = db.execute(
        "UPDATE drafts SET status = 'cancelled', closed_at = ?, updated_at = ? "
        "WHERE id = ? AND user_id = ? AND status = 'open'",
        (iso(now), iso(now), draft_id, user_id),
    )
    return cursor.rowcount == 1


def _submit(
    db: sqlite3.Connection,
    draft_id: int,
    user_id: int,
    key: str,
    steps: Sequence[str],
    identity_keys: Sequence[str],
    item_codes: Sequence[str],
    now: datetime,
    closing: Closing | None,
) -> tuple[Outcome, Submission | None]:
    draft = _load_draft(db, draft_id)
    if draft is None or draft.user_id != user_id:
        return Outcome.STALE, None
    if draft.status != "open" or draft.step(steps) != REVIEW:
        earlier = None
        if draft.status == "submitted":
            earlier = _submission_where(db, "draft_id = ?", (draft_id,))
        return (Outcome.CLOSED if draft.status != "open" else Outcome.STALE), earlier
    answers = draft.answers
    period = answers["period"]
    earlier = _submission_where(db, _SAME_PERSON, (key, user_id, draft.service, period))
    if earlier is not None:
        return Outcome.DUPLICATE, earlier
    due = closing if closing is not None and closing.closes(period, now) else None
    if due is not None:
        close_month(db, period, "post_time", due.quota, now)
    late = closed_month(db, period) is not None
    identity = {k: answers[k] for k in identity_keys}
    submission_id = db.execute(
        "INSERT INTO submissions (draft_id, user_id, person_key, service, period, submitted_at, "
        "language, identity, suggestion, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft_id,
            user_id,
            key,
            draft.service,
            period,
            iso(now),
            answers["language"],
            json.dumps(identity, ensure_ascii=False),
            answers["suggestion"] or None,
            int(late),
        ),
    ).lastrowid
    db.executemany(
        "INSERT INTO scores (submission_id, item, score) VALUES (?, ?, ?)",
        [(submission_id, code, int(answers[code])) for code in item_codes],
    )
    if due is not None:  # an empty month closes behind its first submission after its post time
        close_month(db, period, "post_time", due.quota, now)
    db.execute(
        "UPDATE drafts SET status = 'submitted', editing = NULL, closed_at = ?, "
        "updated_at = ? WHERE id = ?",
        (iso(now), iso(now), draft_id),
    )
    return Outcome.RECORDED, _submission_where(db, "id = ?", (submission_id,))


def _secret(db: sqlite3.Connection) -> str:
    row = first_of(db, "SELECT value FROM settings WHERE key = 'person_key_secret'")
    if row is None:
        raise StorageError("the database has no person_key_secret")
    return str(row[0])


def closed_month(db: sqlite3.Connection, period: str) -> ClosedMonth | None:
    """Returns ``period``'s closing, or None while it is open."""
    row = first_of(
        db,
        "SELECT closed_at, reason, quota, figures, noticed FROM closed_months WHERE period = ?",
        (period,),
    )
    if row is None:
        return None
    closed_at, reason, quota, figures, noticed = row  # any row factory: the CLI's has none
    return ClosedMonth(
        period=period,
        closed_at=parse_time(closed_at),
        reason=reason,
        quota=int(quota),
        figures=json.loads(figures),
        noticed=None if noticed is None else json.loads(noticed),
    )


def close_month(
    db: sqlite3.Connection, period: str, reason: str, quota: int, now: datetime
) -> bool:
    """Closes ``period`` with its figures as they stand and ``quota`` kept; False when it was
    closed already (the first closing stands) or holds no submission: a month of which nothing
    was reported stays open, so history imported for it later still counts."""
    figures = tally(db, period, quota)
    if not figures:
        return False
    cursor = db.execute(
        "INSERT INTO closed_months (period, closed_at, reason, quota, figures, rule) "
        "VALUES (?, ?, ?, ?, ?, 'persons') ON CONFLICT (period) DO NOTHING",
        (period, iso(now), reason, quota, json.dumps(figures)),
    )
    if cursor.rowcount:
        logger.info("month %s closed (%s)", period, reason)
    return cursor.rowcount == 1


def _changed_months(db: sqlite3.Connection) -> list[Change]:
    changes = []
    for row in rows_of(db, "SELECT period FROM closed_months ORDER BY period"):
        closed = closed_month(db, row[0])
        assert closed is not None
        before = closed.noticed if closed.noticed is not None else closed.figures
        after = tally(db, closed.period, closed.quota)
        if _counted(after) != _counted(before):
            changes.append(Change(closed.period, before, after))
    return changes


def _counted(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The figures without the late count: late submissions arriving is what a closed month is
    for, not a change."""
    return {
        service: {k: v for k, v in f.items() if k != "late"}
        for service, f in figures.items()
        if f["responses"] or f["beyond_quota"]
    }


def _noticed(db: sqlite3.Connection, period: str, figures: str) -> None:
    db.execute("UPDATE closed_months SET noticed = ? WHERE period = ?", (figures, period))


def tally(db: sqlite3.Connection, period: str, quota: int) -> dict[str, Any]:
    """The month's figures per service: counted, beyond quota and late submissions, and each
    item's score total and count over the counted ones (what the indices are computed from)."""
    register(db)  # the quota's persons (any connection: the bot's, the import's, a test's)
    prefix, args = ranked("s.service AS service,", [period], quota)
    figures: dict[str, Any] = {}
    for service, counted, late, total in db.execute(
        prefix + "SELECT service, SUM(counted), SUM(late), COUNT(*) FROM ranked GROUP BY service",
        args,
    ):
        figures[service] = {
            "responses": int(counted),
            "beyond_quota": int(total - counted - late),
            "late": int(late),
            "sums": {},
            "counts": {},
        }
    for service, item, total, number in db.execute(
        prefix + "SELECT r.service, sc.item, SUM(sc.score), COUNT(*) FROM ranked AS r "
        "JOIN scores AS sc ON sc.submission_id = r.id_ WHERE r.counted GROUP BY 1, 2",
        args,
    ):
        figures[service]["sums"][item] = int(total)
        figures[service]["counts"][item] = int(number)
    return figures


# Result codes of failures from the database's surroundings, not from our SQL.
_OUTSIDE_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,  # another connection holds the lock past busy_timeout
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_READONLY,  # read-only file, mount or query_only
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_FULL,  # disk full, or max_page_count reached
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PROTOCOL,
        sqlite3.SQLITE_NOTADB,
    }
)


def _outside_reason(exc: BaseException) -> bool:
    """Whether a failure came from the database's surroundings (locked, full, read-only, I/O).

    A constraint violation, a misuse or an SQL error ("no such column") is a bug and stays one.
    """
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError
    ):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised by Python, not by SQLite
        return isinstance(exc, sqlite3.OperationalError)
    return (code & 0xFF) in _OUTSIDE_CODES  # the primary code of an extended one


def _statements(script: str) -> Iterable[str]:
    """Splits a schema script into statements, so they run inside our own transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    leftover = "\n".join(x for x in buffer.splitlines() if not x.strip().startswith("--"))
    if leftover.strip():
        raise StorageError(f"incomplete statement in schema: {buffer.strip()[:60]}")


def _open_draft_id(db: sqlite3.Connection, user_id: int, service: str) -> int | None:
    row = first_of(
        db,
        "SELECT id FROM drafts WHERE user_id = ? AND service = ? AND status = 'open'",
        (user_id, service),
    )
    return None if row is None else int(row[0])


def _load_draft(db: sqlite3.Connection, draft_id: int) -> Draft | None:
    rows = rows_of(
        db,
        "SELECT d.*, a.key AS answer_key, a.value AS answer_value FROM drafts AS d "
        "LEFT JOIN answers AS a ON a.draft_id = d.id WHERE d.id = ?",
        (draft_id,),
    )
    if not rows:
        return None
    row = rows[0]
    answers = {r["answer_key"]: r["answer_value"] for r in rows if r["answer_key"] is not None}
    return Draft(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        service=row["service"],
        status=row["status"],
        editing=row["editing"],
        created_at=parse_time(row["created_at"]),
        updated_at=parse_time(row["updated_at"]),
        answers=answers,
    )


def _message_used(db: sqlite3.Connection, draft_id: int, message_id: int) -> bool:
    row = first_of(
        db,
        "SELECT 1 FROM answers WHERE draft_id = ? AND source_message_id = ?",
        (draft_id, message_id),
    )
    return row is not None


# The person's submission of a service and month: by the keyed hash, which outlives an erasure,
# or by the user id, for a row stored without the hash.
_SAME_PERSON = "(person_key = ? OR user_id = ?) AND service = ? AND period = ?"


def _submission_where(
    db: sqlite3.Connection, where: str, args: tuple[Any, ...]
) -> Submission | None:
    row = first_of(db, f"SELECT * FROM submissions WHERE {where}", args)
    if row is None:
        return None
    rows = rows_of(db, "SELECT item, score FROM scores WHERE submission_id = ?", (row["id"],))
    scores = {item: int(score) for item, score in rows}
    return Submission(
        id=row["id"],
        user_id=row["user_id"],
        service=row["service"],
        period=row["period"],
        submitted_at=parse_time(row["submitted_at"]),
        language=row["language"],
        identity=json.loads(row["identity"]),
        suggestion=row["suggestion"],
        scores=scores,
        late=bool(row["late"]),
    )


def _claim_tap(
    db: sqlite3.Connection, chat_id: int, message_id: int, button: str, now: datetime
) -> bool:
    cursor = db.execute(
        "INSERT INTO taps (chat_id, message_id, button, tapped_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (chat_id, message_id, button, iso(now)),
    )
    return cursor.rowcount == 1
