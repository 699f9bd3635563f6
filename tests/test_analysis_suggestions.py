"""The respondents' suggestions as the draft and the workbook show them: placeholders left out,
identical ones quoted once, and those about anti-corruption named after the SPAK results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from analysis.report import ReportFiles, ReportRequest, build_report
from analysis.suggestions import concerns_anti_corruption, is_placeholder
from survey.questionnaire import load
from tests.support.analysis_fixtures import SERVICES, SurveyDb

CPOB, IMPOR, SUKET = (SERVICES[code] for code in ("cpob", "cpob_impor", "suket_cpob"))
EVALUATORS = "Mohon jumlah evaluator ditambah agar proses sertifikasi lebih cepat."
CALO = "Masih ada calo di sekitar loket, mohon ditertibkan."
NO_SPAK = (
    "Tidak ada saran responden yang menyinggung korupsi, gratifikasi, pungutan liar, "
    "percaloan, atau diskriminasi dalam pelayanan."
)
# What imports from the previous platform hold, beside real suggestions (service, answer).
IMPORTED = (
    ("cpob", "-"),
    ("cpob", "Tidak ada"),
    ("suket_cpob", "tidak ada saran."),
    ("cpob", "Nihil"),
    ("cpob_impor", "N/A"),
    ("cpob", "."),
    ("cpob", "Sudah baik"),  # an opinion, however short: a suggestion
    ("cpob", EVALUATORS),
    ("suket_cpob", "  mohon jumlah evaluator ditambah agar PROSES sertifikasi lebih cepat "),
    ("cpob", None),  # Skip: no answer at all, not a placeholder
    ("cpob", EVALUATORS),
    ("cpob_impor", CALO),
    ("cpob", "Calon pemohon perlu panduan tertulis."),  # "calon" is not "calo"
)


@dataclass(frozen=True)
class Months:
    imported: ReportFiles  # January: the answers above
    placeholders: ReportFiles  # February: placeholders and skips only
    plain: ReportFiles  # March: real suggestions, none about anti-corruption
    none: ReportFiles  # April: nobody wrote anything


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> Months:
    root = tmp_path_factory.mktemp("suggestions")
    survey = SurveyDb(root / "survey.db")
    for day, (service, answer) in enumerate(IMPORTED, start=1):
        survey.add("2025-01", f"2025-01-{day:02d}T02:00:00+00:00", service, suggestion=answer)
    for day, answer in enumerate(("-", "Tidak ada", "no suggestion", None), start=1):
        survey.add("2025-02", f"2025-02-{day:02d}T02:00:00+00:00", suggestion=answer)
    survey.add("2025-03", "2025-03-03T02:00:00+00:00", suggestion=EVALUATORS)
    survey.add("2025-04", "2025-04-04T02:00:00+00:00")
    questionnaire = load()

    def build(period: str) -> ReportFiles:
        return build_report(
            ReportRequest(survey.path, period, questionnaire, SERVICES, 30), root / period
        )

    return Months(build("2025-01"), build("2025-02"), build("2025-03"), build("2025-04"))


def paragraphs(path: Path) -> list[tuple[str, str]]:
    """Every paragraph of the draft as (style, text)."""
    return [
        (p.style.name if p.style is not None else "", p.text)
        for p in docx.Document(str(path)).paragraphs
    ]


def after(path: Path, start: str, count: int) -> list[tuple[str, str]]:
    """The ``count`` paragraphs after the first one starting with ``start``."""
    found = paragraphs(path)
    at = next(n for n, (_, text) in enumerate(found) if text.startswith(start))
    return found[at + 1 : at + 1 + count]


def ipak_paragraph(path: Path) -> str:
    return next(t for _, t in paragraphs(path) if t.startswith("Berdasarkan hasil SPAK periode"))


def saran_rows(path: Path) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in book["Saran"].iter_rows(values_only=True)]
    finally:
        book.close()


# -- 1. placeholders ------------------------------------------------------------------------------


def test_placeholders_are_neither_counted_nor_quoted_and_the_draft_says_how_many(
    months: Months,
) -> None:
    draft = months.imported.docx
    found = paragraphs(draft)
    texts = [text for _, text in found]

    assert (
        "Saran dan masukan yang disampaikan responden pada periode Januari 2025, sebanyak "
        "6 (enam), yaitu:"
    ) in texts
    quoted = [text for style, text in found if style == "List Number"]
    assert [q.split(" (")[0] for q in quoted] == [
        "Sudah baik",
        EVALUATORS,
        CALO,
        "Calon pemohon perlu panduan tertulis.",
    ]
    assert (
        "Sebanyak 6 (enam) jawaban yang hanya berisi tanda atau pernyataan tidak ada saran "
        "(seperti “-”, “Tidak ada”, atau “Nihil”) tidak dihitung sebagai saran."
    ) in texts
    for placeholder in ("-", "Tidak ada", "tidak ada saran.", "Nihil", "N/A", "."):
        assert not any(q.startswith(f"{placeholder} (") for q in quoted)


def test_placeholders_alone_are_no_suggestion_as_the_reference_writes_it(months: Months) -> None:
    texts = [text for _, text in paragraphs(months.placeholders.docx)]

    assert not any(t.startswith("Saran dan masukan yang disampaikan") for t in texts)
    at = texts.index("Tidak ada saran yang disampaikan oleh responden.")
    assert texts[at + 1].startswith("Sebanyak 3 (tiga) jawaban yang hanya berisi tanda")


def test_workbook_keeps_every_answer_and_marks_the_placeholders(months: Months) -> None:
    rows = saran_rows(months.imported.xlsx)

    assert rows[1] == ("No", "Layanan", "Dalam kuota", "Saran", "Keterangan")
    marked = {row[3]: row[4] for row in rows[2:]}
    left_out = "Bukan saran (tanda atau “tidak ada”): tidak dihitung dan tidak dikutip"
    assert [a for a, remark in marked.items() if remark == left_out] == [
        "-",
        "Tidak ada",
        "tidak ada saran.",
        "Nihil",
        "N/A",
        ".",
    ]
    assert marked["Sudah baik"] is None
    assert len(rows) - 2 == len([a for _, a in IMPORTED if a])  # one row per answer, repeats too


@pytest.mark.parametrize(
    ("answer", "placeholder"),
    [
        ("-", True),
        (" -- ", True),
        ("...", True),
        ("Tidak ada.", True),
        ("TIDAK ADA SARAN", True),
        ("tidak ada saran dan masukan", True),
        ("Belum ada", True),
        ("Kosong", True),
        ("n.a.", True),
        ("None", True),
        ("No suggestion.", True),
        ("Nothing, thanks!", True),
        ("Sudah baik", False),
        ("Sudah bagus", False),
        ("Good", False),
        ("OK", False),
        ("Tidak ada antrean, pelayanan cepat.", False),
    ],
)
def test_placeholders_are_recognised_in_both_languages(answer: str, placeholder: bool) -> None:
    assert is_placeholder(answer) is placeholder


# -- 2. identical suggestions ---------------------------------------------------------------------


def test_identical_suggestions_are_quoted_once_with_their_count_and_services(
    months: Months,
) -> None:
    quoted = [text for style, text in paragraphs(months.imported.docx) if style == "List Number"]

    assert quoted == [
        f"Sudah baik ({CPOB})",
        f"{EVALUATORS} (3 responden; {CPOB}, {SUKET})",
        f"{CALO} ({IMPOR})",
        f"Calon pemohon perlu panduan tertulis. ({CPOB})",
    ]


# -- 6. suggestions in the SPAK section -----------------------------------------------------------


def test_spak_results_quote_the_suggestions_about_anti_corruption(months: Months) -> None:
    assert ipak_paragraph(months.imported.docx).endswith(
        "Saran responden yang berkaitan dengan anti korupsi sebanyak 1 (satu), yaitu:"
    )
    [quoted, efforts] = after(months.imported.docx, "Berdasarkan hasil SPAK periode", 2)
    assert quoted == ("List Bullet", f"{CALO} ({IMPOR})")
    assert efforts[1].startswith("Hal ini menunjukkan bahwa upaya")  # the unit's efforts follow
    remarks = {row[3]: row[4] for row in saran_rows(months.imported.xlsx)[2:]}
    assert remarks[CALO] == "Berkaitan dengan anti korupsi (SPAK)"
    assert remarks["Calon pemohon perlu panduan tertulis."] is None


def test_spak_results_say_when_no_suggestion_concerns_anti_corruption(months: Months) -> None:
    assert ipak_paragraph(months.plain.docx).endswith(f"4,00. {NO_SPAK}")
    [(style, following)] = after(months.plain.docx, "Berdasarkan hasil SPAK periode", 1)
    assert style == "Normal" and following.startswith("Hal ini menunjukkan bahwa upaya")


@pytest.mark.parametrize("month", ["placeholders", "none"])
def test_spak_results_say_there_was_no_suggestion_as_the_reference_does(
    months: Months, month: str
) -> None:
    draft = getattr(months, month).docx

    assert ipak_paragraph(draft).endswith(
        "Semua unsur mendapatkan indeks yang sama, yaitu 4,00. "
        "Tidak ada saran yang disampaikan oleh responden."
    )


@pytest.mark.parametrize(
    ("answer", "about"),
    [
        ("Ada pungli saat pengambilan sertifikat.", True),
        ("Petugas meminta uang pelicin.", True),
        ("Pertahankan budaya anti-korupsi.", True),
        ("An officer asked for a bribe.", True),
        ("Calon pemohon perlu panduan.", False),
        ("Mohon proses lebih cepat.", False),
    ],
)
def test_anti_corruption_is_found_by_whole_words(answer: str, about: bool) -> None:
    assert concerns_anti_corruption(answer) is about
