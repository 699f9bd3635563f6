"""The words of the report, read once from ``analysis/resources/report.toml``.

A text is a TOML table keyed by language: ``id`` always (the report's language), ``en`` where it
was cheap to add; a language a text lacks falls back to ``id``. Its value is a ``str.format``
template with named ``{placeholders}`` (:func:`text`) or a list of words (:func:`words`: month
names, table headers). Texts are reached by their dotted path: ``text("sentence.no_data",
month="Januari 2025")``. Which text applies, and numbers, counts and lists as they are written
into the placeholders, are decided in Python; the words are in the file.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from survey.catalogue import Catalogue, load

__all__ = [
    "REPORT_LANGUAGE",
    "SOURCE",
    "Span",
    "catalogue",
    "fill",
    "spans",
    "templates",
    "text",
    "words",
]

REPORT_LANGUAGE = "id"
SOURCE = "resources/report.toml"  # inside the analysis package


@cache
def catalogue() -> Catalogue:
    """The report's texts (:mod:`survey.catalogue`), read on first use and kept; a text without
    the asked language is given in the report's."""
    source = resources.files("analysis").joinpath(SOURCE)
    return load([source], (REPORT_LANGUAGE,), fallback=REPORT_LANGUAGE)


class Span(NamedTuple):
    """A run of a text: a foreign term is ``italic``; a ``placeholder`` is text for the unit to
    write in its place (the draft shows it bracketed and highlighted)."""

    text: str
    italic: bool
    placeholder: bool = False


def text(key: str, language: str = REPORT_LANGUAGE, /, **values: object) -> str:
    """Returns text ``key`` in ``language`` with ``values`` put in its placeholders."""
    return "".join(span.text for span in spans(key, language, **values))


def spans(key: str, language: str = REPORT_LANGUAGE, /, **values: object) -> tuple[Span, ...]:
    """Returns text ``key`` as runs, the ``*``-marked foreign terms in italics.

    The template is split before ``values`` go in, so an asterisk in a value (a respondent's
    words) is printed as it is. A value that is a :class:`Span` (a placeholder) stays a run of
    its own.
    """
    template = _entry(key, language)
    if not isinstance(template, str):
        raise TypeError(f"analysis/{SOURCE}: {key!r} is a list of words, not a text")
    if template.count("*") % 2:
        raise ValueError(f"analysis/{SOURCE}: {key!r} has a '*' without its pair")
    return fill(template, **values)


def fill(template: str, /, **values: object) -> tuple[Span, ...]:
    """Returns ``template`` (``*``-marked italics, ``{name}`` placeholders) as runs, as
    :func:`spans` does for a text of the file: a template from elsewhere (the unit's texts)."""
    found: list[Span] = []
    for n, part in enumerate(template.split("*")):
        italic = bool(n % 2)
        if not any(isinstance(value, Span) for value in values.values()):
            found.append(Span(part.format(**values), italic))
            continue
        for literal, field, _spec, _conversion in string.Formatter().parse(part):
            found.append(Span(literal, italic))
            if field is not None:
                value = values[field]
                found.append(value if isinstance(value, Span) else Span(str(value), italic))
    return tuple(span for span in found if span.text)


def words(key: str, language: str = REPORT_LANGUAGE, /) -> tuple[str, ...]:
    """Returns the list of words ``key`` in ``language``."""
    found = _entry(key, language)
    if not isinstance(found, list):
        raise TypeError(f"analysis/{SOURCE}: {key!r} is a text, not a list of words")
    return tuple(str(word) for word in found)


def templates() -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yields every text as (dotted key, {language: template or words})."""
    yield from catalogue().items()


def _entry(key: str, language: str) -> object:
    if key not in catalogue():
        if any(known.startswith(f"{key}.") for known in catalogue()):
            raise KeyError(f"analysis/{SOURCE}: {key!r} is a group of texts, not a text")
        raise KeyError(f"analysis/{SOURCE} has no text {key!r}")
    return catalogue().entry(key, language)
