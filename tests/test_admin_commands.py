"""Admin commands through the real Application: who may, /stats, /invite, /remind, /suggestions."""

from __future__ import annotations

import io
import logging
import re
from datetime import UTC, datetime

import pytest
import zxingcpp
from PIL import Image

from bot import reminders
from bot.sandbox import Respondent, SandboxRequest, supergroup_chat, user
from tests.support.admin import (
    admin_fixture,  # noqa: F401  (a fixture)
    plain,
    replies,
    staffed_fixture,  # noqa: F401  (a fixture)
)
from tests.support.app import App, Clock
from tests.support.staff import (
    ADMIN,
    CONTROL_SUGGESTION,
    PERSONAL,
    STAFF,
    add_january,
    add_submission,
    fast_files_fixture,  # noqa: F401  (a fixture)
    to_chat,
)

ADMIN_COMMANDS = (
    *("stats", "report", "export", "invite", "remind", "suggestions"),
    *("tindaklanjut", "selesai"),
)

pytestmark = pytest.mark.usefixtures("fast_files")


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
