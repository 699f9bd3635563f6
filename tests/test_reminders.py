"""Reminders to respondents who did not finish, driven through the real Application."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import reminders
from bot.runtime import runtime
from bot.sandbox import Fault, Respondent, SandboxRequest
from bot.sections import Config
from tests.support.app import App, Clock, running
from tests.support.survey import answer_all, identity, rows

NOTE = "Pengingat"


def reminders_to(sandbox: SandboxRequest, chat_id: int) -> list[str]:
    texts = (m.get("text") or "" for m in sandbox.sent_to(chat_id))
    return [text for text in texts if NOTE in text or "Reminder" in text]


async def started(app: App, sandbox: SandboxRequest, user_id: int, items: int = 0) -> Respondent:
    """A respondent who answered the identity, the period and the first ``items`` items."""
    r = Respondent(sandbox, user_id, f"R{user_id}")
    await r.command(app, "start", "cpob")
    await identity(r, app)
    await r.tap(app, "Januari 2025")
    for _ in range(items):
        await r.tap(app, "4 · ")
    return r


async def test_due_reminder_is_sent_once_with_the_current_question(
    config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    async with running(config, sandbox, clock) as app:
        r = await started(app, sandbox, 5001, items=2)
        clock.advance(hours=23, minutes=59)
        assert (await reminders.send_due(app)).sent == 0
        clock.advance(minutes=1)
        run = await reminders.send_due(app)
        assert (run.due, run.sent) == (1, 1)
        text = r.last_text or ""
        assert NOTE in text and "Sertifikasi/Resertifikasi CPOB" in text and "U3" in text
        assert r.labels()[0] == "1 · Tidak cepat"
        assert (await reminders.send_due(app)).sent == 0
    async with running(config, sandbox, clock) as restarted:
        assert (await reminders.send_due(restarted)).sent == 0
    assert len(reminders_to(sandbox, r.chat_id)) == 1
    assert rows(config, "SELECT draft_id, n, status FROM reminders") == [(1, 1, "sent")]


async def test_at_most_max_count_reminders_each_a_delay_after_the_last(
    app: App, sandbox: SandboxRequest, clock: Clock
) -> None:
    r = await started(app, sandbox, 5001)
    sent = []
    for hours in (24, 12, 12, 24, 24):
        clock.advance(hours=hours)
        sent.append((await reminders.send_due(app)).sent)
    assert sent == [1, 0, 1, 0, 0]
    assert len(reminders_to(sandbox, r.chat_id)) == 2


async def test_activity_postpones_the_next_reminder(
    app: App, sandbox: SandboxRequest, clock: Clock
) -> None:
    r = await started(app, sandbox, 5001)
    clock.advance(hours=2)
    await r.tap(app, "4 · ")  # answering is activity: the delay starts again
    clock.advance(hours=23)
    assert (await reminders.send_due(app)).sent == 0
    clock.advance(hours=1)
    assert (await reminders.send_due(app)).sent == 1


async def test_none_after_submit_or_cancel(app: App, sandbox: SandboxRequest, clock: Clock) -> None:
    submitted = Respondent(sandbox, 5001, "Sub")
    await answer_all(submitted, app)
    cancelled = await started(app, sandbox, 5002)
    await cancelled.command(app, "cancel")
    await cancelled.tap(app, "Ya, batalkan")
    reviewing = Respondent(sandbox, 5003, "Rev")
    await answer_all(reviewing, app, submit=False)
    clock.advance(hours=25)
    run = await reminders.send_due(app)
    assert (run.due, run.sent) == (1, 1)
    assert reminders_to(sandbox, 5001) == reminders_to(sandbox, 5002) == []
    assert reviewing.labels() == ["✅ Kirim", "✏️ Ubah"]  # the review, ready to submit
    await reviewing.tap(app, "✅ Kirim")
    assert "Terima kasih" in (reviewing.last_text or "")


async def test_only_the_latest_open_draft_of_a_respondent_is_reminded(
    app: App, sandbox: SandboxRequest, clock: Clock
) -> None:
    r = await started(app, sandbox, 5001)
    clock.advance(minutes=5)
    await r.command(app, "start", "suket_cpob")
    clock.advance(hours=25)
    run = await reminders.send_due(app)
    assert (run.due, run.sent) == (1, 1)
    assert "Surat Keterangan Penerapan CPOB" in reminders_to(sandbox, r.chat_id)[0]


async def test_quiet_hours_hold_reminders_until_morning(
    app: App, sandbox: SandboxRequest, clock: Clock
) -> None:
    await started(app, sandbox, 5001)  # 10:00 WIB
    clock.advance(hours=36)  # 22:00 WIB the next day
    run = await reminders.send_due(app)
    assert run.quiet and run.sent == 0
    clock.advance(hours=8, minutes=59)  # 06:59
    assert (await reminders.send_due(app)).sent == 0
    clock.advance(hours=1, minutes=1)  # 08:00
    assert (await reminders.send_due(app)).sent == 1


JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("local", "start", "end", "quiet"),
    [
        (time(20, 59), time(21), time(7), False),
        (time(21, 0), time(21), time(7), True),
        (time(0, 30), time(21), time(7), True),
        (time(7, 0), time(21), time(7), False),
        (time(12, 0), time(12), time(14), True),
        (time(14, 0), time(12), time(14), False),
        (time(3, 0), time(8), time(8), False),  # an empty window: never quiet
    ],
)
def test_quiet_hours_window(local: time, start: time, end: time, quiet: bool) -> None:
    moment = datetime.combine(datetime(2025, 1, 15), local, JAKARTA).astimezone(UTC)
    assert reminders.in_quiet_hours(moment, JAKARTA, start, end) is quiet


async def test_retry_after_is_waited_out_without_duplicates(
    app: App, sandbox: SandboxRequest, clock: Clock, config: Config
) -> None:
    people = [await started(app, sandbox, 5001 + n) for n in range(3)]
    clock.advance(hours=25)
    sandbox.clear()
    sandbox.inject("sendMessage", Fault.retry_after(1))
    run = await reminders.send_due(app)
    assert (run.sent, run.retried, run.failed) == (3, 1, 0)
    for r in people:
        assert len(reminders_to(sandbox, r.chat_id)) == 1
    [refused] = [c for c in sandbox.calls if c.result_status == 429]
    sends = sandbox.calls_to("sendMessage")
    after = [c for c in sends if c.at > refused.at]
    assert len(sends) == 4 and all(c.at >= refused.at + 1.0 for c in after)
    assert rows(config, "SELECT COUNT(*) FROM reminders WHERE status = 'sent'") == [(3,)]


async def test_forbidden_marks_unreachable_until_they_return(
    app: App, sandbox: SandboxRequest, clock: Clock, config: Config
) -> None:
    gone = await started(app, sandbox, 5001)
    stays = await started(app, sandbox, 5002)
    clock.advance(hours=25)
    sandbox.inject("sendMessage", Fault.forbidden(), chat_id=gone.chat_id)
    run = await reminders.send_due(app)
    assert (run.sent, run.unreachable) == (1, 1)
    assert rows(config, "SELECT user_id, reason FROM unreachable") == [(5001, "blocked")]
    clock.advance(hours=25)
    sandbox.clear()
    run = await reminders.send_due(app)
    assert (run.due, run.sent) == (1, 1)
    assert [c.params["chat_id"] for c in sandbox.calls_to("sendMessage")] == [stays.chat_id]
    await gone.command(app, "start", "cpob")  # back: unblocked the bot and resumed
    clock.advance(hours=25)
    assert (await reminders.send_due(app)).sent == 1
    assert len(reminders_to(sandbox, gone.chat_id)) == 1


async def test_pace_stays_under_telegrams_limits(config: Config, clock: Clock) -> None:
    sandbox = SandboxRequest(flood_limit=(30, 1.0), per_chat_limit=(1, 1.0))
    async with running(config, sandbox, clock) as app:
        storage = runtime(app).storage
        for user_id in range(6001, 6061):
            await storage.open_draft(user_id, user_id, "cpob", clock())
        clock.advance(hours=25)
        run = await reminders.send_due(app)
    assert (run.sent, sandbox.flood_errors) == (60, 0)
    assert {c.params["chat_id"] for c in sandbox.calls_to("sendMessage")} == set(range(6001, 6061))


class SlowBotAPI(SandboxRequest):
    """The sandbox, counting the calls sent and not yet answered."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.in_flight = self.most_in_flight = 0

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await super().do_request(*args, **kwargs)
        finally:
            self.in_flight -= 1


