"""Who answered: counts by gender, age group, education and occupation (reference Gambar 1–4).

Choice questions list every option of the questionnaire, zeros included, in questionnaire order,
with the reference language's labels. Ages fall in the 5-year groups the reference uses
("25–29", "35–39"); the first group starts at the questionnaire's minimum age (17–19).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.texts import text
from survey.identity import IdentityStep, IntegerStep
from survey.questionnaire import Questionnaire

__all__ = ["UNKNOWN", "Demographics", "age_groups", "demographics"]

UNKNOWN = text("common.unknown")  # shown only when an imported row lacks the answer
GROUP_YEARS = 5


@dataclass(frozen=True)
class Demographics:
    """Counts per identity question key (``gender``, ``age``, ``education``, ``occupation``)."""

    total: int
    counts: Mapping[str, Mapping[str, int]]
    titles: Mapping[str, str]

    def nonzero(self, key: str) -> dict[str, int]:
        return {label: n for label, n in self.counts.get(key, {}).items() if n}


def age_groups(question: IntegerStep) -> list[tuple[int, int, str]]:
    """The (first, last, label) age groups covering ``question.min`` … ``question.max``."""
    groups = []
    first = question.min
    while first <= question.max:
        last = min((first // GROUP_YEARS + 1) * GROUP_YEARS - 1, question.max)
        groups.append((first, last, f"{first}–{last}"))
        first = last + 1
    return groups


def demographics(frame: pd.DataFrame, questionnaire: Questionnaire) -> Demographics:
    """Counts the counted persons of a :func:`analysis.db.load_period` frame, each once, by
    their first submission: one who answered two services is one respondent."""
    language = questionnaire.reference_language
    counted = frame[frame["counted"]] if "counted" in frame else frame
    if "person" in counted:
        counted = counted.drop_duplicates("person", keep="first")
    counts: dict[str, dict[str, int]] = {}
    titles: dict[str, str] = {}
    for question in questionnaire.identity:
        if question.options:
            counts[question.key] = _choice_counts(counted[question.key], question, language)
        elif isinstance(question, IntegerStep):
            counts[question.key] = _age_counts(counted[question.key], question)
        else:
            continue
        titles[question.key] = question.column_text[language]
    return Demographics(total=len(counted), counts=counts, titles=titles)


def _choice_counts(column: pd.Series, question: IdentityStep, language: str) -> dict[str, int]:
    labels = [o.label[language] for o in question.options]
    found = column.astype("object").fillna(UNKNOWN).astype(str).value_counts()
    result = {label: 0 for label in labels}
    for value, number in found.items():
        result[str(value)] = result.get(str(value), 0) + int(number)
    return result


def _age_counts(column: pd.Series, question: IntegerStep) -> dict[str, int]:
    groups = age_groups(question)
    result = {label: 0 for _, _, label in groups}
    ages = column.dropna().astype(int)
    for age in ages:
        label = next((lab for low, high, lab in groups if low <= age <= high), UNKNOWN)
        result[label] = result.get(label, 0) + 1
    if missing := len(column) - len(ages):
        result[UNKNOWN] = result.get(UNKNOWN, 0) + missing
    return result
