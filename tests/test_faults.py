"""Faults of the Bot API and doubled updates, with respondents recovering the way people do.

The bot runs as in production: updates come through ``getUpdates`` polling and the real update
processor, many respondents at once. The sandbox fails 10–20 % of sendMessage, editMessageText,
answerCallbackQuery, sendPhoto and sendDocument calls with 429s, 5xx, timeouts (some of which
Telegram carried out anyway) and dropped connections, and delivers some updates twice.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pytest
from telegram import Update
from telegram.error import NetworkError, RetryAfter
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

from bot import reminders
from bot.app import build_application
from bot.config import Config
from bot.messages import Messages
from bot.runtime import runtime
from bot.sandbox import Fault, Respondent, SandboxRequest
from bot.staff import post as staff
from survey.questionnaire import Questionnaire
from tests.support.app import App, Clock, running
from tests.support.crowd import Person, finish, first_unanswered, polling
from tests.support.fake_report import use_tiny_files
from tests.support.invariants import check_database
from tests.support.survey import first_item, identity, rows
from tests.support.telegram_html import assert_html_well_formed

FLAKY = ("sendMessage", "editMessageText", "answerCallbackQuery", "sendPhoto", "sendDocument")
ADMIN = 9001
STAFF = -4001


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


def people(
    sandbox: SandboxRequest,
    q: Questionnaire,
    messages: Messages,
    ids: Iterable[int],
    rng: random.Random,
    **kwargs: Any,
) -> list[Person]:
    services = ("cpob", "cpob_impor", "fasilitas_bersama", "suket_cpob")
    return [
        Person(
            sandbox,
            uid,
            services[uid % len(services)],
            q,
            messages,
            random.Random(rng.random()),
            sandbox.queue_update,
            **kwargs,
        )
        for uid in ids
    ]


# -- respondents under a flaky Bot API -----------------------------------------------------------


async def test_fifty_respondents_finish_through_a_flaky_bot_api(
    config: Config, clock: Clock
) -> None:
    sandbox = SandboxRequest(seed=20250115)
    rng = random.Random(7)
    config = replace(config, telegram=replace(config.telegram, admin_ids=(ADMIN,)))
    async with running(config, sandbox, clock) as app:
        rt = runtime(app)
        crowd = people(
            sandbox,
            rt.questionnaire,
            rt.messages,
            range(6001, 6051),
            rng,
            duplicate=0.15,
            patience=0.15,
        )
        admin = Respondent(sandbox, ADMIN, "Admin")
        sandbox.inject("sendDocument", Fault.server_error(502))  # at least one, whatever the timing
        make_flaky(sandbox, 0.15)
        async with polling(app):
            for n in range(12):  # QR invitations: sendDocument under the same faults
                sandbox.queue_update(sandbox.command_update(admin.user, "invite", "cpob"))
                sandbox.queue_update(sandbox.command_update(admin.user, "invite", f"x{n}"))
            await finish(crowd, within=60)
        handled = take_expected_errors(app)
    snapshot = check_database(config.storage.path, crowd)
    assert snapshot.submissions == 50
    submitted = rows(
        config,
        "SELECT COUNT(*) FROM answers a JOIN drafts d ON d.id = a.draft_id "
        "WHERE d.status = 'submitted'",
    )
    assert submitted == [(50 * len(rt.questionnaire.step_keys),)]
    faults = injected(sandbox)
    assert set(faults) == {"sendMessage", "editMessageText", "answerCallbackQuery", "sendDocument"}
    assert len(faults) >= 500 and handled >= 400  # of about 5,000 calls to those methods
    assert sum(p.doubled for p in crowd) >= 200
    assert sum(p.retaps + p.reopens for p in crowd) - 50 >= 200  # recoveries after the first /start
    documents = [c for c in sandbox.calls_to("sendDocument") if c.result_status == 200]
    assert documents and all(c.files["document"].content.startswith(b"\x89PNG") for c in documents)
    assert assert_html_well_formed(sandbox) > 1000


async def test_respondents_who_stop_resume_at_their_first_unanswered_item_and_are_reminded_once(
    config: Config, clock: Clock
) -> None:
    sandbox = SandboxRequest(seed=99)
    rng = random.Random(11)
    async with running(config, sandbox, clock) as app:
        rt = runtime(app)
        crowd = people(
            sandbox, rt.questionnaire, rt.messages, range(7001, 7017), rng, patience=0.15
        )
        for n, person in enumerate(crowd):
            person.max_actions = 2 + n  # 2 … 17 updates, short of the 24 it takes to finish
        make_flaky(sandbox, 0.2)
        async with polling(app):
            await finish(crowd, within=30)
        check_database(config.storage.path, crowd)
        unfinished = [p for p in crowd if not p.done]
        assert len(unfinished) == 16

        # Back a day later: reopening the link asks the first unanswered item.
        sandbox.clear_faults()
        clock.advance(hours=1)
        for person in unfinished:
            expected = first_unanswered(config.storage.path, rt.questionnaire, person.user_id)
            await Respondent(sandbox, person.user_id).command(app, "start", person.service)
            screens = [person.screen_of(m) for m in sandbox.sent_to(person.chat_id)[-2:]]
            asked = next(s for s in reversed(screens) if s is not None)
            assert asked.key == expected, f"user {person.user_id}"

        # Reminders go out under faults too (no timeout that Telegram carried out: a reminder
        # whose send timed out is tried again, so such a timeout would show it twice).
        make_flaky(sandbox, 0.15, delivered_timeouts=False)
        for _ in range(2):  # reminder 1, then reminder 2 a day later
            clock.advance(hours=25)
            for _ in range(reminders.MAX_ATTEMPTS):
                await reminders.send_due(app)
        take_expected_errors(app)
    note = rt.messages.plain("reminder_note", "id", service="\x00").split("\x00")[0]
    note_en = rt.messages.plain("reminder_note", "en", service="\x00").split("\x00")[0]
    sent = dict(
        rows(
            config,
            "SELECT d.user_id, COUNT(*) FROM reminders r JOIN drafts d ON d.id = r.draft_id "
            "WHERE r.status = 'sent' GROUP BY d.user_id",
        )
    )
    assert sum(sent.values()) >= len(unfinished)  # most of the 2 × 16 went out despite faults
    for person in unfinished:
        texts = [m.get("text") or "" for m in sandbox.sent_to(person.chat_id)]
        shown = [t for t in texts if t.startswith((note, note_en))]
        assert len(shown) == sent.get(person.user_id, 0) <= 2, f"user {person.user_id}"
    check_database(config.storage.path, crowd)


# -- the staff post under faults -----------------------------------------------------------------


@pytest.fixture
def tiny_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """One chart (sent as a photo), tiny XLSX and DOCX; the summary stays the real one."""
    use_tiny_files(monkeypatch, ("items",))


@pytest.mark.usefixtures("tiny_report")
async def test_the_staff_post_goes_out_once_part_by_part_under_faults(
    config: Config, clock: Clock
) -> None:
    sandbox = SandboxRequest(seed=3)
    config = replace(config, telegram=replace(config.telegram, staff_chat_id=STAFF))
    async with running(config, sandbox, clock) as app:
        r = Respondent(sandbox, 5001, "Dini")
        await r.command(app, "start", "cpob")
        await identity(r, app)
        await r.tap(app, "Januari 2025")
        for _ in range(13):
            await r.tap(app, "3 · ")
        await r.tap(app, "Lewati")
        await r.tap(app, "✅ Kirim")
        clock.advance(days=17)  # 1 February, after the post time: January is due
        for method in ("sendMessage", "sendPhoto", "sendDocument"):  # each fails at least once
            sandbox.inject(method, Fault.server_error(502), chat_id=STAFF)
        make_flaky(sandbox, 0.3, delivered_timeouts=False)
        results = []
        for _ in range(12):
            results += await staff.post_due(app)
            if results and results[-1].state == "posted":
                break
            clock.advance(minutes=10)  # the next check
        assert results[-1].state == "posted"
        assert await staff.post_due(app) == []  # nothing left to post
        take_expected_errors(app)
    delivered = [
        c.method
        for c in sandbox.calls
        if c.params.get("chat_id") == STAFF and c.result_status == 200
    ]
    assert sorted(delivered) == ["sendDocument", "sendDocument", "sendMessage", "sendPhoto"]
    refused = {
        c.method
        for c in sandbox.calls
        if c.params.get("chat_id") == STAFF and c.result_status != 200
    }
    assert refused == {"sendMessage", "sendPhoto", "sendDocument"}
    assert rows(config, "SELECT part, status FROM posts ORDER BY part") == [
        ("album", "sent"),
        ("docx", "sent"),
        ("text", "sent"),
        ("xlsx", "sent"),
    ]
    assert_html_well_formed(sandbox)


# -- one lost reply, recovered -------------------------------------------------------------------


def answers(config: Config) -> dict[str, str]:
    return dict(rows(config, "SELECT key, value FROM answers"))


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


# -- the same update twice ------------------------------------------------------------------------


async def test_every_update_delivered_twice_records_each_answer_once(
    app: App, sandbox: SandboxRequest, config: Config
) -> None:
    rt = runtime(app)
    person = people(sandbox, rt.questionnaire, rt.messages, [8080], random.Random(1))[0]
    r = Respondent(sandbox, person.user_id)
    handled: set[int] = set()

    async def twice(payload: dict[str, Any]) -> None:
        for _ in range(2):
            await r.send(app, payload)

    await twice(sandbox.command_update(r.user, "start", person.service))
    steps = 0
    while not person.done and steps < 60:
        steps += 1
        fresh = [m for m in sandbox.sent_to(r.chat_id) if m["message_id"] not in handled]
        handled.update(m["message_id"] for m in fresh)
        if any(person.is_done_text(m.get("text") or "") for m in fresh):
            person.done = True
            break
        screen = next(s for s in map(person.screen_of, reversed(fresh)) if s is not None)
        sent: list[dict[str, Any]] = []
        person.deliver = sent.append
        person.answer(screen)
        await twice(sent[0])
    assert person.done
    check_database(config.storage.path, [person])
    texts = [m.get("text") or "" for m in sandbox.sent_to(r.chat_id)]
    # Every question was asked once, though every update arrived twice.
    for key in rt.questionnaire.step_keys:
        if rt.questionnaire.item(key) is not None:
            assert sum(f"<b>{key}</b> · " in t for t in texts) == 1, key
    assert sum("Terima kasih! Jawaban Anda" in t for t in texts) == 1


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
