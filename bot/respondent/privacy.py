"""What the bot keeps about a respondent, and their controls over it (UU PDP, UU No. 27/2022).

``/privacy [id|en]`` explains what is stored, why, for how long and who sees it. ``/hapus_data``
("delete my data") asks first (buttons ``del:1:<time asked>`` / ``del:0``; a "yes" older than 15
minutes is refused and the respondent asked to send /hapus_data again), then erases the respondent's
identity: the free-text identity answers (name, institution) and the Telegram user and chat ids,
from every submission and draft; open drafts are cancelled. Scores, the demographic choices and
submit times stay, so every index and the quota order are unchanged; afterwards the bot cannot
tell the respondent's rows from anyone's. ``erasures`` records counts only. ``/language`` switches
the language of the survey in progress (buttons ``lang:<draft>:<code>``).

An erasure also leaves the erased text in the WAL file until a checkpoint empties it, which a
reader elsewhere (a backup, an export, ``sqlite3`` in a shell) can hold off. The erasure therefore
records ``settings.erasure_checkpoint`` in its own transaction and clears it once a checkpoint
succeeds; until then the job ``erasure_checkpoint`` retries every minute, and start-up tries too,
so a restart does not forget it.

The buttons' data (verbs ``del`` and ``lang``) is that of :mod:`bot.callbacks`; the respondent's
one button router (:mod:`bot.respondent.buttons`) brings their taps here.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.callbacks import encode, number
from bot.messages import Safe
from bot.respondent.conversation import received, send_step
from bot.respondent.taps import acknowledge, edit_tapped
from bot.runtime import Runtime, runtime
from bot.store import Draft, Storage
from bot.store import privacy as privacy_store
from bot.store.privacy import Erasure
from survey.identity import TextStep

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
# "del:0" keeps the data; "del:1:<unix time the question was asked>" erases it, if recent.
_ASKED_AT = re.compile(r"[0-9]{1,12}")
ERASE_CONFIRM_VALID = timedelta(minutes=15)
CHECKPOINT_INTERVAL = timedelta(minutes=1)


def add_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Adds the privacy command handlers."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("privacy", privacy, filters=private))
    app.add_handler(CommandHandler("hapus_data", erase_request, filters=private))
    app.add_handler(CommandHandler("language", language, filters=private))


def schedule(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Registers the job that finishes an erasure's checkpoint once no reader holds it off."""
    if app.job_queue is None:
        logger.warning(
            "no JobQueue (install python-telegram-bot[job-queue]): erasures that "
            "meet a reader are checkpointed at the next start only"
        )
        return
    app.job_queue.run_repeating(
        _checkpoint_job,
        interval=CHECKPOINT_INTERVAL,
        first=CHECKPOINT_INTERVAL,
        name="erasure_checkpoint",
    )


async def _checkpoint_job(context: Context) -> None:
    """Checkpoints the WAL if an erasure still waits for it."""
    await finish_erasures(runtime(context).storage)


# -- /privacy ------------------------------------------------------------------------------------


async def privacy(update: Update, context: Context) -> None:
    """Explains what is stored about the respondent, why, for how long and who sees it."""
    rt = runtime(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    wanted = context.args[0].lower() if context.args else ""
    if wanted in rt.questionnaire.languages:
        lang = wanted
    else:
        lang = rt.render.language(await rt.storage.active_draft(user.id))
    shown = "privacy_list_shown" if rt.config.reports.include_personal else "privacy_list_hidden"
    who = Safe(rt.messages.get(shown, lang))
    text = rt.messages.get("privacy", lang, who=who, reminders=rt.config.reminders.max_count)
    await message.reply_html(text)


# -- /hapus_data ---------------------------------------------------------------------------------


async def erase_request(update: Update, context: Context) -> None:
    """Says what would be erased and asks for confirmation."""
    sent = await received(update, context)
    if sent is None:
        return
    rt, message, lang = sent.rt, sent.message, sent.language
    submissions, drafts = await privacy_store.held(rt.storage, sent.user_id)
    if submissions == drafts == 0:
        await message.reply_html(rt.messages.get("erase_nothing", lang))
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    rt.messages.plain("erase_yes", lang),
                    callback_data=encode("del", 1, int(rt.now().timestamp())),
                ),
                InlineKeyboardButton(
                    rt.messages.plain("erase_no", lang), callback_data=encode("del", 0)
                ),
            ]
        ]
    )
    text = rt.messages.get("erase_confirm", lang, submissions=submissions, drafts=drafts)
    await message.reply_html(text, reply_markup=keyboard)


