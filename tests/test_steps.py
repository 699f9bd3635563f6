"""A new kind of identity question is one class and its texts: nothing else in the bot changes."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from survey import questionnaire as questionnaire_module
from survey.identity import IDENTITY_KINDS, IdentityStep
from survey.questionnaire import DEFAULT_PATH, load
from survey.steps import Reader
from tests.support.app import Clock, running
from tests.support.survey import ITEMS, rows


@dataclass(frozen=True)
class PhoneStep(IdentityStep):
    """A typed phone number, stored as its digits: a kind the product does not have."""

    kind: ClassVar[str] = "phone"
    typed: ClassVar[bool] = True

    @classmethod
    def read(cls, reader: Reader, raw: Mapping[str, Any], key: str, where: str) -> PhoneStep:
        return cls(**cls.common(reader, raw, key, where))

    def typed_answer(self, text: str) -> str | None:
        digits = re.sub(r"[ -]", "", text)
        return digits if re.fullmatch(r"0[0-9]{8,14}", digits) else None


PHONE = """
[[identity]]
key = "phone"
kind = "phone"
column = { id = "Telepon", en = "Phone" }
prompt = { id = "Berapa nomor telepon Anda?", en = "What is your phone number?" }
hint = { id = "Tulis nomor telepon, misalnya 0812 3456 7890.", en = "Type a phone number." }
"""


@pytest.fixture
def with_phone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: Config) -> Config:
    monkeypatch.setattr(
        questionnaire_module, "IDENTITY_KINDS", {**IDENTITY_KINDS, "phone": PhoneStep}
    )
    text = DEFAULT_PATH.read_text("utf-8")
    second = text.index("[[identity]]", text.index("[[identity]]") + 1)
    path = tmp_path / "questionnaire.toml"
    path.write_text(text[:second] + PHONE.lstrip() + "\n" + text[second:], "utf-8")
    return replace(config, survey=replace(config.survey, questionnaire=load(path)))


async def test_a_new_identity_kind_is_asked_checked_reviewed_and_stored(
    with_phone: Config, sandbox: SandboxRequest, clock: Clock, respondent: Respondent
) -> None:
    async with running(with_phone, sandbox, clock) as app:
        await respondent.command(app, "start", "cpob")
        await respondent.tap(app, "Bahasa Indonesia")
        await respondent.say(app, "Ratna Kusumawati")
        assert "nomor telepon" in (respondent.last_text or "")
        await respondent.say(app, "bukan nomor")
        texts = [m.get("text") or "" for m in sandbox.sent_to(respondent.chat_id)]
        assert "misalnya 0812 3456 7890" in texts[-2]  # the hint, then the question again
        assert "nomor telepon" in texts[-1]
        await respondent.say(app, "0812-3456 7890")
        assert "usia" in (respondent.last_text or "").lower()
        await respondent.say(app, "41")
        for label in ("Perempuan", "D4/S1", "PNS/TNI/Polri"):
            await respondent.tap(app, label)
        await respondent.say(app, "PT Farmasi Sentosa Abadi")
        await respondent.tap(app, "Januari 2025")
        for _ in ITEMS:
            await respondent.tap(app, "4 · ")
        await respondent.tap(app, "Lewati")
        assert "<b>Telepon</b>: 081234567890" in (respondent.last_text or "")
        await respondent.tap(app, "✅ Kirim")

    [(identity,)] = rows(with_phone, "SELECT identity FROM submissions")
    assert json.loads(identity)["phone"] == "081234567890"
