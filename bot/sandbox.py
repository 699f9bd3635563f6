"""An in-process fake Telegram Bot API, plugged in at PTB's transport seam.

:class:`SandboxRequest` is a :class:`telegram.request.BaseRequest`: PTB builds the URL and the
parameters exactly as it would for ``api.telegram.org`` and hands them to
:meth:`SandboxRequest.do_request`, which answers with the status code and JSON body the real Bot
API would send. So the real :class:`telegram.ext.Application` (handlers, ``Message.reply_text``,
error mapping, polling) runs unchanged and fully offline, in tests and in the product demo::

    sandbox = SandboxRequest(seed=1)
    builder = ApplicationBuilder().token("123:ABC")
    app = builder.request(sandbox).get_updates_request(sandbox).build()
    await app.initialize()
    ana = Respondent(sandbox, 1001, "Ana")
    await ana.command(app, "start", "cpob")
    await ana.tap(app, "4 · Sangat mudah")
    sandbox.last_text(1001)

What it keeps: every call (:attr:`SandboxRequest.calls`), the messages the bot sent per chat with
their edits (:meth:`SandboxRequest.message`, :meth:`SandboxRequest.buttons`), commands per scope and
language, updates queued for ``getUpdates``.

How failures reach PTB (error bodies are shaped like the Bot API's, PTB picks the exception)::

    TelegramError
    ├── BadRequest      400 "Bad Request: …" (edits, lengths, BUTTON_DATA_INVALID, bad_request)
    ├── ChatMigrated    400 with parameters.migrate_to_chat_id (Fault.migrate)
    ├── RetryAfter      429 with parameters.retry_after (Fault.retry_after, flood_limit)
    ├── Forbidden       403 "Forbidden: …" (Fault.forbidden)
    ├── InvalidToken    404 "Not Found", which is what an unknown method gets
    └── NetworkError    5xx (Fault.server_error), raised from do_request (Fault.network_error)
        └── TimedOut    raised from do_request (Fault.timeout, latency above the read timeout)

Seam facts this module relies on (PTB 22.8, ``telegram/request/_baserequest.py``):

- PTB ignores ``ok`` and ``error_code`` in the body; the HTTP status picks the exception, and
  ``parameters.retry_after``/``migrate_to_chat_id`` only count when truthy (0 would not raise).
- Anything but a ``TelegramError`` escaping ``do_request`` is re-raised as ``NetworkError``.
- ``RetryAfter.__init__`` reads its own ``retry_after`` property, which warns
  ``PTBDeprecationWarning`` unless the environment has ``PTB_TIMEDELTA=true``.
- One instance may serve as both ``request`` and ``get_updates_request``: ``Bot.initialize`` and
  ``Bot.shutdown`` then call ours twice, concurrently, so both are idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import math
import random
import re
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import IO, Any, Literal

from telegram import Update
from telegram._utils.types import ODVInput  # the base class's own annotation; no public alias
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

__all__ = [
    "Call",
    "Fault",
    "Respondent",
    "SandboxRequest",
    "UploadedFile",
    "channel_chat",
    "group_chat",
    "supergroup_chat",
    "user",
]

JSONDict = dict[str, Any]
Buttons = list[list[tuple[str, str | None]]]
FaultKind = Literal[
    "retry_after", "forbidden", "bad_request", "migrate", "server_error", "timeout", "network_error"
]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_ALBUM = 10
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
# Parameters PTB normally passes as dicts/lists but a raw api_kwargs caller may pass as JSON text.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "media",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
    }
)
# What copyMessage/forwardMessage must not carry over from the source message.
_ENVELOPE = frozenset(
    {
        "message_id",
        "from",
        "sender_chat",
        "chat",
        "date",
        "edit_date",
        "reply_markup",
        "reply_to_message",
        "forward_origin",
        "media_group_id",
    }
)
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
_BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_INT = re.compile(r"-?\d+")
_TOKEN_ID = re.compile(r"/bot(\d+):[^/]*/")
_SUPERGROUP_IDS = -1_000_000_000_000  # supergroup and channel ids are -100xxxxxxxxxx
_NOOP_METHODS = frozenset(
    {
        "answerCallbackQuery",
        "sendChatAction",
        "logOut",
        "close",
        "setMyDescription",
        "setMyShortDescription",
        "setMyName",
        "setChatMenuButton",
        "pinChatMessage",
        "unpinChatMessage",
        "setMessageReaction",
        "leaveChat",
    }
)


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded in a multipart request."""

    name: str
    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Call:
    """One Bot API call as the sandbox received and answered it.

    ``result_status`` is the HTTP status answered, or ``None`` when the call timed out or failed
    at the network level; ``result`` is the JSON ``result`` of a successful call.
    """

    method: str
    params: JSONDict
    files: dict[str, UploadedFile]
    url: str
    at: float
    result_status: int | None
    result: Any = None


