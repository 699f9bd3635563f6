"""What surveibot says at a terminal, read from ``survey/data/console*.toml`` (read by
:mod:`survey.catalogue`).

The people at the terminal are the unit's operators: they run ``surveibot report``, ``export``,
``import`` and ``backup`` and fix the configuration. They read Indonesian first, English second,
like everyone else the bot talks to. The command line picks the language once, before it reads
anything (``--lang``, else the environment variable ``SURVEIBOT_LANG``, else Indonesian), and every
line it prints and every configuration, questionnaire, import or backup error is written in it.

A text is a TOML table with one template per language, reached by its dotted path::

    say("config.file_not_found", path=path)

Plain text, no markup: values go into the ``{placeholders}`` as they are.
"""

from __future__ import annotations

import errno
import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from survey.catalogue import Catalogue, files_of, load

__all__ = [
    "LANGUAGES",
    "LANGUAGE_ENV",
    "ConsoleTextError",
    "catalogue",
    "language",
    "reason",
    "say",
    "say_in",
    "use",
]

LANGUAGES = ("id", "en")
LANGUAGE_ENV = "SURVEIBOT_LANG"

_chosen = {"language": LANGUAGES[0]}
# Where tomllib says a file went wrong: "(at line 3, column 9)" or "(at end of document)".
_TOML_PLACE = re.compile(r"\(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)")


class ConsoleTextError(Exception):
    """A console text is missing, or lacks a language."""


def use(language: str) -> None:
    """Makes ``language`` the one every later :func:`say` speaks."""
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    _chosen["language"] = language


def language() -> str:
    """The language :func:`say` speaks now."""
    return _chosen["language"]


def say(key: str, /, **values: object) -> str:
    """Returns text ``key`` in the chosen language with ``values`` put in its placeholders."""
    return say_in(language(), key, **values)


def reason(exc: BaseException) -> str:
    """Why an operation failed, in the chosen language: the operating system's and SQLite's
    commonest errors are said from ``reason.*``; anything else keeps its own (English) words."""
    name = (
        errno.errorcode.get(exc.errno or 0, "")
        if isinstance(exc, OSError)
        else getattr(exc, "sqlite_errorname", "")
    )
    if isinstance(exc, tomllib.TOMLDecodeError):
        found = _TOML_PLACE.search(str(exc))
        if found is not None:
            detail = str(exc)[: found.start()].strip()
            if found["line"] is None:
                return say("reason.toml_end", detail=detail)
            return say("reason.toml", line=found["line"], column=found["column"], detail=detail)
    key = f"reason.{name}"
    if key in catalogue():
        return say(key)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def read_toml(path: Path, error: type[Exception], not_found: str = "config.unreadable") -> Any:
    """Reads a TOML file the operator wrote; a failure raises ``error`` with one line in the
    chosen language: text ``not_found`` for a missing file, else why it cannot be read."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        if not_found == "config.unreadable":
            raise error(say(not_found, path=path, reason=reason(exc))) from None
        raise error(say(not_found, path=path)) from None
    except OSError as exc:
        raise error(say("config.unreadable", path=path, reason=reason(exc))) from None
    except tomllib.TOMLDecodeError as exc:
        raise error(say("config.not_toml", path=path, reason=reason(exc))) from None


def say_in(language: str, key: str, /, **values: object) -> str:
    """Returns text ``key`` in ``language``, whichever language is chosen."""
    texts = catalogue().get(key)
    if texts is None:
        raise ConsoleTextError(f"survey/data/console*.toml has no text {key!r}")
    return str(texts[language]).format(**values)


@cache
def catalogue() -> Catalogue:
    """Every console text by dotted key, checked to exist in every language; read once."""
    return load(files_of(resources.files("survey").joinpath("data"), "console"), LANGUAGES)
