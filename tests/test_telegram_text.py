"""Telegram's length limits in UTF-16 units: splitting HTML texts and clipping plain ones."""

from __future__ import annotations

import html
import re

import pytest

from bot.telegram_text import MAX_TEXT, clip, split_text, utf16_len


def shown(text: str) -> str:
    """What Telegram shows of an HTML text."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


@pytest.mark.parametrize(
    "text",
    [
        "<b>" + "😀" * 3000 + "</b> akhir",  # a tag open across the cut
        "<i>a</i> " + "&amp;😀" * 1500,  # entities and surrogate pairs side by side
        "\n".join(f"<b>{n}.</b> " + "👍🏽" * 300 for n in range(20)),  # many lines
    ],
)
def test_split_text_fits_telegram_and_loses_nothing(text: str) -> None:
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(utf16_len(chunk) <= MAX_TEXT for chunk in chunks)
    for chunk in chunks:  # every chunk parses on its own: tags balanced, entities whole
        assert chunk.count("<b>") == chunk.count("</b>")
        assert chunk.count("&") == chunk.count("&amp;")
    assert "".join(shown(c) for c in chunks).replace("\n", "") == shown(text).replace("\n", "")


def test_clip_counts_utf16_units() -> None:
    assert clip("😀" * 600, 1024) == "😀" * 511 + "…"
    assert clip("x" * 1024, 1024) == "x" * 1024
    assert utf16_len(clip("a😀" * 100, 200)) <= 200
