"""The follow-up tracker for admins: ``/tindaklanjut`` and ``/selesai`` (:mod:`survey.follow_up`).

- ``/tindaklanjut [YYYY-MM]`` lists a month's lowest items per index, its red flags and the
  actions recorded for it, with the form to record one (last month when no month is given).
- ``/tindaklanjut YYYY-MM TARGET | what | who | due [| status]`` records an action.
- ``/tindaklanjut T1`` shows an action (and sends its evidence file back);
  ``/tindaklanjut T1 berjalan`` moves it on.
- ``/selesai T1 [note]`` marks it done; the evidence file comes as the caption of a document or
  photo (``/selesai T1`` as its caption), or as the message the command replies to. The bot keeps
  a copy of the file in the database; a file it cannot fetch changes nothing.

Whatever the admin types is cleaned of control characters and escaped where it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.admin.args import AdminCommand
from bot.messages import Safe
from bot.runtime import Runtime
from bot.staff.report import build
from bot.staff.text import decimal
from bot.store import actions as store
from bot.store.actions import Evidence, EvidenceFile
from bot.store.integrity import Alert, flags_of
from bot.telegram_text import split_text
from survey.follow_up import (
    DONE,
    OPEN_STATUSES,
    Action,
    Target,
    parse_action_number,
    parse_due,
    parse_target,
)
from survey.period import Period
from survey.safe_text import clean

__all__ = ["DOWNLOAD_LIMIT", "done", "follow_up"]

Context = ContextTypes.DEFAULT_TYPE

LOWEST_SHOWN = 3  # items per index in the list
LIMITS = {"what": 1000, "who": 200, "note": 1000}
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the largest file a bot may fetch from Telegram
_COMMAND = re.compile(r"^/\w+(@\w+)?\s*")


async def follow_up(update: Update, context: Context) -> None:
    """``/tindaklanjut``: lists a month, records an action, shows or moves one on."""
    request = AdminCommand.of(update, context)
    words = _after_command(request.message.text or "")
    first, rest = _head(words)
    if not first:
        await _list(request, request.current.shift(-1))
        return
    number = parse_action_number(first)
    if number is not None and "|" not in words:
        await _show_or_move(request, number, first, rest.strip())
        return
    month = first.split("|")[0].strip()
    if not Period.is_one(month):
        example = request.current.shift(-1)
        await request.reply(request.text("follow_up_usage", example=example, given=first[:32]))
        return
    if month > request.current:
        await request.reply(request.text("admin_future", month=request.month(month)))
        return
    if not words[len(month) :].strip():
        await _list(request, Period.parse(month))
        return
    await _record(request, Period.parse(month), words[len(month) :])


async def done(update: Update, context: Context) -> None:
    """``/selesai T1 [note]``, as a command or as a document's or photo's caption."""
    request = AdminCommand.of(update, context)
    message = request.message
    first, note = _head(_after_command(message.text or message.caption or ""))
    number = parse_action_number(first) if first else None
    if number is None:
        await request.reply(request.text("follow_up_done_usage"))
        return
    note = clean(note.strip())
    if len(note) > LIMITS["note"]:
        await _too_long(request, "note", note)
        return
    found = await store.one(request.rt.storage, number)
    if found is None:
        await request.reply(request.text("follow_up_no_action", given=first[:32]))
        return
    try:
        file = await _evidence_file(request, context, found[0])
    except _Told:
        return
    evidence = Evidence(note or None, file)
    finished = await store.finish(request.rt.storage, number, evidence, request.rt.now())
    assert finished is not None  # actions are never deleted
    action, was_open = finished
    when = _done_day(request, action)
    if was_open:
        await request.reply(request.text("follow_up_done", label=action.label, when=when))
    elif evidence:
        await request.reply(
            request.text("follow_up_evidence_updated", label=action.label, when=when)
        )
    else:
        await request.reply(request.text("follow_up_already_done", label=action.label, when=when))


async def _list(request: AdminCommand, period: Period) -> None:
    rt, language = request.rt, request.language
    month = request.month(period)
    lines = [request.text("follow_up_title", month=month), ""]
    summary = (await build(rt, period, files=False)).summary
    elements = summary.get("elements") or {}
    if summary.get("respondents"):
        lines.append(request.text("follow_up_lowest_title"))
        for definition in rt.questionnaire.indices.values():
            valued = [(v, c) for c in definition.items if (v := elements.get(c)) is not None]
            lines.append(request.text("follow_up_lowest_index", short=definition.short))
            for value, code in sorted(valued)[:LOWEST_SHOWN]:
                item = rt.questionnaire.item(code)
                element = item.element[language] if item else code
                shown = decimal(value)
                lines.append(
                    request.text("follow_up_lowest_item", code=code, element=element, value=shown)
                )
    else:
        lines.append(request.text("follow_up_no_figures", month=month))
    lines += ["", request.text("follow_up_flags_title")]
    flags = await flags_of(rt.storage, period)
    lines += [_flag_line(request, flag) for flag in flags] or [request.text("follow_up_flags_none")]
    lines += ["", request.text("follow_up_actions_title")]
    recorded = await store.for_month(rt.storage, period)
    lines += [_action_line(request, a) for a in recorded] or [
        request.text("follow_up_actions_none")
    ]
    lines += ["", _form(request, period, flags)]
    for chunk in split_text("\n".join(lines)):
        await request.reply(chunk)


async def _record(request: AdminCommand, period: Period, text: str) -> None:
    rt = request.rt
    parts = [clean(part.strip()) for part in text.split("|")]
    if len(parts) < 4 or not all(parts[:4]) or len(parts) > 5:
        await request.reply(request.text("follow_up_missing") + "\n\n" + _form(request, period, ()))
        return
    given, what, who, due_text = parts[:4]
    flags = {flag.submission_id: flag for flag in await flags_of(rt.storage, period)}
    target = parse_target(given, _codes(rt))
    if target is None or (target.red_flag is not None and target.red_flag not in flags):
        await request.reply(
            request.text(
                "follow_up_unknown_target",
                given=given[:32],
                month=request.month(period),
                items=_items_named(rt),
                month_code=period,
            )
        )
        return
    for part, value in (("what", what), ("who", who)):
        if len(value) > LIMITS[part]:
            await _too_long(request, part, value)
            return
    due = parse_due(due_text)
    if due is None:
        await request.reply(request.text("follow_up_bad_due", given=due_text[:32]))
        return
    if due < date(period.year, period.month, 1):
        shown = rt.messages.day(due, request.language)
        await request.reply(
            request.text("follow_up_early_due", due=shown, month=request.month(period))
        )
        return
    status = _status(request, parts[4]) if len(parts) == 5 else OPEN_STATUSES[0]
    if status is None:
        await request.reply(request.text("follow_up_bad_status", given=parts[4][:32]))
        return
    flag = flags.get(target.red_flag) if target.red_flag is not None else None
    service = flag.service if flag else None
    action = await store.record(
        rt.storage, period, target, service, what, who, due, status, rt.now()
    )
    await request.reply(
        request.text(
            "follow_up_recorded",
            label=action.label,
            target=Safe(_target(request, action)),
            month=request.month(period),
        )
    )


async def _show_or_move(request: AdminCommand, number: int, given: str, status_text: str) -> None:
    rt = request.rt
    found = await store.one(rt.storage, number)
    if found is None:
        await request.reply(request.text("follow_up_no_action", given=given[:32]))
        return
    action, file = found
    if not status_text:
        await request.reply(_details(request, action))
        if file is not None:
            await request.message.reply_document(file.content, filename=file.name)
        return
    status = _status(request, status_text)
    if status is None:
        await request.reply(request.text("follow_up_bad_status", given=status_text[:32]))
        return
    if action.done:
        await request.reply(request.text("follow_up_is_done", label=action.label))
        return
    moved = await store.set_status(rt.storage, number, status, rt.now())
    assert moved is not None  # actions are never deleted
    shown = _status_text(request, moved)
    await request.reply(request.text("follow_up_status_changed", label=moved.label, status=shown))


class _Told(Exception):
    """The admin was told why the command changes nothing."""


async def _evidence_file(
    request: AdminCommand, context: Context, action: Action
) -> EvidenceFile | None:
    """The evidence file sent with the command or replied to (None without one); raises
    :class:`_Told` when it cannot be fetched, after telling the admin so."""
    message = request.message
    found = _attached(message) or (
        _attached(message.reply_to_message) if message.reply_to_message else None
    )
    if found is None:
        return None
    file_id, size, name, media_type = found
    if size is not None and size > DOWNLOAD_LIMIT:
        shown = decimal(size / 1024 / 1024, 1)
        await request.reply(request.text("follow_up_file_too_big", size=shown))
        raise _Told
    try:
        telegram_file = await context.bot.get_file(file_id)
        content = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as exc:
        await request.reply(request.text("follow_up_file_failed", error=type(exc).__name__))
        raise _Told from exc
    return EvidenceFile(clean(name or f"bukti-{action.label}.jpg")[:200], media_type, content)


def _attached(message: Message | None) -> tuple[str, int | None, str | None, str] | None:
    """A message's document or largest photo: file id, size, name, media type."""
    if message is None:
        return None
    if message.document is not None:
        document = message.document
        media_type = document.mime_type or "application/octet-stream"
        return document.file_id, document.file_size, document.file_name, media_type
    if message.photo:
        photo = message.photo[-1]
        return photo.file_id, photo.file_size, None, "image/jpeg"
    return None


