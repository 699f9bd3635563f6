"""Command menus per scope: respondents' commands for everyone, admin commands for admins.

Respondents (the default scope and all private chats) see ``/start``, ``/help``, ``/cancel``,
``/language`` and ``/privacy``; each admin (a chat scope per id in ``admin_ids``) sees those and
the admin commands. Descriptions come from ``bot/data/messages_staff.toml``: the survey's default
language without a language code, every other language under its own code (``en``).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError
from telegram.ext import Application

from bot.runtime import runtime

logger = logging.getLogger(__name__)

RESPONDENT_COMMANDS = ("start", "help", "cancel", "language", "privacy")
ADMIN_COMMANDS = (
    "stats",
    "report",
    "export",
    "invite",
    "remind",
    "suggestions",
    "tindaklanjut",
    "selesai",
)


async def install(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Sets the command menus: respondents' commands for everyone, admin commands for admins."""
    rt = runtime(app)
    default = rt.config.survey.default_language
    for language in rt.messages.languages:
        code = "" if language == default else language

        def menu(names: tuple[str, ...], language: str = language) -> list[BotCommand]:
            return [BotCommand(n, rt.messages.plain(f"menu_{n}", language)) for n in names]

        respondents = menu(RESPONDENT_COMMANDS)
        scopes: list[tuple[BotCommandScope, list[BotCommand]]] = [
            (BotCommandScopeDefault(), respondents),
            (BotCommandScopeAllPrivateChats(), respondents),
        ]
        admins = menu(RESPONDENT_COMMANDS + ADMIN_COMMANDS)
        scopes += [(BotCommandScopeChat(admin), admins) for admin in rt.config.telegram.admin_ids]
        for scope, commands in scopes:
            try:
                await app.bot.set_my_commands(commands, scope=scope, language_code=code or None)
            except TelegramError as exc:
                # A menu is a convenience: an admin who never opened the bot ("chat not found")
                # or a network hiccup must not stop the bot from starting.
                logger.warning("could not set the %s command menu: %s", scope.type, exc)
