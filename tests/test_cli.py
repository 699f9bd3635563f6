"""The command line: report, export, import, backup and demo, as staff run them."""

from __future__ import annotations

import csv
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
from tests.support.analysis_fixtures import EXPORT_COLUMNS, SUMMARY_KEYS
from tests.support.app import REPO

HEADER = ",".join(EXPORT_COLUMNS)
# The reference's January 2025 (Tabel 1 and 2). It names 2 respondents, but U3 = U4 = 3.67 needs
# 3: one of them scored 3 on U3 and U4.
JANUARY = [
    "2025-01,cpob,2025-01-10 09:00,Robertus Rinaldi Andrian,37,Laki-laki,S2/Profesi/S3,"
    "Pegawai BUMN/D,PT Bio Farma (Persero)," + ",".join(["4"] * 13) + ",",
    "2025-01,cpob,2025-01-12 14:30,Dini B,28,Perempuan,S2/Profesi/S3,Pegawai Swasta,"
    "Novell Pharmaceutical Laboratories,"
    + ",".join(["4", "4", "3", "3"] + ["4"] * 9)
    + ",Perlu menambah jumlah dan kompetensi personil",
    # the reference's shape: Robertus answered a second service, his name typed a little
    # differently (case, spaces): 3 submissions from 2 persons
    "2025-01,suket_cpob,2025-01-20 10:00,robertus  rinaldi andrian,37,Laki-laki,S2/Profesi/S3,"
    "Pegawai BUMN/D,PT Bio Farma (persero)," + ",".join(["4"] * 13) + ",",
]


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def surveibot(*args: str | Path) -> int:
    return main([str(a) for a in args])


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


