"""The one text-catalogue loader: the bot's, the console's and the report's texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import messages
from survey.catalogue import CatalogueError, files_of, load


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_texts_are_reached_by_dotted_keys_across_files(tmp_path: Path) -> None:
    write(tmp_path, "t_a.toml", '[greet]\nid = "Halo {name}"\nen = "Hello {name}"\n')
    write(tmp_path, "t_b.toml", '[cli.done]\nid = "Selesai"\nen = "Done"\n')
    write(tmp_path, "other.toml", '[ignored]\nid = "x"\nen = "x"\n')
    texts = load(files_of(tmp_path, "t_"), ("id", "en"))
    assert sorted(texts) == ["cli.done", "greet"]
    assert texts.entry("greet", "en") == "Hello {name}"


def test_a_key_defined_twice_or_a_missing_language_is_refused_naming_it(tmp_path: Path) -> None:
    write(tmp_path, "t_a.toml", '[greet]\nid = "Halo"\nen = "Hello"\n')
    write(tmp_path, "t_b.toml", '[greet]\nid = "Hai"\nen = "Hi"\n')
    with pytest.raises(CatalogueError, match=r"\[greet\] is already defined"):
        load(files_of(tmp_path, "t_"), ("id", "en"))
    lacking = write(tmp_path, "lacking.toml", '[bye]\nid = "Dah"\n')
    with pytest.raises(CatalogueError, match=r"\[bye\] has no text in en"):
        load([lacking], ("id", "en"))
    with pytest.raises(messages.MessagesError, match=r"\[bye\] has no text in en"):
        messages.load(("id", "en"), lacking)


def test_a_text_lacking_a_language_falls_back_where_the_catalogue_allows(tmp_path: Path) -> None:
    source = write(tmp_path, "report.toml", '[title]\nid = "Laporan"\n')
    assert load([source], ("id",), fallback="id").entry("title", "en") == "Laporan"
