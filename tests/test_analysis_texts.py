"""The report's words: every text the code asks for is in ``analysis/resources/report.toml``, with
exactly the placeholders the code fills in, and every text there formats."""

from __future__ import annotations

import ast
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import analysis
from analysis.periods import month_name, short_month_name
from analysis.texts import REPORT_LANGUAGE, Span, catalogue, spans, templates, text, words

ANALYSIS = Path(analysis.__file__).parent
LANGUAGES = {"id", "en"}
TEXTS = dict(templates())
# Words of report prose; a string literal holding one is text that belongs in report.toml.
INDONESIAN = re.compile(
    r"\b(dan|yang|pada|dari|untuk|tidak|belum|responden|layanan|periode|bulan|nilai|indeks|"
    r"saran|unsur|jumlah|kelompok|laporan|pribadi|tahun|orang|bab|survei|gambar|tabel|lampiran)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Use:
    """One ``text(...)``, ``spans(...)`` or ``words(...)`` call in analysis/."""

    where: str
    function: str
    keys: tuple[str, ...]  # the literal keys (both of a conditional's), or
    pattern: str | None  # an f-string key as a regular expression
    names: frozenset[str] | None  # the placeholders filled in; None when ``**values`` is passed


def _key(node: ast.expr, where: str) -> tuple[tuple[str, ...], str | None]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,), None
    if isinstance(node, ast.IfExp):
        return _key(node.body, where)[0] + _key(node.orelse, where)[0], None
    if isinstance(node, ast.JoinedStr):
        parts = [
            re.escape(str(v.value)) if isinstance(v, ast.Constant) else r"[^.]+"
            for v in node.values
        ]
        return (), "".join(parts)
    raise AssertionError(f"{where}: a text's key must be written out, not computed")


def _uses() -> list[Use]:
    found = []
    for path in sorted(ANALYSIS.glob("*.py")):
        if path.name == "texts.py":  # where text() itself calls spans() with the key it is given
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("text", "words", "spans")
            ):
                continue
            where = f"{path.name}:{node.lineno}"
            keys, pattern = _key(node.args[0], where)
            given = [k.arg for k in node.keywords]
            names = None if None in given else frozenset(str(k) for k in given)
            found.append(Use(where, node.func.id, keys, pattern, names))
    return found


USES = _uses()


def _resolved(use: Use) -> list[str]:
    if use.pattern is None:
        return list(use.keys)
    return [key for key in TEXTS if re.fullmatch(use.pattern, key)]


def placeholders(template: str) -> set[str]:
    """The named fields of a template; anything but a plain ``{name}`` fails."""
    names = set()
    for _literal, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            continue
        assert field.isidentifier(), f"{field!r}: placeholders are names, not {{0}} or {{a.b}}"
        assert not spec and conversion is None, f"{field!r}: numbers are formatted in Python"
        names.add(field)
    return names


def test_the_code_asks_for_texts() -> None:
    files = {use.where.split(":")[0] for use in USES}
    assert len(USES) > 100
    assert {"report_docx.py", "report_xlsx.py", "charts.py", "numbers.py"} <= files


@pytest.mark.parametrize("use", USES, ids=lambda use: use.where)
def test_every_text_the_code_uses_exists_with_the_placeholders_it_fills(use: Use) -> None:
    keys = _resolved(use)

    assert keys, f"{use.where}: no text in report.toml matches {use.pattern}"
    for key in keys:
        assert key in TEXTS, f"{use.where}: report.toml has no text {key!r}"
        for language, template in TEXTS[key].items():
            if use.function == "words":
                assert isinstance(template, list), f"{key}.{language} is not a list of words"
                assert use.names == frozenset()
            else:
                assert isinstance(template, str), f"{key}.{language} is a list, not a text"
                if use.names is not None:
                    assert placeholders(template) == use.names, f"{use.where}: {key}.{language}"


def test_every_text_in_the_file_is_used() -> None:
    used = {key for use in USES for key in _resolved(use)}

    assert sorted(set(TEXTS) - used) == []


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_formats_with_its_placeholders(key: str) -> None:
    entry: Mapping[str, Any] = TEXTS[key]

    assert REPORT_LANGUAGE in entry and set(entry) <= LANGUAGES
    reference = entry[REPORT_LANGUAGE]
    for language, template in entry.items():
        assert type(template) is type(reference), f"{language}: not the same kind as in Indonesian"
        if isinstance(template, list):
            assert len(template) == len(reference)
            assert all(isinstance(word, str) and word.strip() for word in template)
            continue
        names = placeholders(template)
        assert names == placeholders(reference), f"{language}: placeholders differ from Indonesian"
        filled = template.format(**{name: f"<{name}>" for name in names})
        assert filled.strip() == filled and "  " not in filled and "{" not in filled
        assert template.count("*") % 2 == 0, f"{language}: a foreign term's '*' has no pair"


def test_no_prose_is_left_in_the_code() -> None:
    found = []
    for path in sorted(ANALYSIS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        found += [
            f"{path.name}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and INDONESIAN.search(node.value)
        ]

    assert found == []


def test_month_names_are_the_bots() -> None:
    source = resources.files("bot").joinpath("data/messages.toml").read_text(encoding="utf-8")
    bot_months = tomllib.loads(source)["months"]

    for language in LANGUAGES:
        assert list(words("months.long", language)) == bot_months[language]
    assert month_name("2025-01", "en") == "January 2025"
    assert short_month_name("2025-08") == "Agu 2025"


def test_a_text_without_english_is_given_in_indonesian() -> None:
    assert "en" not in TEXTS["docx.cover.title"]
    assert text("docx.cover.title", "en", surveys="S") == text("docx.cover.title", surveys="S")
    assert text("charts.no_data", "en") == "No data for this period yet"


def test_foreign_terms_are_italic_runs_and_values_keep_their_asterisks() -> None:
    values = {"unit": "U", "survey": "SPKP", "value": "3,92", "scale": "dari skala 4"}
    runs = spans("docx.closing.first", month="*Mei*", category="BAIK", **values)
    advice = spans("docx.closing.advice")

    assert Span("continuous improvement", True) in advice
    assert Span("stakeholder", True) in advice
    assert [r.text for r in advice if r.italic] == ["continuous improvement", "stakeholder"]
    assert "periode *Mei*, U" in runs[0].text  # a value is never read as a mark
    assert "*" not in text("docx.closing.advice")
    assert "*" not in text("docx.closing.first", month="Mei", category="B", **values)


def test_texts_are_read_once() -> None:
    assert catalogue() is catalogue()


def test_a_missing_or_misused_text_says_which() -> None:
    with pytest.raises(KeyError, match=r"no text 'sentence\.nothing'"):
        text("sentence.nothing")
    with pytest.raises(KeyError, match="group of texts"):
        text("docx.closing")
    with pytest.raises(TypeError, match="list of words"):
        text("months.long")
    with pytest.raises(TypeError, match="not a list"):
        words("sentence.no_data")
    with pytest.raises(KeyError, match="month"):
        text("sentence.no_data")  # a placeholder left unfilled
