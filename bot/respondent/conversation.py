"""The questionnaire conversation in private chats.

There is no ConversationHandler and no state in memory: every handler loads the respondent's draft
from the database, derives the step being asked from its answers, stores what it must and only
then replies. A bot killed between two taps continues exactly where each respondent was.

Flow: language → identity → service period → U1–U8 → P1–P5 → suggestion → review → submit.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import replies
from bot.respondent.screens import Screen
from bot.runtime import Runtime, runtime
from bot.store import REVIEW, Draft, Outcome
from survey.safe_text import clean
from survey.steps import offered

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


# -- entry ---------------------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    """Opens the survey of the service named in the deep link, or lists the services."""
    rt = runtime(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    language = rt.config.survey.default_language
    if not context.args:
        await _send(message, rt.render.services("welcome", language))
        return
    code = context.args[0]
    if rt.config.service(code) is None:
        await _send(message, rt.render.services("unknown_service", language, code=code[:64]))
        return
    await begin(message.chat_id, user.id, code, context)


async def begin(chat_id: int, user_id: int, service: str, context: Context) -> None:
    """Starts or resumes the user's draft for ``service`` and asks its current step."""
    rt = runtime(context)
    now = rt.now()
    periods = offered(now, rt.config.survey.timezone)
    # The open draft is found or made, and the months already in checked, in one transaction.
    draft, created, submitted = await rt.storage.begin(user_id, chat_id, service, periods, now)
    if submitted:
        # Said even when the other month is still open: someone whose "thank you" never
        # arrived and who reopens the link learns that their survey is in.
        latest = max(submitted, key=lambda s: s.submitted_at)
        language = latest.language
        text = rt.messages.get(
            "already_submitted",
            language,
            service=rt.render.service_name(service),
            period=rt.messages.month(latest.period, language),
            when=rt.messages.when(latest.submitted_at, rt.config.survey.timezone, language),
        )
        await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    if draft is None:
        return
    language = rt.render.language(draft)
    note = "started" if created else "resumed"
    text = rt.messages.get(note, language, service=rt.render.service_name(service))
    await replies.send_text(context.bot, chat_id, text)
    await send_step(context, draft)


async def send_step(context: Context, draft: Draft) -> None:
    """Sends the question of the draft's current step, or the review when all is answered."""
    rt = runtime(context)
    assert draft.chat_id is not None
    step = draft.step(rt.questionnaire.step_keys)
    screen = (
        rt.render.review(draft) if step == REVIEW else rt.render.question(draft, step, rt.now())
    )
    await replies.send_text(context.bot, draft.chat_id, screen.text, screen.keyboard)


# -- typed answers and stray input ---------------------------------------------------------------


async def text_answer(update: Update, context: Context) -> None:
    """Stores a typed answer (name, age, institution, suggestion) and asks the next step."""
    rt = runtime(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    text = message.text

    def value_for(key: str) -> str | None:
        return clean_answer(rt, key, text) if _typed(rt, key) else None

    # The draft is found, the text checked against its step and stored in one transaction.
    outcome, draft = await rt.storage.record_typed(
        user.id, value_for, rt.questionnaire.step_keys, rt.now(), message.message_id
    )
    if draft is None:
        await message.reply_html(rt.messages.get("no_survey", rt.config.survey.default_language))
        return
    if outcome is Outcome.RECORDED:
        await send_step(context, draft)
        return
    if outcome is not Outcome.STALE:  # a message delivered twice: stored the first time
        return
    key = draft.step(rt.questionnaire.step_keys)
    if _typed(rt, key):
        hint = rt.render.hint(draft, key)
    else:
        hint = rt.messages.get("use_buttons", rt.render.language(draft))
    await _reask(message, context, draft, hint)


async def other_input(update: Update, context: Context) -> None:
    """Answers a sticker, photo or other non-text message with a hint and the same question."""
    sent = await received(update, context)
    if sent is None:
        return
    rt, draft = sent.rt, sent.draft
    if draft is None:
        await sent.message.reply_html(rt.messages.get("no_survey", sent.language))
        return
    typed = _typed(rt, draft.step(rt.questionnaire.step_keys))
    hint = rt.messages.get("use_text" if typed else "use_buttons", sent.language)
    await _reask(sent.message, context, draft, hint)


def clean_answer(rt: Runtime, key: str, text: str) -> str | None:
    """Returns the typed answer as it will be stored, or None when it does not fit ``key``."""
    # Control characters would break the report's XLSX and DOCX: never stored.
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", clean(text))).strip()
    return rt.questionnaire.step(key).typed_answer(text)


def _typed(rt: Runtime, key: str) -> bool:
    """True when the step ``key`` is answered by typing (the review is not)."""
    return key != REVIEW and rt.questionnaire.step(key).typed


async def _reask(message: Message, context: Context, draft: Draft, hint: str) -> None:
    await message.reply_html(hint)
    await send_step(context, draft)


@dataclass(frozen=True)
class Received:
    """A respondent's message, with the runtime and their survey in progress (None: none)."""

    rt: Runtime
    message: Message
    user_id: int
    draft: Draft | None

    @property
    def language(self) -> str:
        """The language of the survey in progress, else the survey's default."""
        return self.rt.render.language(self.draft)


async def received(update: Update, context: Context) -> Received | None:
    """The message of ``update`` and its sender's survey in progress; None for an update that
    is not a user's message."""
    rt = runtime(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    return Received(rt, message, user.id, await rt.storage.active_draft(user.id))


# -- commands --------------------------------------------------------------------------------------


async def cancel(update: Update, context: Context) -> None:
    """Asks for confirmation before abandoning the survey in progress."""
    sent = await received(update, context)
    if sent is None:
        return
    if sent.draft is None:
        await sent.message.reply_html(sent.rt.messages.get("nothing_to_cancel", sent.language))
        return
    await _send(sent.message, sent.rt.render.confirm_cancel(sent.draft))


async def help_command(update: Update, context: Context) -> None:
    """Explains how the survey works, in the respondent's language."""
    sent = await received(update, context)
    if sent is not None:
        await sent.message.reply_html(sent.rt.messages.get("help", sent.language))


async def outside_private(update: Update, context: Context) -> None:
    """Points a /start in a group to the private chat where the survey runs."""
    rt = runtime(context)
    message = update.effective_message
    if message is None:
        return
    payload = context.args[0] if context.args and rt.config.service(context.args[0]) else ""
    link = f"https://t.me/{context.bot.username}" + (f"?start={payload}" if payload else "")
    await message.reply_html(
        rt.messages.get("private_only", rt.config.survey.default_language, link=link)
    )


# -- sending -------------------------------------------------------------------------------------


async def _send(message: Message, screen: Screen) -> None:
    await message.reply_html(screen.text, reply_markup=screen.keyboard)
