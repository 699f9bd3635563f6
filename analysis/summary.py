"""A period's figures from the database, and the JSON-able summary the bot and CLI print.

The summary (``surveibot … --json``) has exactly these keys::

    {"period": "2025-01", "respondents": 2, "responses": 3, "beyond_quota": 0, "late": 0,
     "ipp":  {"index": 3.9166…, "display": "3,92", "converted": 97.91…, "category": "Memuaskan"},
     "ipak": {…same keys…},
     "indices": {"ipp": {…as above…}, "ipak": {…}},
     "elements": {"U1": 4.0, …, "P5": 4.0},
     "services": {"cpob": {"respondents": 2, "responses": 2, "ipp": {…}, "ipak": {…}}, …},
     "lke": {"ipp": 3.91…, "ipak": 4.0, "months": ["2024-12", "2025-01"]},
     "quality": {"fast": 0, "bursts": 0, "repeats": 0, "insiders": 0, "straight_fast": 0}}

``indices`` holds every index of the questionnaire by its code (the SKM's ``ikm``), each with
``converted_display`` too; each is also a key of its own (``ipp``, ``ipak``), as before.
``respondents`` counts persons, ``responses`` their submissions (the indices average these):
the quota is the month's first persons, every submission of theirs counting (see
:mod:`analysis.quota`). A period without data has ``responses`` 0 and nulls for every index and
element. ``late``
counts submissions stored after the month closed: kept, never counted (see
bot/store/migrations/0004_closed_months.sql). ``lke`` is the unit's value, over all services, in a
per-service summary too: LKE PMPZI is not per service.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from analysis.db import DbPath, ServiceTally, tally_periods
from analysis.indices import LKE_MONTHS, Lke, PeriodIndices, compute, lke
from analysis.quality import DEFAULT_RULES, Quality, QualityRules, quality
from survey.period import Period
from survey.questionnaire import Questionnaire

__all__ = ["history", "period_indices", "summarize", "summary_dict", "with_unit"]


def history(
    db_path: DbPath,
    period: str,
    questionnaire: Questionnaire,
    quota: int,
    months: int = 12,
    services: Iterable[str] = (),
    service: str | None = None,
) -> dict[str, PeriodIndices]:
    """Returns the indices of ``period`` and the ``months - 1`` before it, oldest first.

    One SQL query adds every month up; each month applies its own quota.
    """
    periods = Period.parse(period).back(months)
    tallies = tally_periods(db_path, periods, quota)
    return _computed(tallies, periods, questionnaire, list(services), service)


def with_unit(
    db_path: DbPath,
    period: str,
    questionnaire: Questionnaire,
    quota: int,
    months: int,
    services: Iterable[str],
    service: str | None,
) -> tuple[dict[str, PeriodIndices], dict[str, PeriodIndices]]:
    """:func:`history` of ``service`` and the unit's own (every service) over the LKE PMPZI
    window, from one read: the LKE value and the quota are the unit's, in a per-service report
    too."""
    periods = Period.parse(period).back(max(months, LKE_MONTHS))
    tallies = tally_periods(db_path, periods, quota)
    codes = list(services)
    shown = _computed(tallies, periods[-months:], questionnaire, codes, service)
    if service is None:
        return shown, shown
    return shown, _computed(tallies, periods[-LKE_MONTHS:], questionnaire, codes, None)


def _computed(
    tallies: dict[str, dict[str, ServiceTally]],
    periods: Iterable[str],
    questionnaire: Questionnaire,
    codes: list[str],
    service: str | None,
) -> dict[str, PeriodIndices]:
    return {p: compute(p, tallies[p], questionnaire, codes, service) for p in periods}


def period_indices(
    db_path: DbPath,
    period: str,
    questionnaire: Questionnaire,
    quota: int,
    services: Iterable[str] = (),
    service: str | None = None,
) -> PeriodIndices:
    """Returns one period's indices, overall and per service."""
    return history(db_path, period, questionnaire, quota, 1, services, service)[period]


def summary_dict(
    indices: PeriodIndices, lke_value: Lke, signals: Quality | None = None
) -> dict[str, Any]:
    """Builds the summary from computed values (see the module docstring for its shape)."""
    overall = indices.overall
    return {
        "period": indices.period,
        "respondents": overall.respondents,
        "responses": overall.responses,
        "beyond_quota": overall.beyond_quota,
        "late": overall.late,
        **{key: (v.as_json() if v else None) for key, v in overall.indices.items()},
        "indices": {key: (v.as_json() if v else None) for key, v in overall.indices.items()},
        "elements": {code: overall.element(code) for code in overall.elements},
        "services": {code: b.as_json() for code, b in indices.services.items()},
        "lke": lke_value.as_json(),
        "quality": (signals or Quality()).as_json(),
    }


def summarize(
    db_path: DbPath,
    period: str,
    questionnaire: Questionnaire,
    services: Iterable[str],
    quota: int,
    service: str | None = None,
    rules: QualityRules = DEFAULT_RULES,
) -> dict[str, Any]:
    """Returns the summary of ``period``: counted and beyond-quota responses, IPP, IPAK, item
    indices, per-service indices and the unit's LKE PMPZI 3-month value. ``services`` may be the
    config's code → name mapping; its codes give the order of ``"services"``."""
    months, unit = with_unit(db_path, period, questionnaire, quota, LKE_MONTHS, services, service)
    signals = quality(db_path, period, questionnaire, rules)
    return summary_dict(months[period], lke(unit, period, questionnaire), signals)
