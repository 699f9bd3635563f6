"""The monthly post to the staff chat. (Being written: issue 4.)"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def schedule(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Registers the monthly post and its start-up catch-up on the app's JobQueue."""
