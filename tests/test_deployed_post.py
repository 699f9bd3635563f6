"""The monthly post from a bot run as deployed: its report built in a child process of its own.

The in-process tests (tests/test_staff_post.py) run the bot inside pytest, where the child process
that builds the charts and documents is spawned from pytest. Here the bot is ``surveibot run``,
the console script systemd starts (README), so the child is spawned from that script, which it
re-imports as its main module. The month before the current one has submissions; the post must
reach the staff chat whole, once, with real charts and documents, and the bot must then stop
cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.config import TOKEN_ENV, load
from bot.sandbox import Call, SandboxRequest
from bot.sandbox.http import SandboxServer
from bot.store import Storage
from tests.support.app import TOKEN
from tests.support.deployed import SURVEIBOT, bot_process, until_polling, write_config
from tests.support.staff import FULL_POST, STAFF, add_submission, assert_real_files, rows, to_chat

pytestmark = pytest.mark.slow


def previous_month(now: datetime) -> tuple[str, datetime]:
    """The month before ``now`` (``YYYY-MM``) and noon on its 10th, in ``now``'s time zone."""
    first = now.replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    day = (first - timedelta(days=1)).replace(day=10)
    return f"{day.year}-{day.month:02d}", day


async def until_sent(
    sandbox: SandboxRequest, chat_id: int, count: int, process: asyncio.subprocess.Process
) -> list[Call]:
    """Waits until ``count`` messages reached the chat: the post runs 5 s after start-up."""
    async with asyncio.timeout(60):
        while len(sent := to_chat(sandbox, chat_id)) < count:
            assert process.returncode is None, "the bot process stopped on its own"
            await asyncio.sleep(0.05)
    return sent


async def test_a_deployed_bot_posts_last_month_with_files_built_in_its_child(
    tmp_path: Path,
) -> None:
    sandbox = SandboxRequest()
    log = tmp_path / "bot.log"
    async with SandboxServer(sandbox) as server:
        config_path = write_config(
            tmp_path,
            server.base_url,
            telegram=f"staff_chat_id = {STAFF}",
            more='[reports]\npost_day = 1\npost_time = "00:00"\n',
        )
        config = load(config_path, {TOKEN_ENV: TOKEN})
        storage = Storage(config.storage.path)
        await storage.open()  # the schema, as the bot would create it
        await storage.close()
        period, moment = previous_month(datetime.now(config.survey.timezone))
        # Tabel 1 of the reference: IPP 3,92 "Memuaskan".
        add_submission(config, period, moment)
        add_submission(config, period, moment + timedelta(days=1), scores={"U3": 3, "U4": 3})
        add_submission(config, period, moment + timedelta(days=2), service="suket_cpob")

        async with bot_process(config_path, log, SURVEIBOT) as process:
            await until_polling(sandbox, 0, process)
            posted = await until_sent(sandbox, STAFF, len(FULL_POST), process)
            await asyncio.sleep(1.0)  # anything sent twice would show up now
            process.send_signal(signal.SIGTERM)
            assert await process.wait() == 0, log.read_text(encoding="utf-8")[-2000:]

    assert to_chat(sandbox, STAFF) == posted  # nothing more came after the post
    assert_real_files(posted)
    text = posted[0].params["text"]
    assert "3,92" in text and "Memuaskan" in text
    assert rows(config, "SELECT part, status FROM posts ORDER BY rowid") == [
        (part, "sent") for part in ("text", "album", "xlsx", "docx")
    ]
    logged = log.read_text(encoding="utf-8")
    assert " ERROR " not in logged and "Traceback" not in logged, logged[-3000:]
