"""The sentences of the report, built from the numbers (reference BAB III–V wording).

Which sentence applies is decided here; the sentences themselves are templates under
``sentence`` and ``join`` in ``analysis/resources/report.toml``.

Every month named here is the report's own period: the sentences take it from the data, so the
closing chapter can never name another month (the reference's BAB V says "Desember 2024" in the
January 2025 report).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.content import ReportData
from analysis.indices import Breakdown, IndexValue
from analysis.numbers import count_phrase, format_edge, format_id
from analysis.periods import month_name, month_span
from analysis.texts import text, words
from survey.period import Period
from survey.questionnaire import Questionnaire

__all__ = [
    "NOTE_MARK",
    "conversion_note",
    "demographic_sentence",
    "extremes_sentence",
    "index_sentence",
    "indices_named",
    "join_id",
    "lke_basis",
    "lke_months",
    "lke_sentence",
    "no_data_sentence",
    "quota_sentence",
    "survey_period",
    "surveys_named",
]

NOTE_MARK = "*)"  # marks the converted value and starts its note: a sign, in every language


def join_id(parts: Sequence[str]) -> str:
    """Joins as Indonesian prose does: ``a``, ``a dan b``, ``a, b, dan c``."""
    if len(parts) <= 1:
        return "".join(parts)
    if len(parts) == 2:
        return text("join.pair", first=parts[0], second=parts[1])
    return text("join.many", head=", ".join(parts[:-1]), last=parts[-1])


def surveys_named(questionnaire: Questionnaire) -> str:
    """The questionnaire's surveys, each once, in its indices' order: ``SPKP dan SPAK``, ``SKM``."""
    return join_id(list(dict.fromkeys(d.survey for d in questionnaire.indices.values())))


def indices_named(questionnaire: Questionnaire) -> str:
    """The questionnaire's indices by their abbreviations: ``IPP dan IPAK``, ``IKM``."""
    return join_id([d.short for d in questionnaire.indices.values()])


def survey_period(data: ReportData) -> str:
    """``1 s.d. 31 Januari 2025``."""
    return text("sentence.survey_period", last_day=Period.parse(data.period).days, month=data.month)


def no_data_sentence(data: ReportData) -> str:
    return text("sentence.no_data", month=data.month)


def quota_sentence(data: ReportData) -> str:
    """The criteria of BAB II A applied to the month: how many submissions came, how many count.

    The quota is the unit's, across all services: a per-service report says so, and gives the
    unit's figures before the service's own. Late submissions (after the month closed) follow,
    said apart.
    """
    sentence = _quota_sentence(data)
    if late := data.indices.late:
        sentence += " " + text("sentence.late", late=count_phrase(late), month=data.month)
    return sentence


def _quota_sentence(data: ReportData) -> str:
    # Respondents are persons (analysis.quota): "received" counts submissions, "counted"
    # persons.
    answers, beyond = data.indices.responses, data.indices.beyond_quota
    received = count_phrase(answers + beyond)
    counted = count_phrase(data.indices.respondents)
    if data.service is None:
        if beyond:
            return text(
                "sentence.quota_beyond",
                month=data.month,
                received=received,
                counted=counted,
                answers=count_phrase(answers),
                beyond=count_phrase(beyond),
                quota=data.quota,
            )
        return text(
            "sentence.quota", month=data.month, received=received, people=counted, quota=data.quota
        )
    unit = text(
        "sentence.quota_unit",
        quota=data.quota,
        unit=data.unit,
        month=data.month,
        received=count_phrase(data.unit_total.responses + data.unit_total.beyond_quota),
        counted=count_phrase(data.unit_total.respondents),
    )
    service = data.service_name(data.service)
    if beyond:
        own = text(
            "sentence.quota_service_beyond",
            service=service,
            received=received,
            counted=counted,
            answers=count_phrase(answers),
            beyond=count_phrase(beyond),
        )
    else:
        own = text("sentence.quota_service", service=service, received=received, people=counted)
    return f"{unit} {own}"


def demographic_sentence(data: ReportData, key: str) -> str:
    """One paragraph of BAB III A per identity question, ending with its figure's number."""
    counts = data.demographics.nonzero(key)
    total = data.demographics.total
    if total == 0:
        return no_data_sentence(data)
    month = data.month
    if key == "gender":
        listed = [
            text("sentence.demographic.gender_group", count=count_phrase(n), label=label)
            for label, n in counts.items()
        ]
        return text(
            "sentence.demographic.gender",
            surveys=surveys_named(data.questionnaire),
            month=month,
            total=count_phrase(total),
            groups=join_id(listed),
        )
    if key == "age":
        ages = [
            text("sentence.demographic.age_group", label=label, count=n)
            for label, n in counts.items()
        ]
        return text("sentence.demographic.age", month=month, groups=join_id(ages))
    if key == "education" and len(counts) == 1:
        return text(
            "sentence.demographic.education_only",
            month=month,
            total=count_phrase(total),
            label=next(iter(counts)),
        )
    if key == "occupation":  # "Pegawai Swasta sebanyak 1 (satu) dan 1 (satu) orang berstatus …"
        shown = [
            text(
                "sentence.demographic.occupation_group"
                if n
                else "sentence.demographic.occupation_first",
                label=label,
                count=count_phrase(number),
            )
            for n, (label, number) in enumerate(counts.items())
        ]
        return text("sentence.demographic.occupation", month=month, groups=join_id(shown))
    groups = join_id(
        [text("sentence.demographic.group", label=label, count=n) for label, n in counts.items()]
    )
    if key == "education":
        return text("sentence.demographic.education", month=month, groups=groups)
    return text("sentence.demographic.other", month=month, groups=groups)


