"""How the bot's messages enter the sandbox's store and are found again for edits.

:class:`Delivery` holds what the sending and editing Bot API methods share: storing a sent
message with its sender, reply and inline keyboard, the checks on keyboards and captions, and
finding the message that an edit, copy or forward refers to.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox.store import Store
from bot.sandbox.wire import (
    MAX_CALLBACK_DATA,
    JSONDict,
    UploadedFile,
    _bad,
    _caption_of,
    _inline_markup,
    _set_or_drop,
)


class Delivery(Store):
    """Storing and finding the bot's messages, for the Bot API methods."""

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

    def _document(self, upload: UploadedFile | None, file_id: Any) -> JSONDict:
        document = self._file("document")
        if upload is not None:
            document.update(
                file_name=upload.filename, mime_type=upload.mime_type, file_size=len(upload.content)
            )
        elif isinstance(file_id, str) and file_id:
            document["file_id"] = file_id
        return document
