"""Many respondents, and the staff post, through a flaky Bot API and doubled updates.

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

from bot import reminders
from bot.messages import Messages
from bot.runtime import runtime
from bot.sandbox import Fault, Respondent, SandboxRequest
from bot.sections import Config
from bot.staff import post as staff
from survey.questionnaire import Questionnaire
from tests.support.app import App, Clock, running
from tests.support.crowd import Person, finish, first_unanswered, polling
from tests.support.fake_report import use_tiny_files
from tests.support.flaky import injected, make_flaky, take_expected_errors
from tests.support.invariants import check_database
from tests.support.survey import identity, rows
from tests.support.telegram_html import assert_html_well_formed

ADMIN = 9001
STAFF = -4001


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
