"""Bot API ``User`` and ``Chat`` dicts for the people and chats a sandbox test talks about."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sandbox.wire import JSONDict

_SUPERGROUP_IDS = -1_000_000_000_000  # supergroup and channel ids are -100xxxxxxxxxx


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
