"""Closed months: the figures that went out stay the month's figures.

A month closes when its staff post is first claimed (:func:`bot.store.staff.claim`), or, where no
staff chat is configured, at its post time: at the first submission after it
(:func:`closing`, checked inside the submit transaction) or at the latest by the daily
:func:`close_due` job, so a restart or a quiet month changes nothing. From then on the storage
marks every new submission for that month ``late`` (kept, thanked, never counted) and the month's
ranking keeps the quota it closed with (``bot/store/migrations/0004_closed_months.sql``).

No part of the bot changes a closed month's counted set after that. Whatever still does (a
database edited or restored by hand, rows deleted) is caught by :func:`watch`, which compares each
closed month's figures with those it closed with and tells the staff chat once per change, with
the old and the new figures.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.runtime import Runtime, runtime
from bot.sections import Config
from bot.staff.post import CATCH_UP_MONTHS, latest_due, post_time, staff_words
from bot.staff.text import Wording
from bot.store import Closing
from bot.store import staff as staff_store
from survey.period import Period

if TYPE_CHECKING:
    from analysis.indices import IndexValue

logger = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
WATCH_EVERY = timedelta(minutes=10)


def closing(config: Config) -> Closing | None:
    """How months close by the clock: at their post time when there is no staff chat; None when
    the staff post closes them."""
    if config.telegram.staff_chat_id is not None:
        return None
    zone, reports = config.survey.timezone, config.reports
    return Closing(config.survey.monthly_quota, lambda period: post_time(period, zone, reports))


def schedule(app: App) -> None:
    """Registers closing by the clock (without a staff chat) and the watch on closed months."""
    if app.job_queue is None:
        return
    rt = runtime(app)
    if rt.config.telegram.staff_chat_id is None:
        at = rt.config.reports.post_time.replace(tzinfo=rt.config.survey.timezone)
        app.job_queue.run_daily(_close_job, at, name="close-months-daily")
        app.job_queue.run_once(_close_job, timedelta(seconds=5), name="close-months-catch-up")
    app.job_queue.run_repeating(_watch_job, WATCH_EVERY, first=WATCH_EVERY, name="closed-watch")


async def _close_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Closes the months whose post time has passed."""
    await close_due(runtime(context))


async def _watch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tells the staff chat about closed months whose figures changed."""
    await watch(context.application)


async def close_due(rt: Runtime) -> list[Period]:
    """Closes, without a staff chat, the recent months whose post time has passed; returns those
    closed now."""
    rule = closing(rt.config)
    if rule is None:
        return []
    now = rt.now()
    latest = latest_due(now, rt.config.survey.timezone, rt.config.reports)
    closed: list[Period] = []
    for period in latest.back(CATCH_UP_MONTHS):
        if await rt.storage.close_month(period, "post_time", rule.quota, now):
            closed.append(period)
    return closed


async def watch(app: App) -> list[str]:
    """Compares each closed month with the figures it closed with and tells the staff chat of a
    change once, with the old and the new figures; returns the months told about."""
    rt = runtime(app)
    told = []
    for change in await rt.storage.changed_months():
        text = change_text(rt, change.period, change.before, change.after)
        configured = rt.config.telegram.staff_chat_id
        if configured is None:
            logger.warning("closed month %s: its figures changed; no staff chat to tell", change)
        else:
            chat_id = await staff_store.current_chat(rt.storage, configured)
            try:
                await app.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
            except TelegramError as exc:
                logger.warning("closed month %s: could not tell the staff chat: %s", change, exc)
                continue  # told at the next watch
        await rt.storage.noticed(change.period, change.after)
        told.append(change.period)
    return told


def change_text(
    rt: Runtime, period: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> str:
    """The staff-chat notice of a closed month whose figures changed: counts and indices, old
    and new."""
    words = staff_words(rt)
    old, new = _figures(rt, period, before), _figures(rt, period, after)
    lines = [words.get("closed_changed_title", month=words.month(period)), ""]
    lines.append(words.get("closed_changed_counted", old=old["responses"], new=new["responses"]))
    for key, definition in rt.questionnaire.indices.items():
        lines.append(
            words.get(
                "closed_changed_index",
                short=definition.short,
                old=_shown(old.get(key), words),
                new=_shown(new.get(key), words),
            )
        )
    lines += ["", words.get("closed_changed_footer")]
    return "\n".join(lines)


def _figures(rt: Runtime, period: str, figures: Mapping[str, Any]) -> dict[str, Any]:
    from analysis.db import ServiceTally  # analysis loads lazily: start-up time
    from analysis.indices import compute

    tallies = {
        service: ServiceTally(
            responses=f["responses"],
            beyond_quota=f["beyond_quota"],
            late=f["late"],
            sums=f["sums"],
            counts=f["counts"],
        )
        for service, f in figures.items()
    }
    services = [s.code for s in rt.config.services]
    overall = compute(period, tallies, rt.questionnaire, services).overall
    return {"responses": overall.responses, **overall.indices}


def _shown(value: IndexValue | None, words: Wording) -> str:
    if value is None:
        return words.get("closed_changed_none")
    return f"{value.display} ({value.category})"
