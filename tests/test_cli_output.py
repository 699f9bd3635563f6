"""The command line's demo, and outputs that cannot be written or fail half way."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import tomllib
from itertools import takewhile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from analysis.suggestions import is_placeholder
from bot.cli.main import main
from tests.support.app import REPO
from tests.support.cli import JANUARY, surveibot, write_csv


def test_demo_runs_offline_and_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MPLBACKEND": "Agg"},
    )
    assert done.returncode == 0, done.stderr
    # progress: one line (rewritten in place on a terminal; here, not one, its last state only)
    assert "responden 40/40" in done.stderr
    assert done.stderr.count("responden ") == 1 and "responden 39/40" not in done.stderr
    assert "IPP" in done.stdout and str(out) in done.stdout
    suffixes = {p.suffix for p in out.iterdir()}
    assert {".png", ".xlsx", ".docx", ".db"} <= suffixes
    assert [p.name for p in out.glob("demo.db*")] == ["demo.db"]  # one file, no WAL left over
    with sqlite3.connect(out / "demo.db") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone() == (36,)
        assert db.execute("SELECT COUNT(*) FROM drafts WHERE status = 'open'").fetchone() == (4,)
        people = [json.loads(i) for (i,) in db.execute("SELECT identity FROM submissions")]
    names = tomllib.loads((REPO / "bot" / "data" / "demo_people.toml").read_text("utf-8"))
    for person in people:  # "Dewi Lestari — Laki-laki" would look careless in the demo's files
        assert person["name"].split()[0] in names["first_names"][person["gender"]], person
    [draft] = out.glob("*.docx")
    found = [(p.style.name if p.style else "", p.text) for p in Document(str(draft)).paragraphs]
    at = next(n for n, (_, text) in enumerate(found) if text.startswith("Saran dan masukan"))
    quoted = list(takewhile(lambda f: f[0] == "List Number", found[at + 1 :]))
    said = [text.rsplit(" (", 1)[0] for _, text in quoted]  # without "(3 responden; service)"
    assert quoted and len(set(said)) == len(said)  # each suggestion once, however many sent it
    assert not any(is_placeholder(s) for s in said)
    # the survey links name a bot that cannot exist (a bot's username ends in "bot")
    text = "\n".join(t for _, t in found)
    assert "t.me/surveibot_contoh?start=cpob" in text and "surveibot_demo_bot" not in text
    links = re.findall(r"t\.me/surveibot_contoh\?start=(\w+)", text)
    # each service once in BAB II B and once in BAB IV A, as the reference lists them
    assert sorted(links) == sorted(["cpob", "cpob_impor", "fasilitas_bersama", "suket_cpob"] * 2)
    # the demo's own config: the staff commands work on its database as they are printed
    config = out / "config.toml"
    assert f"CONFIG={config}" in done.stdout
    assert main(["report", "--json", "-c", str(config), _period_of(done.stdout)]) == 0


def _period_of(printed: str) -> str:
    return printed.split("MONTH=", 1)[1].split()[0]


def test_output_into_a_closed_pipe_says_nothing(tmp_path: Path, config_file: Path) -> None:
    # `surveibot report … --json | head`, head gone before the JSON: no traceback, no error line
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone
    try:
        writer = subprocess.run(
            [sys.executable, "-m", "bot", "report", "2025-01", "--json", "-c", str(config_file)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            cwd=REPO,
        )
    finally:
        os.close(write_end)
    assert writer.stderr == ""
    assert writer.returncode == 1


def test_an_output_that_cannot_be_written_is_one_clear_line(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    capsys.readouterr()
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "jan.csv"
    assert surveibot("export", "2025-01", "--out", out, "-c", config_file) == 1
    err = capsys.readouterr().err
    assert err == f"surveibot: {blocker} tidak dapat ditulis: sudah ada berkas dengan nama itu\n"
    assert surveibot("report", "2025-01", "--out", blocker, "-c", config_file) == 1
    assert "tidak dapat ditulis" in capsys.readouterr().err


# -- text that cannot block a report (issue 11, point 4; b-textsafety) ----------------------------

CONTROL_TEXT = {"name": "Bam\x0bbang\x1b Sutrisno\uffff", "institution": "PT\x1b Farma\x0bJaya"}
CONTROL_SUGGESTION = "Antrian\x00 lebih\x0bcepat\uffff"


def outputs(folder: Path) -> list[str]:
    """What is in ``folder`` besides the database and its WAL files."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("surveibot.db"))


