"""The one connection to the database, and the transactions run on it.

One :class:`sqlite3.Connection` does every read and write. Each transaction is one function run
whole on the database's own thread (aiosqlite's, :mod:`bot.store.thread`; :meth:`Database.write`,
:meth:`Database.read`), so two coroutines never
share a transaction, and writes begin with ``BEGIN IMMEDIATE`` (see
shared/reference/telegram-sqlite-facts.md). WAL with ``synchronous=FULL``: a commit returned is on
disk, so every answer is stored before the bot replies to it.

The file's identity (device and inode) is taken when the database is opened and compared with the
path's before every write transaction: one ``os.stat``, 3.6 µs measured against 340 µs for a
write transaction (a 2-core machine, local disk).

A database that :mod:`bot.cli.backup` wrote carries ``PRAGMA application_id`` =
:data:`BACKUP_APPLICATION_ID`; opening it as the live database clears that mark, so a backup can
never overwrite a live database.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from analysis.db import register
from bot.store.errors import StorageError, StorageGone, unavailable
from bot.store.schema import MIGRATIONS, MIGRATIONS_TABLE, migrate_one
from bot.store.settings import setting
from bot.store.thread import DatabaseThread
from survey.console import reason, say

logger = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")

# "SVBK": the mark of a copy written by bot.cli.backup (SQLite header offset 68, a 32-bit integer).
BACKUP_APPLICATION_ID = 0x5356424B
CONNECTION: type[sqlite3.Connection] = sqlite3.Connection  # the class the connection is made of
CHECKPOINT_WAIT_MS = 100


def person_key(secret: str, user_id: int) -> str:
    """HMAC-SHA256 of a Telegram user id: the same account always gives the same key, and the key
    cannot be turned back into the id without the secret."""
    return hmac.new(secret.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def iso(moment: datetime) -> str:
    """Stores times as UTC ISO 8601 with microseconds, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Database:
    """The database connection. Open it with :meth:`open`, close it with :meth:`close`.

    Every transaction is one plain function over a :class:`sqlite3.Connection`, run whole on the
    connection's thread: :meth:`write` wraps it in a savepoint of ``BEGIN IMMEDIATE`` … ``COMMIT``
    (the writes queued meanwhile share that commit: group commit), :meth:`read` in ``BEGIN`` …
    ``COMMIT``. The database's thread runs the calls queued to it one after another in
    the order they were made, so two transactions never interleave and no lock is needed; and a
    transaction costs one hand-over between the event loop and that thread, not one per statement.
    Under load those hand-overs, each waiting for a turn of a busy loop, were what limited the bot
    (bench/bench_bot.py).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None  # used on the thread only
        self._thread: DatabaseThread | None = None
        self._queued: list[_Write] = []  # writes waiting for the next group commit
        self._writer: asyncio.Task[None] | None = None
        self._identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the file opened
        self._secret = ""

    async def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._thread = await DatabaseThread.open(
                self.path, CONNECTION, isolation_level=None, check_same_thread=False
            )
            self._connection = self._thread.connection
            await self._thread.run(configure, self._connection)
            self._identity = _identity(self.path)  # the file exists once WAL mode is set
            await self._thread.run(_prepare, self._connection)
            await self._migrate()
            self._secret = await self.read(_secret)
        except (sqlite3.Error, OSError) as exc:
            await self.close()
            why = reason(exc)
            raise StorageError(say("storage.cannot_open", path=self.path, reason=why)) from exc

    async def close(self) -> None:
        if self._writer is not None:  # the writes already queued are committed first
            await asyncio.shield(self._writer)
        if self._thread is not None:
            await self._thread.close()
            self._thread = self._connection = None
            if self._identity is not None and _identity(self.path) != self._identity:
                _set_aside_wal(self.path)
        self._identity = None

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on the connection: never, between two calls."""
        return self._connection is not None and self._connection.in_transaction

    async def _run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs ``work(connection, *args, **kwargs)`` on the database's thread: one trip."""
        if self._thread is None or self._connection is None:
            raise StorageError("the database is not open")
        return await self._thread.run(work, self._connection, *args, **kwargs)

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
                try:
                    outcomes = await self._run(_commit_batch, self.path, self._identity, batch)
                except Exception as exc:  # the batch as a whole: nothing was written
                    outcomes = [(False, exc)] * len(batch)
                for write, (ok, value) in zip(batch, outcomes, strict=True):
                    if write.future.done():  # its caller was cancelled; the write stands
                        continue
                    if ok:
                        write.future.set_result(value)
                    else:
                        write.future.set_exception(unavailable(value))
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
        return await self._run(_checkpoint)

    async def _transaction(
        self, begin: str, work: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T:
        try:
            result: T = await self._run(_transaction, begin, work, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise unavailable(exc) from exc
        return result

    async def _migrate(self) -> None:
        for name, script in MIGRATIONS:
            if await self.write(migrate_one, name, script, iso(datetime.now(UTC))):
                logger.info("applied migration %s", name)


# -- on the database's thread ---------------------------------------------------------------------


def configure(db: sqlite3.Connection) -> None:
    """Makes the connection durable (WAL, ``synchronous=FULL``) and its rows readable by name."""
    db.row_factory = sqlite3.Row
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=5000",
    ):
        db.execute(pragma)


def _prepare(db: sqlite3.Connection) -> None:
    """Clears the backup mark of a backup restored as the live database, registers the SQL
    functions and makes sure the migrations can be recorded."""
    (application_id,) = db.execute("PRAGMA application_id").fetchone()
    if application_id == BACKUP_APPLICATION_ID:
        db.execute("PRAGMA application_id = 0")
        logger.info("opened a backup as the live database: its backup mark is cleared")
    db.create_function("person_key", 2, person_key, deterministic=True)
    register(db)  # person_of, for the quota rule
    db.execute(MIGRATIONS_TABLE)


def _transaction(
    db: sqlite3.Connection, begin: str, work: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    db.execute(begin)
    try:
        result = work(db, *args, **kwargs)
        db.execute("COMMIT")
    except BaseException:
        _roll_back(db)
        raise
    return result


def _roll_back(db: sqlite3.Connection) -> None:
    """Rolls back what is left of a failed transaction: SQLite itself rolls back on some errors
    (a full disk, an I/O error)."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            logger.exception("rollback failed")


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
        _roll_back(db)
        raise
    return outcomes


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


def _rows_of(db: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
    """A read for :meth:`Database.read`: every row of one query (for this package only)."""
    return db.execute(sql, args).fetchall()


def _first_of(db: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> sqlite3.Row | None:
    """A read for :meth:`Database.read`: the first row of one query, or None (for this package
    only)."""
    row: sqlite3.Row | None = db.execute(sql, args).fetchone()
    return row


def _changes_of(db: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> int:
    """A write for :meth:`Database.write`: one statement; returns how many rows it changed (for
    this package only)."""
    return db.execute(sql, args).rowcount


def _secret(db: sqlite3.Connection) -> str:
    found = setting(db, "person_key_secret")
    if found is None:
        raise StorageError("the database has no person_key_secret")
    return found
