"""The command line speaks Indonesian, or English when asked; its texts all come from data."""

from __future__ import annotations

import ast
import errno
import sqlite3
import string
import tomllib
from pathlib import Path

import pytest

from bot.cli.main import main
from survey import console
from tests.support.app import REPO

SAY = {"say", "say_in"}


def said_keys() -> tuple[set[str], set[str], set[str]]:
    """Keys given as literals to say()/say_in(), every string literal, and f-string prefixes."""
    said: set[str] = set()
    strings: set[str] = set()
    prefixes: set[str] = set()
    for path in [*(REPO / "bot").rglob("*.py"), *(REPO / "survey").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            elif isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
                prefixes.add(str(node.values[0].value))
            elif isinstance(node, ast.Call) and _name(node.func) in SAY:
                keys = [a.value for a in node.args if isinstance(a, ast.Constant)]
                said |= {k for k in keys if isinstance(k, str) and "." in k}
    return said, strings, prefixes


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_text_the_code_says_exists_and_every_text_is_said() -> None:
    said, strings, prefixes = said_keys()
    known = set(console.catalogue())
    assert len(said) > 50, "found too few say() calls: said_keys is out of date"
    assert said - known == set()
    unused = {k for k in known - strings if not any(k.startswith(p) for p in prefixes if p)}
    assert unused == set()


def test_both_languages_of_a_text_take_the_same_values() -> None:
    same_in_both = {"cli.metavar.folder"}  # FOLDER is Indonesian too
    for key, texts in console.catalogue().items():
        assert placeholders(texts["id"]) == placeholders(texts["en"]), key
        assert texts["id"].strip(), key
        assert (texts["id"] != texts["en"]) or key in same_in_both, key


def test_report_errors_are_indonesian_by_default(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "2025-13", "-c", str(config_file)]) == 2
    assert capsys.readouterr().err == (
        "surveibot: periode '2025-13' harus berupa bulan dengan format YYYY-MM, misalnya 2025-01\n"
    )


@pytest.mark.parametrize(
    "where", [["--lang", "en", "report"], ["report", "--lang", "en"], ["--lang=en", "report"]]
)
def test_lang_en_before_or_after_the_command(
    where: list[str], config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*where, "2025-13", "-c", str(config_file)]) == 2
    assert "period '2025-13' must be a month written YYYY-MM" in capsys.readouterr().err


def test_environment_chooses_english_and_the_option_wins(
    config_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(console.LANGUAGE_ENV, "en")
    assert main(["report", "2025-01", "-c", str(config_file)]) == 1
    assert "no database at" in capsys.readouterr().err
    assert main(["--lang", "id", "report", "2025-01", "-c", str(config_file)]) == 1
    assert "tidak ada basis data di" in capsys.readouterr().err


@pytest.mark.parametrize("how", ["option", "environment"])
def test_unknown_language_is_refused_in_both_languages_and_nothing_runs(
    how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "absent.toml"
    argv = ["backup", str(tmp_path / "copy.db"), "-c", str(config)]
    if how == "option":
        argv = ["--lang", "fr", *argv]
    else:
        monkeypatch.setenv(console.LANGUAGE_ENV, "fr")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "bahasa 'fr' tidak dikenal" in err and "language 'fr' is not known" in err
    assert "absent.toml" not in err  # stopped before reading the config
    assert list(tmp_path.iterdir()) == []


def test_config_errors_follow_the_language(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = config_file.read_text(encoding="utf-8").replace(
        "monthly_quota = 30", "monthly_quota = 0"
    )
    config_file.write_text(text, encoding="utf-8")
    assert main(["report", "2025-01", "-c", str(config_file)]) == 1
    assert "[survey] monthly_quota harus bilangan bulat ≥ 1, bukan 0" in capsys.readouterr().err
    assert main(["--lang", "en", "report", "2025-01", "-c", str(config_file)]) == 1
    assert "[survey] monthly_quota must be a whole number ≥ 1, not 0" in capsys.readouterr().err


def test_import_row_errors_follow_the_language(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "x.csv"
    source.write_text("nama,usia\nBudi,30\n", encoding="utf-8")
    assert main(["--lang", "en", "import", str(source), "-c", str(config_file)]) == 1
    err = capsys.readouterr().err
    assert "line 1: the header must be exactly: period,service" in err
    assert "nothing imported: 1 bad row(s)" in err


def test_help_is_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["report", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("penggunaan: surveibot report")
    assert "tulis grafik, XLSX dan DOCX satu bulan" in out
    assert "hanya kode layanan ini" in out
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    assert "write a month's submissions as CSV or XLSX" in capsys.readouterr().out


def test_a_wrong_argument_is_explained_in_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["report"])
    assert done.value.code == 2
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "surveibot report: argumen berikut wajib diisi: YYYY-MM",
        "Ketik surveibot report --help untuk petunjuk.",
    ]
    with pytest.raises(SystemExit):
        main(["--lang", "en", "export", "2025-01", "--format", "pdf"])
    err = capsys.readouterr().err
    assert err.startswith("usage: surveibot export")
    assert "argument --format: invalid choice: 'pdf' (choose from" in err
    assert err.rstrip().endswith("Type surveibot export --help for help.")


def test_why_something_failed_is_said_in_the_language(tmp_path: Path) -> None:
    denied = PermissionError(errno.EACCES, "Permission denied", "x.db")
    assert console.reason(denied) == "tidak ada izin"
    with pytest.raises(sqlite3.OperationalError) as cannot_open:
        sqlite3.connect(tmp_path / "no" / "such" / "folder.db")
    assert console.reason(cannot_open.value) == "berkas basis data tidak dapat dibuka atau dibuat"
    with pytest.raises(tomllib.TOMLDecodeError) as bad_toml:
        tomllib.loads("a = 1\nb = \n")
    assert console.reason(bad_toml.value).startswith("baris 2, kolom 5: ")
    with pytest.raises(tomllib.TOMLDecodeError) as unclosed:
        tomllib.loads("a = [1\n")
    assert console.reason(unclosed.value).startswith("di akhir berkas: ")
    console.use("en")
    assert console.reason(denied) == "permission denied"
    odd = OSError(errno.EMLINK, "Too many links")
    assert console.reason(odd) == "Too many links"  # not said in our words: the system's
