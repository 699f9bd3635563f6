"""The database's own thread: every call to SQLite runs there, one after another, in the order it
was queued, so two transactions never interleave and the event loop never waits on the disk.

A call costs one hand-over each way: the function is queued, and its result is handed back to
the loop with ``call_soon_threadsafe``. That is what aiosqlite does for each of its statements;
here a whole transaction is one call (see :mod:`bot.store.connection`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import Callable
from queue import SimpleQueue
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

_Call = tuple["asyncio.Future[Any]", Callable[[], Any]]


class DatabaseThread:
    """One thread that runs the calls queued to it; :meth:`stop` ends it after those queued."""

    def __init__(self, name: str = "storage") -> None:
        self._calls: SimpleQueue[_Call | None] = SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Runs ``work(*args, **kwargs)`` on the thread and returns its result (or raises)."""
        if not self._thread.is_alive():
            raise RuntimeError("the database thread has stopped")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._calls.put((future, functools.partial(work, *args, **kwargs)))
        return await future

    def stop(self) -> None:
        """Ends the thread once the calls queued before are done."""
        self._calls.put(None)

    def _serve(self) -> None:
        while (call := self._calls.get()) is not None:
            future, work = call
            try:
                result = work()
            except BaseException as exc:
                _hand_back(future, _fail, exc)
            else:
                _hand_back(future, _succeed, result)


def _hand_back(future: asyncio.Future[Any], settle: Callable[..., None], value: Any) -> None:
    # A closed loop raises RuntimeError: nobody waits for the result any more.
    with contextlib.suppress(RuntimeError):
        future.get_loop().call_soon_threadsafe(settle, future, value)


def _succeed(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():  # its caller was cancelled meanwhile
        future.set_result(result)


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
