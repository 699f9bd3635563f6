"""Updates from the users' side: builders for what people send, and the ``getUpdates`` queue.

The builders return update dicts shaped as Telegram delivers them and store the users' messages,
so that replies and edits can refer to them; hand an update to ``Application.process_update``
(as :class:`~bot.sandbox.Respondent` does) or queue it for polling with
:meth:`UpdateBuilders.queue_update`.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
from collections.abc import Mapping
from typing import Any

from bot.sandbox.chats import _private_chat
from bot.sandbox.store import Store
from bot.sandbox.wire import JSONDict, _command_entities


class UpdateBuilders(Store):
    """Update builders and the getUpdates queue, for :class:`~bot.sandbox.SandboxRequest`."""

    max_poll_wait: float
    _waiters: list[asyncio.Event]
    _last_update_id: int
    _callback_seq: itertools.count[int]

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

    def release_polls(self) -> None:
        """Ends every getUpdates waiting for an update now, as if its timeout had run out."""
        for waiter in self._waiters:
            waiter.set()

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
        self,
        from_user: Mapping[str, Any],
        message: Mapping[str, Any],
        data: str,
        *,
        too_old: bool = False,
    ) -> JSONDict:
        """Return a ``callback_query`` update for tapping ``data`` on the bot's ``message``.

        The message is taken as currently stored when the sandbox knows it, as Telegram sends.
        With ``too_old`` it comes as Telegram sends a message too old to include: an
        ``InaccessibleMessage``, its chat and id alone and the date 0. The query takes one
        answer, within ``CALLBACK_ANSWER_WINDOW`` seconds of ``clock`` (see
        ``answerCallbackQuery``).
        """
        chat_id = int(message["chat"]["id"])
        current = self.message(chat_id, int(message["message_id"])) or copy.deepcopy(dict(message))
        if too_old:
            current = {"chat": current["chat"], "message_id": current["message_id"], "date": 0}
        query_id = str(4_000_000_000_000_000 + next(self._callback_seq))
        self._queries[query_id] = self.clock()
        query = {
            "id": query_id,
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
        *,
        content: bytes | None = None,
    ) -> JSONDict:
        """Return a message update carrying a photo (three sizes, as Telegram sends); with
        ``content``, the largest size is that file, which ``getFile`` and a download give."""
        sizes = self._photo_sizes()
        if content is not None:
            sizes[-1]["file_size"] = len(content)
            self._hosted[sizes[-1]["file_id"]] = content
        message = _captioned({"photo": sizes}, caption)
        return self._update("message", self._user_message(from_user, chat, message))

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
        *,
        content: bytes | None = None,
        caption: str | None = None,
        file_size: int | None = None,
    ) -> JSONDict:
        """Return a message update carrying a document; with ``content``, that file is what
        ``getFile`` and a download give. A caption starting with a /command gets its entity."""
        document = {
            **self._file("document"),
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": file_size or (2048 if content is None else len(content)),
        }
        if content is not None:
            self._hosted[document["file_id"]] = content
        message = _captioned({"document": document}, caption)
        return self._update("message", self._user_message(from_user, chat, message))

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


def _captioned(content: JSONDict, caption: str | None) -> JSONDict:
    """A media message's content with its caption, and a leading /command's entity."""
    if caption:
        content["caption"] = caption
        entities = _command_entities(caption).get("entities")
        if entities:
            content["caption_entities"] = entities
    return content