async def erase_answer(query: CallbackQuery, parts: list[str], context: Context) -> None:
    """Erases the respondent's identity once confirmed (``del``), and says what was erased."""
    rt = runtime(context)
    lang = rt.render.language(await rt.storage.active_draft(query.from_user.id))
    choice, asked = parts[0], parts[1] if len(parts) > 1 else "0"
    if choice not in ("0", "1") or not _ASKED_AT.fullmatch(asked):  # forged
        await acknowledge(query, rt.messages.plain("stale_button", lang))
        return
    if choice == "0":
        await acknowledge(query)
        await _edit(query, rt.messages.get("erase_kept", lang))
        return
    age = rt.now().timestamp() - int(asked)
    if not -60 <= age <= ERASE_CONFIRM_VALID.total_seconds():
        # An old confirmation (or one from before buttons carried their time) is not acted on:
        # erasing cannot be undone, so it takes a fresh /hapus_data.
        await acknowledge(query, rt.messages.plain("erase_expired", lang), show_alert=True)
        await _edit(query, None)
        return
    await acknowledge(query)
    keys = [q.key for q in rt.questionnaire.identity if isinstance(q, TextStep)]
    done = await erase(rt.storage, query.from_user.id, keys, rt.now())
    if done.submissions == done.drafts == 0:
        await _edit(query, rt.messages.get("erase_nothing", lang))
        return
    values = {"submissions": done.submissions, "drafts": done.drafts, "cancelled": done.cancelled}
    await _edit(query, rt.messages.get("erase_done", lang, **values))


async def erase(storage: Storage, user_id: int, keys: list[str], now: datetime) -> Erasure:
    """Removes answers ``keys`` and the user's Telegram ids from all their rows, keeping scores.

    The user's open drafts are cancelled first. Freed space is zeroed (``secure_delete``) and the
    WAL is checkpointed, so the erased text is gone from the files, not only from the rows; while
    a reader elsewhere holds the WAL, the checkpoint stays pending (see :func:`finish_erasures`).
    """
    done = await privacy_store.erase(storage, user_id, keys, now)
    if done.submissions == done.drafts == 0:
        return done
    logger.info(
        "erasure: %s submissions, %s drafts, %s cancelled",
        done.submissions,
        done.drafts,
        done.cancelled,
    )
    if not await finish_erasures(storage):
        logger.warning("erasure: the WAL could not be checkpointed yet (a reader holds it)")
    return done


async def finish_erasures(storage: Storage) -> bool:
    """Checkpoints the WAL if an erasure is waiting for it; returns False while one still waits.

    The pending mark is cleared only if no later erasure replaced it in the meantime.
    """
    pending = await privacy_store.pending_erasure(storage)
    if pending is None:
        return True
    if not await storage.checkpoint():
        return False
    await privacy_store.settle_erasure(storage, pending)
    logger.info("erasure: the WAL is checkpointed; erased data is gone from the database files")
    return True


# -- /language -----------------------------------------------------------------------------------


async def language(update: Update, context: Context) -> None:
    """Offers the languages for the survey in progress, or explains there is none."""
    sent = await received(update, context)
    if sent is None:
        return
    rt, message, draft, lang = sent.rt, sent.message, sent.draft, sent.language
    if draft is None:
        await message.reply_html(rt.messages.get("lang_none", lang))
        return
    names = rt.questionnaire.language_names
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(names[code], callback_data=encode("lang", draft.id, code))]
            for code in rt.questionnaire.languages
        ]
    )
    text = rt.messages.get("lang_choose", lang, current=names[lang])
    await message.reply_html(text, reply_markup=keyboard)


async def language_chosen(query: CallbackQuery, parts: list[str], context: Context) -> None:
    """Stores the chosen language (``lang``) and asks the current question again in it."""
    rt = runtime(context)
    draft_id, code = number(parts[0]), parts[1]
    draft = None
    if draft_id is not None and code in rt.questionnaire.languages:
        draft = await set_language(rt, draft_id, query.from_user.id, code)
    if draft is None:
        default = rt.config.survey.default_language
        await acknowledge(query, rt.messages.plain("stale_button", default))
        await _edit(query, None)
        return
    await acknowledge(query)
    names = rt.questionnaire.language_names
    await _edit(query, rt.messages.get("lang_set", code, name=names[code]))
    await send_step(context, draft)


async def set_language(rt: Runtime, draft_id: int, user_id: int, code: str) -> Draft | None:
    """Sets the language answer of the user's open draft; None when it is not theirs or closed."""
    if not await privacy_store.set_language(rt.storage, draft_id, user_id, code, rt.now()):
        return None
    return await rt.storage.draft(draft_id)


async def _edit(query: CallbackQuery, text: str | None) -> None:
    """Replaces the message of the buttons with ``text``, or only drops the buttons; a text
    that cannot go there (Telegram refused the edit) is sent as a new message."""
    if not await edit_tapped(query, text) and text is not None and query.message is not None:
        await query.get_bot().send_message(query.message.chat.id, text, parse_mode=ParseMode.HTML)