def add_control_characters(config_file: Path) -> None:
    """Gives January's first submission text with control characters, as an old row may hold."""
    with sqlite3.connect(config_file.parent / "surveibot.db") as db:
        [(identity,)] = db.execute("SELECT identity FROM submissions WHERE id = 1")
        db.execute(
            "UPDATE submissions SET identity = ?, suggestion = ? WHERE id = 1",
            (json.dumps(json.loads(identity) | CONTROL_TEXT), CONTROL_SUGGESTION),
        )
    db.close()


def personal(config_file: Path) -> Path:
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(
        text.replace("include_personal = false", "include_personal = true"), encoding="utf-8"
    )
    return config_file


def test_report_and_export_of_stored_control_characters_work(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file = personal(config_file)
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    add_control_characters(config_file)
    out = tmp_path / "laporan"
    assert surveibot("report", "2025-01", "--out", out, "-c", config_file) == 0
    [docx_file] = out.glob("*.docx")
    document = "\n".join(
        [p.text for p in Document(str(docx_file)).paragraphs]
        + [c.text for t in Document(str(docx_file)).tables for r in t.rows for c in r.cells]
    )
    assert "Bam bang Sutrisno" in document and "PT Farma Jaya" in document
    assert "Antrian lebih cepat" in document
    for kind in ("csv", "xlsx"):
        target = tmp_path / f"export.{kind}"
        assert (
            surveibot("export", "2025-01", "--format", kind, "--out", target, "-c", config_file)
            == 0
        )
    sheet = load_workbook(tmp_path / "export.xlsx").active
    assert sheet is not None
    assert [sheet["D2"].value, sheet["I2"].value] == ["Bam bang Sutrisno", "PT Farma Jaya"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_report_that_fails_leaves_nothing_half_written_and_says_one_line(
    tmp_path: Path,
    config_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from analysis import report_docx

    def refuse(*args: object) -> None:  # as lxml refused a control character before the fix
        raise ValueError("All strings must be XML compatible: 'Robertus\x00'")

    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    monkeypatch.setattr(report_docx, "write_docx", refuse)
    capsys.readouterr()
    before = outputs(tmp_path)
    out = tmp_path / "laporan"
    assert surveibot("report", "2025-01", "--out", out, "-c", config_file) == 1
    err = capsys.readouterr().err
    assert err.endswith(
        f"surveibot: laporan 2025-01 tidak dapat dibuat (ValueError); tidak ada berkas yang "
        f"ditulis ke {out}\n"
    )
    assert "Robertus" not in err and "Traceback" not in err
    assert outputs(tmp_path) == before  # no folder, no temporary one beside it
    # An earlier report in the folder stays as it was.
    monkeypatch.undo()
    assert surveibot("report", "2025-01", "--out", out, "-c", config_file) == 0
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(report_docx, "write_docx", refuse)
    assert surveibot("report", "2025-01", "--out", out, "-c", config_file) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == written
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_export_that_fails_leaves_no_file_and_says_one_line(
    tmp_path: Path,
    config_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.cli import transfer

    real = transfer.write_file

    def half(path: Path, columns: object, rows: object) -> None:
        path.write_text("period,service\n2025-01,", encoding="utf-8")
        raise ValueError("Robertus\x00 cannot be used in worksheets.")

    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    capsys.readouterr()
    before = outputs(tmp_path)
    out = tmp_path / "export.csv"
    monkeypatch.setattr(transfer, "write_file", half)
    assert surveibot("export", "2025-01", "--out", out, "-c", config_file) == 1
    err = capsys.readouterr().err
    assert err == (
        f"surveibot: data 2025-01 tidak dapat diekspor (ValueError); {out} tidak diubah\n"
    )
    assert outputs(tmp_path) == before
    monkeypatch.setattr(transfer, "write_file", real)
    assert surveibot("export", "2025-01", "--out", out, "-c", config_file) == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
