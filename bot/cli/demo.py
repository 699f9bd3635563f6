"""``surveibot demo``: a month of respondents answering the real bot, then that month's report.

No token and no network: the real Application runs against the in-process sandbox Bot API
(:mod:`bot.sandbox`, the same fake the tests use). Made-up respondents
(``bot/data/demo_people.toml``) open the deep links and tap the same buttons a person would,
through the real handlers and the real database; then the month's charts, workbook and report
draft are written to the output folder.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.config import load
from bot.sections import Config
from bot.store.files import tidy
from survey import console
from survey.period import Period
from survey.questionnaire import Questionnaire

if TYPE_CHECKING:  # the report's modules are imported only when the demo builds it
    from analysis.report import ReportFiles

DATA = resources.files("bot") / "data"
UNIT_TEXTS = resources.files("survey") / "data" / "unit-texts.example.toml"
SEED = 2025


# The demo bot's username, in its survey links: Telegram requires a bot's username to end in
# "bot", so this one can never be a real bot that a reader of the demo's report might open.
BOT_USERNAME = "surveibot_contoh"


@dataclass
class DemoClock:
    """The simulated time: the demo month, moved on as respondents arrive."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class DemoResult:
    period: str
    submitted: int
    abandoned: int
    database: Path
    files: ReportFiles
    summary: dict[str, Any]


def demo_config(out: Path) -> Config:
    """Returns the demo's config, with its database inside ``out``."""
    config = load(Path(str(DATA / "demo.toml")), environ={})
    return replace(config, storage=replace(config.storage, path=out / "demo.db"))


def _write_config(out: Path, database: Path) -> Path:
    """``out/config.toml``: the demo's configuration on its database, for the staff commands
    (``make report CONFIG=surveibot-demo/config.toml MONTH=…``)."""
    text = (DATA / "demo.toml").read_text("utf-8")
    path_line = f"path = {json.dumps(str(database.resolve()))}"
    text = re.sub(r'(?m)^path = "demo.db"$', lambda _match: path_line, text, count=1)
    texts = f"unit_texts = {json.dumps(str(UNIT_TEXTS))}"
    text = re.sub(r"(?m)^unit_texts = .*$", lambda _match: texts, text, count=1)
    target = out / "config.toml"
    target.write_text(text, "utf-8")
    return target


def last_month(today: datetime, zone: Any) -> Period:
    return Period.of(today, zone).shift(-1)


def run(out: Path, progress: TextIO = sys.stderr, period: str | None = None) -> DemoResult:
    """Simulates the month, writes the report into ``out`` and returns what was made."""
    out.mkdir(parents=True, exist_ok=True)
    config = demo_config(out)
    for stale in out.glob("demo.db*"):
        stale.unlink()  # the demo always starts from an empty database of its own
    period = period or last_month(datetime.now(UTC), config.survey.timezone)
    return asyncio.run(_simulate_and_report(config, out, period, progress))


async def _simulate_and_report(
    config: Config, out: Path, period: str, progress: TextIO
) -> DemoResult:
    people = tomllib.loads((DATA / "demo_people.toml").read_text("utf-8"))
    month = Period.parse(period)
    start = datetime(month.year, month.month, 2, 1, 0, tzinfo=UTC)  # 2nd of the month, 08:00 WIB
    clock = DemoClock(start)
    line = _progress(progress)
    submitted, abandoned = await _simulate(config, clock, people, line)
    _progress_done(progress, line)
    _say(progress)(console.say("cli.report.building", period=period))
    from analysis.report import ReportRequest, build_report
    from bot.store.staff import survey_links

    request = ReportRequest(
        config.storage.path,
        period,
        config.survey.questionnaire,
        {s.code: s.name for s in config.services},
        config.survey.monthly_quota,
        unit_name=config.reports.unit_name,
        zone=config.survey.timezone,
        links=survey_links(config.storage.path, config.services),
        legal_basis=config.reports.legal_basis,
        unit_texts=config.reports.unit_texts,
    )
    files = await asyncio.to_thread(build_report, request, out)
    tidy(config.storage.path)
    _write_config(out, config.storage.path)
    return DemoResult(period, submitted, abandoned, config.storage.path, files, dict(files.summary))


