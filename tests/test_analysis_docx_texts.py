"""The Word draft's own texts: the unit's, the legal basis, yellow placeholders where missing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from analysis.report import ReportFiles, ReportRequest, build_report
from survey import unit_texts
from survey.questionnaire import Questionnaire
from tests.support.analysis_fixtures import SERVICES, SurveyDb
from tests.support.docx_draft import (
    EXAMPLE_TEXTS,
    UNIT,
    Drafts,
    drafts_fixture,  # noqa: F401  (a fixture)
    style,
    under,
)

# -- the unit's own texts, the legal basis, and placeholders where they are missing -------------

LETTER = (
    "surat dari Inspektur Utama No. B-PI.06.06.7.72.03.23.130 tanggal 7 Maret 2023 perihal "
    "Pelaksanaan Survei Persepsi Kualitas Pelayanan (SPKP) dan Persepsi Anti Korupsi (SPAK)"
)
SPAK_FOLLOW_UP = (
    "Tidak perlu tindak lanjut namun {unit} akan senantiasa melakukan perbaikan sistem sehingga "
    "mampu memberikan pelayanan yang transparan untuk mencegah kegiatan pungli, percaloan, dan "
    "permintaan gratifikasi, dan pelanggaran integritas lain."
)


def highlighted(paragraphs: list[Any]) -> list[str]:
    """The yellow-highlighted runs of ``paragraphs``: what staff must still write."""
    return [
        run.text
        for paragraph in paragraphs
        for run in paragraph.runs
        if run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]


def after(paragraphs: list[Any], text: str) -> Any:
    """The paragraph that follows the one reading ``text``."""
    texts = [p.text for p in paragraphs]
    return paragraphs[texts.index(text) + 1]


def test_the_criteria_cite_the_legal_basis_and_read_as_the_references(drafts: Drafts) -> None:
    criteria = [p.text for p in under(drafts.written.docx, "A. Kriteria Responden") if p.text]

    assert criteria == [
        f"Kriteria responden yang diberikan survei mengacu pada {LETTER}. Responden merupakan "
        "penerima layanan yang telah menerima layanan sepenuhnya (100%) dengan ketentuan:",
        "a. Jika dalam 1 bulan jumlah penerima layanan kurang dari 30 pelanggan, maka seluruh "
        "penerima layanan tersebut merupakan responden survei.",
        "b. Jika dalam 1 bulan jumlah penerima layanan lebih dari 30 pelanggan, maka 30 penerima "
        "layanan pertama yang mengisi survei menjadi responden survei.",
    ]


def test_without_a_legal_basis_the_criteria_show_where_it_belongs(drafts: Drafts) -> None:
    criteria = under(drafts.unlinked.docx, "A. Kriteria Responden")

    [missing] = highlighted(criteria)
    assert missing.startswith("[dasar hukum kriteria responden") and "legal_basis" in missing
    assert criteria[0].text.startswith(
        f"Kriteria responden yang diberikan survei mengacu pada {missing}. "
    )


@pytest.mark.parametrize("draft", ["linked", "unlinked"])
def test_the_method_lists_each_service_once(drafts: Drafts, draft: str) -> None:
    files: ReportFiles = getattr(drafts, draft)
    method = [p.text for p in under(files.docx, "B. Metode Pencacahan")]

    for name in SERVICES.values():
        assert len([line for line in method if name in line]) == 1, name


def test_the_unit_texts_give_the_foreword_and_its_signature(drafts: Drafts) -> None:
    foreword = under(drafts.written.docx, "KATA PENGANTAR")
    texts = [p.text for p in foreword]

    assert texts[0] == (
        "Puji syukur kita panjatkan ke hadirat Tuhan Yang Maha Kuasa, karena atas rahmat dan "
        "karunia-Nya, Laporan Analisis Survei Persepsi Kualitas Pelayanan (SPKP) dan Survei "
        "Persepsi Anti Korupsi (SPAK) periode Januari 2025 ini dapat diselesaikan."
    )
    assert texts[2].startswith(
        "Laporan ini disusun sebagai bentuk transparansi kepada masyarakat mengenai komitmen "
        f"{UNIT} dalam"
    )
    assert "selama periode Januari 2025. Penyusunan laporan ini mengacu pada amanah" in texts[2]
    signature = texts[texts.index("Jakarta, [tanggal]") :]
    assert [line for line in signature if line] == [
        "Jakarta, [tanggal]",
        "Direktur Pengawasan Produksi Obat,",
        "Narkotika, Psikotropika, dan Prekursor,",
        "Bayu Wibisono, S.Si., Apt., M.A.B",
    ]
    assert highlighted(foreword) == ["[tanggal]"]  # the date of signing is left to fill in


def test_the_unit_texts_give_chapter_one(drafts: Drafts) -> None:
    chapter = under(drafts.written.docx, "BAB I PENDAHULUAN")
    texts = [p.text for p in chapter]

    assert len(texts) == 4 and highlighted(chapter) == []
    assert texts[0].startswith(
        f"{UNIT} merupakan salah satu unit kerja di Badan Pengawas Obat dan Makanan"
    )
    assert texts[1].endswith(
        "SPAK merupakan instrumen pengukuran tingkat korupsi dalam rangka pemenuhan komponen "
        "hasil Penilaian Mandiri Pembangunan Zona Integritas menuju Wilayah Bebas dari Korupsi/ "
        "Wilayah Birokrasi Bersih dan Melayani (WBK/WBBM)."
    )
    assert texts[3].endswith("meningkatkan kepercayaan masyarakat terhadap Badan POM.")


def test_the_unit_texts_list_the_efforts_after_the_spak_results(drafts: Drafts) -> None:
    section = under(drafts.written.docx, "b. Indeks Persepsi Anti Korupsi")
    texts = [p.text for p in section]
    start = texts.index(
        f"Hal ini menunjukkan bahwa upaya yang dilakukan {UNIT} telah mendukung "
        "pencegahan/pengendalian gratifikasi. Upaya tersebut, yaitu:"
    )
    efforts = section[start + 1 :]
    bullets = [p.text for p in efforts if style(p) == "List Bullet"]
    italic = {run.text for p in efforts for run in p.runs if run.italic}

    assert [p.text[:2] for p in efforts if re.match(r"[a-d]\) ", p.text)] == [
        "a)",
        "b)",
        "c)",
        "d)",
    ]
    assert efforts[0].text == "a) Peningkatan elektronisasi pada pelayanan publik misalnya:"
    assert len(bullets) == 10
    assert bullets[0].startswith(
        "E-sertifikasi, Sistem yang digunakan pelaku usaha untuk melakukan pengajuan Sertifikasi "
        "CPOB untuk Fasilitas Obat Jadi"
    )
    assert "Telepon dan Whatsapp No. 085776313634" in bullets
    assert {"Livechat", "Link", "Whistle Blowing System (WBS)"} <= italic
    assert texts[-1].startswith("Dengan peningkatan pemanfaatan sistem informasi")


@pytest.mark.parametrize(("draft", "unit"), [("written", UNIT), ("unlinked", "[nama unit kerja]")])
def test_spak_in_its_top_band_needs_no_follow_up_as_in_the_reference(
    drafts: Drafts, draft: str, unit: str
) -> None:
    follow_up = under(getattr(drafts, draft).docx, "B. Tindak Lanjut Hasil Survei")

    assert after(follow_up, "2) Hasil Survei SPAK").text == SPAK_FOLLOW_UP.format(unit=unit)
    [spkp] = highlighted([after(follow_up, "1) Hasil SPKP")])  # month by month: staff write it
    assert spkp.startswith("[Diisi oleh unit kerja: tindak lanjut atas hasil SPKP")


def test_without_unit_texts_each_of_them_is_a_yellow_placeholder(drafts: Drafts) -> None:
    path = drafts.unlinked.docx
    efforts = under(path, "b. Indeks Persepsi Anti Korupsi")

    assert highlighted(under(path, "KATA PENGANTAR")) == [
        "[Kata Pengantar – diisi oleh unit kerja: pengantar Laporan Analisis SPKP dan SPAK "
        "periode Januari 2025.]",
        "[Diisi oleh unit kerja: tempat dan tanggal, jabatan, dan nama pimpinan unit kerja.]",
    ]
    assert highlighted(under(path, "BAB I PENDAHULUAN")) == [
        "[Diisi oleh unit kerja: tugas dan fungsi unit kerja serta layanan publik utamanya.]"
    ]
    intro = (
        "Hal ini menunjukkan bahwa upaya yang dilakukan [nama unit kerja] telah mendukung "
        "pencegahan/pengendalian gratifikasi. Upaya tersebut, yaitu:"
    )
    [missing] = highlighted([after(efforts, intro)])
    assert missing.startswith("[Diisi oleh unit kerja: upaya pencegahan korupsi")
    # with the texts as shipped, only the date of signing and the month's SPKP follow-up remain
    written = highlighted(docx.Document(str(drafts.written.docx)).paragraphs)
    assert len(written) == 2 and written[0] == "[tanggal]"


def test_spak_below_its_top_band_leaves_the_follow_up_to_the_unit(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    survey = SurveyDb(tmp_path / "survey.db")
    survey.add("2025-01", "2025-01-02T01:00:00+00:00", default_score=2)  # IPAK 2,00
    files = build_report(
        ReportRequest(
            survey.path,
            "2025-01",
            questionnaire,
            SERVICES,
            30,
            unit_name=UNIT,
            unit_texts=unit_texts.load(EXAMPLE_TEXTS),
        ),
        tmp_path / "out",
    )
    follow_up = under(files.docx, "B. Tindak Lanjut Hasil Survei")
    efforts = [p.text for p in under(files.docx, "b. Indeks Persepsi Anti Korupsi")]

    [spak] = highlighted([after(follow_up, "2) Hasil Survei SPAK")])
    assert spak.startswith("[Diisi oleh unit kerja: tindak lanjut atas hasil SPAK")
    assert "Tidak perlu tindak lanjut" not in "\n".join(p.text for p in follow_up)
    # the efforts are listed, without claiming they have worked
    assert (
        f"Upaya yang telah dilakukan {UNIT} untuk mendukung pencegahan/pengendalian gratifikasi, "
        "yaitu:"
    ) in efforts
    assert not any(line.startswith("Hal ini menunjukkan") for line in efforts)
