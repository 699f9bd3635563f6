"""The one loader of text catalogues: what surveibot says, in every language, from TOML files.

Three audiences read surveibot's words, each from files of its own: respondents, admins and
staff in Telegram (``bot/data/messages*.toml``, HTML), the operator at a terminal
(``survey/data/console*.toml``, plain) and the reader of the report
(``analysis/resources/report.toml``, with italics). They are all read here, the same way:

- A **text** is a TOML table with one entry per language (``id = "…"``, ``en = "…"``): a
  ``str.format`` template, or a list of words (month names).
- Texts may be grouped in tables; a text is reached by its dotted path (``config.missing``).
- A catalogue may span several files (one per part of the product); a key defined twice is an
  error, as is a text that lacks a language the catalogue requires.

How a text is then filled (escaped for HTML, split into italic runs, or as it is) is the business
of its reader: :class:`bot.messages.Messages`, :mod:`survey.console`, :mod:`analysis.texts`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

__all__ = ["Catalogue", "CatalogueError", "files_of", "load"]

Source = Path | Traversable


class CatalogueError(Exception):
    """A catalogue file cannot be read, defines a key twice, or a text lacks a language."""


class Catalogue(Mapping[str, Mapping[str, Any]]):
    """Every text of a catalogue by its dotted key: ``{language: template or words}``."""

    def __init__(self, texts: Mapping[str, Mapping[str, Any]], fallback: str | None) -> None:
        self._texts = dict(texts)
        self.fallback = fallback

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        return self._texts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def entry(self, key: str, language: str) -> Any:
        """Text ``key`` in ``language`` (in the fallback language where it lacks that one)."""
        texts = self._texts[key]
        if language not in texts and self.fallback is not None:
            return texts[self.fallback]
        return texts[language]


def files_of(folder: Source, prefix: str) -> list[Source]:
    """The ``<prefix>*.toml`` files of ``folder``, by name."""
    found = [f for f in folder.iterdir() if f.name.startswith(prefix) and f.name.endswith(".toml")]
    return sorted(found, key=lambda entry: entry.name)


def load(
    sources: Iterable[Source],
    required: Sequence[str],
    *,
    fallback: str | None = None,
) -> Catalogue:
    """Reads the catalogue in ``sources``; every text must have each language of ``required``.

    A table is a text when it has the first required language, a group of texts otherwise.
    ``fallback`` names the language a text lacking the one asked for is given in.
    """
    found: dict[str, Mapping[str, Any]] = {}
    for source in sources:
        try:
            raw = tomllib.loads(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CatalogueError(f"{source}: cannot be read ({exc})") from exc
        for key, texts in _texts(raw, required[0], source):
            missing = [lang for lang in required if lang not in texts]
            if missing:
                raise CatalogueError(f"{source}: [{key}] has no text in {', '.join(missing)}")
            if key in found:
                raise CatalogueError(f"{source}: [{key}] is already defined in another file")
            found[key] = texts
    return Catalogue(found, fallback)


def _texts(
    node: Mapping[str, Any], first: str, source: Source, prefix: str = ""
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, value in node.items():
        key = f"{prefix}{name}"
        if not isinstance(value, Mapping):
            raise CatalogueError(f"{source}: [{key}] is neither a text nor a group of texts")
        if first in value:
            yield key, value
        else:
            yield from _texts(value, first, source, f"{key}.")
