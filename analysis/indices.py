"""IPP, IPAK, item indices, their categories, and the LKE PMPZI 3-month value.

An item index is the mean score of the item over a period's counted submissions; an index (IPP,
IPAK) is the mean of its items' indices; the converted value is index × 25 (reference BAB III).
Everything is computed exactly, as fractions of the integer score totals, and rounded once, to
2 decimals half-up as Excel's ROUND does. The category is that of the *rounded* value, so the
number shown and its category can never disagree (3.255 shows as 3,26 and is "Memuaskan").

This module is pure: tallies in (:mod:`analysis.db`), values out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from analysis.db import ServiceTally
from analysis.numbers import format_id
from survey.period import Period
from survey.questionnaire import Questionnaire
from survey.scoring import IndexDef, Number, as_fraction, round_half_up

__all__ = [
    "LKE_MONTHS",
    "Breakdown",
    "IndexValue",
    "Lke",
    "PeriodIndices",
    "compute",
    "index_value",
    "lke",
]

LKE_MONTHS = 3  # "rata-rata dari nilai 3 bulan terakhir" (reference BAB II C)


@dataclass(frozen=True)
class IndexValue:
    """One index (or item) value with its rounding and category in the reference language."""

    short: str
    exact: Fraction
    rounded: Decimal
    category: str
    conversion: Decimal = Decimal(25)  # converted value = index × conversion (the index's own)

    @property
    def index(self) -> float:
        return float(self.exact)

    @property
    def converted(self) -> float:
        return float(self.exact * as_fraction(self.conversion))

    @property
    def display(self) -> str:
        """The index as printed: ``3,92``."""
        return format_id(self.rounded)

    @property
    def converted_rounded(self) -> Decimal:
        """The converted value rounded as shown: ``97.92``."""
        return round_half_up(self.exact * as_fraction(self.conversion))

    @property
    def converted_display(self) -> str:
        """The converted value as printed: ``97,92``."""
        return format_id(self.converted_rounded)

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "display": self.display,
            "converted": self.converted,
            "converted_display": self.converted_display,
            "category": self.category,
        }


def index_value(value: Number, definition: IndexDef, language: str = "id") -> IndexValue:
    """``value`` shown to 2 decimals half-up, and classified by ``definition``'s bands (on the
    index or its converted value, as the definition says)."""
    exact = as_fraction(value)
    return IndexValue(
        short=definition.short,
        exact=exact,
        rounded=round_half_up(exact, 2),
        category=definition.category(exact).label[language],
        conversion=definition.conversion,
    )


@dataclass(frozen=True)
class Breakdown:
    """The indices of one group of counted submissions (one service, or all of them)."""

    responses: int  # counted submissions
    beyond_quota: int
    elements: Mapping[str, Fraction | None]
    indices: Mapping[str, IndexValue | None]
    late: int = 0  # stored after the month closed: kept, never counted
    # Counted persons (analysis.quota): one per person, however many answers.
    respondents: int = 0

    def element(self, code: str) -> float | None:
        value = self.elements.get(code)
        return None if value is None else float(value)

    def element_rounded(self, code: str) -> Decimal | None:
        """The item's index rounded as shown: ``3.67``."""
        value = self.elements.get(code)
        return None if value is None else round_half_up(value, 2)

    def element_display(self, code: str) -> str | None:
        rounded = self.element_rounded(code)
        return None if rounded is None else format_id(rounded)

    def extremes(self, items: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Returns the lowest and the highest of ``items``, compared as shown (2 decimals)."""
        shown = {
            code: round_half_up(value, 2)
            for code in items
            if (value := self.elements.get(code)) is not None
        }
        if not shown:
            return (), ()
        low, high = min(shown.values()), max(shown.values())
        return (
            tuple(c for c, v in shown.items() if v == low),
            tuple(c for c, v in shown.items() if v == high),
        )

    def as_json(self) -> dict[str, Any]:
        """The per-service part of the summary: responses and each index (or null)."""
        return {
            "respondents": self.respondents,
            "responses": self.responses,
            **{k: (v.as_json() if v else None) for k, v in self.indices.items()},
        }


@dataclass(frozen=True)
class PeriodIndices:
    """A period's indices overall and per service (services listed even without data)."""

    period: str
    overall: Breakdown
    services: Mapping[str, Breakdown]

    @property
    def responses(self) -> int:
        return self.overall.responses

    @property
    def respondents(self) -> int:
        return self.overall.respondents

    @property
    def beyond_quota(self) -> int:
        return self.overall.beyond_quota

    @property
    def late(self) -> int:
        return self.overall.late


def compute(
    period: str,
    tallies: Mapping[str, ServiceTally],
    questionnaire: Questionnaire,
    services: Sequence[str] = (),
    service: str | None = None,
) -> PeriodIndices:
    """Turns one period's per-service tallies into its indices.

    ``services`` lists the configured service codes, in the order to show them; codes found only
    in the data follow, sorted. With ``service``, only that service is reported and "overall"
    is that service (the quota still having been applied across all services).
    """
    codes = [*services, *sorted(set(tallies) - set(services))]
    if service is not None:
        codes = [service]
    per_service = {
        code: _breakdown(tallies.get(code, ServiceTally()), questionnaire) for code in codes
    }
    overall = _breakdown(_merge([tallies.get(c, ServiceTally()) for c in codes]), questionnaire)
    return PeriodIndices(period=period, overall=overall, services=per_service)


@dataclass(frozen=True)
class Lke:
    """The LKE PMPZI value: the mean of the last 3 monthly indices, over the months with data."""

    values: Mapping[str, Fraction | None]
    months: tuple[str, ...]
    window: tuple[str, ...]

    def value(self, key: str) -> float | None:
        found = self.values.get(key)
        return None if found is None else float(found)

    def rounded(self, key: str) -> Decimal | None:
        found = self.values.get(key)
        return None if found is None else round_half_up(found, 2)

    def display(self, key: str) -> str | None:
        rounded = self.rounded(key)
        return None if rounded is None else format_id(rounded)

    def as_json(self) -> dict[str, Any]:
        return {**{k: self.value(k) for k in self.values}, "months": list(self.months)}


def lke(monthly: Mapping[str, PeriodIndices], period: str, questionnaire: Questionnaire) -> Lke:
    """Averages each index over ``period`` and the 2 months before it that have data.

    The monthly indices are averaged unrounded; a month without counted responses is left out
    (not counted as zero), and with no month at all the value is None.
    """
    window = tuple(Period.parse(period).back(LKE_MONTHS))
    present = [monthly[p] for p in window if p in monthly and monthly[p].responses > 0]
    values: dict[str, Fraction | None] = {}
    for key in questionnaire.indices:
        found = [v.exact for m in present if (v := m.overall.indices.get(key)) is not None]
        values[key] = sum(found, Fraction(0)) / len(found) if found else None
    return Lke(values=values, months=tuple(m.period for m in present), window=window)


def _breakdown(tally: ServiceTally, questionnaire: Questionnaire) -> Breakdown:
    elements: dict[str, Fraction | None] = {
        item.code: (
            Fraction(tally.sums[item.code], tally.counts[item.code])
            if tally.counts.get(item.code)
            else None
        )
        for item in questionnaire.items
    }
    indices: dict[str, IndexValue | None] = {}
    for key, definition in questionnaire.indices.items():
        found = [v for c in definition.items if (v := elements.get(c)) is not None]
        indices[key] = (
            index_value(
                sum(found, Fraction(0)) / len(found), definition, questionnaire.reference_language
            )
            if found
            else None
        )
    return Breakdown(
        responses=tally.responses,
        beyond_quota=tally.beyond_quota,
        elements=elements,
        indices=indices,
        late=tally.late,
        respondents=len(tally.persons),
    )


def _merge(tallies: Sequence[ServiceTally]) -> ServiceTally:
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    for tally in tallies:
        for code, total in tally.sums.items():
            sums[code] = sums.get(code, 0) + total
            counts[code] = counts.get(code, 0) + tally.counts.get(code, 0)
    return ServiceTally(
        responses=sum(t.responses for t in tallies),
        beyond_quota=sum(t.beyond_quota for t in tallies),
        late=sum(t.late for t in tallies),
        sums=sums,
        counts=counts,
        persons=frozenset().union(*(t.persons for t in tallies)),
    )
