"""The respondent's conversation, driven through the real Application and the sandbox Bot API."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Update

from bot.config import Config
from bot.respondent.taps import acknowledge
from bot.sandbox import Respondent, SandboxRequest
from tests.support.app import App, Clock, running
from tests.support.survey import (
    ITEMS,
    SERVICES,
    about,
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


@pytest.mark.parametrize(
    ("step", "bad", "hint"),
    [
        ("age", "abc", "angka bulat antara 17 dan 99"),
        ("age", "16", "angka bulat antara 17 dan 99"),
        ("age", "100", "angka bulat antara 17 dan 99"),
        ("age", "35.5", "angka bulat antara 17 dan 99"),
        ("age", "-20", "angka bulat antara 17 dan 99"),
        ("name", "   ", "Tuliskan nama Anda"),
        ("name", "12345", "Tuliskan nama Anda"),
        ("name", "x" * 101, "Tuliskan nama Anda"),
        ("name", "\u200b\u200b", "Tuliskan nama Anda"),
    ],
)
async def test_invalid_typed_answer_is_reasked_with_a_hint(
    app: App, respondent: Respondent, config: Config, step: str, bad: str, hint: str
) -> None:
    await begin(respondent, app)
    if step == "age":
        await respondent.say(app, "Dini B")
    await respondent.say(app, bad)
    texts = [m.get("text") or "" for m in respondent.sandbox.sent_to(respondent.chat_id)]
    assert hint in texts[-2]
    expected = "usia" if step == "age" else "nama lengkap"
    assert expected in texts[-1].lower()  # the same question again
    answers = dict(rows(config, "SELECT key, value FROM answers"))
    assert step not in answers


async def test_invalid_institution_and_overlong_suggestion_are_reasked(
    app: App, respondent: Respondent, config: Config
) -> None:
    await respondent.command(app, "start", "cpob")
    await identity(respondent, app, institution="!!!")
    assert "nama instansi" in (respondent.last_text or "").lower()
    await respondent.say(app, "PT Bio Farma (Persero)")
    await finish(respondent, app, suggestion="s" * 2001, submit=False)
    texts = [m.get("text") or "" for m in respondent.sandbox.sent_to(respondent.chat_id)]
    assert "paling panjang 2000" in texts[-2]
    await respondent.say(app, "Perlu menambah personil untuk produk biologi.")
    assert "Periksa jawaban" in (respondent.last_text or "")
    answers = dict(rows(config, "SELECT key, value FROM answers"))
    assert answers["institution"] == "PT Bio Farma (Persero)"
    assert answers["suggestion"] == "Perlu menambah personil untuk produk biologi."


async def test_double_tap_stores_once_and_advances_once(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config
) -> None:
    question = await first_item(respondent, app)
    data = "a:1:U1:3"
    assert any(
        data == d
        for row in sandbox.buttons(respondent.chat_id, question["message_id"])
        for _, d in row
    )
    before = len(sandbox.calls_to("sendMessage"))
    for _ in range(2):
        await respondent.send(app, sandbox.callback_update(respondent.user, question, data))
    assert len(sandbox.calls_to("sendMessage")) == before + 1  # only one next question
    answers = dict(rows(config, "SELECT key, value FROM answers"))
    assert answers["U1"] == "3" and "U2" not in answers
    assert "U2" in (respondent.last_text or "")


async def test_a_question_too_old_for_telegram_to_send_still_takes_its_answer(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config, clock: Clock
) -> None:
    """Someone who stopped comes back days later and taps the question still on their screen.
    Telegram then sends the tapped message as an ``InaccessibleMessage`` (chat and id alone)."""
    u1 = await first_item(respondent, app)
    clock.advance(days=3)
    old_tap = sandbox.callback_update(respondent.user, u1, "a:1:U1:3", too_old=True)
    assert old_tap["callback_query"]["message"]["date"] == 0
    await respondent.send(app, old_tap)
    assert dict(rows(config, "SELECT key, value FROM answers"))["U1"] == "3"
    assert sandbox.buttons(respondent.chat_id, u1["message_id"]) == []  # the old one shows it
    assert "3 · " in (sandbox.message(respondent.chat_id, u1["message_id"]) or {})["text"]
    assert "U2" in (respondent.last_text or "")  # and the next question follows
    assert app.bot_data.get("errors", []) == []


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


async def test_a_tap_notification_longer_than_telegram_shows_is_shortened(
    app: App, sandbox: SandboxRequest, respondent: Respondent
) -> None:
    question = await first_item(respondent, app)
    tap = Update.de_json(sandbox.callback_update(respondent.user, question, "a:1:U1:3"), app.bot)
    assert tap is not None and tap.callback_query is not None
    await acknowledge(tap.callback_query, "Panjang sekali. " * 20)
    [call] = sandbox.calls_to("answerCallbackQuery")[-1:]
    assert call.result_status == 200
    assert len(call.params["text"]) == 200 and call.params["text"].endswith("…")


async def test_stale_button_changes_nothing(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config
) -> None:
    u1 = await first_item(respondent, app)
    await respondent.tap(app, "4 · ")  # U1 = 4, now U2 is asked
    await respondent.send(app, sandbox.callback_update(respondent.user, u1, "a:1:U1:1"))
    answers = dict(rows(config, "SELECT key, value FROM answers"))
    assert answers["U1"] == "4" and "U2" not in answers
    answer = sandbox.calls_to("answerCallbackQuery")[-1]
    assert "sudah dijawab" in answer.params.get("text", "").lower()
    assert '"Periksa jawaban Anda"' in answer.params["text"]  # the review screen, by its title
    # A button of a question not asked yet is just as stale.
    await respondent.send(app, sandbox.callback_update(respondent.user, u1, "a:1:P5:1"))
    assert "P5" not in dict(rows(config, "SELECT key, value FROM answers"))


@pytest.mark.parametrize(
    "data",
    [
        "",
        "zzz",
        "a",
        "a:1",
        "a:1:U2:4",
        "a:1:U1:9",
        "a:1:U1:0",
        "a:abc:U1:4",
        "a:1:nosuch:4",
        "a:999:U1:4",
        "a:1:U1:4:extra",
        "a:1:name:Budi",
        "a:1:period:1999-01",
        "s:1",
        "s:x",
        "e:1:U1",
        "x:1:maybe",
        "v:nosuch",
        "a:1:U1:" + "9" * 50,
    ],
)
async def test_forged_or_malformed_callback_is_refused(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config, data: str
) -> None:
    question = await first_item(respondent, app)
    before = rows(config, "SELECT key, value FROM answers ORDER BY key")
    await respondent.send(app, sandbox.callback_update(respondent.user, question, data))
    assert rows(config, "SELECT key, value FROM answers ORDER BY key") == before
    assert rows(config, "SELECT COUNT(*) FROM submissions") == [(0,)]
    assert sandbox.calls_to("answerCallbackQuery")[-1].params.get("text")


async def test_another_users_button_is_refused(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config
) -> None:
    await begin(respondent, app)
    intruder = Respondent(sandbox, 6006, "Mallory")
    message = respondent.keyboard_message() or sandbox.sent_to(respondent.chat_id)[-1]
    await intruder.send(app, sandbox.callback_update(intruder.user, message, "a:1:name:Eve"))
    await intruder.send(app, sandbox.callback_update(intruder.user, message, "x:1:1"))
    assert rows(config, "SELECT status FROM drafts") == [("open",)]
    assert "name" not in dict(rows(config, "SELECT key, value FROM answers"))


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


TWICE = ["one after the other", "at once", "through the update processor", "across a restart"]
REPLIES = ("sendMessage", "editMessageText", "editMessageReplyMarkup")


async def tap_twice(
    how: str, config: Config, sandbox: SandboxRequest, clock: Clock, r: Respondent, data: str
) -> list[str | None]:
    """Taps the button ``data`` on the newest keyboard twice, as two quick taps do: two callback
    queries on the same message, both sent before the bot answered either. Returns the texts of
    the two answers to the queries (None: no notice)."""
    message = r.keyboard_message()
    assert message is not None
    taps = [sandbox.callback_update(r.user, message, data) for _ in range(2)]
    if how == "across a restart":
        for tap in taps:
            async with running(config, sandbox, clock) as app:
                await r.send(app, tap)
    else:
        async with running(config, sandbox, clock) as app:
            if how == "one after the other":
                for tap in taps:
                    await r.send(app, tap)
            elif how == "at once":  # straight into the handlers, side by side
                await asyncio.gather(*(r.send(app, tap) for tap in taps))
            else:
                await app.start()
                for tap in taps:
                    app.update_queue.put_nowait(Update.de_json(tap, app.bot))
                await app.update_queue.join()
                await app.stop()
    ids = {tap["callback_query"]["id"] for tap in taps}
    answers = [
        c for c in sandbox.calls_to("answerCallbackQuery") if c.params["callback_query_id"] in ids
    ]
    assert len(answers) == 2
    return [call.params.get("text") for call in answers]


def replies_since(sandbox: SandboxRequest, count: int) -> list[str]:
    """The methods of the bot's messages and edits after the first ``count`` calls."""
    return [c.method for c in sandbox.calls[count:] if c.method in REPLIES]


