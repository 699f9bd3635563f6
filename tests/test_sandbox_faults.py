"""The sandbox Bot API's faults: each as PTB's exception, timeouts, seeded chance, flood limits."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.sandbox import Fault, Respondent, SandboxRequest
from tests.support.app import App
from tests.support.echo_bot import (
    USER,
    ana_fixture,  # noqa: F401  (a fixture)
    app_fixture,  # noqa: F401  (a fixture)
    build,
    handler_errors,
    sandbox_fixture,  # noqa: F401  (a fixture)
    timedelta_periods_fixture,  # noqa: F401  (a fixture)
)


@pytest.mark.parametrize(
    ("fault", "error", "check"),
    [
        (Fault.retry_after(7), RetryAfter, lambda e: e.retry_after == dt.timedelta(seconds=7)),
        (
            Fault.forbidden(),
            Forbidden,
            lambda e: e.message == "Forbidden: bot was blocked by the user",
        ),
        (Fault.migrate(-1001234567890), ChatMigrated, lambda e: e.new_chat_id == -1001234567890),
        (Fault.bad_request("chat not found"), BadRequest, lambda e: e.message == "Chat not found"),
        (Fault.server_error(502), NetworkError, lambda e: "Bad Gateway" in e.message),
        (Fault.timeout(), TimedOut, lambda e: True),
        (Fault.network_error(), NetworkError, lambda e: not isinstance(e, TimedOut)),
    ],
)
async def test_each_fault_surfaces_as_ptbs_exception(
    app: App,
    sandbox: SandboxRequest,
    fault: Fault,
    error: type[TelegramError],
    check: Callable[[Any], bool],
) -> None:
    sandbox.inject("sendMessage", fault)

    with pytest.raises(error) as raised:
        await app.bot.send_message(USER, "x")

    assert check(raised.value)
    await app.bot.send_message(USER, "x")  # times=1: the next call goes through
    assert [m["text"] for m in sandbox.sent_to(USER)] == ["x"]


async def test_a_fault_inside_a_handler_reaches_the_error_handler(
    app: App, sandbox: SandboxRequest, ana: Respondent
) -> None:
    sandbox.inject(None, Fault.forbidden(), times=None, chat_id=USER)

    await ana.say(app, "halo")

    [error] = handler_errors(app)
    assert isinstance(error, Forbidden)
    assert sandbox.calls_to("sendMessage")[0].result_status == 403
    assert sandbox.sent_to(USER) == []


async def test_a_timeout_after_delivery_still_sends(app: App, sandbox: SandboxRequest) -> None:
    sandbox.inject("sendMessage", Fault.timeout(delivered=True))

    with pytest.raises(TimedOut):
        await app.bot.send_message(USER, "mungkin terkirim")

    assert sandbox.last_text(USER) == "mungkin terkirim"
    assert sandbox.calls_to("sendMessage")[0].result_status is None


async def test_latency_beyond_the_read_timeout_times_out(app: App, sandbox: SandboxRequest) -> None:
    sandbox.latency = 0.05

    with pytest.raises(TimedOut):
        await app.bot.send_message(USER, "x", read_timeout=0.01)
    await app.bot.send_message(USER, "y")
    assert sandbox.last_text(USER) == "y"


async def failure_pattern(seed: int) -> list[bool]:
    sandbox = SandboxRequest(seed=seed)
    sandbox.inject("sendMessage", Fault.server_error(), times=None, probability=0.5)
    app = build(sandbox)
    await app.initialize()
    pattern = []
    for i in range(24):
        try:
            await app.bot.send_message(USER, str(i))
        except NetworkError:
            pattern.append(True)
        else:
            pattern.append(False)
    await app.shutdown()
    return pattern


async def test_probability_faults_repeat_with_the_same_seed() -> None:
    first, again, other = (
        await failure_pattern(3),
        await failure_pattern(3),
        await failure_pattern(4),
    )

    assert first == again
    assert first != other
    assert 0 < sum(first) < len(first)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_flood_limit_answers_429_beyond_the_rate() -> None:
    clock = FakeClock()
    sandbox = SandboxRequest(flood_limit=(5, 1.0), clock=clock)
    app = build(sandbox)
    await app.initialize()

    outcomes: list[object] = []
    for chat_id in range(1, 9):
        try:
            await app.bot.send_message(chat_id, "x")
            outcomes.append("ok")
        except RetryAfter as exc:
            outcomes.append(exc.retry_after)
    await app.bot.send_chat_action(1, "typing")  # not a message: not counted
    clock.now += 1.0
    await app.bot.send_message(1, "after the window")

    await app.shutdown()
    assert outcomes == ["ok"] * 5 + [dt.timedelta(seconds=1)] * 3
    assert sandbox.flood_errors == 3


async def test_per_chat_limit_holds_back_one_chat_only() -> None:
    clock = FakeClock()
    sandbox = SandboxRequest(per_chat_limit=(1, 1.0), clock=clock)
    app = build(sandbox)
    await app.initialize()

    await app.bot.send_message(1, "a")
    with pytest.raises(RetryAfter):
        await app.bot.send_message(1, "b")
    await app.bot.send_message(2, "a")
    clock.now += 1.5
    await app.bot.send_message(1, "b")

    await app.shutdown()
    assert [m["text"] for m in sandbox.sent_to(1)] == ["a", "b"]
    assert sandbox.flood_errors == 1
