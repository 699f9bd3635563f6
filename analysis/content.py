"""Everything a monthly report shows, read once from the database and handed to each writer.

Personal data (names, institutions) is dropped here, before any writer sees the rows, unless
``include_personal`` is set: a writer cannot leak what it never receives. Submission times are
turned into the survey's time zone here too, so every writer shows the same clock. The survey
links, when given, are checked here to cover every configured service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

import pandas as pd

from analysis.db import load_period
from analysis.demographics import Demographics, demographics
from analysis.follow_up import actions_shown
from analysis.indices import Breakdown, Lke, PeriodIndices, lke
from analysis.periods import month_name
from analysis.quality import Quality, quality
from analysis.request import ReportRequest
from analysis.suggestions import Suggestion
from analysis.summary import summary_dict, with_unit
from analysis.texts import text
from analysis.zones import resolve_zone
from survey.follow_up import Action
from survey.period import Period
from survey.questionnaire import PERSONAL, Questionnaire
from survey.unit_texts import UnitTexts

__all__ = ["PERSONAL", "TREND_MONTHS", "ReportData", "Suggestion", "gather"]

TREND_MONTHS = 12


@dataclass(frozen=True)
class ReportData:
    """One period's report content. ``frame`` holds the period's submissions (of ``service``
    alone when set), without the :data:`PERSONAL` columns unless ``include_personal``, their
    ``submitted_at`` in ``zone``.

    ``indices`` and ``history`` cover the report's scope (``service`` alone when set); the
    quota and the LKE PMPZI value are the unit's, over all services: ``unit_total`` is the
    period across all services and ``lke`` the unit's value, in a per-service report too.
    ``links`` maps service codes to their survey links (the bot's deep links), None when unknown.
    ``legal_basis`` and ``unit_texts`` are the unit's own words (``[reports]``); what they leave
    out is a placeholder in the draft.
    """

    period: str
    questionnaire: Questionnaire
    services: Mapping[str, str]
    service: str | None
    quota: int
    include_personal: bool
    unit_name: str | None
    links: Mapping[str, str] | None
    zone: tzinfo
    frame: pd.DataFrame
    indices: PeriodIndices
    history: Mapping[str, PeriodIndices]
    unit_total: Breakdown
    lke: Lke
    demographics: Demographics
    summary: Mapping[str, Any]
    legal_basis: tuple[str, ...] = ()
    unit_texts: UnitTexts = field(default_factory=UnitTexts)
    quality: Quality = field(default_factory=Quality)  # the month's data-quality signals
    actions: tuple[Action, ...] = ()  # the follow-up actions the report shows (BAB III B)

    @property
    def month(self) -> str:
        """The period as Indonesian text: ``Januari 2025``."""
        return month_name(self.period)

    @property
    def unit(self) -> str:
        return self.unit_name or text("common.unit")

    @property
    def subject(self) -> str:
        """Who the report's values belong to: the unit, or the unit for one service."""
        if self.service is None:
            return self.unit
        return text("common.unit_service", unit=self.unit, service=self.service_name(self.service))

    @property
    def counted(self) -> pd.DataFrame:
        """The counted submissions, in the order they came."""
        return self.frame[self.frame["counted"]]

    @property
    def respondents(self) -> pd.DataFrame:
        """The counted persons, one row each: their first submission's answers, and in
        ``services`` the names of the services they answered, in the order they did."""
        counted = self.counted
        services: dict[object, list[str]] = {}
        for person, code in zip(counted["person"], counted["service"], strict=True):
            named = services.setdefault(person, [])
            if self.service_name(str(code)) not in named:
                named.append(self.service_name(str(code)))
        first = counted.drop_duplicates("person", keep="first").copy()
        first["services"] = [services[person] for person in first["person"]]
        return first

    def respondent_numbers(self) -> list[int]:
        """Each counted submission's respondent number (1, 2 …, by first submission): a person's
        submissions share theirs."""
        numbers: dict[object, int] = {}
        return [numbers.setdefault(p, len(numbers) + 1) for p in self.counted["person"]]

    def service_name(self, code: str) -> str:
        return self.services.get(code, code)

    @property
    def reported_services(self) -> dict[str, str]:
        """The services this report covers, code → name."""
        return {code: self.service_name(code) for code in self.indices.services}

    @property
    def survey_links(self) -> dict[str, str]:
        """The survey link of each service this report covers that has one, code → URL; empty
        without links (a service found only in the data, no longer configured, has none)."""
        links = self.links or {}
        return {code: links[code] for code in self.reported_services if code in links}

    def suggestions(self) -> list[Suggestion]:
        """Every non-empty answer to the suggestion question (beyond-quota and late ones, and
        placeholders such as "-" or "Tidak ada": see :attr:`Suggestion.placeholder`), in
        submission order."""
        rows = self.frame[self.frame["suggestion"].notna()]
        found = []
        for row in rows.itertuples(index=False):
            text = str(getattr(row, "suggestion", "")).strip()
            if text:
                name = getattr(row, "name", None) if self.include_personal else None
                found.append(
                    Suggestion(
                        service=str(row.service),
                        text=text,
                        counted=bool(row.counted),
                        name=None if name is None or pd.isna(name) else str(name),
                        late=bool(getattr(row, "late", False)),
                    )
                )
        return found

    def trend(self) -> dict[str, dict[str, float | None]]:
        """Each month's overall indices, unrounded: ``{"2025-01": {"ipp": 3.91…, …}, …}``."""
        return {
            period: {k: (v.index if v else None) for k, v in months.overall.indices.items()}
            for period, months in self.history.items()
        }


def gather(request: ReportRequest) -> ReportData:
    """Reads and computes everything the report needs: one tally query for 12 months, one row
    query for the period. A configured service missing from ``links`` raises ValueError before
    anything is read (codes beyond ``services`` are not shown), as do a malformed period, a
    ``service`` not in ``services`` and an unknown time zone."""
    db_path, period, questionnaire = request.db_path, request.period, request.questionnaire
    services, quota, service = request.services, request.quota, request.service
    include_personal, links = request.include_personal, request.links
    Period.parse(period)
    if service is not None and service not in services:
        raise ValueError(f"service {service!r} is not one of {', '.join(services)}")
    _check_links(services, links)
    zone = resolve_zone(request.zone)
    # LKE PMPZI and the quota belong to the unit: a per-service report reads them over all.
    months, unit_months = with_unit(
        db_path, period, questionnaire, quota, TREND_MONTHS, services, service
    )
    frame = load_period(db_path, period, questionnaire, quota)
    frame["submitted_at"] = frame["submitted_at"].dt.tz_convert(zone)
    if service is not None:
        frame = frame[frame["service"] == service].reset_index(drop=True)
    if not include_personal:
        frame = frame.drop(columns=[c for c in PERSONAL if c in frame.columns])
    lke_value = lke(unit_months, period, questionnaire)
    signals = quality(db_path, period, questionnaire, request.quality)
    return ReportData(
        period=period,
        questionnaire=questionnaire,
        services=dict(services),
        service=service,
        quota=quota,
        include_personal=include_personal,
        unit_name=request.unit_name,
        links=None if links is None else dict(links),
        zone=zone,
        frame=frame,
        indices=months[period],
        history=months,
        unit_total=unit_months[period].overall,
        lke=lke_value,
        demographics=demographics(frame, questionnaire),
        summary=summary_dict(months[period], lke_value, signals),
        quality=signals,
        actions=actions_shown(db_path, period, zone),
        legal_basis=tuple(request.legal_basis),
        unit_texts=request.unit_texts or UnitTexts(),
    )


def _check_links(services: Mapping[str, str], links: Mapping[str, str] | None) -> None:
    """Refuses links that leave a service without one: its line in the draft would be empty."""
    if links is None:
        return
    missing = [code for code in services if not links.get(code)]
    if missing:
        raise ValueError(f"links has no survey link for service {', '.join(missing)}")
