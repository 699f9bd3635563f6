"""Respondents for the benchmarks: each one's plan of answers (:func:`plan`), the updates that
carry it out (:class:`Driver`), and the check that the database holds exactly what was planned
(:func:`check_submissions`). Not imported by the bot."""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import PERIOD, PERIOD_LABEL, App, Tracker  # puts the repository on sys.path
from telegram import Update

from bot.sandbox import SandboxRequest, user
from survey.questionnaire import Questionnaire

# -- respondents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One thing a respondent does: ``kind`` is command, text or tap; a tap names the button by
    its callback data's ending (``:key:value``) or start (``s:`` for submit)."""

    kind: str
    text: str = ""
    data_suffix: str = ""
    data_prefix: str = ""


@dataclass
class Plan:
    """What one respondent will answer, to be checked against the database afterwards."""

    user_id: int
    service: str
    name: str
    age: str
    choices: dict[str, str]
    institution: str
    scores: dict[str, int]
    steps: list[Step]


def plan(user_id: int, q: Questionnaire, services: Sequence[str], rng: random.Random) -> Plan:
    """A respondent with random identity and scores, answering in Indonesian and skipping the
    suggestion: /start, language, 6 identity answers, period, 13 items, skip, submit (23 updates).
    """
    service = rng.choice(list(services))
    name = f"Responden {user_id} {rng.choice(['Sari', 'Budi', 'Ayu', 'Eko', 'Rina'])}"
    age = str(rng.randint(20, 65))
    institution = f"PT Farmasi {rng.randint(1, 999)}"
    choices: dict[str, str] = {}
    steps = [Step("command", f"/start {service}"), Step("tap", data_suffix=":language:id")]
    for question in q.identity:
        if question.key == "name":
            steps.append(Step("text", name))
        elif question.key == "age":
            steps.append(Step("text", age))
        elif question.options:
            code = rng.choice(question.options).code
            choices[question.key] = code
            steps.append(Step("tap", data_suffix=f":{question.key}:{code}"))
        else:
            steps.append(Step("text", institution))
    steps.append(Step("tap", data_suffix=f":period:{PERIOD_LABEL}"))
    scores = {item.code: rng.randint(1, 4) for item in q.items}
    steps += [Step("tap", data_suffix=f":{code}:{score}") for code, score in scores.items()]
    steps.append(Step("tap", data_suffix=":suggestion:-"))
    steps.append(Step("tap", data_prefix="s:"))
    return Plan(user_id, service, name, age, choices, institution, scores, steps)


def find_data(message: dict[str, Any], step: Step) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            data = str(button.get("callback_data") or "")
            if step.data_suffix and data.endswith(step.data_suffix):
                return data
            if step.data_prefix and data.startswith(step.data_prefix):
                return data
    raise LookupError(f"no button for {step} in {message['reply_markup']}")


def payload_for(sandbox: SandboxRequest, person: dict[str, Any], step: Step) -> dict[str, Any]:
    """The update Telegram would deliver when ``person`` does ``step``."""
    if step.kind in ("command", "text"):
        return sandbox.message_update(person, step.text)
    message = sandbox.newest_keyboard(int(person["id"]))
    if message is None:
        raise LookupError(f"no keyboard in chat {person['id']} for {step}")
    return sandbox.callback_update(person, message, find_data(message, step))


