"""The questionnaire: identity questions, rated items, answer labels and category bands, as data.

The TOML file (``survey/data/questionnaire.toml`` unless config names another) is read once and
turned
into frozen dataclasses: one :mod:`step <survey.steps>` per answer, in the order they are asked,
and the indices with their bands (:mod:`survey.scoring`).

Exceptions::

    QuestionnaireError   the file is missing, unreadable or inconsistent (message names the key)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from survey import console
from survey.console import read_toml, say
from survey.identity import IDENTITY_KINDS, IdentityStep
from survey.scoring import Band, IndexDef
from survey.steps import Item, LanguageStep, PeriodStep, Step, SuggestionStep

DEFAULT_PATH = Path(str(resources.files("survey") / "data" / "questionnaire.toml"))

Text = Mapping[str, str]

LANGUAGE = "language"
PERIOD = "period"
SUGGESTION = "suggestion"
DEFAULT_POINTS, MIN_POINTS, MAX_POINTS = 4, 2, 10  # the answer scale: 1 … points
PERSONAL = ("name", "institution")  # identity keys that name a person or where they work


class QuestionnaireError(Exception):
    """The questionnaire file cannot be used; the message says which key and why."""


@dataclass(frozen=True)
class Questionnaire:
    source: Path
    language_step: LanguageStep
    identity: tuple[IdentityStep, ...]
    period_step: PeriodStep
    items: tuple[Item, ...]
    suggestion_step: SuggestionStep
    indices: Mapping[str, IndexDef]
    points: int = DEFAULT_POINTS  # answers are scored 1 … points
    # The bot's texts this questionnaire words its own way (the instrument's names), by key.
    messages: Mapping[str, Text] = field(default_factory=dict)
    lke: bool = False  # the surveys feed the LKE PMPZI (Zona Integritas): the report says so

    @property
    def scores(self) -> tuple[int, ...]:
        """Every score an item can get, lowest first."""
        return tuple(range(1, self.points + 1))

    @property
    def languages(self) -> tuple[str, ...]:
        return self.language_step.languages

    @property
    def language_names(self) -> Text:
        return self.language_step.names

    @property
    def reference_language(self) -> str:
        return self.languages[0]

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every answer a draft needs before review, in the order they are asked."""
        return (
            self.language_step,
            *self.identity,
            self.period_step,
            *self.items,
            self.suggestion_step,
        )

    @property
    def step_keys(self) -> tuple[str, ...]:
        return tuple(step.key for step in self.steps)

    def step(self, key: str) -> Step:
        """The step answering ``key``; a KeyError for a key the questionnaire does not ask."""
        found = next((step for step in self.steps if step.key == key), None)
        if found is None:
            raise KeyError(key)
        return found

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    def identity_question(self, key: str) -> IdentityStep | None:
        return next((q for q in self.identity if q.key == key), None)

    def items_of(self, index_key: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.group == index_key)


# The console text (config.kind.*) naming each kind of TOML value; config.py reads it too.
KIND_NAMES: dict[Any, str] = {
    str: "text",
    int: "whole_number",
    float: "number",
    int | float: "number",
    bool: "boolean",
    list: "list",
    dict: "table",
}


def load(path: Path | None = None) -> Questionnaire:
    """Reads and validates a questionnaire file; the default is the one shipped in the package."""
    source = path or DEFAULT_PATH
    return _Parser(source, read_toml(source, QuestionnaireError)).questionnaire()


