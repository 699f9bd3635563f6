"""The Bot API's wire format as the sandbox reads and answers it.

Parameters in (normalised as Telegram would parse them), uploads, JSON bodies and error answers
out, the records of each call, and the checks Telegram applies to message content (lengths counted
in UTF-16, callback data, inline keyboards). Everything here is pure: no sandbox state.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

JSONDict = dict[str, Any]
Buttons = list[list[tuple[str, str | None]]]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_ALBUM = 10
MAX_ALERT = 200  # UTF-16 units of an answerCallbackQuery text
MAX_DOWNLOAD = 20 * 1024 * 1024  # the largest file a bot may download (getFile)
CALLBACK_ANSWER_WINDOW = 15.0  # seconds Telegram takes an answer to a callback query for
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
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
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
_INT = re.compile(r"-?\d+")


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


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.body: JSONDict = {"ok": False, "error_code": status, "description": description}
        if parameters:
            self.body["parameters"] = parameters
        self.status = status


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _utf16_len(text: str) -> int:
    # Telegram counts lengths and entity offsets in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


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


def _encode(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body).encode()


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