@dataclass
class Driver:
    """Feeds respondents' updates into ``app.update_queue``, each respondent waiting until the
    bot has finished the previous update (a person waits for the next question) before the next.
    """

    app: App
    sandbox: SandboxRequest
    tracker: Tracker
    think: tuple[float, float] = (0.0, 0.0)  # seconds a respondent takes before the next step
    arrive_within: float = 0.0  # respondents open the link at random times in this window
    seed: int = 0
    driver_seconds: float = 0.0
    updates: int = 0
    waiting: int = 0  # updates queued and not yet done
    most_waiting: int = 0

    async def put(self, *payloads: dict[str, Any]) -> None:
        """Queues the updates back to back, then waits until the bot is done with all of them."""
        began = time.perf_counter()
        updates = [Update.de_json(payload, self.app.bot) for payload in payloads]
        waiters = [self.tracker.expect(update.update_id) for update in updates]
        self.driver_seconds += time.perf_counter() - began
        for update in updates:
            await self.app.update_queue.put(update)
        self.updates += len(updates)
        self.waiting += len(updates)
        self.most_waiting = max(self.most_waiting, self.waiting)
        try:
            await asyncio.gather(*waiters)
        finally:
            self.waiting -= len(updates)

    async def respond(self, plan: Plan, payload: Callable[[Step], dict[str, Any]]) -> None:
        rng = random.Random(self.seed * 1_000_003 + plan.user_id)
        if self.arrive_within > 0:
            await asyncio.sleep(rng.uniform(0, self.arrive_within))
        for number, step in enumerate(plan.steps):
            if number and self.think[1] > 0:
                await asyncio.sleep(rng.uniform(*self.think))
            began = time.perf_counter()
            data = payload(step)
            self.driver_seconds += time.perf_counter() - began
            await self.put(data)

    async def respond_hurried(self, plan: Plan) -> None:
        """Like :meth:`respond`, but every tap arrives twice back to back (a double tap, or
        Telegram delivering it again) and the name and age are typed without waiting for the
        question in between."""
        person = user(plan.user_id, plan.name)
        steps = list(plan.steps)
        while steps:
            step = steps.pop(0)
            if step.kind == "tap":
                message = self.sandbox.newest_keyboard(plan.user_id)
                if message is None:
                    raise LookupError(f"no keyboard in chat {plan.user_id} for {step}")
                data = find_data(message, step)
                await self.put(
                    self.sandbox.callback_update(person, message, data),
                    self.sandbox.callback_update(person, message, data),
                )
            elif step.text == plan.name and steps and steps[0].text == plan.age:
                steps.pop(0)
                await self.put(
                    self.sandbox.message_update(person, plan.name),
                    self.sandbox.message_update(person, plan.age),
                )
            else:
                await self.put(payload_for(self.sandbox, person, step))

    async def run(self, plans: Sequence[Plan], *, hurried: bool = False) -> tuple[float, int]:
        """Runs every respondent at once; returns the wall time until the last one is done and
        how many respondents got stuck (an exception in the driver, e.g. a missing button)."""
        began = time.perf_counter()

        def go(p: Plan) -> Any:
            if hurried:
                return self.respond_hurried(p)
            person = user(p.user_id, p.name)
            return self.respond(p, lambda step: payload_for(self.sandbox, person, step))

        outcomes = await asyncio.gather(*(go(p) for p in plans), return_exceptions=True)
        stuck = [o for o in outcomes if isinstance(o, BaseException)]
        for failure in stuck[:3]:
            print(f"  respondent stuck: {failure!r}", file=sys.stderr)
        return time.perf_counter() - began, len(stuck)


def check_submissions(db_path: Path, plans: Sequence[Plan]) -> tuple[int, list[str]]:
    """Compares each respondent's submission in the database with what they tapped and typed.

    Returns how many matched exactly and a description of each mismatch.
    """
    import sqlite3

    problems: list[str] = []
    with sqlite3.connect(db_path) as db:
        found = {
            row[0]: row[1:]
            for row in db.execute(
                "SELECT user_id, id, service, period, identity, suggestion FROM submissions"
            )
        }
        scores: dict[int, dict[str, int]] = {}
        for submission_id, item, score in db.execute(
            "SELECT submission_id, item, score FROM scores"
        ):
            scores.setdefault(submission_id, {})[item] = score
    matched = 0
    for p in plans:
        row = found.get(p.user_id)
        if row is None:
            problems.append(f"user {p.user_id}: no submission")
            continue
        submission_id, service, period, identity_json, suggestion = row
        identity = json.loads(identity_json)
        expected_identity = {
            "name": p.name,
            "age": p.age,
            **p.choices,
            "institution": p.institution,
        }
        wrong = []
        if scores.get(submission_id) != p.scores:
            wrong.append(f"scores {scores.get(submission_id)} != {p.scores}")
        if identity != expected_identity:
            wrong.append(f"identity {identity} != {expected_identity}")
        if (service, period, suggestion) != (p.service, PERIOD, None):
            wrong.append(f"service/period/suggestion {(service, period, suggestion)}")
        if wrong:
            problems.append(f"user {p.user_id}: " + "; ".join(wrong))
        else:
            matched += 1
    return matched, problems


def checked(db_path: Path, plans: Sequence[Plan]) -> int:
    """How many ``plans`` the database holds exactly as planned; prints the first problems."""
    matched, problems = check_submissions(db_path, plans)
    for problem in problems[:5]:
        print(f"  {problem}")
    return matched
