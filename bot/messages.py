"""The bot's own texts (``bot/data/messages*.toml``, read by :mod:`survey.catalogue`), in every
language of the questionnaire.

Texts are HTML for Telegram's ``parse_mode=HTML``. Every value put into a placeholder is escaped
here, so a respondent's name like ``<b>x</b>`` or ``*x*`` is shown as typed, never interpreted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from survey import catalogue
from survey.catalogue import files_of
from survey.period import Period

DEFAULT_PATH = Path(str(resources.files("bot") / "data" / "messages.toml"))


class Safe(str):
    """A value that is already HTML (built from escaped parts): inserted as it is."""


class MessagesError(Exception):
    """The messages file is missing a text or a language."""


@dataclass(frozen=True)
class Messages:
    texts: dict[str, dict[str, Any]]
    languages: tuple[str, ...]

    def get(self, key: str, language: str, **values: object) -> str:
        """Returns text ``key`` in ``language`` with escaped values filled in."""
        template = self.texts[key][language]
        if not values:
            return str(template)
        return str(template).format(**{k: _escape(v) for k, v in values.items()})

    def plain(self, key: str, language: str, **values: object) -> str:
        """Returns a text meant for a button or alert, where HTML is not parsed."""
        return str(self.texts[key][language]).format(**values)

    def month(self, period: str, language: str) -> str:
        """Formats ``YYYY-MM`` as ``Januari 2025``."""
        month = Period.parse(period)
        names: Sequence[str] = self.texts["months"][language]
        return self.plain("period_label", language, month=names[month.month - 1], year=month.year)

    def day(self, day: date, language: str) -> str:
        """Formats a day: ``31 Maret 2025``."""
        names: Sequence[str] = self.texts["months"][language]
        return self.plain(
            "day_label", language, day=day.day, month=names[day.month - 1], year=day.year
        )

    def when(self, moment: datetime, zone: tzinfo, language: str) -> str:
        """Formats a moment in the survey's time zone: ``7 Februari 2025 pukul 10.30 WIB``."""
        local = moment.astimezone(zone)
        names: Sequence[str] = self.texts["months"][language]
        return self.plain(
            "when",
            language,
            day=local.day,
            month=names[local.month - 1],
            year=local.year,
            hour=f"{local.hour:02d}",
            minute=f"{local.minute:02d}",
            zone=local.tzname() or "",
        )


def load(
    languages: Sequence[str],
    path: Path | None = None,
    overrides: Mapping[str, Mapping[str, str]] | None = None,
) -> Messages:
    """Reads the messages files and checks that every text exists in every language.

    Without ``path``, every ``bot/data/messages*.toml`` is read (one file per part of the bot);
    a key defined in two files is an error. ``overrides`` (the questionnaire's ``[messages]``)
    replace texts of the same key: the instrument's names. A text may then name another as
    ``{@key}``, in the same language (``{@survey_title}``): filled in here, once.
    """
    sources = [path] if path is not None else files_of(DEFAULT_PATH.parent, "messages")
    try:
        texts = {key: dict(value) for key, value in catalogue.load(sources, languages).items()}
    except catalogue.CatalogueError as exc:
        raise MessagesError(str(exc)) from exc
    for key, replacement in (overrides or {}).items():
        if key not in texts:
            raise MessagesError(f"[messages] {key!r}: the bot has no text of that name")
        texts[key] = {**texts[key], **replacement}
    for value in texts.values():
        for language, template in value.items():
            if isinstance(template, str) and "{@" in template:
                value[language] = _REFERENCE.sub(partial(_named, texts, language), template)
    return Messages(texts=texts, languages=tuple(languages))


_REFERENCE = re.compile(r"\{@([a-z_]+)\}")


def _named(texts: Mapping[str, Mapping[str, Any]], language: str, found: re.Match[str]) -> str:
    key = found.group(1)
    if key not in texts:
        raise MessagesError(f"{{@{key}}}: there is no text {key!r}")
    return str(texts[key][language])


def _escape(value: object) -> str:
    return value if isinstance(value, Safe) else html.escape(str(value))
