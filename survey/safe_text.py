"""Text that every file, chart and Telegram message can carry: :func:`clean` is applied where text
comes in (typed answers, imported rows) and where stored text goes out (the report's reader and
writers), so a row stored before the cleaning existed cannot break a report either.

Removed: what XML 1.0 cannot hold (openpyxl raises ``IllegalCharacterError`` and lxml
``ValueError`` for it, matplotlib and Telegram's UTF-8 fail on lone surrogates): the C0 controls
except tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF. Also removed: DEL
and the C1 controls (U+007F–U+009F), which XML 1.0 allows but discourages: no font draws them
(matplotlib warns of the missing glyph), nobody types them, and in a name they only hide
characters. A removed control that Python counts as whitespace (vertical tab, form feed, the
separators U+001C–U+001F, next line U+0085) becomes a space, so the words it parted stay apart.
Emoji and every other character stay.

Pure: the bot imports it too (it imports neither pandas nor telegram).
"""

from __future__ import annotations

import re

__all__ = ["UNSAFE", "clean"]

UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Returns ``text`` without the characters :data:`UNSAFE` matches (whitespace ones as a
    space); the same string when it has none."""
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(_replacement, text)


def _replacement(found: re.Match[str]) -> str:
    return " " if found.group().isspace() else ""
