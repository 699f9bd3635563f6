"""Callback data: one codec for every button the bot sends, and forged data refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.callbacks import MAX_BYTES, VERBS, decode, encode
from bot.sandbox import Respondent, SandboxRequest
from tests.support.app import App
from tests.support.survey import fill


def sent_buttons(sandbox: SandboxRequest) -> list[str]:
    """The data of every inline button in every message the bot sent or edited."""
    found: list[str] = []
    for call in sandbox.calls:
        markup: Any = call.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []):
            found += [button["callback_data"] for button in row if "callback_data" in button]
    return found


async def test_every_button_the_bot_sends_is_read_back_by_the_one_codec(
    app: App, sandbox: SandboxRequest, respondent: Respondent
) -> None:
    await respondent.command(app, "start")  # the services list
    await fill(respondent, app, "Ratna Kusumawati", "PT Farmasi Sentosa Abadi", 4, submit=False)
    await respondent.tap(app, "✏️")  # the change menu
    await respondent.tap(app, "U1")
    await respondent.command(app, "language")
    await respondent.command(app, "cancel")
    await respondent.tap(app, "Tidak")
    await respondent.tap(app, "3 · ")
    await respondent.tap(app, "✅ Kirim")
    await respondent.command(app, "hapus_data")

    data = sent_buttons(sandbox)
    verbs = {decoded.verb for decoded in map(decode, data) if decoded is not None}
    assert [d for d in data if decode(d) is None] == []
    assert verbs == set(VERBS)  # every verb is in use, each read back by the same codec
    assert max(len(d.encode()) for d in data) <= MAX_BYTES


@pytest.mark.parametrize(
    "data", [None, "", "a", "a:1:U1", "a:1:U1:4:5", "zz:1", "del", "del:1:2:3", "lang:5"]
)
def test_unknown_verbs_and_wrong_part_counts_are_not_read(data: str | None) -> None:
    assert decode(data) is None


def test_a_button_is_refused_when_it_would_not_fit_telegrams_64_bytes() -> None:
    assert decode(encode("a", 12, "U1", 4)) is not None
    with pytest.raises(ValueError, match="64 bytes"):
        encode("a", 12, "U1", "x" * 60)
    with pytest.raises(ValueError, match="does not take"):
        encode("s", 12, "extra")