async def _simulate(
    config: Config, clock: DemoClock, people: dict[str, Any], say: Callable[[str], None]
) -> tuple[int, int]:
    from bot.app import build_application
    from bot.sandbox import Respondent, SandboxRequest

    rng = random.Random(SEED)
    sandbox = SandboxRequest(seed=SEED, bot_username=BOT_USERNAME)
    app = build_application(config, sandbox, clock=clock, rate_limited=False)
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    total, dropouts = int(people["respondents"]), int(people["abandoned"])
    weights = people["service_weights"]
    codes = [code for code in weights if config.service(code) is not None]
    step = timedelta(days=26) / (total + dropouts)
    done = 0
    try:
        for n in range(total + dropouts):
            clock.now += step * rng.uniform(0.5, 1.5)
            gender = rng.choice(sorted(people["first_names"]))
            first_name = rng.choice(people["first_names"][gender])
            person = Respondent(sandbox, 700_000 + n, first_name)
            service = rng.choices(codes, weights=[weights[c] for c in codes])[0]
            finish = n % ((total + dropouts) // max(dropouts, 1)) != 3 or done >= total
            english = rng.random() < float(people["english_share"])
            await _answer(
                app,
                person,
                _Persona(service, first_name, gender, english, finish),
                rng,
                people,
                config.survey.questionnaire,
            )
            if finish:
                done += 1
            key = "cli.demo.submitted" if finish else "cli.demo.stopped"
            say(console.say(key, number=n + 1, total=total + dropouts))
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
    return done, total + dropouts - done


@dataclass(frozen=True)
class _Persona:
    """Who a simulated respondent is: their service, first name and gender option (which match),
    language, and whether they finish the survey."""

    service: str
    first_name: str
    gender: str
    english: bool
    finish: bool


async def _answer(
    app: Any,
    person: Any,
    who: _Persona,
    rng: random.Random,
    people: dict[str, Any],
    q: Questionnaire,
) -> None:
    lang = "en" if who.english else "id"
    await person.command(app, "start", who.service)
    await person.tap(app, q.language_names[lang])
    await person.say(app, f"{who.first_name} {rng.choice(people['last_names'])}")
    await person.say(app, str(int(rng.triangular(24, 60, 35))))
    for question in q.identity:
        if question.key == "gender":
            [option] = [o for o in question.options if o.code == who.gender]
            await person.tap(app, option.label[lang])
        elif question.options:
            option = rng.choices(
                question.options, weights=_identity_weights(question.key, len(question.options))
            )[0]
            await person.tap(app, option.label[lang])
        elif question.key not in ("name", "age"):
            await person.say(app, rng.choice(people["institutions"]))
    periods = person.labels()
    await person.tap(app, periods[0])  # the service was completed this month
    mood = rng.random()
    for item in q.items:
        score = _score(item.code, item.group, q.points, people, mood, rng)
        await person.tap(app, f"{score} · ")
        if not who.finish and item.code == "U5":
            return  # stops halfway; the draft stays open for reminders
    if rng.random() < 0.3:
        await person.say(app, rng.choice(people["suggestions"]))
    else:
        await person.tap(app, person.labels()[0])  # Lewati / Skip
    await person.tap(app, person.labels()[0])  # Kirim / Submit


def _identity_weights(key: str, count: int) -> list[float]:
    # Respondents of a drug-production directorate are mostly graduates in private companies.
    if key == "education":
        return [0.0, 0.0, 0.05, 0.1, 0.5, 0.35][:count] + [0.1] * max(0, count - 6)
    if key == "occupation":
        return [0.05, 0.7, 0.15, 0.05, 0.05][:count] + [0.05] * max(0, count - 5)
    return [1.0] * count


def _score(
    code: str, group: str, points: int, people: dict[str, Any], mood: float, rng: random.Random
) -> int:
    """Mostly the top two scores of the scale; the items and groups ``demo_people.toml`` names
    lower or higher (speed and complaint handling lower, anti-corruption higher, as in the
    reference)."""
    base = points - 0.45 + 0.4 * mood + people["item_shift"].get(code, 0.0)
    base += people["group_shift"].get(group, 0.0)
    return max(1, min(points, round(rng.gauss(base, 0.45))))


def _say(stream: TextIO) -> Callable[[str], None]:
    def say(text: str) -> None:
        print(text, file=stream, flush=True)

    return say


def _progress(stream: TextIO) -> Callable[[str], None]:
    """One progress line: rewritten in place on a terminal; elsewhere (a log, a pipe) only the
    last state is written, once, by :func:`_progress_done`."""
    last = [""]

    def say(text: str) -> None:
        last[0] = text
        if stream.isatty():
            print(f"\r{text}\033[K", end="", file=stream, flush=True)

    say.last = last  # type: ignore[attr-defined]
    return say


def _progress_done(stream: TextIO, say: Callable[[str], None]) -> None:
    last = say.last[0]  # type: ignore[attr-defined]
    if stream.isatty():
        print(file=stream, flush=True)
    elif last:
        print(last, file=stream, flush=True)
