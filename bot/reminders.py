"""Reminders to respondents who started but did not submit. (Being written: issue 4.)"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def schedule(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Registers the periodic reminder run on the app's JobQueue."""
