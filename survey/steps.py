"""The questionnaire's steps, one class per kind: each knows its words, its buttons, and how to
read, check and show its answers, on any medium.

A respondent goes through the steps in order (:attr:`Questionnaire.steps
<survey.questionnaire.Questionnaire.steps>`): the language, the identity questions
(:mod:`survey.identity`: typed text, a typed whole number, a choice), the month the service was
received, the rated items, and a suggestion. Every answer is stored as text: the value of the
button tapped (:meth:`Step.choices`, checked again by :meth:`Step.accepts`), the typed text as
:meth:`Step.typed_answer` cleaned it, or a cell of an imported file as :meth:`Step.imported` read
it. :meth:`Step.label` shows a stored answer as the respondent reads it.

Nothing here knows Telegram, SQL or pandas: the bot turns :class:`Choice` into buttons, the
analysis asks :attr:`Step.options` and :attr:`Step.numeric` how to count a column. A new kind of
identity question is one class in :mod:`survey.identity` (listed in its ``IDENTITY_KINDS``, so
the TOML may name it) and its texts.

Words that are the bot's, not the questionnaire's (the language step's prompt, month names, the
suggestion's skip button) come from a :class:`Words` (the bot's :class:`bot.messages.Messages`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, ClassVar, Protocol

from survey.period import Period

__all__ = [
    "SKIP",
    "Choice",
    "Item",
    "LanguageStep",
    "Option",
    "PeriodStep",
    "Reader",
    "Step",
    "SuggestionStep",
    "When",
    "Words",
]

Text = Mapping[str, str]
SKIP = "-"  # the suggestion's "skip" button; stored as no suggestion
LATE_BUTTON = timedelta(days=7)  # a month's button tapped this long into the next still counts


class Words(Protocol):
    """The bot's own words a step shows: plain texts by key, and month names."""

    def plain(self, key: str, language: str, **values: object) -> str: ...

    def month(self, period: str, language: str) -> str: ...


@dataclass(frozen=True)
class When:
    """The moment a step is shown or answered, and the survey's time zone."""

    now: datetime
    zone: tzinfo


@dataclass(frozen=True)
class Choice:
    """A button: what it says and the answer it stores."""

    label: str
    value: str


@dataclass(frozen=True)
class Option:
    code: str
    label: Text


class Reader(Protocol):
    """Reads a questionnaire TOML table, naming the offending key in every error."""

    def get(self, table: Mapping[str, Any], key: str, where: str, kind: type) -> Any: ...

    def text(self, table: Mapping[str, Any], key: str, where: str) -> Text: ...

    def fail(self, key: str, problem: str) -> Exception: ...


class Step:
    """One answer of the questionnaire. Subclasses say how it is asked, read and shown."""

    key: str
    typed: ClassVar[bool] = False  # answered by typing a message, not by a button
    numeric: ClassVar[bool] = False  # the analysis counts it as a number
    shows_code: ClassVar[bool] = False  # its key is printed before the question (U1 · …)

    @property
    def options(self) -> tuple[Option, ...]:
        """The fixed answers the analysis counts by (a choice's options), else none."""
        return ()

    def prompt(self, language: str, words: Words) -> str:
        raise NotImplementedError

    def column(self, language: str, words: Words) -> str:
        """The answer's name in the review, the change menu and the files."""
        raise NotImplementedError

    def short_column(self, language: str, words: Words) -> str:
        """The name on a change-menu button, where space is short."""
        return self.column(language, words)[:24]

    def hint(self, language: str) -> str | None:
        """What to type, shown after an answer that cannot be used; None: use the buttons."""
        return None

    def choices(self, language: str, words: Words, when: When) -> tuple[Choice, ...]:
        """The buttons under the question, in order; none for a typed answer."""
        return ()

    def accepts(self, value: str, when: When) -> bool:
        """True when ``value`` came from one of this step's buttons (callback data is forgeable)."""
        return False

    def stored(self, value: str) -> str:
        """What a button's ``value`` stores."""
        return value

    def typed_answer(self, text: str) -> str | None:
        """A typed message, cleaned, as it is stored; None when it does not fit."""
        return None

    def label(self, value: str, language: str, words: Words) -> str:
        """A stored answer as the respondent reads it."""
        return value

    def imported(self, text: str, reference_language: str) -> str:
        """A cell of an imported file as it is stored; a ValueError says why it cannot be."""
        return " ".join(text.split())


