"""Any unit's questionnaire, as data only: the SKM of PermenPANRB 14/2017, other scales, and a
file with an error refused naming its key."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from analysis.summary import summarize
from bot import messages
from bot.cli.main import main
from bot.config import load as load_config
from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from bot.staff.text import Wording, post_text
from survey.questionnaire import DEFAULT_PATH, Questionnaire, QuestionnaireError, load
from tests.support.analysis_fixtures import SERVICES, SurveyDb
from tests.support.app import Clock, running
from tests.support.questionnaires import SKM, five_point, with_questionnaire
from tests.support.survey import rows

NINE = [f"U{n}" for n in range(1, 10)]


def skm_month(path: Path, total: int) -> SurveyDb:
    """30 respondents in January 2025 whose nine SKM items add up to ``total`` (3s and 4s)."""
    survey = SurveyDb(path)
    fours = total - 3 * 270
    answers = [4] * fours + [3] * (270 - fours)
    for n in range(30):
        scores = dict(zip(NINE, answers[9 * n : 9 * n + 9], strict=True))
        survey.add("2025-01", f"2025-01-{n % 28 + 1:02d}T03:00:00+00:00", scores=scores)
    return survey


@pytest.mark.parametrize(
    ("total", "converted", "category"),
    [(954, "88,33", "A (Sangat Baik)"), (953, "88,24", "B (Baik)")],
)
def test_the_skm_at_its_edges_reads_the_converted_value_as_the_regulation_does(
    tmp_path: Path, total: int, converted: str, category: str
) -> None:
    # 954 / 270 = 3,5333: IKM 3,53, converted 88,33 → A. 953 / 270 = 3,5296: also shown 3,53, but
    # converted 88,24 → B, where rounding the bands to 2 decimals of the index would say A.
    survey = skm_month(tmp_path / "skm.db", total)

    summary = summarize(survey.path, "2025-01", load(SKM), SERVICES, quota=30)

    assert list(summary["indices"]) == ["ikm"]
    assert summary["indices"]["ikm"]["display"] == "3,53"
    assert summary["indices"]["ikm"]["converted_display"] == converted
    assert summary["indices"]["ikm"]["category"] == category
    assert summary["indices"]["ikm"]["index"] == pytest.approx(total / 270)


def test_the_skm_is_nine_unsur_weighted_alike_in_the_regulations_order() -> None:
    skm = load(SKM)
    [ikm] = skm.indices.values()
    assert [item.code for item in skm.items] == NINE
    assert [item.element["id"] for item in skm.items][:3] == [
        "Persyaratan",
        "Sistem, Mekanisme, dan Prosedur",
        "Waktu Penyelesaian",
    ]
    assert ikm.items == tuple(NINE) and ikm.name["id"] == "Indeks Kepuasan Masyarakat (IKM)"
    assert [band.label["id"] for band in ikm.bands] == [
        "D (Tidak Baik)",
        "C (Kurang Baik)",
        "B (Baik)",
        "A (Sangat Baik)",
    ]
    assert skm.identity == load().identity  # the same identity block as the default


def csv_of(questionnaire: Questionnaire, rows: list[list[str]]) -> str:
    header = ["period", "service", "submitted_at", *(q.key for q in questionnaire.identity)]
    header += [*(i.code for i in questionnaire.items), "suggestion"]
    return "\n".join(",".join(line) for line in [header, *rows]) + "\n"


def person(n: int, scores: list[str]) -> list[str]:
    when = f"2025-01-{n % 28 + 1:02d} 10:{n:02d}"
    identity = [f"Orang {n}", "30", "Laki-laki", "D4/S1", "Lainnya", f"PT {n}"]
    return ["2025-01", "cpob", when, *identity, *scores, ""]


def test_an_skm_month_imported_then_reported_names_its_index(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = with_questionnaire(config_file, SKM)
    answers = ["4"] * 144 + ["3"] * 126  # 954 in all
    rows = [person(n, answers[9 * n : 9 * n + 9]) for n in range(30)]
    source = tmp_path / "skm.csv"
    source.write_text(csv_of(load(SKM), rows), "utf-8")

    assert main(["import", str(source), "-c", str(config)]) == 0
    assert "30" in capsys.readouterr().out  # rows added
    assert main(["report", "2025-01", "-c", str(config), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["indices"]["ikm"]["converted_display"] == "88,33"
    assert main(["report", "2025-01", "-c", str(config), "--out", str(tmp_path / "out")]) == 0
    assert "IKM 3,53 — A (Sangat Baik)" in capsys.readouterr().out


async def test_a_five_point_questionnaire_is_answered_in_the_bot(
    tmp_path: Path, config: Config, sandbox: SandboxRequest, clock: Clock, respondent: Respondent
) -> None:
    five = replace(config, survey=replace(config.survey, questionnaire=load(five_point(tmp_path))))
    async with running(five, sandbox, clock) as app:
        await respondent.command(app, "start", "cpob")
        await respondent.tap(app, "Bahasa Indonesia")
        await respondent.say(app, "Ratna Kusumawati")
        await respondent.say(app, "41")
        for label in ("Perempuan", "D4/S1", "PNS/TNI/Polri"):
            await respondent.tap(app, label)
        await respondent.say(app, "PT Farmasi Sentosa Abadi")
        await respondent.tap(app, "Januari 2025")
        assert respondent.labels()[2:] == ["3 · Netral", "4 · Mudah", "5 · Sangat mudah"]
        for _ in five.survey.questionnaire.items:
            await respondent.tap(app, "5 · ")
        await respondent.tap(app, "Lewati")
        await respondent.tap(app, "✅ Kirim")

    assert set(rows(five, "SELECT score FROM scores")) == {(5,)}


def test_a_five_point_file_imports_fives_and_refuses_a_six_naming_it(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = with_questionnaire(config_file, five_point(tmp_path))
    questionnaire = load_config(config, need_token=False).survey.questionnaire
    good = tmp_path / "good.csv"
    good.write_text(csv_of(questionnaire, [person(1, ["5"] * 13)]), "utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_of(questionnaire, [person(1, ["6", *["5"] * 12])]), "utf-8")

    assert main(["import", str(bad), "-c", str(config)]) == 1
    assert "U1 '6' harus nilai 1 sampai 5" in capsys.readouterr().err
    assert main(["import", str(good), "-c", str(config)]) == 0
    with sqlite3.connect(tmp_path / "surveibot.db") as db:
        assert db.execute("SELECT DISTINCT score FROM scores").fetchall() == [(5,)]


def test_a_five_point_report_counts_every_score_of_the_scale(tmp_path: Path) -> None:
    from analysis.report import ReportRequest, build_workbook
    from tests.support.documents import xlsx_rows

    survey = SurveyDb(tmp_path / "five.db")
    survey.add("2025-01", "2025-01-05T03:00:00+00:00", default_score=5)
    request = ReportRequest(survey.path, "2025-01", load(five_point(tmp_path)), SERVICES, 30)
    sheet = xlsx_rows(build_workbook(request, tmp_path / "out"), "Per unsur")
    header = next(row for row in sheet if row and row[0] == "Kode")
    assert [cell for cell in header if cell and re.fullmatch(r"Nilai \d", str(cell))] == [
        f"Nilai {n}" for n in range(1, 6)
    ]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (('languages = ["id", "en"]', 'languages = ["id", "en"]\nscale = 11'), "'scale'"),
        (('"Sangat mudah"]', '"Sangat mudah", "Luar biasa"]'), "'items.U1.labels.id'"),
        (("min = 1.76, max = 2.50", "min = 1.80, max = 2.50"), "'indices.ipp.bands'"),
        (('short = "IPP"', 'short = "IPP"\nbands_on = "raw"'), "'indices.ipp.bands_on'"),
        (('short = "IPP"', 'short = "IPP"\nconversion = "x"'), "'indices.ipp.conversion'"),
    ],
)
def test_a_file_with_an_error_is_refused_naming_the_key(
    tmp_path: Path, change: tuple[str, str], key: str
) -> None:
    text = DEFAULT_PATH.read_text("utf-8")
    assert change[0] in text
    path = tmp_path / "wrong.toml"
    path.write_text(text.replace(change[0], change[1], 1), "utf-8")
    with pytest.raises(QuestionnaireError, match=re.escape(key)):
        load(path)


def test_the_bots_own_words_name_the_skm_and_leave_out_the_lke(tmp_path: Path) -> None:
    skm = load(SKM)
    texts = messages.load(skm.languages, overrides=skm.messages)
    survey = skm_month(tmp_path / "skm.db", 954)
    summary = summarize(survey.path, "2025-01", skm, SERVICES, quota=30)
    words = Wording(texts, skm, dict.fromkeys(SERVICES, "Layanan"), "id")

    post = post_text(summary, 0, words)

    assert "Selamat datang di survei <b>SKM</b>" in texts.get("welcome", "id")
    assert "Survei Kepuasan Masyarakat (SKM)" in texts.get("privacy", "id", who="", reminders=2)
    assert post.startswith("📊 <b>Hasil SKM Januari 2025</b>")
    assert "IKM" in post and "3,53" in post
    assert not any(word in post for word in ("SPKP", "SPAK", "IPP", "LKE"))
    default = messages.load(("id", "en"))
    assert "<b>SPKP</b> (Survei Persepsi Kualitas Pelayanan)" in default.get("welcome", "id")


def test_a_questionnaire_may_only_reword_texts_the_bot_has() -> None:
    with pytest.raises(messages.MessagesError, match="'welcom'"):
        messages.load(("id", "en"), overrides={"welcom": {"id": "Halo", "en": "Hello"}})
