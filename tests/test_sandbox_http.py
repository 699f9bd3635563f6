"""The HTTP front of the sandbox, driven by PTB's real HTTP client, as a bot process would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.sandbox import Fault, SandboxRequest, user
from bot.sandbox.http import SandboxServer
from tests.support.app import TOKEN

# Bytes that would break a careless multipart parser: CRLFs, dashes and a boundary-like line.
AWKWARD = b"\x89PNG\r\n\x1a\n\r\n--boundary\r\n\r\n" + bytes(range(256)) * 4


@pytest.fixture
async def server(sandbox: SandboxRequest) -> AsyncIterator[SandboxServer]:
    async with SandboxServer(sandbox, stall=5) as front:
        yield front


@pytest.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=0.5)
    async with Bot(TOKEN, base_url=server.base_url, request=request) as client:
        yield client


async def test_a_bot_talks_to_it_as_to_telegram(
    bot: Bot, sandbox: SandboxRequest, server: SandboxServer
) -> None:
    assert bot.username == "surveibot_demo_bot"
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("4 · Sangat mudah", callback_data="a:1:U1:4")]]
    )
    sent = await bot.send_message(5001, "<b>U1</b> · 123", parse_mode="HTML", reply_markup=keyboard)
    assert sent.text == "<b>U1</b> · 123" and sent.chat.id == 5001
    assert sandbox.buttons(5001, sent.message_id) == [[("4 · Sangat mudah", "a:1:U1:4")]]
    await bot.edit_message_text("42", chat_id=5001, message_id=sent.message_id)
    assert sandbox.last_text(5001) == "42"  # a text that looks like a number stays text
    assert await bot.answer_callback_query("123", text="1") is True
    assert sandbox.calls_to("answerCallbackQuery")[-1].params == {
        "callback_query_id": "123",
        "text": "1",
    }
    assert all(call.url.startswith(f"{server.base_url}{TOKEN}/") for call in sandbox.calls)


async def test_uploads_arrive_byte_for_byte(bot: Bot, sandbox: SandboxRequest) -> None:
    document = await bot.send_document(5001, AWKWARD, filename="data.xlsx", caption="Data")
    assert document.document is not None and document.document.file_size == len(AWKWARD)
    upload = sandbox.calls_to("sendDocument")[-1].files["document"]
    assert (upload.filename, upload.content) == ("data.xlsx", AWKWARD)
    album = await bot.send_media_group(
        5001, [InputMediaPhoto(AWKWARD + bytes([n]), filename=f"{n}.png") for n in range(3)]
    )
    assert len(album) == 3
    files = sandbox.calls_to("sendMediaGroup")[-1].files
    assert sorted(f.content[-1] for f in files.values()) == [0, 1, 2]


async def test_updates_are_fetched_and_confirmed(bot: Bot, sandbox: SandboxRequest) -> None:
    first = sandbox.queue_update(sandbox.command_update(user(5001), "start", "cpob"))
    [update] = await bot.get_updates(timeout=1)
    assert update.update_id == first["update_id"] and update.message is not None
    assert update.message.text == "/start cpob" and update.message.entities
    assert await bot.get_updates(offset=update.update_id + 1, timeout=1) == ()
    assert sandbox.pending_updates == 0


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.server_error(502), NetworkError),
        (Fault.retry_after(3), RetryAfter),
        (Fault.network_error(), NetworkError),
        (Fault.timeout(), TimedOut),
        (Fault.forbidden(), Forbidden),
    ],
)
async def test_faults_reach_the_client_as_from_telegram(
    bot: Bot, sandbox: SandboxRequest, fault: Fault, error: type[Exception]
) -> None:
    sandbox.inject("sendMessage", fault)
    with pytest.raises(error):
        await bot.send_message(5001, "x")
    assert (await bot.send_message(5001, "y")).text == "y"  # the next call is fine


async def test_get_json_and_chunked_bodies_and_garbage(server: SandboxServer) -> None:
    base = f"{server.base_url}{TOKEN}"
    async with httpx.AsyncClient() as client:
        me = await client.get(f"{base}/getMe")
        assert me.json()["result"]["is_bot"] is True
        sent = await client.post(f"{base}/sendMessage", json={"chat_id": 7, "text": "123"})
        assert sent.json()["result"]["text"] == "123"

        async def body() -> AsyncIterator[bytes]:
            yield b"chat_id=7&"
            yield b"text=chunked"

        chunked = await client.post(
            f"{base}/sendMessage",
            content=body(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert chunked.json()["result"]["text"] == "chunked"
        bad = await client.post(
            f"{base}/sendMessage", content=b"{", headers={"Content-Type": "application/json"}
        )
        assert bad.status_code == 400
        unknown = await client.post(f"{base}/noSuchMethod")
        assert unknown.status_code == 404
        download = await client.get(f"{server.base_url.removesuffix('/bot')}/file/bot{TOKEN}/x.png")
        assert download.status_code == 404


async def test_stopping_ends_a_long_poll_at_once(
    sandbox: SandboxRequest, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.max_poll_wait = 30.0
    front = SandboxServer(sandbox)
    await front.start()
    async with httpx.AsyncClient() as client:
        poll = asyncio.create_task(
            client.post(f"{front.base_url}{TOKEN}/getUpdates", json={"timeout": 30})
        )
        await asyncio.sleep(0.3)  # the poll now waits inside the server for an update
        async with asyncio.timeout(2):  # not the poll's 30 s, nor the 5 s grace for connections
            await front.stop()
        await asyncio.gather(poll, return_exceptions=True)
    assert not [r for r in caplog.records if r.name == "asyncio"]  # no task left to be cancelled
