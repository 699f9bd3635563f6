"""The services every handler needs, reached through one typed accessor.

:func:`build_application` puts one :class:`Runtime` into ``bot_data``; ``post_init`` opens its
storage and ``post_shutdown`` closes it. Handlers call :func:`runtime` instead of looking up
``bot_data`` keys themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.messages import Messages
from bot.respondent.screens import Renderer
from bot.sections import Config
from bot.store import Storage
from survey.questionnaire import Questionnaire

KEY = "runtime"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Runtime:
    config: Config
    storage: Storage
    messages: Messages
    render: Renderer
    clock: Callable[[], datetime] = utc_now
    # In memory only, as they must work when the database does not: see bot/admin/alerts.py.
    admin_languages: dict[int, str] = field(default_factory=dict)
    alerted: set[str] = field(default_factory=set)

    @property
    def questionnaire(self) -> Questionnaire:
        return self.config.survey.questionnaire

    def now(self) -> datetime:
        return self.clock()


def runtime(
    context: CallbackContext[Any, Any, Any, Any] | Application[Any, Any, Any, Any, Any, Any],
) -> Runtime:
    """Returns the application's :class:`Runtime`."""
    app = context if isinstance(context, Application) else context.application
    value = app.bot_data[KEY]
    assert isinstance(value, Runtime)
    return value
