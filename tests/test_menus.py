"""Command menus per scope, read back from the sandbox Bot API after start-up."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from bot.sandbox import Fault, SandboxRequest
from bot.sections import Config
from tests.support.app import Clock, running

ADMINS = (9001, 9002)
RESPONDENT = ["start", "help", "cancel", "language", "privacy"]
ADMIN = [
    *RESPONDENT,
    *("stats", "report", "export", "invite", "remind", "suggestions", "tindaklanjut", "selesai"),
]


@pytest.fixture
def admin_config(config: Config) -> Config:
    return replace(config, telegram=replace(config.telegram, admin_ids=ADMINS))


def names(
    sandbox: SandboxRequest, scope: dict[str, object] | None, language: str = ""
) -> list[str]:
    return [c["command"] for c in sandbox.commands(scope=scope, language_code=language)]


async def test_respondents_see_their_commands_and_admins_see_theirs_too(
    admin_config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    async with running(admin_config, sandbox, clock):
        pass
    for language in ("", "en"):
        assert names(sandbox, None, language) == RESPONDENT
        assert names(sandbox, {"type": "all_private_chats"}, language) == RESPONDENT
        for admin in ADMINS:
            assert names(sandbox, {"type": "chat", "chat_id": admin}, language) == ADMIN
    indonesian = {c["command"]: c["description"] for c in sandbox.commands()}
    english = {c["command"]: c["description"] for c in sandbox.commands(language_code="en")}
    assert indonesian["cancel"] == "Batalkan survei yang sedang diisi"
    assert english["cancel"] == "Cancel the survey in progress"
    admin_menu = sandbox.commands(scope={"type": "chat", "chat_id": ADMINS[0]})
    assert {c["command"]: c["description"] for c in admin_menu}["stats"].startswith("Angka")


async def test_a_menu_that_cannot_be_set_does_not_stop_the_bot(
    admin_config: Config,
    sandbox: SandboxRequest,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sandbox.inject("setMyCommands", Fault.bad_request("chat not found"), times=2)
    with caplog.at_level(logging.WARNING, logger="bot.menus"):
        async with running(admin_config, sandbox, clock):
            pass
    assert len([r for r in caplog.records if r.name == "bot.menus"]) == 2
    assert names(sandbox, {"type": "chat", "chat_id": ADMINS[1]}) == ADMIN
