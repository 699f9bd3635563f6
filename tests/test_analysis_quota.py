"""The quota and the LKE 3-month value: who counts in a month, and which months count."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from analysis.db import load_period
from analysis.summary import summarize
from survey.questionnaire import Questionnaire
from tests.support.analysis_fixtures import (
    SERVICES,
    SurveyDb,
    at,
    january_2025,
    survey_fixture,  # noqa: F401  (a fixture)
)


def test_quota_counts_the_first_30_by_submission_time_not_by_id(
    survey: SurveyDb, questionnaire: Questionnaire
) -> None:
    # The lowest id is submitted last: it is the one beyond quota.
    late = survey.add("2025-02", at(28), default_score=1, suggestion="Terlambat")
    for n in range(30):
        survey.add("2025-02", at(1, n), service="cpob" if n % 2 else "suket_cpob")

    summary = summarize(survey.path, "2025-02", questionnaire, SERVICES, quota=30)
    frame = load_period(survey.path, "2025-02", questionnaire, quota=30)

    assert (summary["responses"], summary["beyond_quota"]) == (30, 1)
    assert summary["ipp"]["display"] == "4,00"  # the late 1s are not counted
    assert summary["services"]["cpob"]["responses"] == 15
    assert frame.loc[~frame["counted"], "id"].tolist() == [late]
    assert frame["id"].iloc[-1] == late  # quota order: counted ones first


def test_quota_ties_on_time_go_to_the_lower_id(
    survey: SurveyDb, questionnaire: Questionnaire
) -> None:
    survey.add("2025-02", at(3), default_score=1, submission_id=5)
    survey.add("2025-02", at(3), default_score=4, submission_id=3)

    summary = summarize(survey.path, "2025-02", questionnaire, SERVICES, quota=1)

    assert (summary["responses"], summary["beyond_quota"]) == (1, 1)
    assert summary["ipp"]["display"] == "4,00"


def test_quota_is_per_month_across_services(survey: SurveyDb, questionnaire: Questionnaire) -> None:
    survey.add("2025-01", at(5, month=1), service="cpob")
    survey.add("2025-02", at(1), service="cpob")
    survey.add("2025-02", at(2), service="cpob_impor")
    survey.add("2025-02", at(3), service="suket_cpob", default_score=2)

    february = summarize(survey.path, "2025-02", questionnaire, SERVICES, quota=2)
    january = summarize(survey.path, "2025-01", questionnaire, SERVICES, quota=2)

    assert (february["responses"], february["beyond_quota"]) == (2, 1)
    assert february["services"]["suket_cpob"] == {
        "respondents": 0,
        "responses": 0,
        "ipp": None,
        "ipak": None,
    }
    assert (january["responses"], january["beyond_quota"]) == (1, 0)


def test_lke_averages_the_months_with_data_among_the_last_three(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    survey = january_2025(tmp_path / "jan.db")
    survey.add("2024-10", "2024-10-05T00:00:00+00:00", default_score=1)  # outside the window
    survey.add("2024-11", "2024-11-05T00:00:00+00:00", default_score=3)
    # 2024-12: no data

    lke = summarize(survey.path, "2025-01", questionnaire, SERVICES, quota=30)["lke"]

    assert lke["months"] == ["2024-11", "2025-01"]
    assert lke["ipp"] == pytest.approx((3 + 94 / 24) / 2)
    assert lke["ipak"] == pytest.approx((3 + 4) / 2)


def test_lke_of_a_per_service_summary_is_the_units(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    # LKE PMPZI is the unit's value: a summary of one service must not average that service.
    survey = january_2025(tmp_path / "jan.db")
    survey.add("2024-12", "2024-12-05T00:00:00+00:00", service="suket_cpob", default_score=2)

    unit = summarize(survey.path, "2025-01", questionnaire, SERVICES, quota=30)
    cpob = summarize(survey.path, "2025-01", questionnaire, SERVICES, quota=30, service="cpob")

    assert cpob["lke"] == unit["lke"]
    assert cpob["lke"]["ipp"] == pytest.approx((2 + 94 / 24) / 2)
    assert cpob["ipp"]["display"] == "3,88"  # the service's own month


def test_lke_without_any_month_of_data_is_null(
    survey: SurveyDb, questionnaire: Questionnaire
) -> None:
    survey.add("2024-06", "2024-06-05T00:00:00+00:00")

    lke = summarize(survey.path, "2025-01", questionnaire, SERVICES, quota=30)["lke"]

    assert lke == {"ipp": None, "ipak": None, "months": []}


def test_the_quota_is_the_first_persons_with_every_submission_of_theirs(
    survey: SurveyDb, questionnaire: Questionnaire
) -> None:
    # Quota 2: Ani (two services) and Budi are the respondents; Citra, third to come, is not.
    survey.add("2025-02", at(1), service="cpob", user_id=1, identity={"name": "Ani"})
    survey.add("2025-02", at(2), service="cpob", user_id=2, identity={"name": "Budi"})
    survey.add("2025-02", at(3), service="cpob_impor", user_id=3, identity={"name": "Citra"})
    survey.add("2025-02", at(4), service="suket_cpob", user_id=1, default_score=2)

    summary = summarize(survey.path, "2025-02", questionnaire, SERVICES, quota=2)

    assert (summary["respondents"], summary["responses"], summary["beyond_quota"]) == (2, 3, 1)
    assert summary["elements"]["U1"] == pytest.approx((4 + 4 + 2) / 3)  # per submission
    assert summary["services"]["suket_cpob"]["respondents"] == 1
    assert summary["services"]["cpob_impor"]["responses"] == 0


def test_imported_rows_are_one_person_by_name_and_institution_normalised(
    survey: SurveyDb, questionnaire: Questionnaire
) -> None:
    same = {"name": "Dini  B", "institution": "Novell Pharmaceutical Laboratories"}
    survey.add("2025-02", at(1), service="cpob", imported=True, identity=same)
    again = {"name": "dini b", "institution": "NOVELL  Pharmaceutical Laboratories"}
    survey.add("2025-02", at(2), service="suket_cpob", imported=True, identity=again)
    other = {"name": "Dini B", "institution": "PT Lain"}
    survey.add("2025-02", at(3), service="cpob", imported=True, identity=other)
    nobody = {"name": "", "institution": ""}
    survey.add("2025-02", at(4), service="cpob", imported=True, identity=nobody)
    survey.add("2025-02", at(5), service="cpob", imported=True, identity=nobody)

    summary = summarize(survey.path, "2025-02", questionnaire, SERVICES, quota=30)

    # Dini twice is one; the other institution is another person; rows without either, each one
    assert (summary["respondents"], summary["responses"]) == (4, 5)


def test_a_month_closed_before_the_persons_rule_keeps_its_figures(
    survey: SurveyDb, questionnaire: Questionnaire
) -> None:
    survey.add("2025-02", at(1), service="cpob", user_id=1)
    survey.add("2025-02", at(2), service="suket_cpob", user_id=1, default_score=2)
    with sqlite3.connect(survey.path) as db:  # closed under the old rule: one submission counted
        db.execute(
            "INSERT INTO closed_months (period, closed_at, reason, quota, figures) "
            "VALUES ('2025-02', '2025-03-05T01:00:00Z', 'posted', 1, '{}')"
        )
    db.close()

    old_rule = summarize(survey.path, "2025-02", questionnaire, SERVICES, quota=30)
    with sqlite3.connect(survey.path) as db:
        db.execute("UPDATE closed_months SET rule = 'persons'")
    db.close()
    new_rule = summarize(survey.path, "2025-02", questionnaire, SERVICES, quota=30)

    assert (old_rule["responses"], old_rule["beyond_quota"]) == (1, 1)
    assert old_rule["ipp"]["display"] == "4,00"
    assert (new_rule["respondents"], new_rule["responses"]) == (1, 2)
