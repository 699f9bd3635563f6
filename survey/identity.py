"""The identity questions of the TOML's ``[[identity]]``, one class per ``kind``: typed text, a
typed whole number, a choice among options. Each reads its own TOML table (:meth:`read`), and
answers the :class:`~survey.steps.Step` questions: its buttons, the typed or imported answer
cleaned and checked, the answer as it reads. A new kind is one class here, added to
:data:`IDENTITY_KINDS`, with its texts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from survey.console import say
from survey.steps import Choice, Option, Reader, Step, Text, When, Words

__all__ = ["IDENTITY_KINDS", "ChoiceStep", "IdentityStep", "IntegerStep", "TextStep"]


@dataclass(frozen=True)
class IdentityStep(Step):
    """An identity question of the TOML's ``[[identity]]``; ``kind`` names the subclass."""

    kind: ClassVar[str]
    key: str
    column_text: Text
    prompt_text: Text
    hint_text: Text

    def prompt(self, language: str, words: Words) -> str:
        return self.prompt_text[language]

    def column(self, language: str, words: Words) -> str:
        return self.column_text[language]

    @classmethod
    def read(cls, reader: Reader, raw: Mapping[str, Any], key: str, where: str) -> IdentityStep:
        """The question of TOML table ``raw``, whose ``kind`` is this class's."""
        raise NotImplementedError

    @classmethod
    def common(cls, reader: Reader, raw: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        """The fields every kind reads: its key, column and prompt, and the hint of a typed
        answer (a choice's hint is its prompt)."""
        prompt = reader.text(raw, "prompt", where)
        return {
            "key": key,
            "column_text": reader.text(raw, "column", where),
            "prompt_text": prompt,
            "hint_text": reader.text(raw, "hint", where) if cls.typed else prompt,
        }

    def hint(self, language: str) -> str | None:
        return self.hint_text[language] if self.typed else None


@dataclass(frozen=True)
class TextStep(IdentityStep):
    """Typed text with at least one letter: a name, an institution."""

    kind: ClassVar[str] = "text"
    typed: ClassVar[bool] = True
    max_length: int = 200

    @classmethod
    def read(cls, reader: Reader, raw: Mapping[str, Any], key: str, where: str) -> TextStep:
        return cls(
            **cls.common(reader, raw, key, where),
            max_length=reader.get(raw, "max_length", where, int),
        )

    def typed_answer(self, text: str) -> str | None:
        text = " ".join(text.split())
        ok = 0 < len(text) <= self.max_length and any(ch.isalpha() for ch in text)
        return text if ok else None

    def imported(self, text: str, reference_language: str) -> str:
        text = " ".join(text.split())
        if len(text) > self.max_length:
            raise ValueError(say("transfer.too_long", key=self.key, length=self.max_length))
        return text


@dataclass(frozen=True)
class IntegerStep(IdentityStep):
    """A typed whole number between ``min`` and ``max``: the age."""

    kind: ClassVar[str] = "integer"
    typed: ClassVar[bool] = True
    numeric: ClassVar[bool] = True
    min: int = 0
    max: int = 0

    @classmethod
    def read(cls, reader: Reader, raw: Mapping[str, Any], key: str, where: str) -> IntegerStep:
        return cls(
            **cls.common(reader, raw, key, where),
            min=reader.get(raw, "min", where, int),
            max=reader.get(raw, "max", where, int),
        )

    def typed_answer(self, text: str) -> str | None:
        text = text.strip()
        if not re.fullmatch(r"[0-9]{1,3}", text):
            return None
        number = int(text)
        return str(number) if self.min <= number <= self.max else None

    def imported(self, text: str, reference_language: str) -> str:
        text = " ".join(text.split())
        if not text:
            return ""
        answer = self.typed_answer(text)
        if answer is None:
            raise ValueError(
                say("transfer.integer", key=self.key, value=repr(text), low=self.min, high=self.max)
            )
        return answer


@dataclass(frozen=True)
class ChoiceStep(IdentityStep):
    """One of a few options, by button: gender, education, occupation."""

    kind: ClassVar[str] = "choice"
    choice_options: tuple[Option, ...] = ()

    @classmethod
    def read(cls, reader: Reader, raw: Mapping[str, Any], key: str, where: str) -> ChoiceStep:
        options = tuple(
            Option(
                code=reader.get(o, "code", f"{where}options[{n}].", str),
                label=reader.text({"label": o}, "label", f"{where}options[{n}]."),
            )
            for n, o in enumerate(reader.get(raw, "options", where, list))
        )
        if not options:
            raise reader.fail(f"{where}options", say("questionnaire.no_options"))
        if len({o.code for o in options}) != len(options):
            raise reader.fail(f"{where}options", say("questionnaire.option_repeat"))
        return cls(**cls.common(reader, raw, key, where), choice_options=options)

    @property
    def options(self) -> tuple[Option, ...]:
        return self.choice_options

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    def choices(self, language: str, words: Words, when: When) -> tuple[Choice, ...]:
        return tuple(Choice(o.label[language], o.code) for o in self.options)

    def accepts(self, value: str, when: When) -> bool:
        return self.option(value) is not None

    def label(self, value: str, language: str, words: Words) -> str:
        option = self.option(value)
        return option.label[language] if option else value

    def imported(self, text: str, reference_language: str) -> str:
        """An option by its code or its label in any language, case and spaces aside."""
        text = " ".join(text.split())
        if not text:
            return ""
        for option in self.options:
            labels = {option.code.lower(), *(label.lower() for label in option.label.values())}
            if text.lower() in labels or _squash(text) in {_squash(x) for x in labels}:
                return option.code
        allowed = ", ".join(o.label[reference_language] for o in self.options)
        raise ValueError(say("transfer.choice", key=self.key, value=repr(text), allowed=allowed))


IDENTITY_KINDS: Mapping[str, type[IdentityStep]] = {
    step.kind: step for step in (TextStep, IntegerStep, ChoiceStep)
}


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())
