"""The questionnaire: identity questions, rated items, answer labels and category bands, as data.

The TOML file (``survey/data/questionnaire.toml`` unless config names another) is read once and
turned
into frozen dataclasses. Nothing here imports telegram, so ``analysis`` can use the same model.

Exceptions::

    QuestionnaireError   the file is missing, unreadable or inconsistent (message names the key)
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from survey.console import reason, say

DEFAULT_PATH = Path(str(resources.files("survey") / "data" / "questionnaire.toml"))

Text = Mapping[str, str]
StepKind = Literal["language", "text", "integer", "choice", "period", "item", "suggestion"]

LANGUAGE = "language"
PERIOD = "period"
SUGGESTION = "suggestion"
PERSONAL = ("name", "institution")  # identity keys that name a person or where they work
SCORES = (1, 2, 3, 4)


class QuestionnaireError(Exception):
    """The questionnaire file cannot be used; the message says which key and why."""


@dataclass(frozen=True)
class Option:
    code: str
    label: Text


@dataclass(frozen=True)
class IdentityQuestion:
    key: str
    kind: Literal["text", "integer", "choice"]
    column: Text
    prompt: Text
    hint: Text
    options: tuple[Option, ...] = ()
    max_length: int = 200
    min: int = 0
    max: int = 0

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Item:
    code: str
    group: str
    element: Text
    text: Text
    labels: Mapping[str, tuple[str, str, str, str]]

    def label(self, score: int, language: str) -> str:
        return self.labels[language][score - 1]


@dataclass(frozen=True)
class Band:
    min: Decimal
    max: Decimal
    label: Text


@dataclass(frozen=True)
class IndexDef:
    key: str
    short: str
    survey: str
    name: Text
    bands: tuple[Band, ...]
    items: tuple[str, ...]

    def category(self, value: float | Decimal) -> Band:
        """Returns the band of ``value`` once rounded to 2 decimals half-up, as Excel's ROUND."""
        rounded = round_half_up(value)
        for band in self.bands:
            if band.min <= rounded <= band.max:
                return band
        raise ValueError(f"{self.short} {rounded} lies outside every category band")


@dataclass(frozen=True)
class Questionnaire:
    source: Path
    languages: tuple[str, ...]
    language_names: Text
    identity: tuple[IdentityQuestion, ...]
    period_column: Text
    period_prompt: Text
    items: tuple[Item, ...]
    suggestion_column: Text
    suggestion_prompt: Text
    suggestion_hint: Text
    suggestion_max_length: int
    indices: Mapping[str, IndexDef]

    @property
    def reference_language(self) -> str:
        return self.languages[0]

    @property
    def step_keys(self) -> tuple[str, ...]:
        """Every answer a draft needs before review, in the order they are asked."""
        return (
            LANGUAGE,
            *(q.key for q in self.identity),
            PERIOD,
            *(i.code for i in self.items),
            SUGGESTION,
        )

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    def identity_question(self, key: str) -> IdentityQuestion | None:
        return next((q for q in self.identity if q.key == key), None)

    def kind(self, key: str) -> StepKind:
        if key == LANGUAGE:
            return "language"
        if key == PERIOD:
            return "period"
        if key == SUGGESTION:
            return "suggestion"
        if self.item(key) is not None:
            return "item"
        question = self.identity_question(key)
        if question is None:
            raise KeyError(key)
        return question.kind

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


def round_half_up(value: float | Decimal, places: int = 2) -> Decimal:
    """Rounds as Excel's ROUND does: 3.915 → 3.92, using the shortest decimal form of a float."""
    exponent = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)


