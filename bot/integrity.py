"""Red flags, told to the staff within a minute and exactly once (README, "Integritas data").

Every submission stored since the last run is checked (:func:`survey.integrity.red_flag`): an
anti-corruption item at or below ``[integrity] alert_at_or_below``, or a word of
``[integrity] keywords`` in the suggestion. Each red flag is queued in the database
(:mod:`bot.store.integrity`), claimed with a lease, sent to ``[integrity] alert_chat_id`` (else
the staff chat) and marked sent, so a restart or a 429 neither loses nor repeats an alert. The
job runs every minute, and at once after a submit. The alert names the service, the month, the
items and their scores and the suggestion (escaped): never the respondent's name, institution or
Telegram id.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.runtime import Runtime, runtime
from bot.staff.send import patiently
from bot.store import integrity as flags
from bot.store.staff import current_chat
from bot.telegram_text import clip
from survey.follow_up import Target
from survey.integrity import Flag, red_flag

logger = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
EVERY = timedelta(minutes=1)
LEASE = timedelta(minutes=2)
SUGGESTION_SHOWN = 1500  # characters of the suggestion quoted in an alert


def schedule(app: App) -> None:
    """Registers the red-flag job: every minute, and once right after start-up."""
    if app.job_queue is None:
        logger.warning("no JobQueue (python-telegram-bot[job-queue]): red flags are not told")
        return
    app.job_queue.run_repeating(_job, EVERY, first=timedelta(seconds=5), name="red-flags")


def soon(app: App) -> None:
    """Runs the red-flag job now (after a submit), instead of waiting for the minute."""
    if app.job_queue is not None:
        app.job_queue.run_once(_job, 0, name="red-flags-now")


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await tell(context.application)


def flag_of(rt: Runtime, scores: Any, suggestion: str | None) -> Flag | None:
    """The red flag of a submission under the configured rule."""
    rules = rt.config.integrity
    return red_flag(rt.questionnaire, scores, suggestion, rules.alert_at_or_below, rules.keywords)


async def tell(app: App) -> int:
    """Queues the new red flags and sends every one not sent yet; returns how many went out."""
    rt = runtime(app)
    await flags.scan(rt.storage, lambda scores, text: flag_of(rt, scores, text), rt.now())
    configured = rt.config.integrity.alert_chat_id or rt.config.telegram.staff_chat_id
    if configured is None:
        return 0  # queued, told once a chat is configured
    chat_id = await current_chat(rt.storage, configured)
    told = 0
    for alert in await flags.claim(rt.storage, uuid.uuid4().hex, rt.now(), LEASE):
        try:
            message = await patiently(
                app.bot.send_message, chat_id, _text(rt, alert), parse_mode=ParseMode.HTML
            )
        except TelegramError as exc:
            logger.warning("red flag %s not told yet: %s", alert.submission_id, exc)
            await flags.unclaim(rt.storage, alert.submission_id)
            continue
        await flags.sent(rt.storage, alert.submission_id, message.message_id, rt.now())
        told += 1
    return told


def _text(rt: Runtime, alert: flags.Alert) -> str:
    language = rt.config.survey.default_language
    service = rt.config.service(alert.service)
    items = []
    for code, score in alert.items:
        item = rt.questionnaire.item(code)
        label = item.score_label(score, language) if item else ""
        element = item.element[language] if item else code
        values = {"code": code, "element": element, "score": score, "label": label}
        items.append(rt.messages.get("red_flag_item", language, **values))
    lines = [
        rt.messages.get(
            "red_flag_title",
            language,
            service=service.name if service else alert.service,
            month=rt.messages.month(alert.period, language),
        ),
        *items,
    ]
    if alert.words:
        lines.append(rt.messages.get("red_flag_words", language, words=", ".join(alert.words)))
    if alert.suggestion:
        quoted = clip(alert.suggestion, SUGGESTION_SHOWN)
        lines.append(rt.messages.get("red_flag_suggestion", language, suggestion=quoted))
    code = Target(red_flag=alert.submission_id).label
    follow_up = rt.messages.get("red_flag_follow_up", language, code=code, month_code=alert.period)
    lines.append(follow_up)
    return "\n".join(lines)


__all__ = ["flag_of", "schedule", "soon", "tell"]
