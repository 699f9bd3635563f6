"""/privacy and /hapus_data. (Being written: issue 4.)"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def add_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Adds the privacy command handlers."""
