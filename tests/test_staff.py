"""The monthly post to the staff chat, through the real Application and the sandbox Bot API."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, time
from typing import Any

import pytest

from bot.config import Config
from bot.pacing import GroupLimit
from bot.sandbox import Call, Fault, SandboxRequest
from bot.staff import post as staff
from bot.staff import report as staff_report
from bot.store import staff as staff_store
from bot.telegram_text import MAX_TEXT, split_text
from tests.support.app import REPO, App, Clock, running
from tests.support.fake_report import PNG, die, use_tiny_files

STAFF = -4001  # a basic group, as a staff chat starts out
ADMIN = 9001
ITEMS = ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "P1", "P2", "P3", "P4", "P5")
PERSONAL = ("Bambang Sutrisno", "PT Farmasi Nusantara", "Citra Lestari", "PT Sehat Sentosa")
# 1 February 2025, 08:00 in Jakarta: January's post time.
FEB_1_0800 = datetime(2025, 2, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def staff_config(config: Config) -> Config:
    telegram = replace(config.telegram, staff_chat_id=STAFF, admin_ids=(ADMIN,))
    return replace(config, telegram=telegram)


@pytest.fixture
def fast_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replaces the charts and documents with tiny files; the summary stays the real one."""
    use_tiny_files(monkeypatch, ("gender", "age", "education", "occupation", "items", "trend"))


def add_submission(
    config: Config,
    period: str,
    submitted_at: datetime,
    service: str = "cpob",
    scores: Mapping[str, int] | None = None,
    name: str = "Bambang Sutrisno",
    institution: str = "PT Farmasi Nusantara",
    suggestion: str | None = None,
) -> None:
    """Stores a submission as the bot would, straight into the database file."""
    identity = {
        "name": name,
        "age": "37",
        "gender": "L",
        "education": "s2",
        "occupation": "bumn",
        "institution": institution,
    }
    with sqlite3.connect(config.storage.path) as db:
        user = db.execute("SELECT COALESCE(MAX(user_id), 0) + 1 FROM submissions").fetchone()[0]
        cursor = db.execute(
            "INSERT INTO submissions (user_id, service, period, submitted_at, language, "
            "identity, suggestion) VALUES (?, ?, ?, ?, 'id', ?, ?)",
            (
                user,
                service,
                period,
                submitted_at.astimezone(UTC).isoformat(timespec="microseconds"),
                json.dumps(identity),
                suggestion,
            ),
        )
        db.executemany(
            "INSERT INTO scores (submission_id, item, score) VALUES (?, ?, ?)",
            [(cursor.lastrowid, item, (scores or {}).get(item, 4)) for item in ITEMS],
        )
    db.close()


def assert_real_files(posted: list[Call]) -> None:
    """The whole post, with the real report's six charts and a workbook and document that open."""
    assert methods(posted) == FULL_POST
    photos = list(posted[1].files.values())
    assert len(photos) == 6
    assert all(p.content.startswith(PNG[:8]) and len(p.content) > 1000 for p in photos)
    for call, name in zip(posted[2:], ("xl/workbook.xml", "word/document.xml"), strict=True):
        [document] = call.files.values()
        with zipfile.ZipFile(io.BytesIO(document.content)) as archive:
            assert name in archive.namelist()


def add_january(config: Config) -> None:
    """Three January submissions: IPP 3,92 "Memuaskan", U3 and U4 lowest (3,67)."""
    add_submission(
        config,
        "2025-01",
        datetime(2025, 1, 10, 2, 15, tzinfo=UTC),
        suggestion="Perlu menambah jumlah personil.",
    )
    add_submission(
        config,
        "2025-01",
        datetime(2025, 1, 15, 7, 40, tzinfo=UTC),
        scores={"U3": 3, "U4": 3},
        name="Citra Lestari",
        institution="PT Sehat Sentosa",
    )
    add_submission(config, "2025-01", datetime(2025, 1, 22, 4, 5, tzinfo=UTC), service="suket_cpob")


