"""Closed months: once a month's figures went out they stay what was posted (issue 11, point 2).

A month closes when its staff post is first claimed, or at its post time without a staff chat.
A submission stored later for it is kept and marked late: thanked as usual, never counted,
reported apart.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from analysis.report import ReportRequest, build_report
from bot.cli.main import main
from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from bot.staff import closed_months
from bot.staff import post as staff
from bot.store import close_month
from survey.questionnaire import load
from tests.support.analysis_fixtures import SERVICES, january_2025
from tests.support.app import Clock, running, unit_config
from tests.support.documents import docx_text, xlsx_rows
from tests.support.import_rows import person, write_csv
from tests.support.staff import (
    ADMIN,
    FEB_1_0800,
    STAFF,
    add_january,
    fast_files_fixture,  # noqa: F401  (a fixture)
    january_due,
    rows,
    started,
    to_chat,
)
from tests.support.survey import fill

pytestmark = pytest.mark.usefixtures("fast_files")
FEB_20 = datetime(2025, 2, 20, 3, 0, tzinfo=UTC)


def plain(text: str | None) -> str:
    return re.sub(r"<[^>]+>", "", text or "")


@pytest.fixture
def staff_config(config: Config) -> Config:
    return replace(
        config, telegram=replace(config.telegram, staff_chat_id=STAFF, admin_ids=(ADMIN,))
    )


def report_command(config: Config, folder: Path) -> int:
    """``surveibot report 2025-01 --json`` over the bot's database, as from a shell."""
    source = config.source.read_text(encoding="utf-8")
    text = source.replace('path = "surveibot.db"', f'path = "{config.storage.path}"')
    assert text != source
    path = folder / "cli.toml"
    path.write_text(text, encoding="utf-8")
    return main(["report", "2025-01", "--json", "-c", str(path)])