@dataclass(frozen=True)
class Fault:
    """A failure to answer with instead of the real result; build one with the classmethods."""

    kind: FaultKind
    status: int = 0
    description: str = ""
    seconds: int = 0
    new_chat_id: int = 0
    delivered: bool = False

    @classmethod
    def retry_after(cls, seconds: int) -> Fault:
        """429 "Too Many Requests" asking to wait ``seconds`` (at least 1, as Telegram sends)."""
        if seconds < 1:
            raise ValueError("retry_after must be at least 1 second; PTB ignores 0")
        return cls("retry_after", 429, f"Too Many Requests: retry after {seconds}", seconds)

    @classmethod
    def forbidden(cls, description: str = "bot was blocked by the user") -> Fault:
        """403, e.g. the user blocked the bot."""
        return cls("forbidden", 403, _prefixed("Forbidden", description))

    @classmethod
    def bad_request(cls, description: str = "chat not found") -> Fault:
        """400 with the given description."""
        return cls("bad_request", 400, _prefixed("Bad Request", description))

    @classmethod
    def migrate(cls, new_chat_id: int) -> Fault:
        """400 saying the group became the supergroup ``new_chat_id``."""
        description = "Bad Request: group chat was upgraded to a supergroup chat"
        return cls("migrate", 400, description, new_chat_id=new_chat_id)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """A 5xx answer from Telegram's side."""
        if not 500 <= status <= 599:
            raise ValueError(f"server_error needs a 5xx status, got {status}")
        return cls("server_error", status, _phrase(status))

    @classmethod
    def timeout(cls, delivered: bool = False) -> Fault:
        """No answer in time; with ``delivered`` the call still took effect, as real ones can."""
        return cls("timeout", delivered=delivered)

    @classmethod
    def network_error(cls) -> Fault:
        """The connection failed before Telegram saw the call."""
        return cls("network_error")

    def body(self) -> JSONDict:
        """The Bot API error body for this fault."""
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.kind == "retry_after":
            body["parameters"] = {"retry_after": self.seconds}
        elif self.kind == "migrate":
            body["parameters"] = {"migrate_to_chat_id": self.new_chat_id}
        return body


@dataclass
class _Injection:
    method: str | None
    fault: Fault
    times: int | None
    probability: float | None
    chat_id: int | None


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.body: JSONDict = {"ok": False, "error_code": status, "description": description}
        if parameters:
            self.body["parameters"] = parameters
        self.status = status


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _prefixed(prefix: str, description: str) -> str:
    return description if description.startswith(f"{prefix}:") else f"{prefix}: {description}"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Server Error"


def _utf16_len(text: str) -> int:
    # Telegram counts lengths and entity offsets in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


def user(
    user_id: int,
    first_name: str = "Responden",
    language_code: str | None = "id",
    *,
    last_name: str | None = None,
    username: str | None = None,
) -> JSONDict:
    """Return a Bot API ``User`` dict for a human."""
    data: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        data["last_name"] = last_name
    if username:
        data["username"] = username
    if language_code:
        data["language_code"] = language_code
    return data


def group_chat(chat_id: int = -4_000_000_001, title: str = "Grup Sandbox") -> JSONDict:
    """Return a basic group ``Chat`` dict (negative id)."""
    return {"id": -abs(chat_id), "type": "group", "title": title}


def supergroup_chat(
    chat_id: int = -1_001_000_000_001, title: str = "Supergrup Sandbox"
) -> JSONDict:
    """Return a supergroup ``Chat`` dict (ids look like -100xxxxxxxxxx)."""
    return {"id": -abs(chat_id), "type": "supergroup", "title": title}


def channel_chat(chat_id: int = -1_002_000_000_001, title: str = "Kanal Sandbox") -> JSONDict:
    """Return a channel ``Chat`` dict."""
    return {"id": -abs(chat_id), "type": "channel", "title": title}


def _private_chat(from_user: Mapping[str, Any]) -> JSONDict:
    chat: JSONDict = {"id": from_user["id"], "type": "private"}
    for key in ("first_name", "last_name", "username"):
        if key in from_user:
            chat[key] = from_user[key]
    return chat


def _normalise(parameters: Mapping[str, Any]) -> JSONDict:
    params: JSONDict = {}
    for key, value in parameters.items():
        if key in _JSON_PARAMS and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[key] = value
    for key in ("chat_id", "from_chat_id", "message_id", "user_id"):
        value = params.get(key)
        if isinstance(value, str) and _INT.fullmatch(value):
            params[key] = int(value)
    # A JSON round trip gives a deep copy without tuples, exactly what Telegram would parse.
    result: JSONDict = json.loads(json.dumps(params))
    return result


def _uploads(
    multipart: Mapping[str, tuple[str, bytes | IO[bytes], str]],
) -> dict[str, UploadedFile]:
    files = {}
    for name, (filename, content, mime_type) in multipart.items():
        data = content if isinstance(content, bytes) else content.read()
        files[name] = UploadedFile(name, filename, data, mime_type)
    return files


def _inline_markup(params: Mapping[str, Any]) -> JSONDict | None:
    # Messages only ever carry inline keyboards; reply keyboards are a chat setting.
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def _buttons_of(message: Mapping[str, Any]) -> Buttons:
    markup = message.get("reply_markup") or {}
    return [
        [(str(button.get("text", "")), button.get("callback_data")) for button in row]
        for row in markup.get("inline_keyboard", [])
    ]


def _command_entities(text: str) -> JSONDict:
    match = _COMMAND.match(text)
    if match is None:
        return {}
    length = _utf16_len(match.group())
    return {"entities": [{"type": "bot_command", "offset": 0, "length": length}]}


