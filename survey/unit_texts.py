"""The unit's own texts in the report draft, written once instead of every month.

``[reports] unit_texts`` names a TOML file (``survey/data/unit-texts.example.toml`` holds the
reference's own) with the Kata Pengantar and its signature, BAB I, the efforts against corruption
listed after the SPAK results, and the standing follow-up when IPAK is in its top band. Every key
is optional: the draft shows a yellow placeholder for a text the file leaves out.

A text is written as it reads: a blank line starts a paragraph, a line starting with ``- `` is a
bullet, any other line goes on with the paragraph or bullet above. ``{bulan}`` (the report's
month), ``{unit}`` (``[reports] unit_name``) and ``{tanggal}`` (a placeholder for the date of
signing) are filled in; ``*…*`` sets a term in italics, as in the report's own texts. The file is
read and checked once, at start, like the configuration that names it.

Exceptions::

    UnitTextsError   the file is missing, unreadable, or has an unknown key or placeholder
                     (the message names the file and the key)
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.console import read_toml, say

MONTH, UNIT, DATE = "bulan", "unit", "tanggal"  # {bulan}, {unit}, {tanggal}
PLACEHOLDERS = (MONTH, UNIT, DATE)
BULLET = "- "


class UnitTextsError(Exception):
    """The unit text file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Block:
    """One paragraph or bullet of a text: a template with ``{bulan}``, ``{unit}``, ``{tanggal}``."""

    template: str
    bullet: bool = False


@dataclass(frozen=True)
class UnitTexts:
    """The texts of one file; an empty tuple is a text the file leaves out."""

    source: Path | None = None
    foreword: tuple[Block, ...] = ()  # Kata Pengantar
    signature: tuple[str, ...] = ()  # its closing lines: place and date, position, name
    introduction: tuple[Block, ...] = ()  # BAB I
    anti_corruption_efforts: tuple[Block, ...] = ()  # BAB III A b, after the SPAK results
    spak_follow_up: tuple[Block, ...] = ()  # BAB III B 2), when IPAK is in its top band


_TEXTS = ("foreword", "introduction", "anti_corruption_efforts", "spak_follow_up")
_LINES = ("signature",)


def load(path: Path) -> UnitTexts:
    """Reads and checks the unit text file at ``path``."""
    raw = read_toml(path, UnitTextsError, "unit_texts.file_not_found")
    found: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _TEXTS:
            found[key] = blocks(_text(path, key, value))
            parts = [block.template for block in found[key]]
        elif key in _LINES:
            if not isinstance(value, list):
                raise _fail(path, key, _wrong_kind("config.kind.list", value))
            found[key] = parts = [_text(path, key, line, blank=True).strip() for line in value]
        else:
            keys = ", ".join((*_TEXTS, *_LINES))
            raise _fail(path, key, say("unit_texts.unknown_key", keys=keys))
        if any(part.count("*") % 2 for part in parts):  # italics end within their paragraph
            raise _fail(path, key, say("unit_texts.asterisk"))
    return UnitTexts(source=path, **{key: tuple(value) for key, value in found.items()})


def blocks(text: str) -> tuple[Block, ...]:
    """Splits a text into its paragraphs and bullets (see the module's docstring)."""
    found: list[Block] = []
    current: list[str] = []
    bullet = False

    def close() -> None:
        if current:
            found.append(Block(" ".join(current), bullet))
            current.clear()

    for line in text.splitlines():
        line = line.strip()
        if not line:
            close()
        elif line == BULLET.strip() or line.startswith(BULLET):
            close()
            bullet = True
            current.append(line[len(BULLET) :].strip())
        else:
            if not current:
                bullet = False
            current.append(line)
    close()
    return tuple(block for block in found if block.template)


def _text(path: Path, key: str, value: object, blank: bool = False) -> str:
    """``value`` if it is a text whose placeholders are all known (:data:`PLACEHOLDERS`)."""
    if not isinstance(value, str):
        raise _fail(path, key, _wrong_kind("config.kind.text", value))
    if not value.strip() and not blank:
        raise _fail(path, key, say("unit_texts.empty"))
    try:
        fields = [
            (field, spec, conversion)
            for _literal, field, spec, conversion in string.Formatter().parse(value)
            if field is not None
        ]
    except ValueError:  # a lone { or }
        raise _fail(path, key, say("unit_texts.brace")) from None
    for field, spec, conversion in fields:
        if field not in PLACEHOLDERS or spec or conversion:
            shown = (
                f"{{{field}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            )
            known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            raise _fail(path, key, say("unit_texts.unknown_placeholder", value=shown, known=known))
    return value


def _wrong_kind(kind: str, value: object) -> str:
    return say("config.wrong_kind", kind=say(kind), value=repr(value))


def _fail(path: Path, key: str, problem: str) -> UnitTextsError:
    return UnitTextsError(f"{path}: {key} {problem}")
