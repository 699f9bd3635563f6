"""The respondent's conversation end to end: services, languages, review, restart, the month."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from tests.support.app import App, Clock, running
from tests.support.survey import (
    ITEMS,
    SERVICES,
    answer_all,
    begin,
    finish,
    first_item,
    identity,
    rows,
)


@pytest.mark.parametrize("service", SERVICES)
async def test_full_questionnaire_for_each_service(
    app: App, sandbox: SandboxRequest, config: Config, respondent: Respondent, service: str
) -> None:
    await respondent.command(app, "start", service)
    name = config.service(service).name  # type: ignore[union-attr]
    assert any(name in (m.get("text") or "") for m in sandbox.sent_to(respondent.chat_id))
    assert respondent.labels() == ["Bahasa Indonesia", "English"]
    await identity(respondent, app)
    assert respondent.labels() == ["Januari 2025", "Desember 2024"]  # this month first
    await respondent.tap(app, "Januari 2025")
    assert "U1" in (respondent.last_text or "")
    assert respondent.labels() == [
        "1 · Tidak mudah",
        "2 · Kurang mudah",
        "3 · Mudah",
        "4 · Sangat mudah",
    ]
    for item in ITEMS:
        await respondent.tap(app, "3 · " if item in ("U3", "U4") else "4 · ")
    assert respondent.labels() == ["Lewati"]
    await respondent.tap(app, "Lewati")
    review = respondent.last_text or ""
    assert "Dini B" in review and "Novell Pharmaceutical Laboratories" in review
    assert "3 · Cepat" in review and "4 · Sangat setuju" in review
    assert respondent.labels() == ["✅ Kirim", "✏️ Ubah"]
    await respondent.tap(app, "✅ Kirim")
    assert "Terima kasih" in (respondent.last_text or "")
    assert "Januari 2025" in (respondent.last_text or "")

    [(sid, stored_service, period, identity_json, suggestion)] = rows(
        config, "SELECT id, service, period, identity, suggestion FROM submissions"
    )
    assert (stored_service, period, suggestion) == (service, "2025-01", None)
    assert json.loads(identity_json) == {
        "name": "Dini B",
        "age": "28",
        "gender": "P",
        "education": "s2",
        "occupation": "swasta",
        "institution": "Novell Pharmaceutical Laboratories",
    }
    scores = dict(rows(config, "SELECT item, score FROM scores WHERE submission_id = ?", sid))
    assert scores == {item: 3 if item in ("U3", "U4") else 4 for item in ITEMS}


async def test_answered_item_message_shows_the_answer_and_loses_its_keyboard(
    app: App, sandbox: SandboxRequest, respondent: Respondent
) -> None:
    question = await first_item(respondent, app)
    await respondent.tap(app, "2 · ")
    edited = sandbox.message(respondent.chat_id, question["message_id"])
    assert edited is not None
    assert "✅ 2 · Kurang mudah" in edited["text"]
    assert not edited.get("reply_markup")


async def test_english_respondent_sees_english_labels(
    app: App, respondent: Respondent, config: Config
) -> None:
    await respondent.command(app, "start", "cpob_impor")
    await identity(respondent, app, "English")
    assert respondent.labels() == ["January 2025", "December 2024"]
    await respondent.tap(app, "January 2025")
    assert respondent.labels()[0] == "1 · Not easy"
    for _ in ITEMS:
        await respondent.tap(app, "4 · ")
    assert respondent.labels()[-1] == "4 · Strongly agree" or respondent.labels() == ["Skip"]
    await respondent.tap(app, "Skip")
    await respondent.tap(app, "✅ Submit")
    assert "Thank you" in (respondent.last_text or "")
    assert rows(config, "SELECT language FROM submissions") == [("en",)]


async def test_start_without_code_lists_services_as_buttons(
    app: App, respondent: Respondent, config: Config
) -> None:
    await respondent.command(app, "start")
    assert respondent.labels() == [s.name for s in config.services]
    await respondent.tap(app, "Surat Keterangan Penerapan CPOB")
    assert respondent.labels() == ["Bahasa Indonesia", "English"]
    assert rows(config, "SELECT service FROM drafts") == [("suket_cpob",)]


async def test_unknown_code_says_so_and_lists_services(
    app: App, respondent: Respondent, config: Config
) -> None:
    await respondent.command(app, "start", "bogus_code")
    assert "tidak dikenal" in (respondent.last_text or "")
    assert "bogus_code" in (respondent.last_text or "")
    assert respondent.labels() == [s.name for s in config.services]
    assert rows(config, "SELECT COUNT(*) FROM drafts") == [(0,)]


async def test_a_period_button_tapped_after_the_month_turned_counts_while_it_still_can(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config, clock: Clock
) -> None:
    """Asked just before midnight on 31 January, answered just after it: January still counts."""
    clock.current = datetime(2025, 1, 31, 16, 50, tzinfo=UTC)  # 23:50 in Jakarta
    await respondent.command(app, "start", "cpob")
    await identity(respondent, app)
    assert respondent.labels() == ["Januari 2025", "Desember 2024"]
    clock.advance(minutes=20)
    await respondent.tap(app, "Januari 2025")
    assert dict(rows(config, "SELECT key, value FROM answers"))["period"] == "2025-01"
    assert "U1" in (respondent.last_text or "")


async def test_a_period_button_gone_stale_asks_the_period_again_with_the_months_of_now(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config, clock: Clock
) -> None:
    clock.current = datetime(2025, 1, 31, 3, 0, tzinfo=UTC)
    await respondent.command(app, "start", "cpob")
    await identity(respondent, app)
    old = respondent.keyboard_message()
    assert old is not None
    clock.current = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)  # December is no longer offered
    await respondent.tap(app, "Desember 2024")
    alert = sandbox.calls_to("answerCallbackQuery")[-1]
    assert "Silakan pilih lagi dari daftar bulan yang baru" in alert.params["text"]
    assert "period" not in dict(rows(config, "SELECT key, value FROM answers"))
    assert sandbox.buttons(respondent.chat_id, old["message_id"]) == []  # the old choice is gone
    assert respondent.labels() == ["Februari 2025", "Januari 2025"]  # asked again, as of now
    await respondent.tap(app, "Januari 2025")
    assert dict(rows(config, "SELECT key, value FROM answers"))["period"] == "2025-01"


async def test_restart_mid_questionnaire_resumes_at_the_right_item(
    config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    r = Respondent(sandbox, 7007, "Robertus")
    async with running(config, sandbox, clock) as first:
        await r.command(first, "start", "cpob")
        await identity(r, first)
        await r.tap(first, "Januari 2025")
        for _ in range(3):
            await r.tap(first, "4 · ")  # U1–U3
        pending = r.keyboard_message()  # U4, asked before the "crash"
        assert pending is not None and "U4" in pending["text"]
    async with running(config, sandbox, clock) as second:
        # A button pressed after the restart works.
        await r.tap(second, "2 · ")
        assert "U5" in (r.last_text or "")
        # Reopening the link continues at the first unanswered item, too.
        await r.command(second, "start", "cpob")
        texts = [m.get("text") or "" for m in sandbox.sent_to(r.chat_id)]
        assert "Melanjutkan" in texts[-2] and "U5" in texts[-1]
        for _ in range(9):
            await r.tap(second, "4 · ")
        await r.tap(second, "Lewati")
        await r.tap(second, "✅ Kirim")
    scores = dict(rows(config, "SELECT item, score FROM scores"))
    assert scores["U4"] == 2 and len(scores) == 13


async def test_second_submission_for_the_same_period_is_refused(
    app: App, respondent: Respondent, config: Config, sandbox: SandboxRequest
) -> None:
    await answer_all(respondent, app)
    await respondent.command(app, "start", "cpob")
    await identity(respondent, app)
    await respondent.tap(app, "Januari 2025")
    text = respondent.last_text or ""
    assert "sudah tercatat pada 15 Januari 2025 pukul 10.00 WIB" in text
    assert respondent.labels() == ["Januari 2025", "Desember 2024"]  # asked again
    # Last month is still open to them; once that is in too, the link says so at once.
    await respondent.tap(app, "Desember 2024")
    for _ in ITEMS:
        await respondent.tap(app, "4 · ")
    await respondent.tap(app, "Lewati")
    await respondent.tap(app, "✅ Kirim")
    await respondent.command(app, "start", "cpob")
    assert "sudah tercatat" in (respondent.last_text or "")
    assert rows(config, "SELECT period FROM submissions ORDER BY period") == [
        ("2024-12",),
        ("2025-01",),
    ]


async def test_quota_counts_the_first_submissions_across_services(
    config: Config, sandbox: SandboxRequest, clock: Clock
) -> None:
    small = replace(config, survey=replace(config.survey, monthly_quota=2))
    async with running(small, sandbox, clock) as app:
        for n, service in enumerate(["suket_cpob", "cpob", "cpob_impor"]):
            clock.advance(minutes=5)
            await answer_all(Respondent(sandbox, 8000 + n), app, service)
        storage = app.bot_data["runtime"].storage
        counted = await storage.counted_ids("2025-01", small.survey.monthly_quota)
    kept = rows(config, "SELECT id, service FROM submissions ORDER BY submitted_at")
    assert len(kept) == 3  # the one beyond quota is kept
    assert counted == [kept[0][0], kept[1][0]]


async def test_change_from_review(app: App, respondent: Respondent, config: Config) -> None:
    await answer_all(respondent, app, submit=False)
    await respondent.tap(app, "✏️ Ubah")
    assert "U3" in respondent.labels() and "Usia" in respondent.labels()
    await respondent.tap(app, "U3")
    assert respondent.labels()[0] == "1 · Tidak cepat"
    await respondent.tap(app, "2 · ")
    assert "2 · Kurang cepat" in (respondent.last_text or "")  # back at the review
    await respondent.tap(app, "✏️ Ubah")
    await respondent.tap(app, "Usia")
    await respondent.say(app, "37")
    assert "Periksa jawaban" in (respondent.last_text or "")
    await respondent.tap(app, "✅ Kirim")
    assert dict(rows(config, "SELECT item, score FROM scores"))["U3"] == 2
    [(identity_json,)] = rows(config, "SELECT identity FROM submissions")
    assert json.loads(identity_json)["age"] == "37"


async def test_cancel_asks_first_then_abandons(
    app: App, respondent: Respondent, config: Config
) -> None:
    await respondent.command(app, "cancel")
    assert "Tidak ada survei" in (respondent.last_text or "")
    await begin(respondent, app)
    await respondent.command(app, "cancel")
    assert respondent.labels() == ["Ya, batalkan", "Tidak, lanjutkan"]
    await respondent.tap(app, "Tidak, lanjutkan")
    assert rows(config, "SELECT status FROM drafts") == [("open",)]
    assert "nama lengkap" in (respondent.last_text or "")
    await respondent.command(app, "cancel")
    await respondent.tap(app, "Ya, batalkan")
    assert rows(config, "SELECT status FROM drafts") == [("cancelled",)]
    assert "dibatalkan" in (respondent.last_text or "")
    await respondent.say(app, "Dini B")
    assert "belum memulai" in (respondent.last_text or "")
    # Starting again begins a fresh draft.
    await respondent.command(app, "start", "cpob")
    assert respondent.labels() == ["Bahasa Indonesia", "English"]


async def test_help_and_unknown_commands(app: App, respondent: Respondent) -> None:
    await respondent.command(app, "help")
    assert "Bantuan" in (respondent.last_text or "")
    await respondent.command(app, "frobnicate")
    assert "Bantuan" in (respondent.last_text or "")


async def test_every_button_fits_telegrams_64_bytes(
    app: App, respondent: Respondent, sandbox: SandboxRequest
) -> None:
    await answer_all(respondent, app, submit=False)
    await respondent.tap(app, "✏️ Ubah")
    sizes = [
        len(button["callback_data"].encode())
        for call in sandbox.calls
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
    ]
    assert sizes and max(sizes) <= 64


async def test_start_in_a_group_points_to_the_private_chat(
    app: App, sandbox: SandboxRequest, config: Config
) -> None:
    from bot.sandbox import group_chat, user

    chat = group_chat()
    await Respondent(sandbox, 9009).send(
        app, sandbox.command_update(user(9009), "start", "cpob", chat=chat)
    )
    assert "t.me/surveibot_demo_bot?start=cpob" in (sandbox.last_text(chat["id"]) or "")
    assert rows(config, "SELECT COUNT(*) FROM drafts") == [(0,)]


async def test_base_url_is_used_for_every_call(
    config: Config, sandbox: SandboxRequest, clock: Clock, tmp_path: Path
) -> None:
    base = "http://127.0.0.1:8081/bot"
    custom = replace(config, telegram=replace(config.telegram, base_url=base))
    async with running(custom, sandbox, clock) as app:
        await answer_all(Respondent(sandbox, 4242), app)
    assert sandbox.calls
    assert all(call.url.startswith(base) for call in sandbox.calls)


async def test_longest_possible_review_fits_one_message(
    app: App, respondent: Respondent, sandbox: SandboxRequest
) -> None:
    await respondent.command(app, "start", "cpob")
    choices = ("Laki-laki", "S2/Profesi/S3", "Pegawai BUMN/D")
    await identity(
        respondent, app, name="<a" * 50, age="99", choices=choices, institution="&b" * 100
    )
    await finish(
        respondent, app, period="Desember 2024", scores=1, suggestion="<&" * 1000, submit=False
    )
    assert "Periksa jawaban" in (respondent.last_text or "")  # the sandbox refuses > 4096
    assert respondent.labels() == ["✅ Kirim", "✏️ Ubah"]
