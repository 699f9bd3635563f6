"""What the sandbox Bot API remembers, and the public ways to read it.

:class:`Store` declares the state every part of :class:`~bot.sandbox.SandboxRequest` shares (the
recorded calls, chats, messages per chat with the ids the bot sent, commands, queued updates) and
holds the readers tests assert with, plus the few primitives the writers share: chat lookup,
message and file ids, recording a call. :class:`~bot.sandbox.SandboxRequest.__init__` sets it all.
"""

from __future__ import annotations

import copy
import itertools
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.chats import _SUPERGROUP_IDS, group_chat, supergroup_chat
from bot.sandbox.wire import (
    Buttons,
    Call,
    JSONDict,
    UploadedFile,
    _bad,
    _buttons_of,
    _commands_key,
)


class Store:
    """The sandbox's memory of the Telegram world, and its readers."""

    calls: list[Call]
    flood_errors: int
    bot_username: str
    bot_first_name: str
    clock: Callable[[], float]
    wall_clock: Callable[[], float]
    _bot_id: int | None
    _chats: dict[int, JSONDict]
    _messages: dict[int, dict[int, JSONDict]]
    _bot_sent: dict[int, list[int]]
    _message_ids: dict[int, int]
    _queries: dict[str, float | None]  # callback query id -> when it was made; None once answered
    _commands: dict[tuple[str, str], list[JSONDict]]
    _updates: deque[JSONDict]
    _webhook_url: str
    _file_seq: itertools.count[int]
    _hosted: dict[str, bytes]  # file id -> the content of a file users sent, for getFile

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

    def newest_keyboard(self, chat_id: int) -> JSONDict | None:
        """Return the bot's newest message in a chat that still has inline buttons, or None.

        Unlike the other readers this returns the stored message itself, not a copy, so that a
        driver running in the bot's process costs it little: read it, never change it.
        """
        stored = self._messages.get(chat_id, {})
        for message_id in reversed(self._bot_sent.get(chat_id, [])):
            message = stored.get(message_id)
            if message is not None and message.get("reply_markup"):
                return message
        return None

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

    # -- primitives shared by the updates and the Bot API methods -----------------------------

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
