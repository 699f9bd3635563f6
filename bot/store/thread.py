"""The database's own thread: aiosqlite's, running whole transactions, through its public API.

aiosqlite gives a connection one thread and runs every call there, one after another, in the
order they were made, handing each result back to the event loop with ``call_soon_threadsafe``.
Its public calls run one statement each, though; a transaction of several statements would cost
as many hand-overs, and two coroutines' statements could interleave. So the connection aiosqlite
opens is of a class of ours (sqlite3's documented ``factory``, passed through
:func:`aiosqlite.connect`): its ``execute`` given the marker :data:`RUN` runs the function it is
handed, whole, on that thread. A transaction is then one public ``execute`` call, one hand-over
each way, and nothing touches aiosqlite's private attributes.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import aiosqlite

__all__ = ["RUN", "DatabaseThread"]

T = TypeVar("T")
P = ParamSpec("P")

RUN = "-- surveibot: run the function handed over, on this thread"


class _Runs(sqlite3.Connection):
    """A connection whose ``execute(RUN, (work, outcome))`` appends ``work(connection)`` to
    ``outcome`` instead of executing SQL; every other statement is executed as usual."""

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        if sql is RUN:
            work, outcome = parameters
            outcome.append(work(self))
            return None
        return super().execute(sql, parameters)


class DatabaseThread:
    """The connection to ``path`` on aiosqlite's thread, opened by :meth:`open` as an instance
    of ``factory`` (a :class:`sqlite3.Connection` subclass), with ``connect_args`` for
    :func:`sqlite3.connect`. :meth:`run` runs a function there; :meth:`close` closes both."""

    def __init__(self, connection: aiosqlite.Connection, raw: sqlite3.Connection) -> None:
        self._connection = connection
        self.connection = raw  # for functions run on the thread, and in_transaction

    @classmethod
    async def open(
        cls, path: Path, factory: type[sqlite3.Connection], **connect_args: Any
    ) -> DatabaseThread:
        runs = type(f"{factory.__name__}Runs", (_Runs, factory), {})
        connection = await aiosqlite.connect(path, factory=runs, **connect_args)
        try:
            raw: sqlite3.Connection = await _call(connection, lambda db: db)
        except BaseException:
            await connection.close()
            raise
        return cls(connection, raw)

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Runs ``work(*args, **kwargs)`` on the thread and returns its result (or raises)."""
        call = functools.partial(work, *args, **kwargs)
        return await _call(self._connection, lambda _db: call())

    async def close(self) -> None:
        """Closes the connection once the calls queued before are done, and ends the thread."""
        await self._connection.close()


async def _call(connection: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    outcome: list[T] = []
    await connection.execute(RUN, (work, outcome))
    return outcome[0]