class SandboxRequest(BaseRequest):
    """A fake Bot API server behind PTB's request seam; see the module docstring."""

    def __init__(
        self,
        *,
        seed: int | None = 0,
        latency: float = 0.0,
        flood_limit: tuple[int, float] | None = None,
        per_chat_limit: tuple[int, float] | None = None,
        bot_id: int | None = None,
        bot_username: str = "surveibot_demo_bot",
        bot_first_name: str = "Surveibot Demo",
        read_timeout: float | None = 5.0,
        max_poll_wait: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        """Set up an empty Bot API.

        ``flood_limit``/``per_chat_limit`` = (calls, seconds) allowed for send*/edit*/copy/forward
        overall and per chat, in a rolling window; beyond it the answer is a 429. ``bot_id``
        defaults to the number in the token of the first URL. ``clock`` stamps calls and rate
        windows, ``wall_clock`` gives message dates.
        """
        self.calls: list[Call] = []
        self.latency = latency
        self.flood_limit = flood_limit
        self.per_chat_limit = per_chat_limit
        self.flood_errors = 0
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.max_poll_wait = max_poll_wait
        self.clock = clock
        self.wall_clock = wall_clock
        self._bot_id = bot_id
        self._read_timeout = read_timeout
        self._rng = random.Random(seed)
        self._closed = False
        self._injections: list[_Injection] = []
        self._global_window: deque[float] = deque()
        self._chat_window: dict[int, deque[float]] = {}
        self._chats: dict[int, JSONDict] = {}
        self._messages: dict[int, dict[int, JSONDict]] = {}
        self._bot_sent: dict[int, list[int]] = {}
        self._message_ids: dict[int, int] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._updates: deque[JSONDict] = deque()
        self._waiters: list[asyncio.Event] = []
        self._last_update_id = 0
        self._webhook_url = ""
        self._file_seq = itertools.count(1)
        self._callback_seq = itertools.count(1)
        self._media_group_seq = itertools.count(1)
        self._methods: dict[str, Callable[[JSONDict, dict[str, UploadedFile]], Any]] = {
            "getMe": lambda p, f: self.bot_user(full=True),
            "getWebhookInfo": self._get_webhook_info,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "getChat": self._get_chat,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
        }
        for name in _NOOP_METHODS:
            self._methods[name] = lambda p, f: True

    # -- the BaseRequest seam ---------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """The read timeout PTB adds the getUpdates ``timeout`` to."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open for calls (again); safe to call twice, as Bot.initialize does with one instance."""
        self._closed = False

    async def shutdown(self) -> None:
        """Refuse further calls until initialized again, like HTTPXRequest after closing."""
        self._closed = True

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer one Bot API call with the status code and body Telegram would send."""
        if self._closed:
            raise RuntimeError("This SandboxRequest is not initialized!")
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        if method != "POST":  # file downloads: nothing is hosted here
            return 404, _encode({"ok": False, "error_code": 404, "description": "Not Found"})
        self._learn_bot_id(url)
        params = _normalise(request_data.parameters) if request_data else {}
        files = _uploads(request_data.multipart_data) if request_data else {}

        if self.latency > 0:
            limit = self._timeout_of(read_timeout)
            if limit is not None and self.latency > limit:
                await asyncio.sleep(limit)
                self._record(api_method, params, files, url, None)
                raise TimedOut(f"sandbox: no answer to {api_method} within {limit} s")
            await asyncio.sleep(self.latency)

        fault = self._pick_fault(api_method, params)
        if fault is not None:
            return self._fail(fault, api_method, params, files, url)

        retry_after = self._rate_check(api_method, params)
        if retry_after is not None:
            self.flood_errors += 1
            body = Fault.retry_after(retry_after).body()
            self._record(api_method, params, files, url, 429)
            return 429, _encode(body)

        if api_method == "getUpdates":
            updates = await self._get_updates(params)
            if updates:  # an idle polling loop would otherwise fill `calls`
                self._record(api_method, params, files, url, 200, updates)
            return 200, _encode({"ok": True, "result": updates})

        status, body = self._dispatch(api_method, params, files)
        self._record(api_method, params, files, url, status, body.get("result"))
        return status, _encode(body)

    # -- inspection ---------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Return the recorded calls of one Bot API method, oldest first."""
        return [call for call in self.calls if call.method == method]

    def sent_to(self, chat_id: int) -> list[JSONDict]:
        """Return the bot's messages in a chat as the user now sees them (edits applied, deleted
        ones gone), oldest first."""
        stored = self._messages.get(chat_id, {})
        ids = self._bot_sent.get(chat_id, [])
        return [copy.deepcopy(stored[mid]) for mid in ids if mid in stored]

    def sent_since(self, chat_id: int, message_id: int) -> list[JSONDict]:
        """Return the bot's messages in a chat newer than ``message_id``, as :meth:`sent_to`
        does; cheap when few are new, for simulated users who poll their chat."""
        stored = self._messages.get(chat_id, {})
        newer = list(
            itertools.takewhile(lambda m: m > message_id, reversed(self._bot_sent.get(chat_id, [])))
        )
        return [copy.deepcopy(stored[mid]) for mid in reversed(newer) if mid in stored]

    def last_text(self, chat_id: int) -> str | None:
        """Return the text or caption of the bot's last message in a chat, if any."""
        sent = self.sent_to(chat_id)
        if not sent:
            return None
        last = sent[-1]
        text = last.get("text", last.get("caption"))
        return text if isinstance(text, str) else None

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """Return a stored message (the bot's or a user's) as it is now, or None."""
        stored = self._messages.get(chat_id, {}).get(message_id)
        return copy.deepcopy(stored) if stored is not None else None

    def buttons(self, chat_id: int, message_id: int) -> Buttons:
        """Return a message's inline keyboard as rows of (text, callback_data)."""
        stored = self._messages.get(chat_id, {}).get(message_id)
        return _buttons_of(stored) if stored is not None else []

    def commands(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[JSONDict]:
        """Return the commands set for a scope (default scope if None) and language."""
        return copy.deepcopy(self._commands.get(_commands_key(scope, language_code), []))

    @property
    def webhook_url(self) -> str:
        """The URL last given to setWebhook ("" when polling)."""
        return self._webhook_url

    @property
    def pending_updates(self) -> int:
        """How many queued updates getUpdates has not confirmed yet."""
        return len(self._updates)

    def clear(self) -> None:
        """Forget recorded calls and the flood-error count; messages, chats and faults stay."""
        self.calls.clear()
        self.flood_errors = 0

    def bot_user(self, *, full: bool = False) -> JSONDict:
        """Return the bot's ``User`` dict; ``full`` adds the fields only getMe carries."""
        data: JSONDict = {
            "id": self._bot_id or 7_000_000_001,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }
        if full:
            data.update(
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
                can_connect_to_business=False,
                has_main_web_app=False,
            )
        return data

    # -- fault injection ----------------------------------------------------------------------

    def inject(
        self,
        method: str | None,
        fault: Fault,
        times: int | None = 1,
        probability: float | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Answer matching calls with ``fault``.

        ``method=None`` matches every method except getUpdates (target polling by name).
        ``times=None`` never runs out; with ``probability`` each matching call fails with that
        chance, drawn from the seeded generator, and only failures use up ``times``.
        """
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for no limit")
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        self._injections.append(_Injection(method, fault, times, probability, chat_id))

    def clear_faults(self) -> None:
        """Drop every pending injected fault."""
        self._injections.clear()

    def _pick_fault(self, method: str, params: Mapping[str, Any]) -> Fault | None:
        for injection in list(self._injections):
            if injection.method is None and method == "getUpdates":
                continue
            if injection.method is not None and injection.method != method:
                continue
            if injection.chat_id is not None and params.get("chat_id") != injection.chat_id:
                continue
            if injection.probability is not None and self._rng.random() >= injection.probability:
                continue
            if injection.times is not None:
                injection.times -= 1
                if injection.times == 0:
                    self._injections.remove(injection)
            return injection.fault
        return None

    def _fail(
        self,
        fault: Fault,
        method: str,
        params: JSONDict,
        files: dict[str, UploadedFile],
        url: str,
    ) -> tuple[int, bytes]:
        if fault.kind == "timeout":
            result = None
            if fault.delivered and method != "getUpdates":
                result = self._dispatch(method, params, files)[1].get("result")
            self._record(method, params, files, url, None, result)
            raise TimedOut(f"sandbox: injected timeout on {method}")
        if fault.kind == "network_error":
            self._record(method, params, files, url, None)
            raise NetworkError(f"sandbox: ConnectError: injected network error on {method}")
        self._record(method, params, files, url, fault.status)
        return fault.status, _encode(fault.body())

    # -- flood control ------------------------------------------------------------------------

    def _rate_check(self, method: str, params: Mapping[str, Any]) -> int | None:
        """Return a retry_after if this call breaks a limit, else count it and return None."""
        limited = method.startswith(("send", "edit", "copy", "forward"))
        if not limited or method == "sendChatAction":
            return None
        now = self.clock()
        chat_id = params.get("chat_id")
        chat_window = None
        if self.per_chat_limit is not None and isinstance(chat_id, int):
            chat_window = self._chat_window.setdefault(chat_id, deque())
        waits = [
            _wait(window, limit, now)
            for window, limit in (
                (self._global_window, self.flood_limit),
                (chat_window, self.per_chat_limit),
            )
            if window is not None and limit is not None
        ]
        retry_after = max((w for w in waits if w is not None), default=None)
        if retry_after is not None:
            return retry_after
        if self.flood_limit is not None:
            self._global_window.append(now)
        if chat_window is not None:
            chat_window.append(now)
        return None

    # -- updates for getUpdates and the builders ----------------------------------------------

    def queue_update(self, update: Mapping[str, Any]) -> JSONDict:
        """Queue an update for getUpdates (an update_id is given if missing) and return it."""
        data = copy.deepcopy(dict(update))
        if "update_id" not in data:
            data["update_id"] = self._next_update_id()
        self._last_update_id = max(self._last_update_id, int(data["update_id"]))
        self._updates.append(data)
        for waiter in self._waiters:
            waiter.set()
        return copy.deepcopy(data)

    async def _get_updates(self, params: Mapping[str, Any]) -> list[JSONDict]:
        offset = params.get("offset")
        if isinstance(offset, int) and offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()
        elif isinstance(offset, int):
            # Asking from `offset` confirms everything before it, as in the Bot API.
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        timeout = params.get("timeout") or 0
        if not self._updates and timeout > 0:
            waiter = asyncio.Event()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout(min(float(timeout), self.max_poll_wait)):
                    await waiter.wait()
            except TimeoutError:
                pass
            finally:
                self._waiters.remove(waiter)
        limit = params.get("limit") or 100
        return [copy.deepcopy(u) for u in itertools.islice(self._updates, limit)]

    def message_update(
        self,
        from_user: Mapping[str, Any],
        text: str,
        chat: Mapping[str, Any] | None = None,
        *,
        reply_to: Mapping[str, Any] | None = None,
    ) -> JSONDict:
        """Return a ``message`` update; a leading /command gets its bot_command entity."""
        content: JSONDict = {"text": text, **_command_entities(text)}
        if reply_to is not None:
            content["reply_to_message"] = copy.deepcopy(dict(reply_to))
        return self._update("message", self._user_message(from_user, chat, content))

    def command_update(
        self,
        from_user: Mapping[str, Any],
        command: str,
        payload: str | None = None,
        chat: Mapping[str, Any] | None = None,
    ) -> JSONDict:
        """Return ``/command payload`` as a message update (``/start cpob`` is a deep link)."""
        text = f"/{command.lstrip('/')}" + (f" {payload}" if payload else "")
        return self.message_update(from_user, text, chat)

    def callback_update(
        self, from_user: Mapping[str, Any], message: Mapping[str, Any], data: str
    ) -> JSONDict:
        """Return a ``callback_query`` update for tapping ``data`` on the bot's ``message``.

        The message is taken as currently stored when the sandbox knows it, as Telegram sends.
        """
        chat_id = int(message["chat"]["id"])
        current = self.message(chat_id, int(message["message_id"])) or copy.deepcopy(dict(message))
        query = {
            "id": str(4_000_000_000_000_000 + next(self._callback_seq)),
            "from": dict(from_user),
            "message": current,
            "chat_instance": str(-6_000_000_000_000_000_000 - chat_id),
            "data": data,
        }
        return self._update("callback_query", query)

    def sticker_update(
        self, from_user: Mapping[str, Any], emoji: str = "👍", chat: Mapping[str, Any] | None = None
    ) -> JSONDict:
        """Return a message update carrying a sticker."""
        sticker = {
            **self._file("sticker"),
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "emoji": emoji,
        }
        return self._update("message", self._user_message(from_user, chat, {"sticker": sticker}))

    def photo_update(
        self,
        from_user: Mapping[str, Any],
        caption: str | None = None,
        chat: Mapping[str, Any] | None = None,
    ) -> JSONDict:
        """Return a message update carrying a photo (three sizes, as Telegram sends)."""
        content: JSONDict = {"photo": self._photo_sizes()}
        if caption:
            content["caption"] = caption
        return self._update("message", self._user_message(from_user, chat, content))

    def voice_update(
        self, from_user: Mapping[str, Any], duration: int = 3, chat: Mapping[str, Any] | None = None
    ) -> JSONDict:
        """Return a message update carrying a voice note."""
        voice = {**self._file("voice"), "duration": duration, "mime_type": "audio/ogg"}
        return self._update("message", self._user_message(from_user, chat, {"voice": voice}))

    def location_update(
        self,
        from_user: Mapping[str, Any],
        latitude: float = -6.2,
        longitude: float = 106.8,
        chat: Mapping[str, Any] | None = None,
    ) -> JSONDict:
        """Return a message update carrying a location."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._update("message", self._user_message(from_user, chat, {"location": location}))

    def contact_update(
        self,
        from_user: Mapping[str, Any],
        phone_number: str = "+6281234567890",
        chat: Mapping[str, Any] | None = None,
    ) -> JSONDict:
        """Return a message update in which the user shares their own contact."""
        contact = {
            "phone_number": phone_number,
            "first_name": from_user["first_name"],
            "user_id": from_user["id"],
        }
        return self._update("message", self._user_message(from_user, chat, {"contact": contact}))

    def document_update(
        self,
        from_user: Mapping[str, Any],
        file_name: str = "dokumen.pdf",
        mime_type: str = "application/pdf",
        chat: Mapping[str, Any] | None = None,
    ) -> JSONDict:
        """Return a message update carrying a document."""
        document = {
            **self._file("document"),
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": 2048,
        }
        return self._update("message", self._user_message(from_user, chat, {"document": document}))

    def edited_message_update(self, message: Mapping[str, Any], text: str) -> JSONDict:
        """Return an ``edited_message`` update: the user changed ``message`` to ``text``."""
        edited = copy.deepcopy(dict(message))
        edited.pop("entities", None)
        edited.update(text=text, edit_date=int(self.wall_clock()), **_command_entities(text))
        self._messages.setdefault(edited["chat"]["id"], {})[edited["message_id"]] = edited
        return self._update("edited_message", copy.deepcopy(edited))

    def channel_post_update(self, chat: Mapping[str, Any], text: str) -> JSONDict:
        """Return a ``channel_post`` update (no ``from``; ``sender_chat`` is the channel)."""
        channel = dict(chat)
        chat_id = int(channel["id"])
        self._chats[chat_id] = channel
        post: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "sender_chat": channel,
            "chat": channel,
            "date": int(self.wall_clock()),
            "text": text,
        }
        self._messages.setdefault(chat_id, {})[post["message_id"]] = post
        return self._update("channel_post", copy.deepcopy(post))

    def _update(self, kind: str, payload: JSONDict) -> JSONDict:
        return {"update_id": self._next_update_id(), kind: payload}

    def _next_update_id(self) -> int:
        self._last_update_id += 1
        return self._last_update_id

    def _user_message(
        self, from_user: Mapping[str, Any], chat: Mapping[str, Any] | None, content: JSONDict
    ) -> JSONDict:
        chat_data = dict(chat) if chat is not None else _private_chat(from_user)
        self._chats.setdefault(chat_data["id"], chat_data)
        message: JSONDict = {
            "message_id": self._next_message_id(chat_data["id"]),
            "from": dict(from_user),
            "chat": chat_data,
            "date": int(self.wall_clock()),
            **content,
        }
        self._messages.setdefault(chat_data["id"], {})[message["message_id"]] = message
        return copy.deepcopy(message)

    # -- Bot API methods ----------------------------------------------------------------------

    def _dispatch(
        self, method: str, params: JSONDict, files: dict[str, UploadedFile]
    ) -> tuple[int, JSONDict]:
        handler = self._methods.get(method)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            return 200, {"ok": True, "result": handler(params, files)}
        except _ApiError as err:
            return err.status, err.body

    def _get_webhook_info(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _set_webhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._webhook_url = str(params.get("url", ""))
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _delete_webhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            if not _BOT_COMMAND.fullmatch(str(command.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
        key = _commands_key(params.get("scope"), str(params.get("language_code", "")))
        self._commands[key] = commands
        return True

    def _delete_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        key = _commands_key(params.get("scope"), str(params.get("language_code", "")))
        self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> list[JSONDict]:
        return self.commands(params.get("scope"), str(params.get("language_code", "")))

    def _get_chat(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(self._chat_id(params))
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    def _send_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        text = _checked_text(params.get("text"), params.get("parse_mode"))
        content: JSONDict = {"text": text}
        if params.get("entities"):
            content["entities"] = params["entities"]
        return self._deliver(params, content)

    def _send_photo(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        if "photo" not in files and not isinstance(params.get("photo"), str):
            raise _bad("there is no photo in the request")
        sizes = self._photo_sizes(params.get("photo"))
        return self._deliver(params, {"photo": sizes, **_caption_of(params)})

    def _send_document(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        upload = files.get("document")
        if upload is None and not isinstance(params.get("document"), str):
            raise _bad("there is no document in the request")
        document = self._document(upload, params.get("document"))
        return self._deliver(params, {"document": document, **_caption_of(params)})

    def _send_media_group(self, params: JSONDict, files: dict[str, UploadedFile]) -> list[JSONDict]:
        media = params.get("media") or []
        if not media:
            raise _bad("there are no messages to send")
        if len(media) > MAX_ALBUM:
            raise _bad("too many messages to send as an album")
        contents = []
        for item in media:
            ref = str(item.get("media", ""))
            upload = (
                files.get(ref.removeprefix("attach://")) if ref.startswith("attach://") else None
            )
            if ref.startswith("attach://") and upload is None:
                raise _bad("can't parse InputMedia: media not found")
            kind = item.get("type", "photo")
            if kind == "photo":
                content: JSONDict = {"photo": self._photo_sizes(None if upload else ref)}
            else:
                content = {kind: self._document(upload, None if upload else ref)}
            contents.append({**content, **_caption_of(item)})
        self._check_chat_and_markup(params)
        group_id = str(13_000_000_000_000_000 + next(self._media_group_seq))
        return [self._deliver(params, {**c, "media_group_id": group_id}) for c in contents]

    def _copy_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        source = self._source(params, "message to copy not found")
        content = {k: copy.deepcopy(v) for k, v in source.items() if k not in _ENVELOPE}
        if "caption" in params:
            content.pop("caption_entities", None)
            content.update(_caption_of(params))
        sent = self._deliver(params, content)
        return {"message_id": sent["message_id"]}

    def _forward_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        source = self._source(params, "message to forward not found")
        content = {k: copy.deepcopy(v) for k, v in source.items() if k not in _ENVELOPE}
        if "from" in source:
            origin = {"type": "user", "date": source["date"], "sender_user": source["from"]}
        else:
            origin = {"type": "chat", "date": source["date"], "sender_chat": source["chat"]}
        return self._deliver(
            {**params, "reply_markup": None}, {**content, "forward_origin": origin}
        )

    def _edit_message_text(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        text = _checked_text(params.get("text"), params.get("parse_mode"))
        self._check_markup(params)
        message = self._editable(params)
        if message is None:
            return True
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        markup = _inline_markup(params)
        entities = params.get("entities") or None
        if (message["text"], message.get("entities"), message.get("reply_markup")) == (
            text,
            entities,
            markup,
        ):
            raise _ApiError(400, NOT_MODIFIED)
        message["text"] = text
        _set_or_drop(message, "entities", entities)
        return self._edited(message, markup)

    def _edit_message_caption(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        caption = _caption_of(params)
        self._check_markup(params)
        message = self._editable(params)
        if message is None:
            return True
        if "text" in message:
            raise _bad("there is no caption in the message to edit")
        markup = _inline_markup(params)
        if (message.get("caption"), message.get("reply_markup")) == (
            caption.get("caption"),
            markup,
        ):
            raise _ApiError(400, NOT_MODIFIED)
        message.pop("caption_entities", None)
        message.pop("caption", None)
        message.update(caption)
        return self._edited(message, markup)

    def _edit_message_reply_markup(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        self._check_markup(params)
        message = self._editable(params)
        if message is None:
            return True
        markup = _inline_markup(params)
        if message.get("reply_markup") == markup:
            raise _ApiError(400, NOT_MODIFIED)
        return self._edited(message, markup)

    def _delete_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        stored = self._messages.get(self._chat_id(params), {})
        if stored.pop(params.get("message_id", 0), None) is None:
            raise _bad("message to delete not found")
        return True

    def _delete_messages(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        stored = self._messages.get(self._chat_id(params), {})
        for message_id in params.get("message_ids") or []:
            stored.pop(message_id, None)
        return True

    # -- helpers for the methods --------------------------------------------------------------

    def _deliver(self, params: JSONDict, content: JSONDict) -> JSONDict:
        chat_id = self._check_chat_and_markup(params)
        chat = self._chat(chat_id)
        message: JSONDict = {"message_id": self._next_message_id(chat_id)}
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = self.bot_user()
        message.update(chat=chat, date=int(self.wall_clock()))
        reply = params.get("reply_parameters") or {}
        reply_to = reply.get("message_id", params.get("reply_to_message_id"))
        if reply_to is not None:
            replied = self._messages.get(chat_id, {}).get(reply_to)
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise _bad("message to be replied not found")
            if replied is not None:
                message["reply_to_message"] = {
                    k: v for k, v in replied.items() if k != "reply_to_message"
                }
        message.update(content)
        markup = _inline_markup(params)
        if markup is not None:
            message["reply_markup"] = markup
        self._messages.setdefault(chat_id, {})[message["message_id"]] = message
        self._bot_sent.setdefault(chat_id, []).append(message["message_id"])
        return copy.deepcopy(message)

    def _check_chat_and_markup(self, params: JSONDict) -> int:
        chat_id = self._chat_id(params)
        self._check_markup(params)
        if "caption" in params:
            _caption_of(params)
        return chat_id

    def _check_markup(self, params: JSONDict) -> None:
        markup = params.get("reply_markup")
        if not isinstance(markup, dict):
            return
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise _bad("BUTTON_DATA_INVALID")

    def _editable(self, params: JSONDict) -> JSONDict | None:
        if "inline_message_id" in params:
            return None
        chat_id = self._chat_id(params)
        message = self._messages.get(chat_id, {}).get(params.get("message_id", 0))
        if message is None:
            raise _bad("message to edit not found")
        if message["message_id"] not in self._bot_sent.get(chat_id, []):
            raise _bad("message can't be edited")
        return message

    def _edited(self, message: JSONDict, markup: JSONDict | None) -> JSONDict:
        _set_or_drop(message, "reply_markup", markup)
        message["edit_date"] = int(self.wall_clock())
        return copy.deepcopy(message)

    def _source(self, params: JSONDict, missing: str) -> JSONDict:
        from_chat = params.get("from_chat_id")
        chat = self._messages.get(from_chat, {}) if isinstance(from_chat, int) else {}
        source = chat.get(params.get("message_id", 0))
        if source is None:
            raise _bad(missing)
        return source

    def _chat_id(self, params: Mapping[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for known in self._chats.values():
                if f"@{known.get('username', '')}" == chat_id:
                    return int(known["id"])
            raise _bad("chat not found")
        if not isinstance(chat_id, int):
            raise _bad("chat_id is empty")
        return chat_id

    def _chat(self, chat_id: int) -> JSONDict:
        known = self._chats.get(chat_id)
        if known is not None:
            return dict(known)
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        if chat_id <= _SUPERGROUP_IDS:
            return supergroup_chat(chat_id)
        return group_chat(chat_id)

    def _next_message_id(self, chat_id: int) -> int:
        # In a private chat the user's and the bot's messages share one sequence.
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _file(self, kind: str) -> JSONDict:
        n = next(self._file_seq)
        return {"file_id": f"SBX-{kind}-{n}", "file_unique_id": f"sbx{n}"}

    def _photo_sizes(self, file_id: Any = None) -> list[JSONDict]:
        base = self._file("photo")
        if isinstance(file_id, str) and file_id:
            base["file_id"] = file_id
        return [
            {
                **base,
                "file_id": f"{base['file_id']}-{side}",
                "file_unique_id": f"{base['file_unique_id']}{side}",
                "width": side,
                "height": side * 3 // 4,
                "file_size": side * side // 8,
            }
            for side in (90, 320, 800)
        ]

    def _document(self, upload: UploadedFile | None, file_id: Any) -> JSONDict:
        document = self._file("document")
        if upload is not None:
            document.update(
                file_name=upload.filename, mime_type=upload.mime_type, file_size=len(upload.content)
            )
        elif isinstance(file_id, str) and file_id:
            document["file_id"] = file_id
        return document

    def _learn_bot_id(self, url: str) -> None:
        if self._bot_id is None and (match := _TOKEN_ID.search(url)):
            self._bot_id = int(match.group(1))

    def _timeout_of(self, read_timeout: ODVInput[float]) -> float | None:
        if isinstance(read_timeout, int | float):
            return float(read_timeout)
        if read_timeout is None:
            return None
        return self._read_timeout

    def _record(
        self,
        method: str,
        params: JSONDict,
        files: dict[str, UploadedFile],
        url: str,
        status: int | None,
        result: Any = None,
    ) -> None:
        self.calls.append(Call(method, params, files, url, self.clock(), status, result))


def _encode(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body).encode()


def _wait(window: deque[float], limit: tuple[int, float], now: float) -> int | None:
    count, seconds = limit
    while window and window[0] <= now - seconds:
        window.popleft()
    if len(window) < count:
        return None
    return max(1, math.ceil(window[0] + seconds - now))


def _checked_text(text: Any, parse_mode: Any = None) -> str:
    if not isinstance(text, str) or not text.strip():
        raise _bad("message text is empty")
    if _utf16_len(_visible(text, parse_mode)) > MAX_TEXT:
        raise _bad("message is too long")
    return text


def _visible(text: str, parse_mode: Any) -> str:
    """Returns what Telegram counts: with parse_mode HTML, the text without tags and entities."""
    if str(parse_mode).upper() != "HTML":
        return text
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def _caption_of(params: Mapping[str, Any]) -> JSONDict:
    caption = params.get("caption")
    if not caption:
        return {}
    if _utf16_len(_visible(str(caption), params.get("parse_mode"))) > MAX_CAPTION:
        raise _bad("message caption is too long")
    content: JSONDict = {"caption": str(caption)}
    if params.get("caption_entities"):
        content["caption_entities"] = params["caption_entities"]
    return content


def _set_or_drop(message: JSONDict, key: str, value: Any) -> None:
    if value is None:
        message.pop(key, None)
    else:
        message[key] = value


def _commands_key(scope: Mapping[str, Any] | None, language_code: str) -> tuple[str, str]:
    return json.dumps(dict(scope or {"type": "default"}), sort_keys=True), language_code


class Respondent:
    """A fake human in a private chat with the bot, driving a real Application."""

    def __init__(
        self,
        sandbox: SandboxRequest,
        user_id: int,
        first_name: str = "Responden",
        *,
        language_code: str | None = "id",
        username: str | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.user = user(user_id, first_name, language_code, username=username)

    @property
    def chat_id(self) -> int:
        """The private chat's id, which is the user's id."""
        return int(self.user["id"])

    async def send(
        self, app: Application[Any, Any, Any, Any, Any, Any], payload: JSONDict
    ) -> Update:
        """Hand an update dict to the application and wait until its handlers are done.

        This calls ``Application.process_update`` directly, so the update processor is skipped;
        queue the update for polling to go through it. A handler's exception goes to the error
        handlers and no further: PTB only logs what an error handler raises.
        """
        update = Update.de_json(payload, app.bot)
        await app.process_update(update)
        return update

    async def say(self, app: Application[Any, Any, Any, Any, Any, Any], text: str) -> Update:
        """Send a text message."""
        return await self.send(app, self.sandbox.message_update(self.user, text))

    async def command(
        self, app: Application[Any, Any, Any, Any, Any, Any], name: str, payload: str | None = None
    ) -> Update:
        """Send ``/name payload``."""
        return await self.send(app, self.sandbox.command_update(self.user, name, payload))

    async def tap(self, app: Application[Any, Any, Any, Any, Any, Any], label: str) -> Update:
        """Tap the button labelled ``label`` (exactly, else the only one starting with it) on the
        newest bot message in this chat that has inline buttons."""
        message = self.keyboard_message()
        if message is None:
            raise LookupError(f"no message with inline buttons in chat {self.chat_id}")
        data = _find_button(_buttons_of(message), label)
        return await self.send(app, self.sandbox.callback_update(self.user, message, data))

    def keyboard_message(self) -> JSONDict | None:
        """Return the newest bot message in this chat that still has inline buttons."""
        for message in reversed(self.sandbox.sent_to(self.chat_id)):
            if message.get("reply_markup"):
                return message
        return None

    def labels(self) -> list[str]:
        """Return the button labels of :meth:`keyboard_message`, row by row."""
        message = self.keyboard_message()
        rows = _buttons_of(message) if message is not None else []
        return [text for row in rows for text, _ in row]

    @property
    def last_text(self) -> str | None:
        """The text or caption of the bot's newest message in this chat."""
        return self.sandbox.last_text(self.chat_id)


def _find_button(rows: Buttons, label: str) -> str:
    buttons = [button for row in rows for button in row]
    matches = [b for b in buttons if b[0] == label] or [
        b for b in buttons if b[0].startswith(label)
    ]
    if len(matches) != 1:
        labels = ", ".join(repr(text) for text, _ in buttons)
        found = "several" if matches else "no"
        raise LookupError(f"{found} buttons match {label!r}; the buttons are {labels}")
    text, data = matches[0]
    if data is None:
        raise LookupError(f"button {text!r} has no callback_data")
    return data
