"""surveibot report as staff run it: the JSON, the files, the draft against the reference."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.support.cli import JANUARY, surveibot, write_csv


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
