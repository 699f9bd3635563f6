"""Callback data, the one format of every inline button: ``<verb>:<part>:<part>…``.

Telegram gives a button at most 64 bytes of data and hands them back, untouched but forgeable,
when it is tapped. Every button of the bot is built by :func:`encode` and read by :func:`decode`,
which returns None for anything that is not a known verb with its number of parts; the handler
behind a verb (:data:`bot.respondent.buttons.ROUTES`) still checks each part (a draft that is the
tapper's, a value the step offers).

======  ===========================  ==========================================================
verb    parts                        meaning
======  ===========================  ==========================================================
a       draft, key, value            answer ``key`` of ``draft`` with ``value``
v       service                      start the survey for ``service`` (from /start)
s       draft                        submit the reviewed draft
c       draft                        show the list of answers that can be changed
e       draft, key                   change the answer to ``key``
r       draft                        back to the review
x       draft, 1 or 0                confirm or withdraw /cancel
del     1 and the time asked, or 0   confirm or withdraw /hapus_data
lang    draft, language              switch the draft's language (/language)
======  ===========================  ==========================================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["MAX_BYTES", "VERBS", "Data", "decode", "encode", "number"]

SEPARATOR = ":"
MAX_BYTES = 64  # Telegram's limit for callback_data
VERBS: Mapping[str, frozenset[int]] = {  # verb → how many parts it takes
    "a": frozenset({3}),
    "v": frozenset({1}),
    "s": frozenset({1}),
    "c": frozenset({1}),
    "e": frozenset({2}),
    "r": frozenset({1}),
    "x": frozenset({2}),
    "del": frozenset({1, 2}),
    "lang": frozenset({2}),
}
_NUMBER = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Data:
    """A button's data, read: its verb and parts."""

    verb: str
    parts: tuple[str, ...]


def encode(verb: str, *parts: object) -> str:
    """The data of a button doing ``verb`` with ``parts``; a ValueError if it cannot be one."""
    if len(parts) not in VERBS.get(verb, ()):
        raise ValueError(f"callback verb {verb!r} does not take {len(parts)} parts")
    data = SEPARATOR.join((verb, *(str(part) for part in parts)))
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data {data!r} is over Telegram's {MAX_BYTES} bytes")
    return data


def decode(data: str | None) -> Data | None:
    """Reads a tapped button's data; None when it is not a known verb with its parts."""
    verb, *parts = (data or "").split(SEPARATOR)
    if len(parts) not in VERBS.get(verb, ()):
        return None
    return Data(verb, tuple(parts))


def number(part: str) -> int | None:
    """A part that is a whole number (a draft id, a time), or None."""
    return int(part) if _NUMBER.fullmatch(part) else None