@pytest.mark.parametrize("how", TWICE)
async def test_two_taps_on_submit_thank_once_and_only_notice_the_second(
    config: Config, sandbox: SandboxRequest, clock: Clock, how: str
) -> None:
    r = Respondent(sandbox, 5001, "Dini")
    async with running(config, sandbox, clock) as app:
        await answer_all(r, app, submit=False)
    before = len(sandbox.calls)
    notices = await tap_twice(how, config, sandbox, clock, r, "s:1")
    assert rows(config, "SELECT COUNT(*) FROM submissions") == [(1,)]
    assert replies_since(sandbox, before) == ["editMessageReplyMarkup", "sendMessage"]
    assert "Terima kasih! Jawaban Anda" in (r.last_text or "")
    assert sorted(notices, key=str) == [None, "Survei Anda sudah terkirim. Terima kasih!"]


@pytest.mark.parametrize("how", TWICE)
async def test_two_taps_on_a_service_start_it_once_and_only_notice_the_second(
    config: Config, sandbox: SandboxRequest, clock: Clock, how: str
) -> None:
    r = Respondent(sandbox, 5001, "Dini")
    async with running(config, sandbox, clock) as app:
        await r.command(app, "start")
    before = len(sandbox.calls)
    notices = await tap_twice(how, config, sandbox, clock, r, "v:suket_cpob")
    assert rows(config, "SELECT service FROM drafts") == [("suket_cpob",)]
    assert replies_since(sandbox, before) == [
        "editMessageReplyMarkup",
        "sendMessage",
        "sendMessage",
    ]
    texts = [m.get("text") or "" for m in sandbox.sent_to(r.chat_id)]
    assert sum("Survei untuk layanan" in t for t in texts) == 1
    assert r.labels() == ["Bahasa Indonesia", "English"]
    assert sorted(notices, key=str) == [
        None,
        "Survei layanan ini sudah dibuka: lanjutkan di pesan di bawah.",
    ]


