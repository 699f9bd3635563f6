"""One lost reply, a 429 or a tap right behind /start: the respondent still moves on."""

from __future__ import annotations

from dataclasses import replace

import pytest
from telegram import Update
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

from bot.app import build_application
from bot.runtime import runtime
from bot.sandbox import Fault, Respondent, SandboxRequest
from bot.sections import Config
from tests.support.app import App, Clock, running
from tests.support.flaky import answers, injected, take_expected_errors
from tests.support.survey import first_item, rows

# -- one lost reply, recovered -------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [Fault.server_error(502), Fault.network_error(), Fault.timeout(), Fault.retry_after(1)],
)
async def test_a_tap_whose_acknowledgement_fails_still_moves_on(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config, fault: Fault
) -> None:
    """answerCallbackQuery only stops the button's spinner: its failure holds nothing up."""
    question = await first_item(respondent, app)
    sandbox.inject("answerCallbackQuery", fault)
    await respondent.tap(app, "3 · ")
    assert answers(config)["U1"] == "3"
    assert "✅ 3 · " in (sandbox.message(respondent.chat_id, question["message_id"]) or {})["text"]
    assert "U2" in (respondent.last_text or "")
    assert take_expected_errors(app) == 0
    assert len(injected(sandbox)) == 1


async def test_taps_waiting_while_the_bot_was_down_are_stored_and_answered(
    config: Config, clock: Clock
) -> None:
    """Taps queued while the bot was down come more than 15 s late: Telegram refuses to take an
    answer to them ("query is too old"), yet each is stored and the next question follows."""
    moment = [0.0]
    sandbox = SandboxRequest(clock=lambda: moment[0])
    respondent = Respondent(sandbox, 5001, "Dini")
    async with running(config, sandbox, clock) as app:
        question = await first_item(respondent, app)
    rows_of_buttons = sandbox.buttons(respondent.chat_id, question["message_id"])
    data = next(d for row in rows_of_buttons for label, d in row if label.startswith("3 · "))
    assert data is not None
    tap = sandbox.callback_update(respondent.user, question, data)  # made while the bot is down
    moment[0] += 60  # the bot is back a minute later, and gets it
    async with running(config, sandbox, clock) as app:
        await respondent.send(app, tap)
        assert "U2" in (respondent.last_text or "")
        assert take_expected_errors(app) == 0
    assert [c.result_status for c in sandbox.calls_to("answerCallbackQuery")][-1:] == [400]
    assert answers(config)["U1"] == "3"


@pytest.mark.parametrize("fault", [Fault.timeout(), Fault.retry_after(1)])
async def test_tapping_again_after_a_lost_reply_asks_the_next_item(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config, fault: Fault
) -> None:
    question = await first_item(respondent, app)
    sandbox.inject("editMessageText", fault)
    await respondent.tap(app, "3 · ")
    assert answers(config)["U1"] == "3"  # stored before any reply
    assert "U2" not in (respondent.last_text or "")  # … but the respondent saw nothing
    assert take_expected_errors(app) == 1
    assert respondent.keyboard_message() == sandbox.message(
        respondent.chat_id, question["message_id"]
    )
    await respondent.tap(app, "3 · ")  # the same button, still there
    assert "U2" in (respondent.last_text or "")
    assert "✅ 3 · " in (sandbox.message(respondent.chat_id, question["message_id"]) or {})["text"]
    assert rows(config, "SELECT COUNT(*) FROM answers WHERE key = 'U1'") == [(1,)]


@pytest.mark.parametrize(
    "fault", [Fault.server_error(503), Fault.timeout(), Fault.network_error(), Fault.retry_after(2)]
)
async def test_reopening_the_link_after_a_lost_question_asks_it_again(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config, fault: Fault
) -> None:
    await first_item(respondent, app)
    sandbox.inject("sendMessage", fault)
    await respondent.tap(app, "2 · ")
    assert take_expected_errors(app) == 1
    assert respondent.keyboard_message() is None  # the answered question lost its buttons
    await respondent.command(app, "start", "cpob")
    texts = [m.get("text") or "" for m in sandbox.sent_to(respondent.chat_id)]
    assert "Melanjutkan" in texts[-2] and "<b>U2</b>" in texts[-1]
    await respondent.tap(app, "4 · ")
    assert (answers(config)["U1"], answers(config)["U2"]) == ("2", "4")


async def test_a_lost_thank_you_then_reopening_the_link_says_the_survey_is_in(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config
) -> None:
    await first_item(respondent, app)
    for _ in range(13):
        await respondent.tap(app, "4 · ")
    await respondent.tap(app, "Lewati")
    sandbox.inject("sendMessage", Fault.server_error(502))
    await respondent.tap(app, "✅ Kirim")
    assert take_expected_errors(app) == 1
    assert rows(config, "SELECT COUNT(*) FROM submissions") == [(1,)]
    assert "Terima kasih" not in (respondent.last_text or "")
    await respondent.command(app, "start", "cpob")
    texts = [m.get("text") or "" for m in sandbox.sent_to(respondent.chat_id)]
    recorded = [t for t in texts if "sudah tercatat pada 15 Januari 2025 pukul 10.00 WIB" in t]
    assert len(recorded) == 1 and "Januari 2025" in recorded[0]
    assert respondent.labels() == ["Bahasa Indonesia", "English"]  # December is still open
    assert rows(config, "SELECT COUNT(*) FROM submissions") == [(1,)]


