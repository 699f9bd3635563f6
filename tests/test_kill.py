"""A bot process killed with SIGKILL at random moments while 50 respondents answer, restarted.

The bot runs as ``python -m bot run -c cfg.toml``, exactly as deployed (polling, the rate limiter,
its own event loop and database connection), against the sandbox Bot API served over HTTP by
:mod:`bot.sandbox.http`. The test owns the sandbox: it queues the respondents' updates, kills the
process at seeded random moments, starts it again, and after every kill reads the database file.

Updates a killed process had already fetched are lost (PTB confirms them on the next fetch) or
fetched again by the next process; people who get no reply tap again or reopen the link, as in
:mod:`tests.support.crowd`. At the end the restarted bot is stopped with SIGTERM, and the
respondents who are still missing something reopen their link once more: each must be asked
exactly their first unanswered item, and then finish.
"""

from __future__ import annotations

import asyncio
import random
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import TOKEN_ENV, load
from bot.messages import load as load_messages
from bot.sandbox import Respondent, SandboxRequest
from bot.sandbox.http import SandboxServer
from tests.support.app import TOKEN, running
from tests.support.crowd import Person, finish, first_unanswered, polling
from tests.support.deployed import SERVICES, bot_process, until_polling, write_config
from tests.support.invariants import check_database

pytestmark = pytest.mark.slow

KILLS = 4
RESPONDENTS = 50


def now() -> datetime:
    return datetime.now(UTC)  # the bot process runs on the real clock, so must the rest


async def test_sigkill_at_random_moments_loses_and_doubles_nothing(tmp_path: Path) -> None:
    rng = random.Random(20250115)
    sandbox = SandboxRequest(seed=5)
    log = tmp_path / "bot.log"
    async with SandboxServer(sandbox) as server:
        config_path = write_config(tmp_path, server.base_url)
        config = load(config_path, {TOKEN_ENV: TOKEN})
        messages = load_messages(config.survey.questionnaire.languages)
        crowd = [
            Person(
                sandbox,
                uid,
                SERVICES[uid % len(SERVICES)],
                config.survey.questionnaire,
                messages,
                random.Random(rng.random()),
                sandbox.queue_update,
                max_actions=rng.randint(1, 23),  # spread over the questionnaire, up to its review
            )
            for uid in range(3001, 3001 + RESPONDENTS)
        ]
        # Beforehand, in-process and at full speed: everyone gets somewhere, none finishes, so
        # the kills below fall on every kind of step, the final submit included.
        async with running(config, sandbox, now) as app, polling(app):
            await finish(crowd, within=30)
        await sandbox.initialize()  # the in-process bot's shutdown closed it for its callers
        snapshot = check_database(config.storage.path, crowd)
        before = len(snapshot.answers)
        assert snapshot.submissions == 0

        for person in crowd:
            person.max_actions = None
            person.patience, person.poll = 3.0, 0.05  # the rate-limited bot: ~15 updates a second
        stop = asyncio.Event()
        people = [asyncio.create_task(p.run(stop)) for p in crowd]
        lived: list[float] = []
        try:
            for _ in range(KILLS):
                async with bot_process(config_path, log) as process:
                    await until_polling(sandbox, len(sandbox.calls), process)
                    moment = rng.uniform(0.5, 4.0)
                    lived.append(moment)
                    await asyncio.sleep(moment)  # a random moment to die, not a wait for something
                    process.send_signal(signal.SIGKILL)
                    assert await process.wait() == -signal.SIGKILL
                snapshot = check_database(config.storage.path, crowd, snapshot)
            async with bot_process(config_path, log) as process:  # a last run, stopped politely
                await until_polling(sandbox, len(sandbox.calls), process)
                await asyncio.sleep(3.0)
                process.send_signal(signal.SIGTERM)
                assert await process.wait() == 0, log.read_text()[-2000:]
        finally:
            stop.set()
            await asyncio.gather(*people)
        snapshot = check_database(config.storage.path, crowd, snapshot)
    under_kills = len(snapshot.answers) - before
    submitted_under_kills = snapshot.submissions

    # Everyone comes back: the link asks their first unanswered item, then they finish. The bot
    # runs in-process again (same sandbox, same database), without the rate limiter's pace.
    async with running(config, sandbox, now) as app:
        for person in crowd:
            if person.done:
                continue
            expected = first_unanswered(
                config.storage.path, config.survey.questionnaire, person.user_id
            )
            await Respondent(sandbox, person.user_id).command(app, "start", person.service)
            screens = [person.screen_of(m) for m in sandbox.sent_to(person.chat_id)[-2:]]
            asked = next(s for s in reversed(screens) if s is not None)
            assert asked.key == expected, f"user {person.user_id}"
        for person in crowd:
            person.patience, person.poll = 0.5, 0.02
        async with polling(app):
            await finish(crowd, within=30)
    final = check_database(config.storage.path, crowd, snapshot)
    assert final.submissions == RESPONDENTS
    assert under_kills >= 80 and submitted_under_kills >= 3  # the kills hit work in progress
    assert len(lived) == KILLS
    logged = log.read_text(encoding="utf-8")
    assert " ERROR " not in logged and "Traceback" not in logged, logged[-3000:]
