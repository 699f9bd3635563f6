"""Simulated respondents who behave like people, for the fault and kill tests.

A :class:`Person` reads the newest question the bot sent them, answers it from their plan, and
when no reply comes within ``patience`` does what a person does: taps the same button again (if
it is still there) or reopens the survey link, a little more patient each time. Updates go to the
sandbox's ``getUpdates`` queue, so they reach the bot through its real update processor
(in-process :func:`polling`, or a separate bot process behind :mod:`bot.sandbox.http`). What each
person saw is what :func:`tests.support.invariants.check_database` holds the database to.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import random
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.messages import Messages
from bot.sandbox import SandboxRequest, user
from bot.store import REVIEW, current_step
from survey.identity import IntegerStep
from survey.questionnaire import LANGUAGE, PERIOD, SUGGESTION, Questionnaire
from survey.steps import SKIP

JSONDict = dict[str, Any]
Deliver = Callable[[JSONDict], object]


@dataclass(frozen=True)
class Screen:
    """A bot message that asks the person something."""

    message: JSONDict
    key: str  # the step asked, or REVIEW
    draft_id: int | None  # known from the buttons; typed questions carry none
    buttons: tuple[str, ...]

    @property
    def message_id(self) -> int:
        return int(self.message["message_id"])


@dataclass
class Person:
    """One respondent with a fixed plan of answers; see the module docstring."""

    sandbox: SandboxRequest
    user_id: int
    service: str
    questionnaire: Questionnaire
    messages: Messages
    rng: random.Random
    deliver: Deliver
    patience: float = 0.5
    poll: float = 0.02
    duplicate: float = 0.0  # chance that an update is delivered twice
    max_actions: int | None = None  # gives up after this many updates, unfinished
    plan: dict[str, str] = field(default_factory=dict)
    confirmed: dict[int, set[str]] = field(default_factory=dict)  # draft -> keys shown stored
    done: bool = False
    actions: int = 0
    retaps: int = 0
    reopens: int = 0
    doubled: int = 0
    draft_id: int | None = None
    _last: Screen | None = None
    _last_payload: JSONDict | None = None

    def __post_init__(self) -> None:
        self.user = user(self.user_id, f"Responden {self.user_id}")
        if not self.plan:
            self.plan = make_plan(self.questionnaire, self.user_id, self.rng)

    @property
    def chat_id(self) -> int:
        return self.user_id

    # -- acting ---------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Answers until the bot confirms the submission, ``stop`` is set or ``max_actions``
        updates were sent."""
        loop = asyncio.get_running_loop()
        self.reopen()
        seen = 0
        since = loop.time()
        waited = self.patience
        retapped = False
        while not self.done and not (stop is not None and stop.is_set()):
            if self.max_actions is not None and self.actions >= self.max_actions:
                return
            fresh = self.sandbox.sent_since(self.chat_id, seen)
            if fresh:
                seen = fresh[-1]["message_id"]
                if any(self.is_done_text(m.get("text") or "") for m in fresh):
                    self.done = True
                    break
                screens = [s for s in map(self.screen_of, fresh) if s is not None]
                if screens:
                    self.answer(screens[-1])
                    since, waited, retapped = loop.time(), self.patience, False
            elif loop.time() - since > waited:
                if not retapped and self.retap():
                    retapped = True
                else:
                    self.reopen()
                # Like a person, and unlike a retry storm, each time a little more patient.
                since, waited = loop.time(), min(waited * 2, 4 * self.patience)
            await asyncio.sleep(self.poll)

    def reopen(self) -> None:
        """Opens the survey link again: ``/start <service>``."""
        self.reopens += 1
        self._send(self.sandbox.command_update(self.user, "start", self.service))

    def retap(self) -> bool:
        """Taps the last tapped button again if its message still shows it; else False."""
        last = self._last
        if last is None or not last.buttons or self._last_payload is None:
            return False
        query = self._last_payload.get("callback_query")
        if query is None:
            return False
        now = self.sandbox.message(self.chat_id, last.message_id)
        if now is None or not now.get("reply_markup"):
            return False  # the keyboard is gone: the bot did answer that tap
        self.retaps += 1
        self._send(self.sandbox.callback_update(self.user, now, query["data"]))
        return True

    def answer(self, screen: Screen) -> None:
        """Answers ``screen`` from the plan: taps its button or types the text."""
        self._observe(screen)
        key = screen.key
        if key == REVIEW:
            data = next(d for d in screen.buttons if d.startswith("s:"))
            self._tap(screen, data)
            return
        if key == PERIOD and PERIOD not in self.plan:
            self.plan[PERIOD] = screen.buttons[0].split(":", 3)[3]  # this month
        value = self.plan[key]
        wanted = next((d for d in screen.buttons if d.split(":", 3)[3:] == [value]), None)
        if wanted is not None:
            self._tap(screen, wanted)
        else:
            self._last, self._last_payload = screen, None
            self._send(self.sandbox.message_update(self.user, value))

    def _tap(self, screen: Screen, data: str) -> None:
        payload = self.sandbox.callback_update(self.user, screen.message, data)
        self._last, self._last_payload = screen, payload
        self._send(payload)

    def _send(self, payload: JSONDict) -> None:
        self.actions += 1
        self.deliver(payload)
        if self.duplicate and self.rng.random() < self.duplicate:
            self.doubled += 1
            again = copy.deepcopy(payload)
            del again["update_id"]  # Telegram's redelivery after a crash; PTB has no dedup anyway
            self.deliver(again)

    def _observe(self, screen: Screen) -> None:
        """Notes what the screen proves stored: every step before the one it asks."""
        if screen.draft_id is not None:
            self.draft_id = screen.draft_id
        if self.draft_id is None:
            return
        steps = self.questionnaire.step_keys
        before = steps if screen.key == REVIEW else steps[: steps.index(screen.key)]
        self.confirmed.setdefault(self.draft_id, set()).update(before)

    # -- reading the chat -----------------------------------------------------------------------

    def screen_of(self, message: Mapping[str, Any]) -> Screen | None:
        """Returns what ``message`` asks, or None for notes, hints and answered questions."""
        markup = message.get("reply_markup") or {}
        data = tuple(
            str(b["callback_data"])
            for row in markup.get("inline_keyboard", [])
            for b in row
            if b.get("callback_data")
        )
        for datum in data:
            parts = datum.split(":")
            if parts[0] == "a" and len(parts) == 4:
                return Screen(dict(message), parts[2], int(parts[1]), data)
            if parts[0] == "s" and len(parts) == 2:
                return Screen(dict(message), REVIEW, int(parts[1]), data)
        if data:
            return None
        text = message.get("text") or ""
        for question in self.questionnaire.identity:
            if question.options:
                continue
            if any(html.escape(prompt) in text for prompt in question.prompt_text.values()):
                return Screen(dict(message), question.key, None, ())
        return None

    def is_done_text(self, text: str) -> bool:
        return any(text.startswith(prefix) for prefix in _done_prefixes(self.messages))