async def test_sends_overlap_when_the_bot_api_is_slow(config: Config, clock: Clock) -> None:
    sandbox = SlowBotAPI(latency=0.15, flood_limit=(30, 1.0), per_chat_limit=(1, 1.0))
    fast = replace(config, reminders=replace(config.reminders, per_second=30))
    async with running(fast, sandbox, clock) as app:
        storage = runtime(app).storage
        for user_id in range(6001, 6031):
            await storage.open_draft(user_id, user_id, "cpob", clock())
        clock.advance(hours=25)
        sandbox.most_in_flight = 0
        run = await reminders.send_due(app)
    # One send at a time would manage 1 ÷ 0.15 s ≈ 7 a second; on 33 ms slots several wait at once.
    assert sandbox.most_in_flight >= 3
    assert (run.sent, run.retried, sandbox.flood_errors) == (30, 0, 0)
    assert sorted(c.params["chat_id"] for c in sandbox.calls_to("sendMessage")) == list(
        range(6001, 6031)
    )


async def test_tapping_the_reminded_question_records_that_item(
    app: App, sandbox: SandboxRequest, clock: Clock, config: Config
) -> None:
    r = await started(app, sandbox, 5001, items=2)
    clock.advance(hours=25)
    await reminders.send_due(app)
    await r.tap(app, "2 · ")
    answers = dict(rows(config, "SELECT key, value FROM answers"))
    assert (answers["U3"], "U4" in answers) == ("2", False)
    assert "U4" in (r.last_text or "")


