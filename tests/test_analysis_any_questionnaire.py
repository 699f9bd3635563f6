"""The report files follow the questionnaire: the SKM of PermenPANRB 14/2017 (one index, IKM, with
its bands on the converted value) and a 5-point scale get a coherent draft and workbook, without
a word of SPKP/SPAK where they do not apply."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from analysis.report import ReportFiles, ReportRequest, build_report
from survey.questionnaire import DEFAULT_PATH, Questionnaire, load
from tests.support.analysis_fixtures import SERVICES, SurveyDb
from tests.support.documents import docx_text, xlsx_rows, xlsx_text
from tests.support.questionnaires import five_point

REPO = Path(__file__).resolve().parent.parent
SKM = REPO / "questionnaires" / "skm-permenpanrb-14-2017.toml"
SKM_ITEMS = tuple(f"U{n}" for n in range(1, 10))
RESPONDENTS = 30
UNIT = "Dinas Penanaman Modal dan PTSP"


def _skm_month(folder: Path, total: int) -> Path:
    """30 respondents whose nine items sum to ``total`` (each scores 3 or 4)."""
    survey = SurveyDb(folder / "skm.db")
    threes = 4 * RESPONDENTS * len(SKM_ITEMS) - total
    for n in range(RESPONDENTS):
        scores = {
            code: 3 if n * len(SKM_ITEMS) + i < threes else 4 for i, code in enumerate(SKM_ITEMS)
        }
        survey.add(
            "2025-01",
            f"2025-01-{1 + n % 28:02d}T03:00:00+00:00",
            service="cpob" if n % 2 else "suket_cpob",
            scores=scores,
            suggestion="Mohon diberantas pungli dan calo di loket." if n == 0 else None,
        )
    return survey.path


def _build(db: Path, questionnaire: Questionnaire, folder: Path) -> ReportFiles:
    request = ReportRequest(db, "2025-01", questionnaire, SERVICES, RESPONDENTS, unit_name=UNIT)
    return build_report(request, folder)


@pytest.fixture(scope="module")
def skm(tmp_path_factory: pytest.TempPathFactory) -> ReportFiles:
    folder = tmp_path_factory.mktemp("skm")
    return _build(_skm_month(folder, 954), load(SKM), folder / "report")


def test_skm_draft_has_the_ikm_table_per_unsur_and_its_mutu_pelayanan(skm: ReportFiles) -> None:
    shown = docx_text(skm.docx)
    table = next(
        t
        for t in docx.Document(str(skm.docx)).tables
        if t.rows[-1].cells[1].text.startswith("Indeks Kepuasan")
    )
    rows = [[c.text for c in row.cells] for row in table.rows]

    assert [r[0] for r in rows[1:-1]] == list(SKM_ITEMS)
    assert rows[-1][1:] == ["Indeks Kepuasan Masyarakat (IKM)", "3,53"]
    assert "diperoleh IKM sebesar 3,53 (dari skala 4; nilai konversi*) 88,33)" in shown
    assert "“A (Sangat Baik)”" in shown
    assert "kategori A (SANGAT BAIK)" in shown  # BAB V
    assert "Tabel 1. Hasil SKM Bulan Januari 2025" in shown
    assert "Tabel 2. Daftar Pertanyaan Survei SKM" in shown
    assert "a. Indeks Kepuasan Masyarakat" in shown and "b. Grafik Indeks" in shown


def test_skm_method_and_closing_are_built_from_the_file(skm: ReportFiles) -> None:
    shown = docx_text(skm.docx)

    assert (
        "Setiap unsur dinilai dengan skala 1 sampai 4. Indeks tiap unsur adalah rata-rata nilai "
        "unsur tersebut dari seluruh responden yang dihitung. Indeks Kepuasan Masyarakat (IKM) "
        "adalah rata-rata indeks unsur U1–U9. Nilai konversi adalah indeks dikalikan 25. Indeks "
        "dan nilai konversi dibulatkan menjadi 2 angka desimal (pembulatan ke atas mulai 0,005), "
        "dan kategori ditentukan dari nilai konversi yang telah dibulatkan."
    ) in shown
    assert (
        f"{UNIT} mendapatkan indeks SKM sebesar 3,53 (dari skala 4; nilai konversi 88,33) dan "
        "masuk sebagai kategori A (SANGAT BAIK). Seluruh unsur layanan"
    ) in shown
    assert "LKE PMPZI" not in shown and "Wilayah Bebas dari Korupsi" not in shown
    assert "anti korupsi" not in shown.lower() and "gratifikasi" not in shown
    assert "LAPORAN ANALISIS SKM" in shown
    assert docx.Document(str(skm.docx)).core_properties.title == "Laporan Analisis SKM Januari 2025"


def test_skm_files_name_no_spkp_or_spak(skm: ReportFiles) -> None:
    for shown in (docx_text(skm.docx), xlsx_text(skm.xlsx)):
        for word in ("SPKP", "SPAK", "IPAK", "IPP"):
            assert re.search(rf"\b{word}\b", shown) is None, word


def test_skm_workbook_shows_the_ikm_its_converted_value_and_category(skm: ReportFiles) -> None:
    summary = xlsx_rows(skm.xlsx, "Ringkasan")

    row = next(r for r in summary if r[0] == "Indeks Kepuasan Masyarakat (IKM)")
    assert row[1:4] == (3.53, 88.33, "A (Sangat Baik)")
    assert summary[0][0] == "Ringkasan SKM – Januari 2025"
    assert not any("LKE" in str(r[0]) for r in summary if r)
    assert "Berkaitan dengan anti korupsi" not in xlsx_text(skm.xlsx)


def test_skm_one_answer_less_is_band_b(tmp_path: Path) -> None:
    files = _build(_skm_month(tmp_path, 953), load(SKM), tmp_path / "report")

    shown = docx_text(files.docx)
    assert "nilai konversi*) 88,24)" in shown and "“B (Baik)”" in shown


def test_a_five_point_questionnaire_gets_five_score_columns_and_its_scale(tmp_path: Path) -> None:
    questionnaire = load(five_point(tmp_path))
    survey = SurveyDb(tmp_path / "five.db")
    # scores up to 4: the database takes 5 once the bot's schema follows the scale (issue 14)
    for n in range(3):
        survey.add("2025-01", f"2025-01-0{n + 1}T03:00:00+00:00", default_score=4)
    files = _build(survey.path, questionnaire, tmp_path / "report")

    header = next(r for r in xlsx_rows(files.xlsx, "Per unsur") if r and r[0] == "Kode")
    assert header[4:] == ("Nilai 1", "Nilai 2", "Nilai 3", "Nilai 4", "Nilai 5")
    shown = docx_text(files.docx)
    assert "Setiap unsur dinilai dengan skala 1 sampai 5." in shown
    assert "diperoleh IPP sebesar 4,00 (dari skala 5;" in shown
    assert "indeks SPKP sebesar 4,00 (dari skala 5)" in shown


def test_an_index_of_another_code_gets_the_generic_words(tmp_path: Path) -> None:
    source = DEFAULT_PATH.read_text("utf-8")
    source = source.replace('group = "ipak"', 'group = "integritas"')
    path = tmp_path / "renamed.toml"
    path.write_text(source.replace("[indices.ipak]", "[indices.integritas]"), "utf-8")
    survey = SurveyDb(tmp_path / "renamed.db")
    survey.add("2025-01", "2025-01-02T03:00:00+00:00", default_score=3)
    files = _build(survey.path, load(path), tmp_path / "report")

    shown = docx_text(files.docx)
    assert "Indeks Persepsi Anti Korupsi (IPAK) merupakan angka yang menunjukkan hasil SPAK." in (
        shown
    )
    assert "Tabel 2. Hasil SPAK Bulan Januari 2025" in shown
    assert "2) Hasil SPAK\n" in shown  # its follow-up
    assert "Sedangkan untuk SPAK," in shown and "Upaya untuk meningkatkan komitmen" in shown


def test_an_skm_months_files_are_named_after_the_skm(skm: ReportFiles) -> None:
    assert skm.docx.name == "laporan-skm-2025-01.docx"
    assert skm.xlsx.name == "data-skm-2025-01.xlsx"
    assert all(path.name.endswith("-skm-2025-01.png") for path in skm.charts.values())