async def test_submit_finding_the_month_in_from_elsewhere_says_so_once(
    app: App, respondent: Respondent, config: Config, sandbox: SandboxRequest
) -> None:
    await answer_all(respondent, app, submit=False)
    with sqlite3.connect(config.storage.path) as db:  # the month came in meanwhile, another way
        db.execute(
            "INSERT INTO submissions (user_id, service, period, submitted_at, language, identity)"
            " VALUES (5001, 'cpob', '2025-01', '2025-01-14T03:00:00.000000+00:00', 'id', '{}')"
        )
    review = respondent.keyboard_message()
    assert review is not None
    before = len(sandbox.calls)
    for _ in range(2):
        await respondent.send(app, sandbox.callback_update(respondent.user, review, "s:1"))
    assert rows(config, "SELECT COUNT(*) FROM submissions") == [(1,)]
    assert replies_since(sandbox, before) == ["editMessageReplyMarkup", "sendMessage"]
    assert "sudah tercatat pada 14 Januari 2025 pukul 10.00 WIB" in (respondent.last_text or "")
    notice = sandbox.calls_to("answerCallbackQuery")[-1].params["text"]
    assert notice == "Survei Anda sudah terkirim. Terima kasih!"


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


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location", "contact", "document"])
async def test_non_text_gets_a_hint_and_the_same_question(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config, kind: str
) -> None:
    await begin(respondent, app)
    await respondent.say(app, "Dini B")
    await respondent.say(app, "28")  # now gender: a button question
    build = getattr(sandbox, f"{kind}_update")
    await respondent.send(app, build(respondent.user))
    texts = [m.get("text") or "" for m in sandbox.sent_to(respondent.chat_id)]
    assert "menekan salah satu tombol" in texts[-2]
    assert respondent.labels() == ["Perempuan", "Laki-laki"]
    await respondent.tap(app, "Laki-laki")  # at a typed question, the hint asks for text
    await respondent.tap(app, "SD")
    await respondent.tap(app, "Lainnya")
    await respondent.send(app, build(respondent.user))
    texts = [m.get("text") or "" for m in sandbox.sent_to(respondent.chat_id)]
    assert "mengetik teks" in texts[-2] and "instansi" in texts[-1]
    assert "institution" not in dict(rows(config, "SELECT key, value FROM answers"))