def rows(config: Config, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(config.storage.path) as db:
        found = list(db.execute(sql, args))
    db.close()
    return found


def to_chat(sandbox: SandboxRequest, chat_id: int) -> list[Call]:
    """The successful sends to one chat, oldest first."""
    return [
        c
        for c in sandbox.calls
        if c.params.get("chat_id") == chat_id
        and c.method.startswith("send")
        and c.method != "sendChatAction"
        and c.result_status == 200
    ]


def methods(calls: list[Call]) -> list[str]:
    return [c.method for c in calls]


def texts_of(calls: list[Call]) -> list[str]:
    """Every text and caption in the calls, album captions included."""
    found = []
    for call in calls:
        found += [str(call.params.get(k)) for k in ("text", "caption") if call.params.get(k)]
        found += [str(m["caption"]) for m in call.params.get("media") or [] if m.get("caption")]
    return found


FULL_POST = ["sendMessage", "sendMediaGroup", "sendDocument", "sendDocument"]


@asynccontextmanager
async def started(config: Config, sandbox: SandboxRequest, clock: Clock) -> AsyncIterator[App]:
    """An app as at start-up: initialised, then its catch-up job run (the queue does not tick)."""
    async with running(config, sandbox, clock) as app:
        assert app.job_queue is not None
        [catch_up] = app.job_queue.get_jobs_by_name("staff-post-catch-up")
        await catch_up.run(app)
        yield app


@asynccontextmanager
async def january_due(config: Config, sandbox: SandboxRequest, clock: Clock) -> AsyncIterator[App]:
    """An app :func:`started` mid-January; then January's submissions, and 1 February, 08:00."""
    async with started(config, sandbox, clock) as app:
        add_january(config)
        clock.current = FEB_1_0800
        yield app


async def test_monthly_post_goes_out_once_with_figures_charts_and_documents(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    async with started(staff_config, sandbox, clock) as app:
        assert to_chat(sandbox, STAFF) == []  # mid-January: nothing is due yet
        add_january(staff_config)
        clock.current = FEB_1_0800
        [result] = await staff.post_due(app)
        assert (result.period, result.state, result.sent) == (
            "2025-01",
            "posted",
            staff_store.PARTS,
        )
        assert await staff.post_due(app) == []
    posted = to_chat(sandbox, STAFF)
    assert methods(posted) == FULL_POST
    text = posted[0].params["text"]
    assert "Januari 2025" in text
    assert "Responden: <b>2</b> orang · isian terhitung: <b>3</b>" in text  # as /stats says it
    assert "<b>IPP</b> 3,92 · nilai konversi 97,92 · <i>Memuaskan</i>" in text
    assert "<b>IPAK</b> 4,00 · nilai konversi 100,00" in text
    assert "Sertifikasi/Resertifikasi CPOB: 2 (IPP 3,88 · IPAK 4,00)" in text
    assert "Surat Keterangan Penerapan CPOB: 1" in text
    assert "U3 Respon/kecepatan pelayanan, U4 Penanganan pengaduan — 3,67" in text
    assert "IPAK: semua unsur 4,00" in text
    assert "LKE PMPZI" in text and "IPP 3,92 · IPAK 4,00" in text
    assert "Saran responden: <b>1</b>" in text
    assert len(posted[1].params["media"]) == 6
    assert len(posted[1].files) == 6
    xlsx, docx = (next(iter(c.files.values())) for c in posted[2:])
    assert xlsx.filename.endswith(".xlsx") and docx.filename.endswith(".docx")
    for document in (xlsx, docx):  # include_personal is off: no names inside the files either
        with zipfile.ZipFile(io.BytesIO(document.content)) as archive:
            inside = b"".join(archive.read(n) for n in archive.namelist())
        assert not any(p.encode() in inside for p in PERSONAL)
    assert not any(p in t for t in texts_of(sandbox.calls) for p in PERSONAL)
    assert rows(staff_config, "SELECT part, status FROM posts ORDER BY rowid") == [
        (part, "sent") for part in staff_store.PARTS
    ]

    sandbox.clear()  # a restart: a new Application over the same database
    async with started(staff_config, sandbox, clock) as app:
        assert await staff.post_due(app) == []
    assert to_chat(sandbox, STAFF) == []


async def test_the_report_is_built_in_a_child_process_and_its_files_reach_the_chat(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # If the bot's process built the report itself, it would import analysis.report again.
    monkeypatch.delitem(sys.modules, "analysis.report", raising=False)
    async with january_due(staff_config, sandbox, clock) as app:
        [result] = await staff.post_due(app)
        assert result.state == "posted"
    assert "analysis.report" not in sys.modules
    posted = to_chat(sandbox, STAFF)
    assert_real_files(posted)
    unit = staff_config.reports.unit_name
    assert unit is not None
    with zipfile.ZipFile(io.BytesIO(next(iter(posted[3].files.values())).content)) as docx:
        document = docx.read("word/document.xml").decode()
    assert unit in document and "[nama unit kerja]" not in document
    # The links respondents were sent: the bot learnt its username from Telegram at start.
    assert f"https://t.me/{sandbox.bot_username}?start=suket_cpob" in document


def test_the_report_process_starts_without_telegram() -> None:
    # The spawned child imports the module of the function it runs; telegram would add ~0.15 s.
    script = "import sys, bot.staff.report; print(sorted({m.split('.')[0] for m in sys.modules}))"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert "'telegram'" not in done.stdout and "'bot'" in done.stdout


async def test_a_report_process_that_dies_sends_nothing_and_a_later_run_posts_the_month(
    staff_config: Config,
    sandbox: SandboxRequest,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with january_due(staff_config, sandbox, clock) as app:
        assert app.job_queue is not None
        [check] = app.job_queue.get_jobs_by_name("staff-post-check")
        monkeypatch.setattr(staff_report, "build_files", die)
        with caplog.at_level(logging.WARNING, logger="bot.staff.post"):
            await check.run(app)  # as the scheduler runs it: a failure here would be an error
        assert [r.getMessage() for r in caplog.records if r.name == "bot.staff.post"] == [
            "staff post 2025-01: stopped after nothing: BuildFailed: "
            "the process building the report stopped before it finished"
        ]
        assert to_chat(sandbox, STAFF) == []
        assert rows(staff_config, "SELECT part, status FROM posts ORDER BY rowid") == [
            (part, "failed") for part in staff_store.PARTS
        ]
        use_tiny_files(monkeypatch, ("items",))
        clock.advance(minutes=10)
        await check.run(app)
    assert methods(to_chat(sandbox, STAFF)) == ["sendMessage", "sendPhoto", *FULL_POST[2:]]
    assert rows(staff_config, "SELECT part, status FROM posts ORDER BY rowid") == [
        (part, "sent") for part in staff_store.PARTS
    ]


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


async def test_month_without_data_gets_a_short_post(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    async with started(staff_config, sandbox, clock) as app:
        clock.current = FEB_1_0800
        [result] = await staff.post_due(app)
        assert result.sent == ("text",)
        assert await staff.post_due(app) == []
    [post] = to_chat(sandbox, STAFF)
    assert post.method == "sendMessage"
    assert "Tidak ada isian survei" in post.params["text"]
    assert "Januari 2025" in post.params["text"]


def test_schedule_follows_the_configured_day_and_time(staff_config: Config) -> None:
    reports = replace(staff_config.reports, post_day=5, post_time=time(9, 30))
    zone = staff_config.survey.timezone
    assert staff.post_time("2025-01", zone, reports) == datetime(2025, 2, 5, 9, 30, tzinfo=zone)
    before = datetime(2025, 2, 5, 2, 29, tzinfo=UTC)  # 09:29 in Jakarta
    assert staff.latest_due(before, zone, reports) == "2024-12"
    assert staff.latest_due(before.replace(minute=30), zone, reports) == "2025-01"


async def test_jobs_are_registered_for_the_post_time(app: App, staff_config: Config) -> None:
    async with running(staff_config, SandboxRequest(), Clock()) as staffed:
        assert staffed.job_queue is not None
        names = {job.name for job in staffed.job_queue.jobs()}
    assert {"staff-post-daily", "staff-post-check", "staff-post-catch-up"} <= names
    assert app.job_queue is not None  # without a staff chat, nothing is scheduled
    assert not [j for j in app.job_queue.jobs() if str(j.name).startswith("staff-post")]


def test_long_texts_are_cut_between_lines_under_the_limit() -> None:
    text = "\n".join(f"<b>{n}.</b> " + "saran &amp; masukan " * 30 for n in range(60))
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(len(c) <= MAX_TEXT for c in chunks)
    assert "\n".join(chunks) == text
    pieces = split_text("&amp;" * 2000)  # one line over the limit: cut, never inside an entity
    assert len(pieces) == 3 and "".join(pieces) == "&amp;" * 2000
    assert all(len(p) <= MAX_TEXT and p.count("&") == p.count(";") for p in pieces)


async def test_pacer_keeps_a_group_under_twenty_messages_a_minute() -> None:
    now = [0.0]
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)
        now[0] += seconds

    pacer = GroupLimit(clock=lambda: now[0], sleep=sleep)
    for _ in range(20):
        await pacer.wait(STAFF)
    assert waited == []
    await pacer.wait(STAFF, 6)  # an album of six
    assert waited == [60.0]
    await pacer.wait(ADMIN, 100)  # private chats are not paced
    assert waited == [60.0]


# -- text that cannot block a report (issue 11, point 4) -----------------------------------------

# As rows stored before the bot cleaned typed answers may hold them.
CONTROL_NAME = "Bam\x0bbang\x1b Sutrisno\uffff"
CONTROL_INSTITUTION = "PT\x1b[1m Farmasi\x0bNusantara"
CONTROL_SUGGESTION = "Antrian\x00 lebih\x0bcepat\uffff\x1b"


def add_control_characters(config: Config) -> None:
    """A January submission stored before text was cleaned: control characters in every text."""
    add_submission(
        config,
        "2025-01",
        datetime(2025, 1, 25, 4, 0, tzinfo=UTC),
        name=CONTROL_NAME,
        institution=CONTROL_INSTITUTION,
        suggestion=CONTROL_SUGGESTION,
    )


def add_unreadable(config: Config, period: str, submitted_at: datetime) -> None:
    """Stores a submission whose identity is not JSON: its month's report cannot be built."""
    with sqlite3.connect(config.storage.path) as db:
        db.execute(
            "INSERT INTO submissions (user_id, service, period, submitted_at, language, "
            "identity) VALUES (777, 'cpob', ?, ?, 'id', ?)",
            (period, submitted_at.isoformat(timespec="microseconds"), '{"name": "Bambang'),
        )
    db.close()


async def test_control_characters_in_stored_text_do_not_stop_the_monthly_post(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    config = replace(staff_config, reports=replace(staff_config.reports, include_personal=True))
    async with started(config, sandbox, clock) as app:
        add_january(config)
        add_control_characters(config)
        clock.current = FEB_1_0800
        [result] = await staff.post_due(app)
        assert result.state == "posted"
    posted = to_chat(sandbox, STAFF)
    assert_real_files(posted)
    with zipfile.ZipFile(io.BytesIO(next(iter(posted[3].files.values())).content)) as docx:
        document = docx.read("word/document.xml").decode()
    assert "Bam bang Sutrisno" in document and "PT[1m Farmasi Nusantara" in document
    assert "Antrian lebih cepat" in document


async def test_a_month_whose_report_cannot_be_built_does_not_hold_back_the_next(
    staff_config: Config,
    sandbox: SandboxRequest,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with started(staff_config, sandbox, clock) as app:  # serving the chat since January
        add_submission(staff_config, "2024-12", datetime(2024, 12, 10, 2, 0, tzinfo=UTC))
        add_unreadable(staff_config, "2024-12", datetime(2024, 12, 11, 2, 0, tzinfo=UTC))
        add_january(staff_config)
        clock.current = FEB_1_0800
        with caplog.at_level(logging.WARNING, logger="bot.staff.post"):
            december, january = await staff.post_due(app)
    assert (december.period, december.state, december.build_failed) == ("2024-12", "failed", True)
    assert (january.period, january.state) == ("2025-01", "posted")
    assert methods(to_chat(sandbox, STAFF)) == FULL_POST  # January's, whole
    [logged] = [r.getMessage() for r in caplog.records if r.name == "bot.staff.post"]
    assert logged.startswith(
        "staff post 2024-12: stopped after nothing: BuildFailed: building the report raised "
        "OperationalError at "
    )
    assert "Bambang" not in caplog.text


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