def test_report_for_an_empty_month(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    capsys.readouterr()
    assert surveibot("report", "2024-06", "--json", "-c", config_file) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["responses"] == 0 and summary["ipp"] is None and summary["ipak"] is None
    assert "tidak ada isian terhitung untuk 2024-06" in captured.err


@pytest.mark.parametrize("period", ["2025-13", "januari", "2025-1", "25-01", ""])
def test_malformed_period_says_the_expected_form(
    config_file: Path, capsys: pytest.CaptureFixture[str], period: str
) -> None:
    assert surveibot("report", period, "--json", "-c", config_file) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_report_writes_charts_and_documents(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    out = tmp_path / "laporan"
    assert surveibot("report", "2025-01", "--out", out, "-c", config_file) == 0
    printed = capsys.readouterr().out
    assert "IPP 3,92 — Memuaskan" in printed
    names = {p.suffix for p in out.iterdir()}
    assert {".png", ".xlsx", ".docx"} <= names
    [xlsx] = out.glob("*.xlsx")
    cells = [str(c) for row in load_workbook(xlsx)["Ringkasan"].values for c in row if c]
    unit = "Direktorat Pengawasan Produksi Obat, Narkotika, Psikotropika dan Prekursor"
    assert unit in cells and not any("[nama unit kerja]" in c for c in cells)


# The reference's own sentences (laporan-spkp-spak-januari-2025.txt, BAB III A and BAB IV A), word
# for word. Where the reference contradicts itself, ours is consistent: it writes the age groups
# "25 - 29" and "35-39"; we write both with an en dash.
REFERENCE_SENTENCES = [
    "Jumlah total responden yang berpartisipasi dalam survei SPKP dan SPAK pada bulan Januari "
    "2025 sebanyak 2 (dua) responden untuk penerima layanan (100%). Berdasarkan kelompok Jenis "
    "Kelamin, 1 (satu) orang merupakan responden Perempuan dan 1 (satu) orang merupakan responden "
    "Laki-laki. Rincian jumlah data responden untuk bulan Januari 2025 berdasarkan jenis kelamin "
    "dapat dilihat pada Gambar 1.",
    "Responden yang berpartisipasi dalam survei periode Januari 2025 berada pada kelompok umur "
    "25–29 tahun (1 orang) dan 35–39 tahun (1 orang). Rincian jumlah data responden untuk bulan "
    "Januari 2025 berdasarkan kelompok umur dapat dilihat pada Gambar 2.",
    "Responden yang berpartisipasi dalam survei periode Januari 2025 dari sejumlah 2 (dua) "
    "responden semua berlatar belakang pendidikan S2/Profesi/S3. Rincian data responden untuk "
    "bulan Januari 2025 berdasarkan kelompok pendidikan terakhir dapat dilihat pada Gambar 3.",
    "Responden yang berpartisipasi dalam survei periode Januari 2025 berstatus sebagai Pegawai "
    "Swasta sebanyak 1 (satu) dan 1 (satu) orang berstatus Pegawai BUMN/D. Rincian data "
    "responden untuk bulan Januari 2025 berdasarkan kelompok Pekerjaan dapat dilihat pada Gambar "
    "4.",
    "Hingga akhir pelaksanaan survei, total jumlah responden yang berpartisipasi yaitu sebanyak 2 "
    "(dua) responden. Rincian data responden yang telah mengisi survei dapat dilihat pada "
    "Lampiran 1.",
]


def test_the_references_january_imported_reads_as_the_reference(
    tmp_path: Path, config_file: Path
) -> None:
    # 3 submissions from 2 persons: "2 (dua) responden", indices over the 3 (U3 = U4 = 3,67)
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    personal = config_file.read_text("utf-8").replace(
        "include_personal = false", "include_personal = true"
    )
    config_file.write_text(personal, "utf-8")
    out = tmp_path / "laporan"
    assert surveibot("report", "2025-01", "--out", out, "-c", config_file) == 0
    [draft] = out.glob("*.docx")
    document = Document(str(draft))
    paragraphs = [p.text for p in document.paragraphs]

    for sentence in REFERENCE_SENTENCES:
        assert sentence in paragraphs
    assert "Indeks terendah" not in paragraphs  # (not a reference sentence: a guard on the list)
    lampiran = document.tables[-1]
    assert [c.text for c in lampiran.rows[0].cells] == [
        "No",
        "Nama",
        "Usia",
        "Jenis Kelamin",
        "Pendidikan",
        "Pekerjaan",
        "Nama instansi/perusahaan tempat bekerja/beraktivitas",
        "Layanan",
    ]
    assert [[c.text for c in row.cells][1:6] for row in lampiran.rows[1:]] == [
        ["Robertus Rinaldi Andrian", "37", "Laki-laki", "S2/Profesi/S3", "Pegawai BUMN/D"],
        ["Dini B", "28", "Perempuan", "S2/Profesi/S3", "Pegawai Swasta"],
    ]
    assert lampiran.rows[1].cells[-1].text == (
        "Sertifikasi/Resertifikasi CPOB; Surat Keterangan Penerapan CPOB"
    )


def test_report_without_a_database_is_a_clear_error(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert surveibot("report", "2025-01", "-c", config_file) == 1
    assert "tidak ada basis data di" in capsys.readouterr().err


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


def test_report_shows_submit_times_in_the_configured_zone(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace("Asia/Jakarta", "Asia/Jayapura"), encoding="utf-8")
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    out = tmp_path / "laporan"
    assert surveibot("report", "2025-01", "--out", out, "-c", config_file) == 0
    [xlsx] = out.glob("*.xlsx")
    rows = list(load_workbook(xlsx)["Responden"].values)
    [header] = [row for row in rows if "Waktu kirim (WIT)" in row]
    column = header.index("Waktu kirim (WIT)")
    times = [row[column] for row in rows[rows.index(header) + 1 :] if row[column] is not None]
    # Imported as Jayapura clock times, shown as the same clock times.
    assert [f"{t:%Y-%m-%d %H:%M}" for t in times] == [
        "2025-01-10 09:00",
        "2025-01-12 14:30",
        "2025-01-20 10:00",
    ]


@pytest.mark.parametrize("period", ["2024-06", "2030-01"])
def test_report_of_a_month_without_data_writes_nothing(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str], period: str
) -> None:
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    capsys.readouterr()
    out = tmp_path / "laporan"
    assert surveibot("report", period, "--out", out, "-c", config_file) == 0
    printed = capsys.readouterr().out
    assert f"Tidak ada data untuk {period}" in printed and "Berkas:" not in printed
    assert not out.exists()


def test_report_lists_the_survey_links_once_the_bot_has_run(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0

    def draft_text(out: Path) -> str:
        assert surveibot("report", "2025-01", "--out", out, "-c", config_file) == 0
        [docx] = out.glob("*.docx")
        return "\n".join(p.text for p in Document(str(docx)).paragraphs)

    assert "t.me/" not in draft_text(tmp_path / "before")  # no username known: services named
    with sqlite3.connect(tmp_path / "surveibot.db") as db:  # what the bot keeps at each start
        db.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES ('bot_username', 'bpom_bot', '')"
        )
    text = draft_text(tmp_path / "after")
    assert "https://t.me/bpom_bot?start=cpob" in text
    assert "https://t.me/bpom_bot?start=suket_cpob" in text


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