class _Parser:
    """Turns the raw TOML into the model, naming the offending key on every error."""

    def __init__(self, source: Path, raw: dict[str, Any]) -> None:
        self.source = source
        self.raw = raw
        self.languages: tuple[str, ...] = ()
        self.points = DEFAULT_POINTS

    def fail(self, key: str, problem: str) -> QuestionnaireError:
        return QuestionnaireError(f"{self.source}: '{key}' {problem}")

    def get(self, table: Mapping[str, Any], key: str, where: str, kind: type) -> Any:
        if key not in table:
            raise self.fail(f"{where}{key}", say("config.missing"))
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            kind_name = say(f"config.kind.{KIND_NAMES[kind]}")
            raise self.fail(
                f"{where}{key}", say("config.wrong_kind", kind=kind_name, value=repr(value))
            )
        return value

    def text(self, table: Mapping[str, Any], key: str, where: str) -> Text:
        value = self.get(table, key, where, dict)
        for language in self.languages:
            if not isinstance(value.get(language), str) or not value[language].strip():
                raise self.fail(f"{where}{key}.{language}", say("questionnaire.text_empty"))
        return {language: value[language] for language in self.languages}

    def questionnaire(self) -> Questionnaire:
        raw = self.raw
        languages = self.get(raw, "languages", "", list)
        if not languages or not all(isinstance(x, str) and x for x in languages):
            raise self.fail("languages", say("questionnaire.languages"))
        self.languages = tuple(languages)
        self.points = self.get(raw, "scale", "", int) if "scale" in raw else DEFAULT_POINTS
        if not MIN_POINTS <= self.points <= MAX_POINTS:
            raise self.fail("scale", say("questionnaire.scale", low=MIN_POINTS, high=MAX_POINTS))
        identity = tuple(
            self.identity_question(q, f"identity[{n}].")
            for n, q in enumerate(self.get(raw, "identity", "", list))
        )
        items = tuple(
            self.item(i, f"items[{n}].") for n, i in enumerate(self.get(raw, "items", "", list))
        )
        if not items:
            raise self.fail("items", say("questionnaire.no_items"))
        self.unique([q.key for q in identity] + [i.code for i in items], "identity/items")
        period = self.get(raw, "period", "", dict)
        suggestion = self.get(raw, "suggestion", "", dict)
        indices = {
            key: self.index(key, table, items)
            for key, table in self.get(raw, "indices", "", dict).items()
        }
        for item in items:
            if item.group not in indices:
                raise self.fail(
                    f"items.{item.code}.group", say("questionnaire.group", value=repr(item.group))
                )
        return Questionnaire(
            source=self.source,
            language_step=LanguageStep(self.languages, self.text(raw, "language_names", "")),
            identity=identity,
            period_step=PeriodStep(
                column_text=self.text(period, "column", "period."),
                prompt_text=self.text(period, "prompt", "period."),
            ),
            items=items,
            suggestion_step=SuggestionStep(
                column_text=self.text(suggestion, "column", "suggestion."),
                prompt_text=self.text(suggestion, "prompt", "suggestion."),
                hint_text=self.text(suggestion, "hint", "suggestion."),
                max_length=self.get(suggestion, "max_length", "suggestion.", int),
            ),
            indices=indices,
            points=self.points,
            lke=self.get(raw, "lke", "", bool) if "lke" in raw else False,
            messages=self.messages(raw),
        )

    def messages(self, raw: Mapping[str, Any]) -> dict[str, Text]:
        """The optional ``[messages]``: the bot's texts worded for this instrument, by key."""
        table = self.get(raw, "messages", "", dict) if "messages" in raw else {}
        return {key: self.text(table, key, "messages.") for key in table}

    def unique(self, keys: Sequence[str], where: str) -> None:
        reserved = {LANGUAGE, PERIOD, SUGGESTION}
        seen: set[str] = set()
        for key in keys:
            if key in seen or key in reserved:
                raise self.fail(where, say("questionnaire.key_taken", key=repr(key)))
            if not key.replace("_", "").isalnum() or len(key) > 16:
                raise self.fail(where, say("questionnaire.key_shape", key=repr(key)))
            seen.add(key)

    def identity_question(self, raw: Any, where: str) -> IdentityStep:
        if not isinstance(raw, dict):
            raise self.fail(where.rstrip("."), say("config.not_table"))
        key = self.get(raw, "key", where, str)
        where = f"identity.{key}."
        kind = IDENTITY_KINDS.get(self.get(raw, "kind", where, str))
        if kind is None:
            raise self.fail(f"{where}kind", say("questionnaire.kind"))
        return kind.read(self, raw, key, where)

    def item(self, raw: Any, where: str) -> Item:
        if not isinstance(raw, dict):
            raise self.fail(where.rstrip("."), say("config.not_table"))
        code = self.get(raw, "code", where, str)
        where = f"items.{code}."
        labels_raw = self.get(raw, "labels", where, dict)
        labels: dict[str, tuple[str, ...]] = {}
        for language in self.languages:
            found = labels_raw.get(language)
            if (
                not isinstance(found, list)
                or len(found) != self.points
                or not all(isinstance(label, str) and label.strip() for label in found)
            ):
                problem = say("questionnaire.labels", points=self.points)
                raise self.fail(f"{where}labels.{language}", problem)
            labels[language] = tuple(found)
        return Item(
            code=code,
            group=self.get(raw, "group", where, str),
            element=self.text(raw, "element", where),
            text=self.text(raw, "text", where),
            labels=labels,
        )

    def index(self, key: str, raw: Any, items: Sequence[Item]) -> IndexDef:
        where = f"indices.{key}."
        if not isinstance(raw, dict):
            raise self.fail(where.rstrip("."), say("config.not_table"))
        conversion = self.decimal(raw, "conversion", where) if "conversion" in raw else None
        conversion = conversion if conversion is not None else Decimal(25)
        bands_on = raw.get("bands_on", "index")
        if bands_on not in ("index", "converted"):
            raise self.fail(f"{where}bands_on", say("questionnaire.bands_on"))
        places = self.get(raw, "places", where, int) if "places" in raw else 2
        if not 0 <= places <= 6:
            raise self.fail(f"{where}places", say("questionnaire.places"))
        bands = [
            Band(
                min=self.decimal(band, "min", f"{where}bands[{n}]."),
                max=self.decimal(band, "max", f"{where}bands[{n}]."),
                label=self.text({"label": band}, "label", f"{where}bands[{n}]."),
            )
            for n, band in enumerate(self.get(raw, "bands", where, list))
        ]
        factor = conversion if bands_on == "converted" else Decimal(1)
        low, high = factor, self.points * factor
        if not bands or bands[0].min != low or bands[-1].max != high:
            cover = say("questionnaire.bands_cover", low=_number(low), high=_number(high))
            raise self.fail(f"{where}bands", cover)
        step = Decimal(1).scaleb(-places)
        for band in bands:
            if band.min > band.max:
                raise self.fail(f"{where}bands", say("questionnaire.bands_gap", after=band.min))
        for below, above in itertools.pairwise(bands):
            if not Decimal(0) < above.min - below.max <= step:
                raise self.fail(f"{where}bands", say("questionnaire.bands_gap", after=below.max))
        members = tuple(i.code for i in items if i.group == key)
        if not members:
            raise self.fail(where.rstrip("."), say("questionnaire.index_empty"))
        return IndexDef(
            key=key,
            short=self.get(raw, "short", where, str),
            survey=self.get(raw, "survey", where, str),
            name=self.text(raw, "name", where),
            bands=tuple(bands),
            items=members,
            conversion=conversion,
            bands_on=bands_on,
            places=places,
            anti_corruption=(
                self.get(raw, "anti_corruption", where, bool) if "anti_corruption" in raw else False
            ),
        )

    def decimal(self, table: Mapping[str, Any], key: str, where: str) -> Decimal:
        """A number written in the file, exactly as written (``2.5996``, ``"3.0644"``, ``25``)."""
        if key not in table:
            raise self.fail(f"{where}{key}", say("config.missing"))
        value = table[key]
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise ValueError
            found = Decimal(repr(value) if isinstance(value, float) else str(value))
            if not found.is_finite():
                raise ValueError
            return found
        except (ValueError, ArithmeticError):
            kind = say("config.kind.number")
            raise self.fail(
                f"{where}{key}", say("config.wrong_kind", kind=kind, value=repr(value))
            ) from None


def _number(value: Decimal) -> str:
    """A band edge in an error message, in the operator's language: ``1,00`` / ``1.00``."""
    shown = f"{value:.2f}"
    return shown.replace(".", ",") if console.language() == "id" else shown
