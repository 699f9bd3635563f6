"""Texts for staff and admins, built from the analysis summary: figures, never people.

Everything here works from the JSON-able summary of :mod:`analysis.summary` and from counts, so a
name or an institution cannot reach a staff-chat text: none is ever handed in. Numbers are written
the Indonesian way, with a decimal comma (``3,92``). Texts are HTML; each line closes its own tags,
so :func:`bot.telegram_text.split_text` may cut between any two lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.messages import Messages, Safe
from bot.telegram_text import clip
from survey.questionnaire import Questionnaire
from survey.scoring import round_half_up


@dataclass(frozen=True)
class Wording:
    """What every staff text needs besides the figures."""

    messages: Messages
    questionnaire: Questionnaire
    services: Mapping[str, str]  # code → name, in config order
    language: str

    def get(self, key: str, **values: object) -> str:
        return self.messages.get(key, self.language, **values)

    def plain(self, key: str, **values: object) -> str:
        """Returns a text sent without parse mode (captions)."""
        return self.messages.plain(key, self.language, **values)

    def month(self, period: str) -> str:
        return self.messages.month(period, self.language)


def decimal(value: float | None, places: int = 2) -> str:
    """Writes ``value`` with a decimal comma, rounded half-up: 97.916… → ``97,92``."""
    if value is None:
        return "–"
    from analysis.numbers import format_id  # analysis loads lazily: start-up time

    return format_id(value, places)


def post_text(
    summary: Mapping[str, Any], suggestions: int, words: Wording, *, interim: bool = False
) -> str:
    """Returns the month's figures for the staff chat: indices, services, lowest items, LKE."""
    period = str(summary["period"])
    if not summary.get("responses"):
        return no_data_text(summary, words)
    lines = [words.get("staff_post_title", month=words.month(period))]
    if interim:
        lines.append(words.get("staff_post_interim"))
    lines += ["", *_counts(summary, words), *_indices(summary, words), ""]
    lines += _services(summary, words)
    lines += ["", words.get("staff_post_lowest_heading"), *_lowest(summary, words)]
    lines += ["", _lke(summary, words)] if words.questionnaire.lke else [""]
    lines.append(words.get("staff_post_suggestions", count=suggestions, period=period))
    return "\n".join(lines)


def no_data_text(summary: Mapping[str, Any], words: Wording) -> str:
    """Returns the short post of a month without any submission."""
    month = words.month(str(summary["period"]))
    lke = ["", _lke(summary, words)] if words.questionnaire.lke else []
    return "\n".join([words.get("staff_post_no_data", month=month), *lke])


def stats_text(
    summary: Mapping[str, Any], drafts: int, quota: int, when: str, words: Wording
) -> str:
    """Returns the live figures of a month for /stats."""
    period = str(summary["period"])
    lines = [words.get("admin_stats_title", month=words.month(period), when=when), ""]
    lines.append(
        words.get(
            "admin_stats_counted",
            respondents=summary.get("respondents", 0),
            counted=summary.get("responses", 0),
            quota=quota,
            beyond=summary.get("beyond_quota", 0),
        )
    )
    if summary.get("late"):
        lines.append(words.get("admin_stats_late", late=summary["late"]))
    lines += _quality(summary, words)
    lines += _indices(summary, words)
    lines += ["", *_services(summary, words), ""]
    lines.append(words.get("admin_stats_drafts", count=drafts))
    return "\n".join(lines)


def suggestion_lines(rows: Sequence[tuple[str, str]], words: Wording) -> list[str]:
    """Numbers the month's suggestions, each with its service code and no one's name."""
    return [
        words.get("admin_suggestion_line", n=n, service=service, text=text.strip())
        for n, (service, text) in enumerate(rows, start=1)
    ]


def chart_caption(key: str, period: str, words: Wording) -> str:
    """Returns the plain caption of one chart of the album."""
    month = words.month(period)
    name = f"staff_chart_{key}"
    if name in words.messages.texts:
        return clip(words.plain(name, month=month))
    return clip(words.plain("staff_chart_other", month=month, name=key))


def _counts(summary: Mapping[str, Any], words: Wording) -> list[str]:
    counted = summary.get("responses", 0)
    respondents = summary.get("respondents", 0)
    line = words.get("staff_post_responses", respondents=respondents, counted=counted)
    if summary.get("beyond_quota"):
        line += words.get("staff_post_beyond", beyond=summary["beyond_quota"])
    if summary.get("late"):
        line += words.get("staff_post_late", late=summary["late"])
    return [line, *_quality(summary, words)]


def _quality(summary: Mapping[str, Any], words: Wording) -> list[str]:
    """The month's data-quality signals, when any submission raised one (README, "Integritas
    data"): counts only, each to be looked at, none excluded."""
    signals = summary.get("quality") or {}
    shown = [words.get(f"quality_{name}", count=count) for name, count in signals.items() if count]
    return [words.get("quality_line", signals=Safe(" · ".join(shown)))] if shown else []


def _indices(summary: Mapping[str, Any], words: Wording) -> list[str]:
    lines = []
    for key, definition in words.questionnaire.indices.items():
        value = summary.get(key)
        if not value:
            lines.append(words.get("staff_post_index_none", short=definition.short))
            continue
        lines.append(
            words.get(
                "staff_post_index",
                short=definition.short,
                display=value["display"],
                converted=decimal(value["converted"]),
                category=value["category"],
            )
        )
    return lines


def _services(summary: Mapping[str, Any], words: Wording) -> list[str]:
    lines = [words.get("staff_post_services_heading")]
    for code, figures in (summary.get("services") or {}).items():
        shown = [
            f"{definition.short} {value['display']}"
            for key, definition in words.questionnaire.indices.items()
            if (value := figures.get(key))
        ]
        lines.append(
            words.get(
                "staff_post_service_line",
                name=words.services.get(code, code),
                count=figures.get("responses", 0),
                indices=f" ({' · '.join(shown)})" if shown else "",
            )
        )
    return lines


def _lowest(summary: Mapping[str, Any], words: Wording) -> list[str]:
    elements: Mapping[str, float | None] = summary.get("elements") or {}
    lines = []
    for definition in words.questionnaire.indices.values():
        shown = {
            code: round_half_up(value)
            for code in definition.items
            if (value := elements.get(code)) is not None
        }
        if not shown:
            continue
        low = min(shown.values())
        shown_low = decimal(float(low))
        if len(set(shown.values())) == 1:
            lines.append(
                words.get("staff_post_lowest_all", short=definition.short, value=shown_low)
            )
            continue
        names = []
        for code in (c for c, v in shown.items() if v == low):
            item = words.questionnaire.item(code)
            names.append(f"{code} {item.element[words.language]}" if item else code)
        lines.append(
            words.get(
                "staff_post_lowest_line",
                short=definition.short,
                items=", ".join(names),
                value=shown_low,
            )
        )
    return lines


def _lke(summary: Mapping[str, Any], words: Wording) -> str:
    lke: Mapping[str, Any] = summary.get("lke") or {}
    months = [words.month(p) for p in lke.get("months", [])]
    values = [
        f"{definition.short} {decimal(lke[key])}"
        for key, definition in words.questionnaire.indices.items()
        if lke.get(key) is not None
    ]
    if not values:
        return words.get("staff_post_lke_none")
    return words.get("staff_post_lke", months=", ".join(months), values=" · ".join(values))