async def test_text_where_a_button_is_expected(
    app: App, respondent: Respondent, sandbox: SandboxRequest
) -> None:
    await respondent.command(app, "start", "cpob")
    await respondent.say(app, "Indonesia")
    texts = [m.get("text") or "" for m in sandbox.sent_to(respondent.chat_id)]
    assert "menekan salah satu tombol" in texts[-2]
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


async def test_html_in_answers_is_shown_not_interpreted(
    app: App, respondent: Respondent, config: Config
) -> None:
    await respondent.command(app, "start", "cpob")
    await identity(
        respondent,
        app,
        name="<b>Budi</b> & *Co*",
        age="40",
        choices=("Laki-laki", "SD", "Lainnya"),
        institution="PT <script>alert(1)</script>'; DROP TABLE submissions;--",
    )
    await finish(respondent, app, submit=False)
    review = respondent.last_text or ""
    assert "&lt;b&gt;Budi&lt;/b&gt; &amp; *Co*" in review
    assert "<script>" not in review
    await respondent.tap(app, "✅ Kirim")
    [(identity_json,)] = rows(config, "SELECT identity FROM submissions")
    assert json.loads(identity_json)["name"] == "<b>Budi</b> & *Co*"


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


# -- text a report cannot carry (issue 11, point 4) ----------------------------------------------


async def test_control_characters_in_typed_answers_are_never_stored(
    app: App, respondent: Respondent, config: Config
) -> None:
    await begin(respondent, app)
    await respondent.say(app, "\x00\x1b\uffff")  # nothing left to be a name: asked again
    assert "nama lengkap" in (respondent.last_text or "").lower()
    typed_name, typed_institution = "Bu\x00di\x1b[31m Santoso\uffff 😀", "PT\x0bMaju\ud800 Jaya"
    await about(
        respondent, app, typed_name, "40", ("Laki-laki", "SD", "Lainnya"), typed_institution
    )
    typed_suggestion = "Lebih\x0bcepat\x00\ufffe,\tramah\x1b 👍\r\nterima kasih\uffff"
    await finish(respondent, app, suggestion=typed_suggestion, submit=False)
    assert "Periksa jawaban" in (respondent.last_text or "")
    await respondent.tap(app, "✅ Kirim")
    [(identity_json, suggestion)] = rows(config, "SELECT identity, suggestion FROM submissions")
    stored = json.loads(identity_json)
    assert stored["name"] == "Budi[31m Santoso 😀"
    assert stored["institution"] == "PT Maju Jaya"
    assert suggestion == "Lebih cepat,\tramah 👍\r\nterima kasih"