def _done_prefixes(messages: Messages) -> list[str]:
    # "period_taken": a survey reopened after its month went in (the bot was killed between
    # opening the new draft and saying so) is told, at the period, that the month is recorded.
    return [
        str(messages.texts[key][language]).split("{", 1)[0]
        for key in ("thanks", "already_submitted", "period_taken")
        for language in messages.languages
    ]


def make_plan(q: Questionnaire, user_id: int, rng: random.Random) -> dict[str, str]:
    """Returns a person's answers; every typed value differs from every other step's."""
    plan = {LANGUAGE: rng.choice(q.languages)}
    for question in q.identity:
        if question.options:
            plan[question.key] = rng.choice(question.options).code
        elif isinstance(question, IntegerStep):
            plan[question.key] = str(rng.randint(max(question.min, 17), min(question.max, 80)))
        else:
            plan[question.key] = f"{question.key.title()} Uji {user_id}"
    for item in q.items:
        plan[item.code] = str(rng.randint(1, 4))
    plan[SUGGESTION] = SKIP if rng.random() < 0.5 else f"Saran nomor {user_id}: antrean lebih cepat"
    return plan


def stored_value(plan: Mapping[str, str], key: str) -> str:
    """The value the bot stores for the person's answer to ``key``."""
    value = plan[key]
    return "" if key == SUGGESTION and value == SKIP else value


# -- running a crowd --------------------------------------------------------------------------


@asynccontextmanager
async def polling(app: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[None]:
    """Runs the app as ``run_polling`` does: getUpdates into the update queue, then the update
    processor; on the way out, stops once every fetched update is handled."""
    assert app.updater is not None
    await app.updater.start_polling(timeout=timedelta(seconds=1))
    await app.start()
    try:
        yield
    finally:
        await app.updater.stop()
        await app.update_queue.join()  # stop() would leave fetched updates unhandled
        await app.stop()


async def finish(persons: Iterable[Person], within: float) -> None:
    """Lets everyone answer (or give up); fails if that takes more than ``within`` seconds."""
    async with asyncio.timeout(within):
        await asyncio.gather(*(p.run() for p in persons))


def first_unanswered(path: Path, questionnaire: Questionnaire, user_id: int) -> str:
    """The step a reopened link must ask the user, worked out from the database alone."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        found = db.execute(
            "SELECT id FROM drafts WHERE user_id = ? AND status = 'open'", (user_id,)
        ).fetchall()
        if not found:
            return LANGUAGE  # not even the first /start got through: a new draft starts
        [(draft_id,)] = found
        answers = dict(
            db.execute("SELECT key, value FROM answers WHERE draft_id = ?", (draft_id,)).fetchall()
        )
    return current_step(answers, questionnaire.step_keys, None)
