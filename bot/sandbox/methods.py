"""The Bot API methods the sandbox answers, each as Telegram would.

:class:`BotApiMethods` maps a method name to its implementation (:meth:`~BotApiMethods._dispatch`);
an implementation takes the normalised parameters and the uploaded files and returns the JSON
``result``, or raises ``_ApiError`` for the error body Telegram sends. Unknown methods get the
404 "Not Found" that PTB turns into ``InvalidToken``; the no-op methods answer ``True``.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable
from typing import Any

from bot.sandbox.delivery import Delivery
from bot.sandbox.wire import (
    CALLBACK_ANSWER_WINDOW,
    MAX_ALBUM,
    MAX_ALERT,
    MAX_DOWNLOAD,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    JSONDict,
    UploadedFile,
    _ApiError,
    _bad,
    _caption_of,
    _checked_text,
    _commands_key,
    _inline_markup,
    _set_or_drop,
    _utf16_len,
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
_BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_NOOP_METHODS = frozenset(
    {
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

_Method = Callable[[JSONDict, dict[str, UploadedFile]], Any]


class BotApiMethods(Delivery):
    """The Bot API method implementations, for :class:`~bot.sandbox.SandboxRequest`."""

    _methods: dict[str, _Method]
    _media_group_seq: itertools.count[int]

    def _method_table(self) -> dict[str, _Method]:
        methods: dict[str, _Method] = {
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
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
        }
        for name in _NOOP_METHODS:
            methods[name] = lambda p, f: True
        return methods

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

    def _get_file(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        """Describes a file a user sent with content (``document_update(content=…)``), with the
        path it is downloaded from; bots may download up to 20 MB, as on Telegram."""
        file_id = str(params.get("file_id") or "")
        content = self._hosted.get(file_id)
        if content is None:
            raise _bad("wrong file_id or the file is temporarily unavailable")
        if len(content) > MAX_DOWNLOAD:
            raise _bad("file is too big")
        path = f"documents/{file_id}"
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    def download(self, url: str) -> bytes | None:
        """The content at a file URL ``getFile`` gave, or None."""
        _, _, path = url.partition("/documents/")
        return self._hosted.get(path) if path else None

    def _answer_callback_query(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        """Takes one answer per query made by ``callback_update``, within 15 s, with a text of
        at most 200 UTF-16 units, as Telegram does; a query the sandbox did not make (built by
        hand) is taken as it comes."""
        if _utf16_len(str(params.get("text") or "")) > MAX_ALERT:
            raise _bad("MESSAGE_TOO_LONG")
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._queries:
            return True
        made = self._queries[query_id]
        self._queries[query_id] = None
        if made is None or self.clock() - made > CALLBACK_ANSWER_WINDOW:
            raise _ApiError(400, QUERY_TOO_OLD)
        return True

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
