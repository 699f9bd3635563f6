"""The sandbox Bot API answers a plain PTB bot as Telegram would: messages, taps, edits, updates."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from telegram import (
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Update,
)
from telegram.error import BadRequest, EndPointNotFound

from bot.sandbox import (
    NOT_MODIFIED,
    Respondent,
    SandboxRequest,
    channel_chat,
    group_chat,
    user,
)
from tests.support.app import App
from tests.support.echo_bot import (
    CHOICES,
    USER,
    ana_fixture,  # noqa: F401  (a fixture)
    app_fixture,  # noqa: F401  (a fixture)
    build,
    sandbox_fixture,  # noqa: F401  (a fixture)
    timedelta_periods_fixture,  # noqa: F401  (a fixture)
)


async def test_get_me_describes_the_bot(app: App, sandbox: SandboxRequest) -> None:
    me = await app.bot.get_me()

    assert (me.id, me.is_bot, me.username) == (123, True, "surveibot_demo_bot")
    assert me.can_join_groups is True and me.supports_inline_queries is False
    assert sandbox.calls_to("getMe")[0].result_status == 200


async def test_a_message_is_echoed_and_recorded(
    app: App, sandbox: SandboxRequest, ana: Respondent
) -> None:
    await ana.say(app, "halo")

    [reply] = sandbox.sent_to(USER)
    assert reply["text"] == "halo" and reply["from"]["id"] == 123
    assert reply["chat"] == {"id": USER, "type": "private", "first_name": "Ana"}
    assert isinstance(reply["date"], int)
    [call] = sandbox.calls_to("sendMessage")
    assert (
        call.params["chat_id"] == USER
        and call.url == "https://api.telegram.org/bot123:ABC/sendMessage"
    )
    assert ana.last_text == "halo"


async def test_a_deep_link_shows_buttons_and_a_tap_edits_the_message(
    app: App, sandbox: SandboxRequest, ana: Respondent
) -> None:
    await ana.command(app, "start", "cpob")
    [question] = sandbox.sent_to(USER)
    assert question["text"] == "Halo cpob"
    assert sandbox.buttons(USER, question["message_id"]) == [
        [("1 · Sangat sulit", "q1:1")],
        [("4 · Sangat mudah", "q1:4")],
    ]

    await ana.tap(app, "4")

    edited = sandbox.message(USER, question["message_id"])
    assert edited is not None and edited["text"] == "Dipilih: q1:4"
    assert "reply_markup" not in edited and "edit_date" in edited
    assert len(sandbox.calls_to("answerCallbackQuery")) == 1
    with pytest.raises(LookupError):
        await ana.tap(app, "4")  # the keyboard is gone


async def test_a_tap_takes_one_short_answer_within_15_seconds() -> None:
    moment = [0.0]
    sandbox = SandboxRequest(clock=lambda: moment[0])
    ana = Respondent(sandbox, USER, "Ana")
    bot = build(sandbox).bot
    await bot.initialize()
    message = {"message_id": 1, "chat": {"id": USER, "type": "private"}, "date": 0}
    taps = [sandbox.callback_update(ana.user, message, "q1:4")["callback_query"] for _ in range(3)]
    assert await bot.answer_callback_query(taps[0]["id"], "a" * 200)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(taps[0]["id"])  # a second answer
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(taps[1]["id"], "a" * 201)
    moment[0] += 15.5
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(taps[2]["id"])
    assert await bot.answer_callback_query("made-by-hand")  # not the sandbox's: taken as it is
    await bot.shutdown()


async def test_user_and_bot_messages_share_one_id_sequence_in_a_private_chat(
    app: App, sandbox: SandboxRequest, ana: Respondent
) -> None:
    update = await ana.say(app, "satu")

    assert update.message is not None and update.message.message_id == 1
    assert sandbox.sent_to(USER)[0]["message_id"] == 2


async def test_a_tap_needs_one_matching_label(app: App, ana: Respondent) -> None:
    await ana.command(app, "start")

    with pytest.raises(LookupError, match="several"):
        await ana.tap(app, "")
    with pytest.raises(LookupError, match="no buttons"):
        await ana.tap(app, "5")
    assert ana.labels() == ["1 · Sangat sulit", "4 · Sangat mudah"]


async def test_edits_follow_the_bot_api_rules(app: App, sandbox: SandboxRequest) -> None:
    sent = await app.bot.send_message(USER, "Pertanyaan 1", reply_markup=CHOICES)

    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await app.bot.edit_message_text("x", chat_id=USER, message_id=99)
    with pytest.raises(BadRequest) as not_modified:
        await sent.edit_text("Pertanyaan 1", reply_markup=CHOICES)
    assert not_modified.value.message == NOT_MODIFIED.removeprefix("Bad Request: ").capitalize()

    await sent.edit_reply_markup(None)
    assert sandbox.buttons(USER, sent.message_id) == []
    await sent.edit_text("Pertanyaan 1 (dijawab)")
    assert sandbox.last_text(USER) == "Pertanyaan 1 (dijawab)"
    with pytest.raises(BadRequest, match="no caption"):
        await sent.edit_caption("x")


@pytest.mark.parametrize(
    ("call", "description"),
    [
        (lambda bot: bot.send_message(USER, "x" * 4097), "Message is too long"),
        (lambda bot: bot.send_message(USER, " "), "Message text is empty"),
        (lambda bot: bot.send_photo(USER, b"img", caption="x" * 1025), "caption is too long"),
        (
            lambda bot: bot.send_message(
                USER,
                "x",
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton("x", callback_data="d" * 65)]]
                ),
            ),
            "Button_data_invalid",
        ),
        (lambda bot: bot.delete_message(USER, 42), "Message to delete not found"),
        (lambda bot: bot.copy_message(USER, USER, 42), "Message to copy not found"),
    ],
)
async def test_invalid_calls_are_bad_requests(
    app: App, call: Callable[[Any], Any], description: str
) -> None:
    with pytest.raises(BadRequest, match=description):
        await call(app.bot)


async def test_lengths_count_utf16_units_like_telegram(app: App) -> None:
    await app.bot.send_message(USER, "x" * 4096)
    with pytest.raises(BadRequest, match="too long"):
        await app.bot.send_message(USER, "😀" * 2049)  # 4098 UTF-16 units
    await app.bot.send_message(USER, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):  # counted after parsing the HTML
        await app.bot.send_message(USER, "<b>" + "😀" * 2048 + "</b>!", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message_too_long"):
        await app.bot.answer_callback_query("1", "😀" * 101)  # 202 units of a tap's notice


async def test_a_custom_base_url_shows_in_the_recorded_urls(sandbox: SandboxRequest) -> None:
    app = build(sandbox, base_url="http://127.0.0.1:8081/bot")
    await app.initialize()
    await app.bot.send_message(USER, "x")
    await app.shutdown()

    assert {call.url for call in sandbox.calls} == {
        "http://127.0.0.1:8081/bot123:ABC/getMe",
        "http://127.0.0.1:8081/bot123:ABC/sendMessage",
    }


async def test_an_unknown_method_is_not_found(app: App) -> None:
    with pytest.raises(EndPointNotFound):
        await app.bot.do_api_request("sendTelepathy")


async def test_commands_are_kept_per_scope_and_language(app: App, sandbox: SandboxRequest) -> None:
    await app.bot.set_my_commands([("start", "Mulai survei")])
    await app.bot.set_my_commands([("start", "Start the survey")], language_code="en")
    await app.bot.set_my_commands(
        [("report", "Laporan")],
        scope=BotCommandScopeChat(-4001),
    )

    english = await app.bot.get_my_commands(language_code="en")
    assert [(c.command, c.description) for c in english] == [("start", "Start the survey")]
    assert sandbox.commands() == [{"command": "start", "description": "Mulai survei"}]
    assert sandbox.commands({"type": "chat", "chat_id": -4001})[0]["command"] == "report"
    await app.bot.delete_my_commands(language_code="en")
    assert await app.bot.get_my_commands(language_code="en") == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await app.bot.set_my_commands([("Start", "capital letters are refused")])


async def test_get_updates_confirms_by_offset(app: App, sandbox: SandboxRequest) -> None:
    first = sandbox.queue_update(sandbox.message_update(user(USER), "satu"))
    sandbox.queue_update(sandbox.message_update(user(USER), "dua"))

    assert [u.message.text for u in await app.bot.get_updates()] == ["satu", "dua"]
    later = await app.bot.get_updates(offset=first["update_id"] + 1, timeout=1)
    assert [u.message.text for u in later] == ["dua"]
    assert sandbox.pending_updates == 1
    assert await app.bot.get_updates(offset=later[0].update_id + 1, timeout=1) == ()


async def test_polling_delivers_queued_updates(app: App, sandbox: SandboxRequest) -> None:
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0)
    sandbox.queue_update(sandbox.message_update(user(USER), "lewat polling"))
    for _ in range(100):
        if sandbox.last_text(USER):
            break
        await asyncio.sleep(0.01)
    await app.updater.stop()
    await app.stop()

    assert sandbox.last_text(USER) == "lewat polling"
    assert sandbox.pending_updates == 0


async def test_uploads_are_recorded(app: App, sandbox: SandboxRequest) -> None:
    await app.bot.send_document(USER, b"a,b\n1,2\n", filename="jawaban.csv", caption="Data")
    album = await app.bot.send_media_group(
        USER, [InputMediaPhoto(b"png-1"), InputMediaPhoto(b"png-2", caption="Grafik")]
    )

    upload = sandbox.calls_to("sendDocument")[0].files["document"]
    assert (upload.filename, upload.content) == ("jawaban.csv", b"a,b\n1,2\n")
    assert upload.mime_type == "text/csv"
    assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
    assert album[1].caption == "Grafik"
    contents = sorted(f.content for f in sandbox.calls_to("sendMediaGroup")[0].files.values())
    assert contents == [b"png-1", b"png-2"]
    assert sandbox.last_text(USER) == "Grafik"


async def test_copy_forward_chat_and_delete(app: App, sandbox: SandboxRequest) -> None:
    sent = await app.bot.send_message(USER, "salin saya")

    copied = await app.bot.copy_message(-4001, USER, sent.message_id)
    forwarded = await app.bot.forward_message(-4001, USER, sent.message_id)
    chat = await app.bot.get_chat(-4001)

    assert sandbox.message(-4001, copied.message_id)["text"] == "salin saya"  # type: ignore[index]
    assert forwarded.forward_origin is not None and forwarded.chat.type == "group"
    assert chat.type == "group"
    assert await app.bot.send_chat_action(USER, "typing") is True
    assert await sent.delete() is True
    assert sandbox.message(USER, sent.message_id) is None


@pytest.mark.parametrize(
    ("build_update", "check"),
    [
        (lambda s: s.sticker_update(user(USER)), lambda u: u.message.sticker.emoji == "👍"),
        (lambda s: s.photo_update(user(USER), "foto"), lambda u: u.message.photo[-1].width == 800),
        (lambda s: s.voice_update(user(USER)), lambda u: u.message.voice.mime_type == "audio/ogg"),
        (lambda s: s.location_update(user(USER)), lambda u: u.message.location.latitude == -6.2),
        (lambda s: s.contact_update(user(USER)), lambda u: u.message.contact.user_id == USER),
        (
            lambda s: s.document_update(user(USER)),
            lambda u: u.message.document.file_name == "dokumen.pdf",
        ),
        (
            lambda s: s.message_update(user(USER), "/start@surveibot_demo_bot x", group_chat()),
            lambda u: u.message.chat.type == "group" and u.message.entities[0].length == 25,
        ),
        (
            lambda s: s.edited_message_update(s.message_update(user(USER), "a")["message"], "b"),
            lambda u: u.edited_message.text == "b" and u.edited_message.edit_date is not None,
        ),
        (
            lambda s: s.channel_post_update(channel_chat(), "pengumuman"),
            lambda u: u.channel_post.sender_chat.type == "channel",
        ),
    ],
)
async def test_update_builders_give_real_shaped_updates(
    app: App,
    sandbox: SandboxRequest,
    build_update: Callable[[SandboxRequest], dict[str, Any]],
    check: Callable[[Any], bool],
) -> None:
    payload = build_update(sandbox)

    update = Update.de_json(payload, app.bot)

    assert check(update)
    assert update.effective_chat is not None


async def test_update_ids_increase(sandbox: SandboxRequest) -> None:
    ids = [sandbox.message_update(user(USER), str(i))["update_id"] for i in range(3)]

    assert ids == sorted(set(ids))
