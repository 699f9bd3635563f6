"""The ways a sandbox call can fail: injected faults and flood control.

:class:`Fault` is a failure to answer with (its classmethods build each kind);
:class:`FaultInjection` is the part of :class:`~bot.sandbox.SandboxRequest` that picks the fault,
if any, for each call, and that answers 429 once a rolling-window rate limit is broken.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Literal

from bot.sandbox.store import Store
from bot.sandbox.wire import JSONDict

FaultKind = Literal[
    "retry_after", "forbidden", "bad_request", "migrate", "server_error", "timeout", "network_error"
]


@dataclass(frozen=True)
class Fault:
    """A failure to answer with instead of the real result; build one with the classmethods."""

    kind: FaultKind
    status: int = 0
    description: str = ""
    seconds: int = 0
    new_chat_id: int = 0
    delivered: bool = False

    @classmethod
    def retry_after(cls, seconds: int) -> Fault:
        """429 "Too Many Requests" asking to wait ``seconds`` (at least 1, as Telegram sends)."""
        if seconds < 1:
            raise ValueError("retry_after must be at least 1 second; PTB ignores 0")
        return cls("retry_after", 429, f"Too Many Requests: retry after {seconds}", seconds)

    @classmethod
    def forbidden(cls, description: str = "bot was blocked by the user") -> Fault:
        """403, e.g. the user blocked the bot."""
        return cls("forbidden", 403, _prefixed("Forbidden", description))

    @classmethod
    def bad_request(cls, description: str = "chat not found") -> Fault:
        """400 with the given description."""
        return cls("bad_request", 400, _prefixed("Bad Request", description))

    @classmethod
    def migrate(cls, new_chat_id: int) -> Fault:
        """400 saying the group became the supergroup ``new_chat_id``."""
        description = "Bad Request: group chat was upgraded to a supergroup chat"
        return cls("migrate", 400, description, new_chat_id=new_chat_id)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """A 5xx answer from Telegram's side."""
        if not 500 <= status <= 599:
            raise ValueError(f"server_error needs a 5xx status, got {status}")
        return cls("server_error", status, _phrase(status))

    @classmethod
    def timeout(cls, delivered: bool = False) -> Fault:
        """No answer in time; with ``delivered`` the call still took effect, as real ones can."""
        return cls("timeout", delivered=delivered)

    @classmethod
    def network_error(cls) -> Fault:
        """The connection failed before Telegram saw the call."""
        return cls("network_error")

    def body(self) -> JSONDict:
        """The Bot API error body for this fault."""
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.kind == "retry_after":
            body["parameters"] = {"retry_after": self.seconds}
        elif self.kind == "migrate":
            body["parameters"] = {"migrate_to_chat_id": self.new_chat_id}
        return body


@dataclass
class _Injection:
    method: str | None
    fault: Fault
    times: int | None
    probability: float | None
    chat_id: int | None


def _prefixed(prefix: str, description: str) -> str:
    return description if description.startswith(f"{prefix}:") else f"{prefix}: {description}"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Server Error"


def _wait(window: deque[float], limit: tuple[int, float], now: float) -> int | None:
    count, seconds = limit
    while window and window[0] <= now - seconds:
        window.popleft()
    if len(window) < count:
        return None
    return max(1, math.ceil(window[0] + seconds - now))


class FaultInjection(Store):
    """Injected faults and flood control, for :class:`~bot.sandbox.SandboxRequest`."""

    flood_limit: tuple[int, float] | None
    per_chat_limit: tuple[int, float] | None
    _rng: random.Random
    _injections: list[_Injection]
    _global_window: deque[float]
    _chat_window: dict[int, deque[float]]

    # -- fault injection ----------------------------------------------------------------------

    def inject(
        self,
        method: str | None,
        fault: Fault,
        times: int | None = 1,
        probability: float | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Answer matching calls with ``fault``.

        ``method=None`` matches every method except getUpdates (target polling by name).
        ``times=None`` never runs out; with ``probability`` each matching call fails with that
        chance, drawn from the seeded generator, and only failures use up ``times``.
        """
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for no limit")
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        self._injections.append(_Injection(method, fault, times, probability, chat_id))

    def clear_faults(self) -> None:
        """Drop every pending injected fault."""
        self._injections.clear()

    def _pick_fault(self, method: str, params: Mapping[str, Any]) -> Fault | None:
        for injection in list(self._injections):
            if injection.method is None and method == "getUpdates":
                continue
            if injection.method is not None and injection.method != method:
                continue
            if injection.chat_id is not None and params.get("chat_id") != injection.chat_id:
                continue
            if injection.probability is not None and self._rng.random() >= injection.probability:
                continue
            if injection.times is not None:
                injection.times -= 1
                if injection.times == 0:
                    self._injections.remove(injection)
            return injection.fault
        return None

    # -- flood control ------------------------------------------------------------------------

    def _rate_check(self, method: str, params: Mapping[str, Any]) -> int | None:
        """Return a retry_after if this call breaks a limit, else count it and return None."""
        limited = method.startswith(("send", "edit", "copy", "forward"))
        if not limited or method == "sendChatAction":
            return None
        now = self.clock()
        chat_id = params.get("chat_id")
        chat_window = None
        if self.per_chat_limit is not None and isinstance(chat_id, int):
            chat_window = self._chat_window.setdefault(chat_id, deque())
        waits = [
            _wait(window, limit, now)
            for window, limit in (
                (self._global_window, self.flood_limit),
                (chat_window, self.per_chat_limit),
            )
            if window is not None and limit is not None
        ]
        retry_after = max((w for w in waits if w is not None), default=None)
        if retry_after is not None:
            return retry_after
        if self.flood_limit is not None:
            self._global_window.append(now)
        if chat_window is not None:
            chat_window.append(now)
        return None
