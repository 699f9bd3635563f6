"""The respondent's conversation against odd input: bad answers, stale or repeated taps."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from telegram import Update

from bot.respondent.taps import acknowledge
from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from tests.support.app import App, Clock, running
from tests.support.survey import (
    about,
    answer_all,
    begin,
    finish,
    first_item,
    identity,
    rows,
)


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