def load(path: Path | None = None) -> Questionnaire:
    """Reads and validates a questionnaire file; the default is the one shipped in the package."""
    source = path or DEFAULT_PATH
    try:
        with source.open("rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise QuestionnaireError(say("config.unreadable", path=source, reason=reason(exc))) from exc
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(say("config.not_toml", path=source, reason=reason(exc))) from exc
    return _Parser(source, raw).questionnaire()


class _Parser:
    """Turns the raw TOML into the model, naming the offending key on every error."""

    def __init__(self, source: Path, raw: dict[str, Any]) -> None:
        self.source = source
        self.raw = raw
        self.languages: tuple[str, ...] = ()

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
            languages=self.languages,
            language_names=self.text(raw, "language_names", ""),
            identity=identity,
            period_column=self.text(period, "column", "period."),
            period_prompt=self.text(period, "prompt", "period."),
            items=items,
            suggestion_column=self.text(suggestion, "column", "suggestion."),
            suggestion_prompt=self.text(suggestion, "prompt", "suggestion."),
            suggestion_hint=self.text(suggestion, "hint", "suggestion."),
            suggestion_max_length=self.get(suggestion, "max_length", "suggestion.", int),
            indices=indices,
        )

    def unique(self, keys: Sequence[str], where: str) -> None:
        reserved = {LANGUAGE, PERIOD, SUGGESTION}
        seen: set[str] = set()
        for key in keys:
            if key in seen or key in reserved:
                raise self.fail(where, say("questionnaire.key_taken", key=repr(key)))
            if not key.replace("_", "").isalnum() or len(key) > 16:
                raise self.fail(where, say("questionnaire.key_shape", key=repr(key)))
            seen.add(key)

    def identity_question(self, raw: Any, where: str) -> IdentityQuestion:
        if not isinstance(raw, dict):
            raise self.fail(where.rstrip("."), say("config.not_table"))
        key = self.get(raw, "key", where, str)
        where = f"identity.{key}."
        kind = self.get(raw, "kind", where, str)
        if kind not in ("text", "integer", "choice"):
            raise self.fail(f"{where}kind", say("questionnaire.kind"))
        options: tuple[Option, ...] = ()
        if kind == "choice":
            options = tuple(
                Option(
                    code=self.get(o, "code", f"{where}options[{n}].", str),
                    label=self.text({"label": o}, "label", f"{where}options[{n}]."),
                )
                for n, o in enumerate(self.get(raw, "options", where, list))
            )
            if not options:
                raise self.fail(f"{where}options", say("questionnaire.no_options"))
            if len({o.code for o in options}) != len(options):
                raise self.fail(f"{where}options", say("questionnaire.option_repeat"))
        prompt = self.text(raw, "prompt", where)
        return IdentityQuestion(
            key=key,
            kind=kind,
            column=self.text(raw, "column", where),
            prompt=prompt,
            hint=self.text(raw, "hint", where) if kind != "choice" else prompt,
            options=options,
            max_length=self.get(raw, "max_length", where, int) if kind == "text" else 0,
            min=self.get(raw, "min", where, int) if kind == "integer" else 0,
            max=self.get(raw, "max", where, int) if kind == "integer" else 0,
        )

    def item(self, raw: Any, where: str) -> Item:
        if not isinstance(raw, dict):
            raise self.fail(where.rstrip("."), say("config.not_table"))
        code = self.get(raw, "code", where, str)
        where = f"items.{code}."
        labels_raw = self.get(raw, "labels", where, dict)
        labels: dict[str, tuple[str, str, str, str]] = {}
        for language in self.languages:
            four = labels_raw.get(language)
            if not isinstance(four, list) or len(four) != len(SCORES):
                raise self.fail(f"{where}labels.{language}", say("questionnaire.labels"))
            labels[language] = (four[0], four[1], four[2], four[3])
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
        bands = []
        for n, band in enumerate(self.get(raw, "bands", where, list)):
            at = f"{where}bands[{n}]."
            bands.append(
                Band(
                    min=round_half_up(self.get(band, "min", at, float)),
                    max=round_half_up(self.get(band, "max", at, float)),
                    label=self.text({"label": band}, "label", at),
                )
            )
        if not bands or bands[0].min != Decimal("1.00") or bands[-1].max != Decimal("4.00"):
            raise self.fail(f"{where}bands", say("questionnaire.bands_cover"))
        for low, high in itertools.pairwise(bands):
            if high.min != low.max + Decimal("0.01"):
                raise self.fail(f"{where}bands", say("questionnaire.bands_gap", after=low.max))
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
        )