async def test_a_typed_answer_after_the_reminder_goes_to_the_reminded_draft(
    app: App, sandbox: SandboxRequest, clock: Clock, config: Config
) -> None:
    r = Respondent(sandbox, 5001, "Dini")
    await r.command(app, "start", "cpob")
    await r.tap(app, "English")
    clock.advance(hours=25)
    await reminders.send_due(app)
    assert "Reminder" in (r.last_text or "") and "full name" in (r.last_text or "")
    await r.say(app, "Dini B")
    assert rows(config, "SELECT value FROM answers WHERE key = 'name'") == [("Dini B",)]


async def test_two_processes_send_each_reminder_once(
    config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    async with running(config, sandbox, clock) as first:
        people = [await started(first, sandbox, 5001 + n) for n in range(4)]
        clock.advance(hours=25)
        async with running(config, sandbox, clock) as second:
            one, two = await asyncio.gather(reminders.send_due(first), reminders.send_due(second))
    assert one.sent + two.sent == 4
    assert [len(reminders_to(sandbox, r.chat_id)) for r in people] == [1, 1, 1, 1]


def dead_claim(db: sqlite3.Connection, until: str) -> None:
    """Reminder 1 of draft 1, claimed by a process that died, its lease running ``until``."""
    db.execute(
        "INSERT INTO reminders (draft_id, n, status, claimed_by, claimed_until, attempts) "
        "VALUES (1, 1, 'claimed', 'dead', ?, 1)",
        (until,),
    )


async def test_claim_of_a_dead_process_is_taken_over_after_its_lease(
    app: App, sandbox: SandboxRequest, clock: Clock, config: Config
) -> None:
    r = await started(app, sandbox, 5001)
    clock.advance(hours=25)
    await runtime(app).storage.write(dead_claim, (clock() + timedelta(minutes=1)).isoformat())
    assert (await reminders.send_due(app)).skipped == 1
    clock.advance(minutes=2)
    assert (await reminders.send_due(app)).sent == 1
    assert len(reminders_to(sandbox, r.chat_id)) == 1


async def test_a_failed_send_is_tried_again_later(
    app: App, sandbox: SandboxRequest, clock: Clock
) -> None:
    r = await started(app, sandbox, 5001)
    clock.advance(hours=25)
    sandbox.inject("sendMessage", Fault.server_error(502))
    assert (await reminders.send_due(app)).failed == 1
    clock.advance(minutes=10)
    assert (await reminders.send_due(app)).sent == 1
    assert len(reminders_to(sandbox, r.chat_id)) == 1


async def test_max_count_zero_turns_reminders_off(
    config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    off = replace(config, reminders=replace(config.reminders, max_count=0))
    async with running(off, sandbox, clock) as app:
        await started(app, sandbox, 5001)
        clock.advance(hours=48)
        assert (await reminders.send_due(app)).sent == 0


async def test_the_job_runs_send_due(app: App, sandbox: SandboxRequest, clock: Clock) -> None:
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("reminders")
    r = await started(app, sandbox, 5001)
    clock.advance(hours=25)
    await job.run(app)
    assert len(reminders_to(sandbox, r.chat_id)) == 1
