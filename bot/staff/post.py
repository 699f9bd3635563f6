"""The monthly post to the staff chat: the previous month's figures, charts, XLSX and DOCX.

When: ``[reports] post_day`` at ``post_time`` (survey time zone) for the month before. Which months
are due is worked out from the database, never from the scheduler's memory (APScheduler skips a
job missed while the bot was down), by :func:`post_due`: every month whose post time has passed,
at most :data:`CATCH_UP_MONTHS` back, that is not fully posted in the staff chat. It runs at
start-up, daily at the post time, and every :data:`CHECK_EVERY` to retry what failed.

Which months count: from the month the staff chat was first served (recorded in ``settings``
on the first check) on; the month before it only if it has submissions, so a bot installed on
3 February posts January, and one installed mid-January stays quiet until 1 February.

Once only: :mod:`bot.store.staff` claims a month's unsent parts with a lease in one
``BEGIN IMMEDIATE`` transaction and marks each part sent as it goes out; a failure (Telegram, or
the report's child process dying: :class:`~bot.staff.report.BuildFailed`) gives the rest back to
a later run. A group upgraded to a supergroup (``ChatMigrated``) is followed, and the new
id recorded and used from then on.

One month's failure never blocks another's. :func:`post_due` goes on past a month whose report
could not be built (``BuildFailed``: something in that month's data, or its child process died):
the next month's data is different and may well build, and a build sends nothing to Telegram, so
going on cannot flood the chat. It stops at a Telegram or network error (``TelegramError``): the
chat or the connection is failing, every later month would fail the same way, and sending on
would only hammer Telegram; the next check (:data:`CHECK_EVERY`) tries again, oldest month first.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Literal

from telegram.error import ChatMigrated, TelegramError
from telegram.ext import Application, ContextTypes

from bot.pacing import GroupLimit
from bot.runtime import Runtime, runtime
from bot.sections import ReportsConfig
from bot.staff.report import BuildFailed, Report, build
from bot.staff.send import send_part
from bot.staff.text import Wording
from bot.store import staff as staff_store
from survey.period import Period

logger = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]

LEASE = timedelta(minutes=5)  # renewed before every part, so it only has to outlast one part
CHECK_EVERY = timedelta(minutes=10)
STARTUP_DELAY = timedelta(seconds=5)
CATCH_UP_MONTHS = 3


@dataclass(frozen=True)
class PostResult:
    """What one month's post did: posted (``sent`` lists the parts), or found it done, busy
    (another run holds it) or failed (``error``, for the log; ``cause``, the failure's class,
    for the admin; the unsent parts are retried later)."""

    period: str
    chat_id: int
    state: Literal["posted", "done", "busy", "failed"]
    sent: tuple[str, ...] = ()
    error: str | None = None
    cause: str | None = None

    @property
    def build_failed(self) -> bool:
        """Whether the month's report could not be built (nothing reached Telegram)."""
        return self.cause == BuildFailed.__name__


def schedule(app: App) -> None:
    """Registers the monthly post and its start-up catch-up on the app's JobQueue."""
    rt = runtime(app)
    if rt.config.telegram.staff_chat_id is None:
        logger.info("no [telegram] staff_chat_id: the monthly staff post is off")
        return
    if app.job_queue is None:
        logger.warning("no JobQueue (python-telegram-bot[job-queue]): the staff post is off")
        return
    at = rt.config.reports.post_time.replace(tzinfo=rt.config.survey.timezone)
    app.job_queue.run_daily(_post_job, at, name="staff-post-daily")
    app.job_queue.run_repeating(_post_job, CHECK_EVERY, first=CHECK_EVERY, name="staff-post-check")
    app.job_queue.run_once(_post_job, STARTUP_DELAY, name="staff-post-catch-up")