async def report_json(
    config: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    capsys.readouterr()
    assert await asyncio.to_thread(report_command, config, tmp_path) == 0
    summary: dict[str, Any] = json.loads(capsys.readouterr().out)
    return summary


async def test_a_submission_for_a_posted_month_is_late_and_changes_no_posted_figure(
    staff_config: Config,
    sandbox: SandboxRequest,
    clock: Clock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ratna = Respondent(sandbox, 5001, "Ratna")
    budi = Respondent(sandbox, 5002, "Budi")
    admin = Respondent(sandbox, ADMIN, "Admin")
    async with started(staff_config, sandbox, clock) as app:
        # Mid-January Ratna answers everything with 1 and leaves the review screen unsent.
        await fill(ratna, app, "Ratna Kusumawati", "PT Farmasi Sentosa", 1, submit=False)
        add_january(staff_config)
        clock.current = FEB_1_0800
        [posted] = await staff.post_due(app)
        assert posted.state == "posted"
        assert "<b>IPP</b> 3,92" in to_chat(sandbox, STAFF)[0].params["text"]

        clock.current = FEB_20  # weeks later: Submit on the old review screen
        await ratna.tap(app, "✅ Kirim")
        assert "Terima kasih" in (ratna.last_text or "")
        # "Last month" is still offered all February: Budi picks January and submits.
        await fill(budi, app, "Budi Santoso", "Apotek Sehat", 1, submit=False)
        assert rows(staff_config, "SELECT COUNT(*) FROM drafts WHERE status = 'open'") == [(1,)]
        await budi.tap(app, "✅ Kirim")
        assert "Terima kasih" in (budi.last_text or "")

        await admin.command(app, "stats", "2025-01")
        stats = plain(admin.last_text)
        assert "Responden: 2 dari kuota 30 orang" in stats
        assert "IPP 3,92 · nilai konversi 97,92 · Memuaskan" in stats
        assert "Isian terlambat (tidak dihitung): 2" in stats
        assert await closed_months.watch(app) == []  # late ones are no change of the figures

    assert rows(staff_config, "SELECT COUNT(*), SUM(late) FROM submissions") == [(5, 2)]
    summary = await report_json(staff_config, tmp_path, capsys)
    assert (summary["responses"], summary["beyond_quota"], summary["late"]) == (3, 0, 2)
    assert summary["ipp"]["display"] == "3,92"
    assert summary["lke"]["ipp"] == pytest.approx(summary["ipp"]["index"])


async def test_without_a_staff_chat_a_month_closes_at_its_post_time(
    config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    ratna = Respondent(sandbox, 5001, "Ratna")
    budi = Respondent(sandbox, 5002, "Budi")
    assert config.telegram.staff_chat_id is None
    async with running(config, sandbox, clock) as app:
        await fill(ratna, app, "Ratna Kusumawati", "PT Farmasi Sentosa", 4, submit=False)
        await fill(budi, app, "Budi Santoso", "Apotek Sehat", 1, submit=False)
        clock.current = datetime(2025, 2, 1, 0, 59, tzinfo=UTC)  # 07:59 in Jakarta: still open
        await ratna.tap(app, "✅ Kirim")
        clock.current = FEB_1_0800  # the post time: January closes
        await budi.tap(app, "✅ Kirim")
        assert "Terima kasih" in (budi.last_text or "")
    assert rows(config, "SELECT late FROM submissions ORDER BY id") == [(0,), (1,)]
    assert rows(config, "SELECT period, reason, quota FROM closed_months") == [
        ("2025-01", "post_time", 30)
    ]


async def test_without_a_staff_chat_a_quiet_month_closes_by_the_daily_job(
    config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    clock.current = datetime(2025, 3, 5, 3, 0, tzinfo=UTC)
    async with running(config, sandbox, clock) as app:
        add_january(config)
        assert app.job_queue is not None
        [job] = app.job_queue.get_jobs_by_name("close-months-catch-up")
        await job.run(app)
    # A month holding nothing stays open: history imported for it later still counts.
    assert rows(config, "SELECT period, reason FROM closed_months") == [("2025-01", "post_time")]


async def test_a_closed_month_keeps_the_quota_it_closed_with(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    admin = Respondent(sandbox, ADMIN, "Admin")
    async with january_due(staff_config, sandbox, clock) as app:
        await staff.post_due(app)
    smaller = replace(staff_config, survey=replace(staff_config.survey, monthly_quota=1))
    async with running(smaller, sandbox, clock) as app:
        await admin.command(app, "stats", "2025-01")
    assert "Responden: 2 dari kuota 30 orang" in plain(admin.last_text)


async def test_a_closed_month_changed_behind_the_bots_back_is_told_once_with_old_and_new(
    staff_config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    async with january_due(staff_config, sandbox, clock) as app:
        await staff.post_due(app)
        assert await closed_months.watch(app) == []  # as closed: nothing to tell
        with sqlite3.connect(staff_config.storage.path) as db:  # someone edits the file
            db.execute("UPDATE scores SET score = 1 WHERE item = 'U1'")
        db.close()
        before = len(to_chat(sandbox, STAFF))
        assert app.job_queue is not None
        [job] = app.job_queue.get_jobs_by_name("closed-watch")
        await job.run(app)
        await job.run(app)  # told once, not at every check
        told = to_chat(sandbox, STAFF)[before:]
        assert len(told) == 1
        text = plain(told[0].params["text"])
        assert "Angka Januari 2025 yang sudah dilaporkan berubah" in text
        assert "Isian terhitung: 3 → 3" in text
        assert "IPP: 3,92 (Memuaskan) → 3,54" in text
        assert "IPAK: 4,00 (Bersih dari korupsi) → 4,00 (Bersih dari korupsi)" in text


def test_import_into_a_closed_month_adds_late_rows_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The case: February 2026, long past its post time, no staff chat.
    config = unit_config(tmp_path)
    first = write_csv(
        tmp_path / "feb.csv",
        [person("2026-02-10 09:00", f"P{n}", period="2026-02") for n in range(3)],
    )
    assert main(["import", str(first), "-c", str(config)]) == 0
    assert "3 isian diimpor" in capsys.readouterr().out  # history of an empty month counts
    assert main(["report", "2026-02", "--json", "-c", str(config)]) == 0
    before = json.loads(capsys.readouterr().out)

    odd = person("2026-07-01 10:00", "Z", period="2026-02", score="1")
    assert main(["import", str(write_csv(tmp_path / "odd.csv", [odd])), "-c", str(config)]) == 0
    said = capsys.readouterr().out
    assert "1 isian diimpor" in said
    assert (
        "2026-02: bulan ini sudah ditutup" in said and "1 isian diimpor sebagai terlambat" in said
    )
    assert main(["report", "2026-02", "--json", "-c", str(config)]) == 0
    after = json.loads(capsys.readouterr().out)
    assert (after["responses"], after["late"]) == (3, 1)
    assert after["ipp"] == before["ipp"] and after["ipp"]["display"] == "4,00"


def test_the_files_of_a_closed_month_report_late_submissions_apart(tmp_path: Path) -> None:
    survey = january_2025(tmp_path / "survey.db")
    with sqlite3.connect(survey.path) as db:
        close_month(db, "2025-01", "posted", 30, datetime(2025, 2, 1, 1, 0, tzinfo=UTC))
    db.close()
    late_id = survey.add(
        "2025-01", "2025-02-20T03:00:00+00:00", default_score=1, suggestion="Saran yang terlambat"
    )
    with sqlite3.connect(survey.path) as db:  # as the bot stores a submission for a closed month
        db.execute("UPDATE submissions SET late = 1 WHERE id = ?", (late_id,))
    db.close()

    files = build_report(
        ReportRequest(survey.path, "2025-01", load(), SERVICES, 30), tmp_path / "out"
    )
    assert (files.summary["responses"], files.summary["late"]) == (3, 1)
    assert files.summary["ipp"]["display"] == "3,92"
    [xlsx] = [p for p in files.paths if p.suffix == ".xlsx"]
    [docx_path] = [p for p in files.paths if p.suffix == ".docx"]
    summary = xlsx_rows(xlsx, "Ringkasan")
    assert ("Isian terlambat (masuk setelah bulan ditutup, tidak dihitung)", 1) in [
        row[:2] for row in summary
    ]
    suggestions = xlsx_rows(xlsx, "Saran")
    assert any("Tidak (terlambat)" in row and "Saran yang terlambat" in row for row in suggestions)
    text = docx_text(docx_path)
    assert "Selain itu, 1 (satu) isian untuk periode Januari 2025 masuk setelah bulan" in text
    assert "Sebanyak 1 (satu) saran lain disampaikan melalui isian terlambat" in text
    assert "Saran yang terlambat" not in text
