"""Red flags: a submission that may tell of corruption, to be acted on at once.

A submission is a red flag when an item of an anti-corruption index (``anti_corruption = true``
in the questionnaire: the SPAK's P1–P5) is scored at or below a threshold, or when its suggestion
holds one of the unit's words (pungli, calo, suap …), matched as whole words whatever the case.
The alert it raises names the service, the month, the items and the suggestion, never the person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from survey.questionnaire import Questionnaire

__all__ = ["KEYWORDS", "Flag", "red_flag"]

# The default words (README, "Integritas data"): illegal levies, brokers, bribes, gratification.
KEYWORDS = (
    "pungli",
    "pungutan",
    "calo",
    "percaloan",
    "suap",
    "gratifikasi",
    "imbalan",
    "amplop",
    "uang pelicin",
)


@dataclass(frozen=True)
class Flag:
    """Why a submission is a red flag: its low anti-corruption items and the words found."""

    items: tuple[tuple[str, int], ...]  # (item code, score), in questionnaire order
    words: tuple[str, ...]


def red_flag(
    questionnaire: Questionnaire,
    scores: Mapping[str, int],
    suggestion: str | None,
    at_or_below: int,
    keywords: Sequence[str],
) -> Flag | None:
    """The red flag of a submission, or None when it raises none."""
    watched = [
        code
        for index in questionnaire.indices.values()
        if index.anti_corruption
        for code in index.items
    ]
    low = tuple((code, scores[code]) for code in watched if scores.get(code, 99) <= at_or_below)
    text = (suggestion or "").casefold()
    words = tuple(
        word for word in keywords if re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", text)
    )
    return Flag(low, words) if low or words else None