@dataclass(frozen=True)
class LanguageStep(Step):
    """The first step: the language every later text is in."""

    languages: tuple[str, ...]
    names: Text
    key: str = "language"

    def prompt(self, language: str, words: Words) -> str:
        return words.plain("choose_language", language)

    def column(self, language: str, words: Words) -> str:
        return words.plain("language_column", language)

    def choices(self, language: str, words: Words, when: When) -> tuple[Choice, ...]:
        return tuple(Choice(self.names[code], code) for code in self.languages)

    def accepts(self, value: str, when: When) -> bool:
        return value in self.languages

    def label(self, value: str, language: str, words: Words) -> str:
        return self.names.get(value, value)


@dataclass(frozen=True)
class PeriodStep(Step):
    """The month the service was received: this month or the one before."""

    column_text: Text
    prompt_text: Text
    key: str = "period"

    def prompt(self, language: str, words: Words) -> str:
        return self.prompt_text[language]

    def column(self, language: str, words: Words) -> str:
        return self.column_text[language]

    def choices(self, language: str, words: Words, when: When) -> tuple[Choice, ...]:
        return tuple(Choice(words.month(p, language), p) for p in offered(when.now, when.zone))

    def accepts(self, value: str, when: When) -> bool:
        # A button sent just before midnight at a month's end stays good for a while.
        earlier = offered(when.now - LATE_BUTTON, when.zone)
        return value in offered(when.now, when.zone) + earlier

    def label(self, value: str, language: str, words: Words) -> str:
        return words.month(value, language) if value else ""


@dataclass(frozen=True)
class Item(Step):
    """A rated item (U1…U8, P1…P5): one button per score, each with the item's own label."""

    code: str
    group: str
    element: Text
    text: Text
    labels: Mapping[str, tuple[str, ...]]
    shows_code: ClassVar[bool] = True
    numeric: ClassVar[bool] = True

    @property
    def key(self) -> str:  # type: ignore[override]
        return self.code

    def prompt(self, language: str, words: Words) -> str:
        return self.text[language]

    def column(self, language: str, words: Words) -> str:
        return f"{self.code} · {self.element[language]}"

    def short_column(self, language: str, words: Words) -> str:
        return self.code

    def choices(self, language: str, words: Words, when: When) -> tuple[Choice, ...]:
        return tuple(
            Choice(f"{score} · {label}", str(score))
            for score, label in enumerate(self.labels[language], start=1)
        )

    def accepts(self, value: str, when: When) -> bool:
        return value in {str(score) for score in self.scores}

    @property
    def scores(self) -> range:
        """Every score of the scale, lowest first: one per label."""
        return range(1, len(next(iter(self.labels.values()))) + 1)

    def label(self, value: str, language: str, words: Words) -> str:
        return f"{value} · {self.score_label(int(value), language)}" if value else ""

    def score_label(self, score: int, language: str) -> str:
        return self.labels[language][score - 1]


@dataclass(frozen=True)
class SuggestionStep(Step):
    """A typed suggestion, or the skip button."""

    column_text: Text
    prompt_text: Text
    hint_text: Text
    max_length: int
    key: str = "suggestion"
    typed: ClassVar[bool] = True

    def prompt(self, language: str, words: Words) -> str:
        return self.prompt_text[language]

    def column(self, language: str, words: Words) -> str:
        return self.column_text[language]

    def hint(self, language: str) -> str:
        return self.hint_text[language]

    def choices(self, language: str, words: Words, when: When) -> tuple[Choice, ...]:
        return (Choice(words.plain("skip", language), SKIP),)

    def accepts(self, value: str, when: When) -> bool:
        return value == SKIP

    def stored(self, value: str) -> str:
        return ""

    def typed_answer(self, text: str) -> str | None:
        text = text.strip()
        return text if 0 < len(text) <= self.max_length else None

    def label(self, value: str, language: str, words: Words) -> str:
        return value if value else words.plain("skipped", language)


def offered(now: datetime, zone: tzinfo) -> tuple[Period, Period]:
    """This month and last month in the survey's time zone: the months a respondent may choose."""
    this = Period.of(now, zone)
    return this, this.shift(-1)
