"""An event loop on a virtual clock, so paced code runs in no real time and to the exact tick.

When every task waits, the clock jumps to the next timer instead of sleeping, and lands ``lag``
seconds after it, as a real loop's wake-ups do (1-3 ms on our machines). Only timers move the
clock: code that waits on threads or sockets belongs in a real loop.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class VirtualTime(asyncio.SelectorEventLoop):
    """An asyncio loop whose ``time()`` is virtual; see the module docstring."""

    def __init__(self, lag: float = 0.0) -> None:
        self.now = 0.0
        self.lag = lag
        super().__init__(_JumpingSelector(self))

    def time(self) -> float:
        return self.now


class _JumpingSelector(selectors.SelectSelector):
    def __init__(self, loop: VirtualTime) -> None:
        super().__init__()
        self.loop = loop

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(0)  # the loop's own wake-up pipe
        if ready or timeout == 0:
            return ready
        if timeout is None:  # no timer at all: only a real event can come
            return super().select(None)
        self.loop.now += timeout + self.loop.lag
        return []


def run(coro: Coroutine[Any, Any, T], lag: float = 0.0) -> T:
    """Runs ``coro`` to its end on a fresh :class:`VirtualTime` loop."""
    loop = VirtualTime(lag)
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


def now() -> float:
    """The running loop's clock."""
    return asyncio.get_running_loop().time()
