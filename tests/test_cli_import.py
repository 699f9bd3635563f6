"""surveibot import as staff run it: duplicates, bad rows and files, the round trip."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from tests.support.analysis_fixtures import SUMMARY_KEYS
from tests.support.cli import HEADER, JANUARY, surveibot, write_csv


def test_import_then_report_json_reproduces_the_reference(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "januari.csv", JANUARY)
    assert surveibot("import", source, "-c", config_file) == 0
    assert "3 isian diimpor" in capsys.readouterr().out
    assert surveibot("report", "2025-01", "--json", "-c", config_file) == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) == set(SUMMARY_KEYS)
    assert summary["period"] == "2025-01"
    assert (summary["respondents"], summary["responses"], summary["beyond_quota"]) == (2, 3, 0)
    assert summary["ipp"]["display"] == "3,92"
    assert summary["ipp"]["category"] == "Memuaskan"
    assert summary["ipp"]["index"] == pytest.approx(3.9166666, abs=1e-6)  # unrounded
    assert summary["ipp"]["converted"] == pytest.approx(97.916666, abs=1e-5)
    assert summary["ipak"]["display"] == "4,00"
    assert summary["ipak"]["category"] == "Bersih dari korupsi"
    assert round(summary["elements"]["U3"], 2) == 3.67
    assert summary["elements"]["U1"] == 4.0
    assert summary["services"]["cpob"]["responses"] == 2
    assert summary["lke"]["months"] == ["2025-01"]


def test_importing_the_same_file_twice_adds_nothing(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "januari.csv", JANUARY)
    assert surveibot("import", source, "-c", config_file) == 0
    assert surveibot("import", source, "-c", config_file) == 0
    assert "0 isian diimpor, 3 baris identik dengan isian yang sudah tersimpan dilewati" in (
        capsys.readouterr().out
    )
    with sqlite3.connect(tmp_path / "surveibot.db") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone() == (3,)


def test_bad_rows_are_reported_and_nothing_is_imported(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = [
        JANUARY[0],
        JANUARY[1].replace("2025-01,cpob", "2025-13,cpob"),
        JANUARY[2].replace("suket_cpob", "nosuch"),
        JANUARY[0].replace(",37,", ",12,"),
        JANUARY[0].replace("Laki-laki", "Robot"),
        JANUARY[0].replace(",".join(["4"] * 13), ",".join(["5"] + ["4"] * 12)),
        JANUARY[0].replace("2025-01-10 09:00", "kemarin"),
    ]
    source = write_csv(tmp_path / "bad.csv", bad)
    assert surveibot("import", source, "-c", config_file) == 1
    err = capsys.readouterr().err
    assert "baris 3: periode '2025-13'" in err
    assert "baris 4: service 'nosuch'" in err
    assert "baris 5: age '12'" in err
    assert "baris 6: gender 'Robot'" in err
    assert "baris 7: U1 '5'" in err
    assert "baris 8: submitted_at 'kemarin'" in err
    assert "tidak ada yang diimpor: 6 baris bermasalah" in err
    assert not (tmp_path / "surveibot.db").exists()  # nothing to import, so no database made


def test_wrong_header_is_refused(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "x.csv"
    source.write_text("nama,usia\nBudi,30\n", encoding="utf-8")
    assert surveibot("import", source, "-c", config_file) == 1
    assert "baris 1: baris judul kolom harus persis: period,service" in capsys.readouterr().err


def test_quota_applies_to_imported_periods_by_submit_time(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = []
    for n in range(32):
        # Written newest first: the file's order must not decide who is counted.
        day, minute = 28 - n // 2, n
        score = "1" if n < 2 else "4"  # the two latest submissions would drag the index down
        lines.append(
            f"2025-02,cpob,2025-02-{day:02d} 10:{minute:02d},Orang {n},30,Laki-laki,D4/S1,"
            f"Lainnya,PT X," + ",".join([score] * 13) + ","
        )
    assert surveibot("import", write_csv(tmp_path / "feb.csv", lines), "-c", config_file) == 0
    capsys.readouterr()
    assert surveibot("report", "2025-02", "--json", "-c", config_file) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["responses"], summary["beyond_quota"]) == (30, 2)
    assert summary["ipp"]["display"] == "4,00"  # the two late 1s are beyond quota


def test_export_import_round_trip(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    # The XLSX is written without names: it still imports, and still matches what it came from.
    for kind, personal in (("csv", ["--personal"]), ("xlsx", [])):
        out = tmp_path / f"export.{kind}"
        exported = surveibot(
            "export", "2025-01", "--format", kind, "--out", out, *personal, "-c", config_file
        )
        assert exported == 0
        fresh = config_file.read_text(encoding="utf-8").replace(
            'path = "surveibot.db"', f'path = "fresh-{kind}.db"'
        )
        other = tmp_path / f"fresh-{kind}.toml"
        other.write_text(fresh, encoding="utf-8")
        capsys.readouterr()
        assert surveibot("import", out, "-c", other) == 0
        assert "3 isian diimpor" in capsys.readouterr().out
        assert surveibot("report", "2025-01", "--json", "-c", other) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["ipp"]["display"] == "3,92" and summary["responses"] == 3
        # Importing the export back into the original database adds nothing either.
        assert surveibot("import", out, "-c", config_file) == 0
        assert "0 isian diimpor" in capsys.readouterr().out
    with (tmp_path / "export.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert ",".join(rows[0]) == HEADER
    assert rows[1][3:9] == [
        "Robertus Rinaldi Andrian",
        "37",
        "Laki-laki",
        "S2/Profesi/S3",
        "Pegawai BUMN/D",
        "PT Bio Farma (Persero)",
    ]


def test_semicolon_csv_from_excel_imports_like_a_comma_one(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [next(csv.reader([line])) for line in [HEADER, *JANUARY]]
    source = tmp_path / "excel.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    assert surveibot("import", source, "-c", config_file) == 0
    assert "3 isian diimpor" in capsys.readouterr().out


def test_a_file_that_is_not_utf8_says_how_to_save_it(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "ansi.csv"
    source.write_bytes((HEADER + "\n" + JANUARY[0].replace("Robertus", "Réné")).encode("cp1252"))
    assert surveibot("import", source, "-c", config_file) == 1
    err = capsys.readouterr().err
    assert "bukan teks UTF-8" in err and '"CSV UTF-8"' in err
    assert not (tmp_path / "surveibot.db").exists()


def test_import_into_a_new_database_says_where_it_is(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "jan.csv", JANUARY)
    assert surveibot("import", source, "-c", config_file) == 0
    out = capsys.readouterr().out
    assert f"Basis data belum ada; dibuat baru di {tmp_path / 'surveibot.db'}." in out
    assert surveibot("import", source, "-c", config_file) == 0
    assert "dibuat baru" not in capsys.readouterr().out


def test_importing_control_characters_stores_them_cleaned(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = (
        JANUARY[0]
        .replace("Robertus Rinaldi Andrian", "Robertus\x0bRinaldi\x1b Andrian\uffff")
        .replace("PT Bio Farma (Persero)", "PT Bio\x00 Farma\x1b (Persero)")
    ) + "Lebih\x0bcepat\x00"
    assert surveibot("import", write_csv(tmp_path / "jan.csv", [line]), "-c", config_file) == 0
    with sqlite3.connect(tmp_path / "surveibot.db") as db:
        [(identity, suggestion)] = db.execute("SELECT identity, suggestion FROM submissions")
    db.close()
    stored = json.loads(identity)
    assert (stored["name"], stored["institution"]) == (
        "Robertus Rinaldi Andrian",
        "PT Bio Farma (Persero)",
    )
    assert suggestion == "Lebih cepat"
