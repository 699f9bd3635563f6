"""The monthly post recovers: restarts, two processes, retries, flood control, a group upgraded."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from bot.sandbox import Fault, SandboxRequest
from bot.sections import Config
from bot.staff import post as staff
from bot.store import staff as staff_store
from tests.support.app import Clock, running
from tests.support.staff import (
    FEB_1_0800,
    FULL_POST,
    STAFF,
    add_january,
    add_submission,
    fast_files_fixture,  # noqa: F401  (a fixture)
    january_due,
    methods,
    rows,
    staff_config_fixture,  # noqa: F401  (a fixture)
    started,
    to_chat,
)


async def test_two_processes_on_one_database_post_a_month_once(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock, fast_files: None
) -> None:
    async with started(staff_config, sandbox, clock):
        add_january(staff_config)
    clock.current = FEB_1_0800
    async with (
        running(staff_config, sandbox, clock) as one,
        running(staff_config, sandbox, clock) as two,
    ):
        first, second = await asyncio.gather(staff.post_due(one), staff.post_due(two))
    states = sorted(r.state for r in first + second)
    assert states in (["busy", "posted"], ["done", "posted"], ["posted"])
    assert methods(to_chat(sandbox, STAFF)) == FULL_POST


async def test_post_missed_while_down_goes_out_at_start_up(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock, fast_files: None
) -> None:
    async with started(staff_config, sandbox, clock):
        add_january(staff_config)
    clock.current = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)  # down over 1 February
    async with started(staff_config, sandbox, clock):
        pass
    assert methods(to_chat(sandbox, STAFF)) == FULL_POST
    assert "Januari 2025" in to_chat(sandbox, STAFF)[0].params["text"]


async def test_first_start_posts_the_month_before_only_if_it_has_data(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock, fast_files: None
) -> None:
    async with started(staff_config, sandbox, clock):  # mid-January, December empty: quiet
        pass
    assert to_chat(sandbox, STAFF) == []

    other = replace(staff_config, telegram=replace(staff_config.telegram, staff_chat_id=-4002))
    add_submission(other, "2024-12", datetime(2024, 12, 20, tzinfo=UTC))  # imported history
    async with started(other, sandbox, clock):
        pass
    assert methods(to_chat(sandbox, -4002)) == FULL_POST
    assert "Desember 2024" in to_chat(sandbox, -4002)[0].params["text"]


async def test_failure_midway_is_retried_sending_only_what_is_missing(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock, fast_files: None
) -> None:
    async with january_due(staff_config, sandbox, clock) as app:
        sandbox.inject("sendDocument", Fault.server_error(), times=1)
        [failed] = await staff.post_due(app)
        assert (failed.state, failed.sent) == ("failed", ("text", "album"))
        assert rows(staff_config, "SELECT part, status FROM posts ORDER BY rowid") == [
            ("text", "sent"),
            ("album", "sent"),
            ("xlsx", "failed"),
            ("docx", "failed"),
        ]
        clock.advance(minutes=10)
        [retried] = await staff.post_due(app)
        assert (retried.state, retried.sent) == ("posted", ("xlsx", "docx"))
    assert methods(to_chat(sandbox, STAFF)) == FULL_POST


async def test_a_claim_left_by_a_dead_process_is_taken_over_when_its_lease_ends(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock, fast_files: None
) -> None:
    async with january_due(staff_config, sandbox, clock) as app:
        rt = app.bot_data["runtime"]
        lease = staff.LEASE
        claim = await staff_store.claim(rt.storage, "2025-01", STAFF, "gone", clock(), lease, 30)
        assert claim.parts == staff_store.PARTS  # then the process died before sending
        [busy] = await staff.post_due(app)
        assert busy.state == "busy" and to_chat(sandbox, STAFF) == []
        clock.current += lease
        [taken] = await staff.post_due(app)
        assert taken.state == "posted"
    assert methods(to_chat(sandbox, STAFF)) == FULL_POST


async def test_flood_control_is_waited_out(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock, fast_files: None
) -> None:
    async with january_due(staff_config, sandbox, clock) as app:
        sandbox.inject("sendMediaGroup", Fault.retry_after(1), times=1)
        [result] = await staff.post_due(app)
        assert result.state == "posted"
    assert methods(to_chat(sandbox, STAFF)) == FULL_POST


async def test_group_upgraded_to_supergroup_is_followed_from_then_on(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock, fast_files: None
) -> None:
    supergroup = -1_000_000_004_001
    async with january_due(staff_config, sandbox, clock) as app:
        sandbox.inject("sendMessage", Fault.migrate(supergroup), times=1, chat_id=STAFF)
        [result] = await staff.post_due(app)
        assert (result.state, result.chat_id) == ("posted", supergroup)
        add_submission(staff_config, "2025-02", datetime(2025, 2, 10, tzinfo=UTC))
        clock.current = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)
        [march] = await staff.post_due(app)
        assert (march.period, march.chat_id) == ("2025-02", supergroup)
    assert to_chat(sandbox, STAFF) == []
    assert methods(to_chat(sandbox, supergroup)) == FULL_POST * 2
    assert rows(staff_config, "SELECT key, value FROM settings WHERE value = ?", str(supergroup))
    assert {c for (c,) in rows(staff_config, "SELECT DISTINCT chat_id FROM posts")} == {supergroup}


async def test_a_telegram_failure_still_stops_the_catch_up_until_the_next_check(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock, fast_files: None
) -> None:
    async with started(staff_config, sandbox, clock) as app:
        add_submission(staff_config, "2024-12", datetime(2024, 12, 10, 2, 0, tzinfo=UTC))
        add_january(staff_config)
        clock.current = FEB_1_0800
        sandbox.inject("sendMessage", Fault.server_error(), times=1)
        [december] = await staff.post_due(app)  # January is not tried against a failing chat
        assert (december.period, december.state, december.build_failed) == (
            "2024-12",
            "failed",
            False,
        )
        assert [r.period for r in await staff.post_due(app)] == ["2024-12", "2025-01"]