async def test_a_double_tap_still_asks_the_next_item_once(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config
) -> None:
    question = await first_item(respondent, app)
    # Both taps carry the message as it was when tapped, keyboard and all.
    taps = [sandbox.callback_update(respondent.user, question, "a:1:U1:3") for _ in range(2)]
    for tap in taps:
        await respondent.send(app, tap)
    questions = [m for m in sandbox.sent_to(respondent.chat_id) if "<b>U2</b>" in m["text"]]
    assert len(questions) == 1
    assert answers(config)["U1"] == "3"


# -- 429 with the production rate limiter --------------------------------------------------------


async def test_a_429_is_waited_out_by_the_rate_limiter_and_the_question_arrives(
    config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    r = Respondent(sandbox, 5001, "Dini")
    app = build_application(config, sandbox, clock=clock)  # with AIORateLimiter, as `run` has
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    try:
        await first_item(r, app)
        sandbox.inject("sendMessage", Fault.retry_after(1))
        await r.tap(app, "4 · ")
        assert "<b>U2</b>" in (r.last_text or "")  # no action needed from the respondent
    finally:
        await app.shutdown()
        await app.post_shutdown(app)
    statuses = [c.result_status for c in sandbox.calls_to("sendMessage")[-2:]]
    assert statuses == [429, 200]


def test_the_production_limiter_paces_groups_and_429s_but_not_replies(config: Config) -> None:
    """Replies to respondents are not held to 30 calls/s overall (that capped the running bot at
    ~17 updates/s, bench/bench_http.py); bulk sends are paced by bot.pacing, the staff
    group by
    the limiter's 20/min, and a 429 is still waited out (test above)."""
    limiter = build_application(config).bot.rate_limiter
    assert isinstance(limiter, AIORateLimiter)
    assert limiter._base_limiter is None  # no overall 30/s
    assert limiter._group_max_rate == 20
    assert limiter._max_retries == 3


def test_the_running_bot_uses_the_configured_connection_pool(config: Config) -> None:
    app = build_application(
        replace(config, telegram=replace(config.telegram, connection_pool_size=7))
    )
    request = app.bot.request
    assert isinstance(request, HTTPXRequest)
    assert request._client_kwargs["limits"].max_connections == 7


# -- one user's taps right behind their /start -----------------------------------------------------


async def test_taps_right_behind_start_are_all_recorded_through_the_update_processor(
    config: Config, clock: Clock
) -> None:
    """The failure mode of PTB's concurrent_updates: a user's updates overtaking each other.

    Each of 70 respondents at U1 sends /start and, right behind it, taps through U1 … P5, Skip
    and Submit without waiting for replies (1,050 taps); all updates are queued at once, and
    every API call takes a moment, so other users' updates run in between. (Handlers keep no
    state in memory and the storage lock is FIFO, so today even PTB's own concurrent processor
    passes this; the per-user processor keeps it so whatever the handlers become.)
    """
    sandbox = SandboxRequest(seed=1)
    users = range(4001, 4071)
    async with running(config, sandbox, clock) as app:
        rt = runtime(app)
        items = [item.code for item in rt.questionnaire.items]
        drafts, questions = {}, {}
        for uid in users:
            r = Respondent(sandbox, uid)
            await first_item(r, app)
            message = r.keyboard_message()
            assert message is not None
            questions[uid] = message
            drafts[uid] = int(
                str(sandbox.buttons(uid, message["message_id"])[0][0][1]).split(":")[1]
            )
        sandbox.latency = 0.002
        scores = {uid: {code: 1 + (uid + n) % 4 for n, code in enumerate(items)} for uid in users}
        await app.start()
        try:
            for uid in users:
                r = Respondent(sandbox, uid)
                taps = [f"a:{drafts[uid]}:{code}:{scores[uid][code]}" for code in items]
                taps += [f"a:{drafts[uid]}:suggestion:-", f"s:{drafts[uid]}"]
                updates = [sandbox.command_update(r.user, "start", "cpob")]
                updates += [sandbox.callback_update(r.user, questions[uid], t) for t in taps]
                for update in updates:
                    app.update_queue.put_nowait(Update.de_json(update, app.bot))
        finally:
            await app.update_queue.join()  # stop() would leave queued updates unhandled
            await app.stop()
    stored = rows(
        config,
        "SELECT s.user_id, c.item, c.score FROM submissions s "
        "JOIN scores c ON c.submission_id = s.id",
    )
    assert len(stored) == len(users) * len(items)
    assert {(u, i, s) for u, i, s in stored} == {
        (uid, code, score) for uid in users for code, score in scores[uid].items()
    }
