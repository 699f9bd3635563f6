"""Update processing: different users in parallel, each user's updates strictly in order.

PTB's ``concurrent_updates(n)`` runs every update as its own task, so a user's tap can overtake
the ``/start`` in front of it (0 of 1,000 answers recorded in the measurement in
shared/reference/telegram-sqlite-facts.md). Here each update first takes its user's lock; locks
are handed out in arrival order because asyncio locks are FIFO, so one user's updates run one at a
time in the order Telegram delivered them, while other users' updates run alongside.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Runs up to ``max_concurrent_updates`` updates at once, one at a time per user."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Awaits ``coroutine`` once the update's user has no earlier update still running.

        Update tasks reach this point in arrival order (the semaphore in front of it is FIFO, and
        an uncontended acquire does not yield), and asyncio locks wake waiters in FIFO order.
        """
        key = _key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:  # nobody else queued: forget the lock, keep memory flat
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None