async def _post_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Posts every month that is due and not fully posted yet."""
    await post_due(context.application)


async def post_due(app: App) -> list[PostResult]:
    """Posts every due month not yet fully posted in the staff chat, oldest first."""
    rt = runtime(app)
    configured = rt.config.telegram.staff_chat_id
    if configured is None:
        return []
    results = []
    pacer = GroupLimit()
    for period in await due_periods(rt, configured):
        result = await post_month(app, period, pacer)
        results.append(result)
        if result.state == "failed" and not result.build_failed:
            break  # the chat or the network is failing: see the module docstring
    return results


async def due_periods(rt: Runtime, configured: int) -> list[Period]:
    """Returns the months whose post time has passed and whose post is not complete."""
    now = rt.now()
    zone = rt.config.survey.timezone
    since = await staff_store.keep_first(
        rt.storage, staff_store.SERVED_SINCE.format(configured), Period.of(now, zone), now
    )
    first = Period.parse(since).shift(-1)
    latest = latest_due(now, zone, rt.config.reports)
    window = latest.back(CATCH_UP_MONTHS)
    window = [p for p in window if p >= first]
    chat_id = await staff_store.current_chat(rt.storage, configured)
    done = await staff_store.completed(rt.storage, chat_id, window)
    due = [p for p in window if p not in done]
    if due and due[0] == first and not await staff_store.has_submissions(rt.storage, first):
        due.pop(0)  # the month before the bot served this chat: posted only if it has data
    return due


async def post_month(app: App, period: str, pacer: GroupLimit | None = None) -> PostResult:
    """Posts what is still missing of ``period``'s post in the staff chat, once."""
    rt = runtime(app)
    configured = rt.config.telegram.staff_chat_id
    if configured is None:
        raise ValueError("no [telegram] staff_chat_id is configured")
    chat_id = await staff_store.current_chat(rt.storage, configured)
    owner = uuid.uuid4().hex
    quota = rt.config.survey.monthly_quota
    claim = await staff_store.claim(rt.storage, period, chat_id, owner, rt.now(), LEASE, quota)
    if claim.state != "claimed":
        return PostResult(period, chat_id, claim.state)
    logger.info("staff post %s: sending %s to chat %s", period, ", ".join(claim.parts), chat_id)
    pacer = pacer or GroupLimit()
    sent: list[str] = []
    try:
        report = await build(rt, period, files=claim.parts != staff_store.NO_DATA_PARTS)
        available = current_parts(report)  # fewer if every submission was erased meanwhile
        for part in claim.parts:
            if not await staff_store.renew(rt.storage, period, chat_id, owner, rt.now(), LEASE):
                logger.warning("staff post %s: lost the claim before %s", period, part)
                return PostResult(period, chat_id, "busy", tuple(sent))
            ids: list[int] = []
            if part in available:
                ids, chat_id = await send_following(app, chat_id, part, report, pacer)
            await staff_store.mark_sent(rt.storage, period, chat_id, part, ids, rt.now())
            sent.append(part)
    except (TelegramError, BuildFailed) as exc:
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("staff post %s: stopped after %s: %s", period, sent or "nothing", error)
        chat_id = await staff_store.current_chat(rt.storage, configured)
        await staff_store.release(rt.storage, period, chat_id, owner, error)
        return PostResult(period, chat_id, "failed", tuple(sent), error, type(exc).__name__)
    except Exception:
        chat_id = await staff_store.current_chat(rt.storage, configured)
        await staff_store.release(rt.storage, period, chat_id, owner, "internal error")
        raise
    logger.info("staff post %s: complete in chat %s", period, chat_id)
    return PostResult(period, chat_id, "posted", tuple(sent))


async def send_following(
    app: App, chat_id: int, part: str, report: Report, pacer: GroupLimit
) -> tuple[list[int], int]:
    """Sends a part to the staff chat, following it once if it became a supergroup; returns the
    message ids and the chat id they went to."""
    rt = runtime(app)
    words = staff_words(rt)
    personal = rt.config.reports.include_personal
    try:
        return await send_part(app.bot, chat_id, part, report, words, pacer, personal), chat_id
    except ChatMigrated as moved:
        new = moved.new_chat_id
        logger.warning("staff chat %s became supergroup %s: following it", chat_id, new)
        await staff_store.record_migration(rt.storage, chat_id, new, rt.now())
        return await send_part(app.bot, new, part, report, words, pacer, personal), new


def current_parts(report: Report) -> tuple[str, ...]:
    """Returns the parts a report has: all four, or the text alone for a month without data."""
    return staff_store.PARTS if report.has_data else staff_store.NO_DATA_PARTS


def staff_words(rt: Runtime, language: str | None = None) -> Wording:
    """Returns the wording of staff texts, in the survey's default language unless told."""
    return Wording(
        messages=rt.messages,
        questionnaire=rt.questionnaire,
        services={s.code: s.name for s in rt.config.services},
        language=language or rt.config.survey.default_language,
    )


# -- months --------------------------------------------------------------------------------------


def post_time(period: str, zone: tzinfo, reports: ReportsConfig) -> datetime:
    """Returns when ``period`` is posted: ``post_day`` of the next month at ``post_time``."""
    following = Period.parse(period).shift(1)
    day = date(following.year, following.month, reports.post_day)
    return datetime.combine(day, reports.post_time, tzinfo=zone)


def latest_due(now: datetime, zone: tzinfo, reports: ReportsConfig) -> Period:
    """Returns the newest month whose post time has passed at ``now``."""
    previous = Period.of(now, zone).shift(-1)
    return previous if now >= post_time(previous, zone, reports) else previous.shift(-1)
