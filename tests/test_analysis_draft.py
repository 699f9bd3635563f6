"""The report draft as staff open it in Word: structure, numbers, names left out or in."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest

from analysis import texts
from analysis.periods import MONTHS_ID
from analysis.report import NoResponses, ReportRequest, build_report, build_workbook
from survey.questionnaire import Questionnaire
from tests.support.analysis_fixtures import SERVICES, SurveyDb
from tests.support.documents import docx_text, xlsx_rows, xlsx_text
from tests.support.report_files import (
    CONVERSION_NOTE,
    LATE_SUGGESTION,
    PERSONAL,
    SUGGESTION,
    UNIT,
    Built,
    as_listed,
    built_fixture,  # noqa: F401  (a fixture)
    chapter,
    style,
)


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
