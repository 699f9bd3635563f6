"""A respondent walked through the survey in the sandbox, and the rows it left.

The survey in order: :func:`begin` (the link, the language), :func:`about` (name, age, the three
choices, institution), :func:`finish` (period, items, suggestion, submit), so that a test can stop
between them or answer something unusual on the way. :func:`identity` picks the language and
answers :func:`about` with everyday answers unless told; :func:`first_item`, :func:`answer_all`
and :func:`fill` are the whole walks tests share.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from bot.sandbox import Respondent
from bot.sections import Config
from tests.support.app import App

ITEMS = ["U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "P1", "P2", "P3", "P4", "P5"]
SERVICES = ["cpob", "cpob_impor", "fasilitas_bersama", "suket_cpob"]
# Gender, education and occupation, as the buttons read in each language.
CHOICES = {
    "Bahasa Indonesia": ("Perempuan", "S2/Profesi/S3", "Pegawai Swasta"),
    "English": ("Female", "Master", "Private"),
}


def rows(config: Config, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(config.storage.path) as db:
        return list(db.execute(sql, args))


async def begin(r: Respondent, app: App, service: str = "cpob") -> None:
    """Opens the survey link of ``service`` and picks Bahasa Indonesia: the name is asked next."""
    await r.command(app, "start", service)
    await r.tap(app, "Bahasa Indonesia")


async def about(
    r: Respondent, app: App, name: str, age: str, choices: Sequence[str], institution: str
) -> None:
    """Answers the identity after the language: name, age, the three choices, institution."""
    await r.say(app, name)
    await r.say(app, age)
    for label in choices:
        await r.tap(app, label)
    await r.say(app, institution)


async def identity(
    r: Respondent,
    app: App,
    language: str = "Bahasa Indonesia",
    *,
    name: str = "Dini B",
    age: str = "28",
    choices: Sequence[str] | None = None,
    institution: str = "Novell Pharmaceutical Laboratories",
) -> None:
    """Picks ``language`` and answers the identity questions, everyday answers unless told."""
    await r.tap(app, language)
    await about(r, app, name, age, choices or CHOICES[language], institution)


async def finish(
    r: Respondent,
    app: App,
    *,
    period: str = "Januari 2025",
    scores: int | Mapping[str, int] = 4,
    suggestion: str | None = None,
    submit: bool = True,
) -> None:
    """Picks the period, scores every item (4 unless told), types or skips the suggestion."""
    await r.tap(app, period)
    for item in ITEMS:
        score = scores if isinstance(scores, int) else scores.get(item, 4)
        await r.tap(app, f"{score} · ")
    if suggestion is None:
        await r.tap(app, "Lewati")
    else:
        await r.say(app, suggestion)
    if submit:
        await r.tap(app, "✅ Kirim")


async def first_item(r: Respondent, app: App) -> dict[str, Any]:
    """Starts the CPOB survey, answers the identity and the period; returns U1's message."""
    await r.command(app, "start", "cpob")
    await identity(r, app)
    await r.tap(app, "Januari 2025")
    question = r.keyboard_message()
    assert question is not None
    return question


async def answer_all(
    r: Respondent,
    app: App,
    service: str = "cpob",
    scores: dict[str, int] | None = None,
    period: str = "Januari 2025",
    submit: bool = True,
) -> None:
    await r.command(app, "start", service)
    await identity(r, app)
    await finish(r, app, period=period, scores=scores or {}, submit=submit)


async def fill(
    r: Respondent,
    app: App,
    name: str,
    institution: str,
    score: int,
    service: str = "cpob",
    submit: bool = True,
) -> None:
    """The whole survey as a civil servant with a degree, every item at ``score``."""
    await r.command(app, "start", service)
    choices = ("Perempuan", "D4/S1", "PNS/TNI/Polri")
    await identity(r, app, name=name, age="41", choices=choices, institution=institution)
    await finish(r, app, scores=score, suggestion="Pelayanan cepat", submit=submit)
