"""A fake human in a private chat with the bot: the way tests and the demo talk to a real bot."""

from __future__ import annotations

import copy
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.sandbox.chats import user
from bot.sandbox.request import SandboxRequest
from bot.sandbox.wire import Buttons, JSONDict, _buttons_of


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
        """Return a copy of the newest bot message in this chat that still has inline buttons."""
        return copy.deepcopy(self.sandbox.newest_keyboard(self.chat_id))

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
