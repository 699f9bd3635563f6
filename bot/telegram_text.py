"""Telegram's length limits, counted the way Telegram counts them: in UTF-16 code units.

Telegram measures a message text (4096), a caption (1024) and the notice of a tap (200) in UTF-16
code units of what it shows. Python's ``len()`` counts code points, and an emoji is one code point
but two units, so a text of 4096 "characters" can be 8192 units long and be refused.

:func:`split_text` cuts an HTML text into messages that fit. It measures the HTML itself: tags
vanish and an entity such as ``&amp;`` shrinks to one character when Telegram parses the text, so
what Telegram counts is never longer. It cuts between lines where it can (each line of our texts
closes its own tags), and a line too long for one message between characters: never inside a tag
or an entity, and a tag still open at the cut is closed there and opened again in the next
message. :func:`clip` shortens a plain text. A Python string holds whole code points, so neither
can cut a surrogate pair in two.
"""

from __future__ import annotations

import re

MAX_TEXT = 4096  # a message text
MAX_CAPTION = 1024  # a caption
MAX_ALERT = 200  # the notice of a tap (answerCallbackQuery)

_TOKEN = re.compile(r"<[^>]*>|&#?[0-9A-Za-z]+;|.", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z0-9-]+)")


def utf16_len(text: str) -> int:
    """Returns the length of ``text`` as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int = MAX_CAPTION) -> str:
    """Shortens a plain text to ``limit`` units, marking the cut with an ellipsis."""
    if utf16_len(text) <= limit:
        return text
    budget = limit - 1  # the ellipsis is one unit
    for index, char in enumerate(text):
        budget -= utf16_len(char)
        if budget < 0:
            return text[:index] + "…"
    return text


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cuts an HTML text into messages of at most ``limit`` units, between lines where it can."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _cut_line(line, limit):
            joined = f"{current}\n{piece}" if current else piece
            if utf16_len(joined) <= limit:
                current = joined
                continue
            if current.strip():
                chunks.append(current)
            current = piece
    if current.strip():
        chunks.append(current)
    return chunks


def _cut_line(line: str, limit: int) -> list[str]:
    """Cuts a line longer than ``limit`` between characters, keeping tags and entities whole."""
    if utf16_len(line) <= limit:
        return [line]
    pieces = []
    piece, size = "", 0
    opened: list[tuple[str, str]] = []  # (name, opening tag) of the tags open at the end of piece
    for token in _TOKEN.findall(line):
        after = _open_after(opened, token)
        if piece and size + utf16_len(token) + utf16_len(_closing(after)) > limit:
            pieces.append(piece + _closing(opened))
            piece = "".join(tag for _, tag in opened)
            size = utf16_len(piece)
        piece += token
        size += utf16_len(token)
        opened = after
    return [*pieces, piece]


def _open_after(opened: list[tuple[str, str]], token: str) -> list[tuple[str, str]]:
    match = _TAG.match(token)
    if match is None:
        return opened
    closing, name = match.groups()
    if not closing:
        return [*opened, (name.lower(), token)]
    for index in range(len(opened) - 1, -1, -1):
        if opened[index][0] == name.lower():
            return opened[:index] + opened[index + 1 :]
    return opened


def _closing(opened: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(opened))
