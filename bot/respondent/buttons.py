"""Button taps in the questionnaire: answers, the period, the review, change and cancel.

Every button carries its draft and item in its callback data (see
:mod:`bot.respondent.screens`), so a
tap stores exactly the item printed on it, whatever the respondent did since; anything forged,
malformed, someone else's or gone is answered as stale and changes nothing. Submit and the
service buttons reply with messages once: a second tap on the same button (two quick taps are
two callback queries) gets only a notice, decided from the database (the draft's status, table
``taps``), so also across a restart. A tap is answered (:func:`acknowledge`) and its message
edited (:func:`edit_tapped`) best effort: storing the answer and sending the next question come
first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import integrity, replies
from bot.callbacks import decode, number
from bot.respondent.conversation import begin, send_step
from bot.respondent.privacy import erase_answer, language_chosen
from bot.respondent.taps import Route, Stale, acknowledge, edit_tapped
from bot.runtime import Runtime, runtime
from bot.staff.closed_months import closing
from bot.store import REVIEW, Draft, Outcome
from survey.questionnaire import PERIOD
from survey.steps import When

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


async def button(update: Update, context: Context) -> None:
    """Routes a button press by its callback data; anything unexpected is answered as stale."""
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    data = decode(query.data)
    if data is not None:
        try:
            await ROUTES[data.verb](query, list(data.parts), context)
            return
        except Stale:
            pass
    rt = runtime(context)
    await acknowledge(query, rt.messages.plain("stale_button", rt.config.survey.default_language))


def _int(text: str) -> int:
    found = number(text)
    if found is None:
        raise Stale
    return found


async def _first_tap(query: CallbackQuery, rt: Runtime) -> bool:
    """Records the tap on this button of this message; False when one was answered before."""
    if query.message is None:
        return True
    chat_id, message_id = query.message.chat.id, query.message.message_id
    return await rt.storage.claim_tap(chat_id, message_id, query.data or "", rt.now())


async def _own_draft(query: CallbackQuery, context: Context, draft_id: str) -> Draft:
    draft = await runtime(context).storage.draft(_int(draft_id))
    if draft is None or draft.user_id != query.from_user.id:
        raise Stale
    return draft


async def _answer_button(query: CallbackQuery, parts: list[str], context: Context) -> None:
    if len(parts) != 3:
        raise Stale
    rt = runtime(context)
    draft_id, key, value = _int(parts[0]), parts[1], parts[2]
    if key not in rt.questionnaire.step_keys:
        raise Stale
    step = rt.questionnaire.step(key)
    if not step.accepts(value, When(rt.now(), rt.config.survey.timezone)):
        if key == PERIOD:
            await _period_gone(query, context, draft_id)
            return
        raise Stale
    stored = step.stored(value)
    # The draft is read, and a period already submitted refused, inside the same transaction as
    # the answer: one trip to the database.
    outcome, draft = await rt.storage.record_answer(
        draft_id, query.from_user.id, key, stored, rt.questionnaire.step_keys, rt.now()
    )
    if draft is None:
        raise Stale
    if outcome is Outcome.TAKEN:
        await _period_taken(query, context, draft, value)
        return
    language = rt.render.language(draft)
    if outcome is Outcome.STALE:
        await acknowledge(query, rt.messages.plain("already_answered", language))
        return
    if outcome is Outcome.CLOSED:
        await acknowledge(query, rt.messages.plain("survey_closed", language))
        await edit_tapped(query, None, None)
        return
    await acknowledge(query)
    edited = await edit_tapped(query, rt.render.answered(draft, key, stored, rt.now()), None)
    # A repeat whose edit still changed the message: the first tap's replies never got that far
    # (a failed call, a killed process), so the respondent has not seen the next step yet. After a
    # plain double tap the edit is "not modified" and nothing is sent twice.
    if outcome is Outcome.RECORDED or (outcome is Outcome.DUPLICATE and edited):
        await send_step(context, draft)


async def _period_gone(query: CallbackQuery, context: Context, draft_id: int) -> None:
    """A month no longer offered (the button waited more than a week into the next month): the
    respondent is asked the period again, with the months of today."""
    rt = runtime(context)
    draft = await _own_draft(query, context, str(draft_id))
    if draft.status != "open" or draft.step(rt.questionnaire.step_keys) != PERIOD:
        raise Stale
    await acknowledge(query, rt.messages.plain("period_gone", rt.render.language(draft)))
    await edit_tapped(query, None, None, keep_text=True)
    await send_step(context, draft)


async def _period_taken(query: CallbackQuery, context: Context, draft: Draft, value: str) -> None:
    """Tells the respondent when they already submitted the chosen month for this service."""
    rt = runtime(context)
    earlier = await rt.storage.submission_for(query.from_user.id, draft.service, value)
    language = rt.render.language(draft)
    await acknowledge(query)
    if earlier is None:  # gone since the answer was refused (erased by hand): ask again
        await send_step(context, draft)
        return
    text = rt.messages.get(
        "period_taken",
        language,
        period=rt.messages.month(value, language),
        when=rt.messages.when(earlier.submitted_at, rt.config.survey.timezone, language),
    )
    await context.bot.send_message(query.from_user.id, text, parse_mode=ParseMode.HTML)


async def _choose_service(query: CallbackQuery, parts: list[str], context: Context) -> None:
    rt = runtime(context)
    if len(parts) != 1 or rt.config.service(parts[0]) is None:
        raise Stale
    if not await _first_tap(query, rt):  # a second tap on the same list: the survey is open
        draft = await rt.storage.find_open_draft(query.from_user.id, parts[0])
        await acknowledge(query, rt.messages.plain("service_opened", rt.render.language(draft)))
        return
    await acknowledge(query)
    await edit_tapped(query, None, None, keep_text=True)
    await begin(query.from_user.id, query.from_user.id, parts[0], context)


async def _submit(query: CallbackQuery, parts: list[str], context: Context) -> None:
    if len(parts) != 1:
        raise Stale
    rt = runtime(context)
    q = rt.questionnaire
    # The draft is read inside the submit's own transaction: one trip to the database.
    outcome, submission = await rt.storage.submit(
        _int(parts[0]),
        query.from_user.id,
        q.step_keys,
        [question.key for question in q.identity],
        [item.code for item in q.items],
        rt.now(),
        closing(rt.config),
    )
    if submission is None:
        draft = await _own_draft(query, context, parts[0])  # rare: for the notice's language
        key = "survey_closed" if outcome is Outcome.CLOSED else "stale_button"
        await acknowledge(query, rt.messages.plain(key, rt.render.language(draft)))
        return
    language = submission.language
    # Only the tap that recorded the survey thanks. A tap finding this draft already submitted
    # (a second tap, before or after a restart) gets a notice; one finding the month submitted
    # from another draft is told so once per button.
    recorded = outcome is Outcome.RECORDED
    if not recorded and (outcome is not Outcome.DUPLICATE or not await _first_tap(query, rt)):
        await acknowledge(query, rt.messages.plain("submitted_notice", language))
        return
    await acknowledge(query)
    await edit_tapped(query, None, None, keep_text=True)
    values = {
        "service": rt.render.service_name(submission.service),
        "period": rt.messages.month(submission.period, language),
        "when": rt.messages.when(submission.submitted_at, rt.config.survey.timezone, language),
    }
    key = "thanks" if recorded else "already_submitted"
    text = rt.messages.get(key, language, **values)
    if recorded and integrity.flag_of(rt, submission.scores, submission.suggestion) is not None:
        integrity.soon(context.application)
        url = rt.config.integrity.complaint_url
        if url:
            text += "\n\n" + rt.messages.get("red_flag_complaint", language, url=url)
    await replies.send_text(context.bot, query.from_user.id, text)


async def _change_menu(query: CallbackQuery, parts: list[str], context: Context) -> None:
    if len(parts) != 1:
        raise Stale
    rt = runtime(context)
    draft = await _own_draft(query, context, parts[0])
    if draft.status != "open":
        await acknowledge(query, rt.messages.plain("survey_closed", rt.render.language(draft)))
        return
    await acknowledge(query)
    text = rt.messages.get("choose_change", rt.render.language(draft))
    await edit_tapped(query, text, rt.render.change_menu(draft))


async def _change(query: CallbackQuery, parts: list[str], context: Context) -> None:
    if len(parts) != 2:
        raise Stale
    rt = runtime(context)
    draft = await _own_draft(query, context, parts[0])
    updated = await rt.storage.set_editing(
        draft.id, query.from_user.id, parts[1], rt.questionnaire.step_keys, rt.now()
    )
    if updated is None:
        raise Stale
    await acknowledge(query)
    await edit_tapped(query, None, None, keep_text=True)
    await send_step(context, updated)


async def _back_to_review(query: CallbackQuery, parts: list[str], context: Context) -> None:
    if len(parts) != 1:
        raise Stale
    rt = runtime(context)
    draft = await _own_draft(query, context, parts[0])
    if draft.status != "open" or draft.step(rt.questionnaire.step_keys) != REVIEW:
        raise Stale
    await acknowledge(query)
    screen = rt.render.review(draft)
    await edit_tapped(query, screen.text, screen.keyboard)


async def _confirm_cancel(query: CallbackQuery, parts: list[str], context: Context) -> None:
    if len(parts) != 2 or parts[1] not in ("0", "1"):
        raise Stale
    rt = runtime(context)
    draft = await _own_draft(query, context, parts[0])
    language = rt.render.language(draft)
    await acknowledge(query)
    if draft.status != "open":
        await edit_tapped(query, rt.messages.get("survey_closed", language), None)
        return
    if parts[1] == "1":
        await rt.storage.cancel(draft.id, query.from_user.id, rt.now())
        await edit_tapped(query, rt.messages.get("cancelled", language), None)
        return
    await edit_tapped(query, rt.messages.get("continuing", language), None)
    await send_step(context, draft)


ROUTES: Mapping[str, Route] = {  # one per verb of bot.callbacks
    "a": _answer_button,
    "v": _choose_service,
    "s": _submit,
    "c": _change_menu,
    "e": _change,
    "r": _back_to_review,
    "x": _confirm_cancel,
    "del": erase_answer,
    "lang": language_chosen,
}
