"""The answers to the suggestion question: which are suggestions, which say the same, and which
concern the SPAK.

Answers are compared by their words (:func:`words_of`): case-folded, every run of punctuation
and spaces one space, trimmed. An answer without words ("-", "."), or whose words are one of the
placeholders in ``analysis/resources/suggestions.toml`` ("Tidak ada", "N/A", "nihil"), is not a
suggestion: :attr:`Suggestion.placeholder`. Suggestions with the same words are one
:class:`Group`. A suggestion concerns anti-corruption (:func:`concerns_anti_corruption`) when
one of that file's terms ("pungli", "calo", "bribe") appears in it as whole words.

The word lists are data: adding a placeholder or a term touches no Python. This module reads
no database and needs no pandas, so the bot's ``/suggestions`` and staff post use it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from survey.catalogue import load

__all__ = [
    "SOURCE",
    "Group",
    "Suggestion",
    "concerns_anti_corruption",
    "group",
    "is_placeholder",
    "words_of",
]

SOURCE = "resources/suggestions.toml"  # inside the analysis package
_NOT_WORD = re.compile(r"[\W_]+")


def words_of(answer: str) -> str:
    """The words of ``answer`` as they are compared: ``" Tidak ada  saran!"`` → ``tidak ada
    saran``, ``"N/A"`` → ``n a``, ``"-"`` → ``""``."""
    return " ".join(word for word in _NOT_WORD.split(answer.casefold()) if word)


@cache
def _lists() -> Mapping[str, frozenset[str]]:
    """Each list of the file, every language's entries together, as :func:`words_of` gives them."""
    lists = load([resources.files("analysis").joinpath(SOURCE)], ("id", "en"))
    return {
        name: frozenset(
            words_of(str(entry)) for entries in by_language.values() for entry in entries
        )
        for name, by_language in lists.items()
    }


def is_placeholder(answer: str) -> bool:
    """Whether ``answer`` says there is no suggestion: no words, or a listed placeholder."""
    words = words_of(answer)
    return not words or words in _lists()["placeholders"]


def concerns_anti_corruption(answer: str) -> bool:
    """Whether a listed anti-corruption term appears in ``answer`` as whole words."""
    padded = f" {words_of(answer)} "
    return any(f" {term} " in padded for term in _lists()["anti_corruption"])


@dataclass(frozen=True)
class Suggestion:
    """One submission's answer to the suggestion question, trimmed and never empty."""

    service: str
    text: str
    counted: bool
    name: str | None
    late: bool = False  # sent after the month closed: neither counted nor beyond quota

    @property
    def placeholder(self) -> bool:
        """Whether the answer only says there is none ("-", "Tidak ada"): not a suggestion."""
        return is_placeholder(self.text)


@dataclass(frozen=True)
class Group:
    """Suggestions with the same words: the first one's text, how many sent it, and their
    services and names (each once, in the order they came)."""

    text: str
    count: int
    services: tuple[str, ...]
    names: tuple[str, ...]


def group(suggestions: Iterable[Suggestion]) -> list[Group]:
    """Groups ``suggestions`` with the same words, in the order each was first sent."""
    found: dict[str, list[Suggestion]] = {}
    for suggestion in suggestions:
        found.setdefault(words_of(suggestion.text), []).append(suggestion)
    return [
        Group(
            text=same[0].text,
            count=len(same),
            services=tuple(dict.fromkeys(s.service for s in same)),
            names=tuple(dict.fromkeys(s.name for s in same if s.name)),
        )
        for same in found.values()
    ]
