"""The pace of bulk sends. :class:`Pacer`, for a broadcast (reminders): ``per_second`` messages
overall, one per ``chat_gap`` per chat. :class:`GroupLimit`, for the staff chat's posts: about 20
messages a minute in a group.

Message ``n`` after an anchor time ``t0`` goes out at ``t0 + n / per_second``: a fixed grid, so
a late wake-up delays only its own message, never the ones after it. (A pacer that waits one
interval after each send adds every wake-up's lateness to the rest: 24.4 messages a second where
25 were allowed.)

The grid starts again from the current time when a message comes more than ``slack`` (5 ms)
after its slot: the first message, one after an idle gap or a stall, one after the pause a 429
asked for. Time lost is therefore never made up with a burst. Slots are ``1 / per_second``
apart and a message leaves at most ``slack`` after its slot, so ``n + 1`` messages in a row span
at least ``n / per_second - slack``: at 25 a second, no window of 0.995 s holds more than 25.
(A wake-up is typically 1-3 ms late; keeping every window of exactly 1 s to 25 would add that
lateness once a second, and lose the rate again.)

The pacer hands out moments, not turns: each caller awaits :meth:`Pacer.slot` and then makes its
Bot API call, so several callers (workers) keep calls in flight at once. A strictly sequential
sender is capped at one message per call latency (20 a second at 50 ms); with workers, each call
starts on its own slot whatever the latency.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

CHAT_GAP = 1.0  # seconds between two messages to one chat
SLACK = 0.005  # seconds a message may trail its slot before the grid starts again


class Pacer:
    """Spaces messages on a fixed grid of ``per_second``, one per ``chat_gap`` seconds per chat."""

    def __init__(self, per_second: float, chat_gap: float = CHAT_GAP, slack: float = SLACK) -> None:
        self.interval = 1.0 / per_second
        self.chat_gap = chat_gap
        self.slack = slack
        self._lock = asyncio.Lock()
        self._anchor = -math.inf  # the grid's start: none until the first message
        self._count = 0  # slots handed out since the anchor
        self._resume = -math.inf  # no message before this (a 429's pause)
        self._chats: dict[int, float] = {}

    async def slot(self, chat_id: int) -> None:
        """Waits until a message to ``chat_id`` may go out."""
        await _sleep_until(lambda: self._chats.get(chat_id, -math.inf))
        # One caller at a time takes the next slot, at the real time it is reached.
        async with self._lock:
            await _sleep_until(lambda: max(self._due(), self._resume))
            now = _clock()
            if now - self._due() > self.slack:
                self._anchor, self._count = now, 0
            self._count += 1

    def answered(self, chat_id: int) -> None:
        """Starts the chat's gap once Telegram answered, so its stamp is surely behind us."""
        self._chats[chat_id] = _clock() + self.chat_gap

    def pause(self, seconds: float) -> None:
        """Holds every message for ``seconds``, as Telegram asked with a 429."""
        self._resume = max(self._resume, _clock() + seconds)

    def _due(self) -> float:
        return self._anchor + self._count * self.interval


def _clock() -> float:
    return asyncio.get_running_loop().time()


async def _sleep_until(target: Callable[[], float]) -> None:
    delay = target() - _clock()
    while delay > 0:  # the target may move while we sleep (a 429 arrived)
        await asyncio.sleep(delay)
        delay = target() - _clock()


GROUP_MESSAGES_PER_MINUTE = 20


class GroupLimit:
    """Keeps a group under about 20 messages a minute (a sliding window, for the staff chat's
    posts); private chats pass straight through."""

    def __init__(
        self,
        limit: int = GROUP_MESSAGES_PER_MINUTE,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._sent: deque[float] = deque()

    async def wait(self, chat_id: int, count: int = 1) -> None:
        """Waits until ``count`` more messages fit into the last minute's budget of the chat."""
        if chat_id > 0:
            return
        while True:
            now = self.clock()
            while self._sent and self._sent[0] <= now - self.window:
                self._sent.popleft()
            if not self._sent or len(self._sent) + count <= self.limit:
                break
            await self.sleep(self._sent[0] + self.window - now)
        self._sent.extend([now] * count)