def _items_named(data: ReportData, codes: Sequence[str]) -> str:
    language = data.questionnaire.reference_language
    names = []
    for code in codes:
        item = data.questionnaire.item(code)
        names.append(f"{item.element[language]} ({code})" if item else code)
    return join_id(names)


def extremes_sentence(data: ReportData, breakdown: Breakdown, items: Sequence[str]) -> str:
    """Names the highest and the lowest items, compared as shown (2 decimals)."""
    lowest, highest = breakdown.extremes(items)
    if not highest:
        return ""
    high = breakdown.element_display(highest[0])
    if set(lowest) == set(highest):
        return text("sentence.extremes.same", value=high)
    return text(
        "sentence.extremes.each" if len(lowest) > 1 else "sentence.extremes.one",
        high=high,
        highest=_items_named(data, highest),
        lowest=_items_named(data, lowest),
        low=breakdown.element_display(lowest[0]),
    )


def index_sentence(value: IndexValue | None, survey: str, data: ReportData) -> str:
    """``IPP sebesar 3,92 (dari skala 4; nilai konversi 97,92) dikategorikan “Memuaskan”.``"""
    if value is None:
        return text("sentence.index_missing", no_data=no_data_sentence(data), survey=survey)
    return text(
        "sentence.index",
        survey=survey,
        month=data.month,
        points=data.questionnaire.points,
        short=value.short,
        value=value.display,
        converted=value.converted_display,
        mark=NOTE_MARK,
        category=value.category,
    )


def conversion_note(data: ReportData) -> str | None:
    """The note on the converted value (:data:`NOTE_MARK`): it is index × 25 before rounding, so
    it can differ from the shown index × 25; the month's first index where it does is the example
    (IPP 3,9167 × 25 = 97,92, not 3,92 × 25 = 98,00). None when no index has a value."""
    values = [v for v in data.indices.overall.indices.values() if v is not None]
    if not values:
        return None
    note = text(
        "common.conversion_note", mark=NOTE_MARK, conversion=format_edge(values[0].conversion, 0)
    )
    for value in values:
        shown = value.rounded * value.conversion
        if shown != value.converted_rounded:
            example = text(
                "common.conversion_example",
                short=value.short,
                exact=format_id(value.index, 4),
                shown=value.display,
                conversion=format_edge(value.conversion, 0),
                converted=value.converted_display,
                naive=format_id(shown),
            )
            return f"{note} {example}"
    return note


def lke_months(data: ReportData) -> str:
    """The months the LKE PMPZI value averages (those with data): ``Oktober 2026``."""
    return join_id([month_name(p) for p in data.lke.months]) or text("sentence.lke.no_months")


def lke_basis(data: ReportData) -> str:
    """The 3-month window and which of its months hold data, said the same way everywhere."""
    window = month_span(data.lke.window[0], data.lke.window[-1])
    return text("sentence.lke.basis", window=window, months=lke_months(data))


def lke_sentence(data: ReportData, names: Mapping[str, str]) -> str:
    """The LKE PMPZI values, the 3 months they stand for and the months they average."""
    values = [
        text("sentence.lke.value", name=names[key], value=shown)
        for key in data.lke.values
        if (shown := data.lke.display(key)) is not None
    ]
    if not values:
        window = month_span(data.lke.window[0], data.lke.window[-1])
        return text("sentence.lke.none", window=window)
    said, basis = join_id(values), lke_basis(data)
    if data.service is not None:
        return text("sentence.lke.result_unit", unit=data.unit, values=said, basis=basis)
    return text("sentence.lke.result", values=said, basis=basis)


def quality_paragraph(data: ReportData) -> str:
    """The month's data-quality signals in one honest sentence: what was flagged, and that
    nobody was excluded."""
    flagged = len(data.quality.flagged)
    if not flagged:
        return text("docx.survey_data.quality_none")
    found = [
        f"{count} {text(f'xlsx.quality.signal.{signal}')}"
        for signal, count in data.quality.as_json().items()
        if count
    ]
    return text(
        "docx.survey_data.quality",
        count=count_phrase(flagged),
        signals=join_id(found),
        sheet=words("xlsx.sheets")[6],
    )
