"""Reminders to respondents who started a survey but did not submit it.

Reminder ``n`` (1 … ``max_count``) of a draft is due ``delay`` after the later of its last
activity (``updated_at``) and its previous reminder, outside the quiet hours (survey time zone).
Only a respondent's most recently active open draft is reminded, the one a typed answer goes to.
The reminder is one message: a note naming the service above the draft's current question and
its buttons (or the review), so a tap records exactly that item.

Each reminder is a row of ``reminders`` keyed (draft, n), claimed with a lease in a ``BEGIN
IMMEDIATE`` transaction before sending and marked ``sent`` after, so neither a restart nor a second
process sends it twice; a missed run is caught up from the database by the next one. The pace
(``per_second`` overall, one a second per chat) is kept by
:class:`bot.pacing.Pacer`, with or
without PTB's rate limiter; ``ceil(per_second)`` workers share the due reminders, so while one
waits for Telegram's answer the next send starts on its own slot.
A 429 pauses every send for ``retry_after``, then the same reminder is tried again; a 403 marks
the respondent ``unreachable`` until they touch a survey again; other errors leave it ``failed``,
tried by later runs up to ``MAX_ATTEMPTS`` times.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

from telegram.constants import ParseMode
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot.pacing import Pacer
from bot.respondent.screens import Screen
from bot.runtime import Runtime, runtime
from bot.store import REVIEW, Draft
from bot.store import reminders as reminder_store
from bot.store.reminders import Due

logger = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]

INTERVAL = timedelta(minutes=10)
FIRST_RUN = timedelta(seconds=30)  # after start-up: catches up whatever fell due while down
LEASE = timedelta(minutes=5)  # a claim older than this belongs to a dead process
MAX_ATTEMPTS = 3  # sends that failed (not 403) before a draft is no longer reminded
MAX_RETRY_AFTER = 5  # 429s one reminder may meet in one run before it is left for later
_LOCK_KEY = "reminders.lock"


@dataclass
class ReminderRun:
    """What one :func:`send_due` did."""

    due: int = 0  # reminders found due
    sent: int = 0  # delivered
    skipped: int = 0  # claimed by another process, already sent, or the draft closed meanwhile
    unreachable: int = 0  # 403: blocked the bot or deactivated
    failed: int = 0  # other errors; tried again by a later run
    retried: int = 0  # 429s waited out
    quiet: bool = False  # nothing was tried: quiet hours


def in_quiet_hours(moment: datetime, zone: tzinfo, start: time, end: time) -> bool:
    """Returns whether ``moment`` falls in [start, end) local time; the window may wrap midnight."""
    local = moment.astimezone(zone).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def _quiet(rt: Runtime, now: datetime) -> bool:
    settings = rt.config.reminders
    zone = rt.config.survey.timezone
    return in_quiet_hours(now, zone, settings.quiet_start, settings.quiet_end)


def schedule(app: App) -> None:
    """Registers the periodic reminder run on the app's JobQueue."""
    if app.job_queue is None:
        logger.warning("no JobQueue (install python-telegram-bot[job-queue]): no reminders")
        return
    app.job_queue.run_repeating(_job, interval=INTERVAL, first=FIRST_RUN, name="reminders")


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the reminders that are due."""
    run = await send_due(context.application)
    if run.due:
        logger.info("reminders: %s", run)


async def send_due(app: App) -> ReminderRun:
    """Sends every reminder that is due now, each once, and returns what happened."""
    rt = runtime(app)
    settings = rt.config.reminders
    run = ReminderRun()
    now = rt.now()
    if settings.max_count == 0:
        return run
    if _quiet(rt, now):
        run.quiet = True
        return run
    async with _lock(app):  # overlapping runs (job and /remind) would double the pace
        due = await reminder_store.due(
            rt.storage, settings.delay, settings.max_count, MAX_ATTEMPTS, now
        )
        run.due = len(due)
        if not due:
            return run
        pacer = Pacer(settings.per_second)
        owner = f"{os.getpid()}-{secrets.token_hex(4)}"
        queue = iter(due)

        async def worker() -> None:
            for item in queue:  # shared: each due reminder goes to one worker
                if _quiet(rt, rt.now()):  # a long run may reach the quiet hours
                    run.quiet = True
                    return
                await _remind(app, rt, item, pacer, owner, run)

        try:
            async with asyncio.TaskGroup() as group:
                # A worker's round (claim, send, settle) may take up to a second before the
                # pacer waits for it: room for Bot API latency far above the usual 50-200 ms.
                for _ in range(min(len(due), math.ceil(settings.per_second))):
                    group.create_task(worker())
        except ExceptionGroup as failure:  # e.g. the database went away: report the first cause
            raise failure.exceptions[0] from None
    return run


def _lock(app: App) -> asyncio.Lock:
    lock: asyncio.Lock = app.bot_data.setdefault(_LOCK_KEY, asyncio.Lock())
    return lock


# -- one reminder --------------------------------------------------------------------------------


async def _remind(
    app: App, rt: Runtime, due: Due, pacer: Pacer, owner: str, run: ReminderRun
) -> None:
    if not await reminder_store.claim(rt.storage, due, owner, rt.now(), LEASE, MAX_ATTEMPTS):
        run.skipped += 1
        return
    draft = await rt.storage.draft(due.draft_id)
    if draft is None or draft.status != "open" or draft.chat_id is None:
        await reminder_store.settle(rt.storage, due, owner, None, rt.now())
        run.skipped += 1
        return
    screen, chat_id = compose(rt, draft), draft.chat_id
    failure: TelegramError | None = None
    for _ in range(1 + MAX_RETRY_AFTER):
        await pacer.slot(chat_id)
        try:
            await app.bot.send_message(
                chat_id, screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.keyboard
            )
        except RetryAfter as exc:  # not delivered: wait as told, then the same reminder again
            run.retried += 1
            pacer.pause(_seconds(exc.retry_after))
            failure = exc
            continue
        except Forbidden as exc:
            reason = _reason(exc.message)
            await reminder_store.settle(
                rt.storage, due, owner, "unreachable", rt.now(), draft.user_id, reason
            )
            run.unreachable += 1
            return
        except TelegramError as exc:
            failure = exc
            break
        pacer.answered(chat_id)
        await reminder_store.settle(rt.storage, due, owner, "sent", rt.now())
        run.sent += 1
        return
    logger.warning("reminder %s of draft %s not sent: %s", due.n, due.draft_id, failure)
    await reminder_store.settle(rt.storage, due, owner, "failed", rt.now())
    run.failed += 1


def compose(rt: Runtime, draft: Draft) -> Screen:
    """Returns the reminder: the note naming the service, then the draft's current question.

    It always fits one message: the longest screen, the review, is about 2,500 characters once
    Telegram has parsed its HTML, of the 4,096 allowed.
    """
    language = rt.render.language(draft)
    note = rt.messages.get("reminder_note", language, service=rt.render.service_name(draft.service))
    step = draft.step(rt.questionnaire.step_keys)
    screen = (
        rt.render.review(draft) if step == REVIEW else rt.render.question(draft, step, rt.now())
    )
    return Screen(f"{note}\n\n{screen.text}", screen.keyboard)


def _seconds(retry_after: object) -> float:
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after) if isinstance(retry_after, int | float) else 1.0


def _reason(message: str) -> str:
    text = message.lower()
    return next((word for word in ("blocked", "deactivated") if word in text), "forbidden")