def _after_command(text: str) -> str:
    """The text after ``/command`` (or ``/command@bot``), spaces collapsed at its start."""
    return _COMMAND.sub("", text.strip(), count=1).strip()


def _head(text: str) -> tuple[str, str]:
    """The first word and the rest (a line break parts them as a space does)."""
    parts = text.split(maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (text, "")


def _status(request: AdminCommand, text: str) -> str | None:
    given = " ".join(text.lower().split())
    for status in OPEN_STATUSES:
        for language in request.rt.messages.languages:
            if given in request.rt.messages.texts[f"follow_up_words_{status}"][language]:
                return status
    return None


def _status_text(request: AdminCommand, action: Action) -> str:
    if action.status != DONE:
        return request.text(f"follow_up_status_{action.status}")
    return request.text("follow_up_status_done", day=_done_day(request, action))


def _done_day(request: AdminCommand, action: Action) -> str:
    assert action.done_at is not None
    local = action.done_at.astimezone(request.rt.config.survey.timezone).date()
    return request.rt.messages.day(local, request.language)


def _target(request: AdminCommand, action: Action) -> str:
    """``U6`` or ``tanda bahaya R57 (Sertifikasi CPOB)``, as HTML."""
    if action.target.item is not None:
        return action.target.item
    code = action.service or ""
    service = request.rt.config.service(code)
    name = service.name if service else code
    return request.text("follow_up_target_flag", code=action.target.label, service=name)


def _action_line(request: AdminCommand, action: Action) -> str:
    evidence = action.evidence_name or action.evidence_note
    return request.text(
        "follow_up_action",
        label=action.label,
        target=Safe(_target(request, action)),
        what=action.what,
        who=action.who,
        due=request.rt.messages.day(action.due, request.language),
        status=_status_text(request, action),
        evidence=Safe(request.text("follow_up_action_evidence") if evidence else ""),
    )


def _details(request: AdminCommand, action: Action) -> str:
    rt = request.rt
    zone = rt.config.survey.timezone
    lines = [
        request.text(
            "follow_up_details",
            label=action.label,
            target=Safe(_target(request, action)),
            month=request.month(action.period),
            what=action.what,
            who=action.who,
            due=rt.messages.day(action.due, request.language),
            status=_status_text(request, action),
            recorded=rt.messages.when(action.recorded_at, zone, request.language),
        )
    ]
    if action.evidence_note:
        lines.append(request.text("follow_up_details_note", note=action.evidence_note))
    if action.evidence_name:
        lines.append(
            request.text(
                "follow_up_details_file", name=action.evidence_name, sha256=action.evidence_sha256
            )
        )
    return "\n".join(lines)


def _flag_line(request: AdminCommand, flag: Alert) -> str:
    rt = request.rt
    service = rt.config.service(flag.service)
    reasons = [f"{code} {score}" for code, score in flag.items]
    if flag.words:
        reasons.append(request.text("follow_up_flag_words", words=", ".join(flag.words)))
    return request.text(
        "follow_up_flag",
        code=Target(red_flag=flag.submission_id).label,
        service=service.name if service else flag.service,
        reasons=Safe(", ".join(reasons)),
    )


def _form(request: AdminCommand, period: Period, flags: Sequence[Alert]) -> str:
    first_item = next(iter(_codes(request.rt)), "U1")
    example = Target(red_flag=flags[0].submission_id).label if flags else first_item
    due = period.shift(2)
    return request.text(
        "follow_up_form",
        month_code=period,
        example=example,
        due_example=f"{due}-{due.days:02d}",
        items=_items_named(request.rt),
    )


def _items_named(rt: Runtime) -> str:
    """``U1–U8, P1–P5``: each index's items."""
    spans = [d.items for d in rt.questionnaire.indices.values() if d.items]
    return ", ".join(f"{i[0]}–{i[-1]}" if len(i) > 1 else i[0] for i in spans)


async def _too_long(request: AdminCommand, part: str, value: str) -> None:
    name = request.text(f"follow_up_part_{part}")
    await request.reply(
        request.text("follow_up_too_long", part=name, length=len(value), limit=LIMITS[part])
    )


def _codes(rt: Runtime) -> tuple[str, ...]:
    return tuple(item.code for item in rt.questionnaire.items)
