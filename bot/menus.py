"""Command menus per scope. (Being written: issue 4.)"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


async def install(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Sets the command menus: respondents' commands for everyone, admin commands for admins."""
