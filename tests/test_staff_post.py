"""The monthly post to the staff chat: what it holds, where it is built, when it is due."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from bot.pacing import GroupLimit
from bot.sandbox import SandboxRequest
from bot.sections import Config
from bot.staff import post as staff
from bot.staff import report as staff_report
from bot.store import staff as staff_store
from bot.telegram_text import MAX_TEXT, split_text
from tests.support.app import REPO, App, Clock, running
from tests.support.fake_report import die, use_tiny_files
from tests.support.staff import (
    ADMIN,
    FEB_1_0800,
    FULL_POST,
    PERSONAL,
    STAFF,
    add_control_characters,
    add_january,
    add_submission,
    add_unreadable,
    assert_real_files,
    january_due,
    methods,
    rows,
    staff_config_fixture,  # noqa: F401  (a fixture)
    started,
    texts_of,
    to_chat,
)


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
