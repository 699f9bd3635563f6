"""An admin in tests: the bot with a staff chat and an admin, and what the admin's chat shows.

The fixtures are named ``*_fixture`` and registered under their short names (``staffed``,
``admin``): a test module imports them and its tests ask for them by the short name.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from tests.support.app import App, Clock, running
from tests.support.staff import (
    ADMIN,
    STAFF,
)


@pytest.fixture(name="staffed")
async def staffed_fixture(
    config: Config, sandbox: SandboxRequest, clock: Clock
) -> AsyncIterator[App]:
    telegram = replace(config.telegram, staff_chat_id=STAFF, admin_ids=(ADMIN,))
    async with running(replace(config, telegram=telegram), sandbox, clock) as app:
        yield app


@pytest.fixture(name="admin")
def admin_fixture(sandbox: SandboxRequest) -> Respondent:
    return Respondent(sandbox, ADMIN, "Admin")


def plain(text: str | None) -> str:
    """What Telegram shows of an HTML text."""
    return html.unescape(re.sub(r"<[^>]+>", "", text or ""))


def replies(sandbox: SandboxRequest, chat_id: int = ADMIN) -> list[str]:
    """The texts and captions the admin sees now (edits applied), oldest first."""
    return [plain(m.get("text", m.get("caption"))) for m in sandbox.sent_to(chat_id)]
