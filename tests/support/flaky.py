"""A flaky sandbox Bot API: faults injected at a rate, and the errors they are expected to raise."""

from __future__ import annotations

from telegram.error import NetworkError, RetryAfter

from bot.sandbox import Fault, SandboxRequest
from bot.sections import Config
from tests.support.app import App
from tests.support.survey import rows

FLAKY = ("sendMessage", "editMessageText", "answerCallbackQuery", "sendPhoto", "sendDocument")


def make_flaky(sandbox: SandboxRequest, rate: float, *, delivered_timeouts: bool = True) -> None:
    """Fails about ``rate`` of the calls to each method in FLAKY, spread over the fault kinds."""
    faults = [
        Fault.retry_after(1),
        Fault.server_error(502),
        Fault.server_error(500),
        Fault.timeout(),
        Fault.network_error(),
    ]
    if delivered_timeouts:
        faults.append(Fault.timeout(delivered=True))
    each = 1 - (1 - rate) ** (1 / len(faults))  # the kinds are tried one after the other
    for method in FLAKY:
        for fault in faults:
            sandbox.inject(method, fault, times=None, probability=each)


def injected(sandbox: SandboxRequest) -> list[str]:
    """The methods of the calls the sandbox failed on purpose: 429s, 5xx, timeouts, drops."""
    return [
        c.method
        for c in sandbox.calls
        if c.result_status is None or c.result_status == 429 or c.result_status >= 500
    ]


def take_expected_errors(app: App) -> int:
    """Removes the Bot API failures handlers met from the errors kept by `running`; anything
    else stays there and fails the test."""
    errors: list[BaseException] = app.bot_data.get("errors", [])
    expected = [e for e in errors if isinstance(e, NetworkError | RetryAfter)]
    errors[:] = [e for e in errors if not isinstance(e, NetworkError | RetryAfter)]
    return len(expected)


def answers(config: Config) -> dict[str, str]:
    return dict(rows(config, "SELECT key, value FROM answers"))
