"""The report draft in Word, following the reference's structure (Laporan Analisis SPKP dan
SPAK): Kata Pengantar, BAB I–V (the respondents' suggestions in BAB III, after the IPP results,
where the reference has them) and Lampiran 1.

The month named everywhere is the report's period, from the data. Kata Pengantar, BAB I and the
legal basis of BAB II A come from the unit's own texts (:mod:`analysis.report_unit_texts`); what
the unit has not written is a yellow placeholder for staff to write. Given the survey links, BAB
II B and BAB IV A list them per service, as the reference does; without them BAB II B names the
services: one list either way. The cover has no page number, the foreword and contents are numbered
i, ii …, and BAB I starts at page 1, as in the reference's Daftar Isi. Names and
institutions appear only when the data carries them (``include_personal``). The words are under
``docx`` in ``analysis/resources/report.toml``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from os import PathLike
from pathlib import Path

import pandas as pd

from analysis.content import ReportData
from analysis.docx_parts import ARABIC, ROMAN, ReportDocument
from analysis.numbers import DASH, count_phrase, format_edge, format_id, list_letter
from analysis.report_docx_results import group_title, write_results
from analysis.report_text import (
    join_id,
    no_data_sentence,
    quality_paragraph,
    quota_sentence,
    survey_period,
    surveys_named,
)
from analysis.report_unit_texts import write_blocks, write_signature
from analysis.texts import Span, spans, text, words
from survey.scoring import IndexDef

__all__ = ["write_docx"]


def write_docx(data: ReportData, charts: Mapping[str, Path], path: str | PathLike[str]) -> Path:
    """Writes the report draft of ``data`` (figures from ``charts``) to ``path``."""
    surveys = surveys_named(data.questionnaire)
    title = (
        text(
            "docx.title_service",
            surveys=surveys,
            month=data.month,
            service=data.service_name(data.service),
        )
        if data.service
        else text("docx.title", surveys=surveys, month=data.month)
    )
    doc = ReportDocument(title)
    _cover(doc, data)
    _foreword(doc, data)
    _introduction(doc, data)
    _method(doc, data)
    write_results(doc, data, charts)
    _survey_data(doc, data)
    _closing(doc, data)
    _appendix(doc, data)
    return doc.save(path)


def _cover(doc: ReportDocument, data: ReportData) -> None:
    surveys = surveys_named(data.questionnaire).upper()
    doc.styled(text("docx.cover.title", surveys=surveys), "Title")
    doc.paragraph(data.month.upper(), bold=True, center=True)
    if data.service:
        doc.paragraph(
            text("docx.cover.service", service=data.service_name(data.service)),
            bold=True,
            center=True,
        )
    doc.paragraph(data.unit, center=True)
    doc.centre_page()
    doc.new_section(ROMAN)  # as the reference numbers them: Kata Pengantar i, Daftar Isi ii


def _foreword(doc: ReportDocument, data: ReportData) -> None:
    doc.heading(text("docx.foreword.heading"))
    if data.unit_texts.foreword:
        write_blocks(doc, data, data.unit_texts.foreword)
    else:
        surveys = surveys_named(data.questionnaire)
        doc.placeholder(text("docx.foreword.placeholder", surveys=surveys, month=data.month))
    if data.unit_texts.signature:
        write_signature(doc, data, data.unit_texts.signature)
    else:
        doc.placeholder(text("docx.foreword.signature_placeholder"))
    doc.heading(text("docx.foreword.contents_heading"))
    # chapters (level 1) and their A./B. parts (level 2), as the reference's Daftar Isi: not
    # BAB III's "Kelompok …" and "a./b./c." (level 3)
    doc.contents(text("docx.foreword.contents_hint"), depth=2)
    doc.new_section(ARABIC)  # BAB I on page 1


def _introduction(doc: ReportDocument, data: ReportData) -> None:
    doc.heading(text("docx.chapters.introduction"))
    if data.unit_texts.introduction:
        write_blocks(doc, data, data.unit_texts.introduction)
        return
    # Not data.unit: its own bracketed placeholder would sit inside this one.
    unit = data.unit_name or text("docx.introduction.unit")
    doc.placeholder(text("docx.introduction.placeholder", unit=unit))
    doc.paragraph(text("docx.introduction.public_service"))
    if data.questionnaire.lke:  # the Zona Integritas' surveys
        doc.paragraph(text("docx.introduction.regulation"))
    anti_corruption = any(d.anti_corruption for d in data.questionnaire.indices.values())
    doc.paragraph(
        text(
            "docx.introduction.survey" if anti_corruption else "docx.introduction.survey_service",
            surveys=surveys_named(data.questionnaire),
            unit=data.unit,
        )
    )


def _method(doc: ReportDocument, data: ReportData) -> None:
    quota = data.quota
    services = list(data.reported_services.values())
    doc.heading(text("docx.chapters.method"))
    doc.heading(text("docx.method.criteria_heading"), 2)
    basis = (
        join_id(list(data.legal_basis))
        if data.legal_basis
        else Span(text("docx.method.legal_basis_placeholder"), False, True)
    )
    doc.paragraph(spans("docx.method.criteria", basis=basis))
    criteria = (
        text("docx.method.criteria_within", quota=quota),
        text("docx.method.criteria_beyond", quota=quota),
    )
    for n, criterion in enumerate(criteria):
        doc.lettered(text("docx.method.criterion", letter=list_letter(n), criterion=criterion))
    doc.heading(text("docx.method.enumeration_heading"), 2)
    period, count = survey_period(data), count_phrase(len(services))
    surveys = surveys_named(data.questionnaire)
    # One list of the services: their survey links when known, else their names.
    if data.survey_links:
        doc.paragraph(
            text(
                "docx.method.enumeration_linked",
                surveys=surveys,
                period=period,
                count=count,
                unit=data.unit,
            )
        )
        doc.paragraph(text("docx.method.channel_links"))
        _links(doc, data)
    else:
        doc.paragraph(text("docx.method.enumeration", surveys=surveys, period=period, count=count))
        doc.listing(services)
        doc.paragraph(text("docx.method.channel"))
    doc.heading(text("docx.method.processing_heading"), 2)
    doc.paragraph(processing_paragraph(data))
    if data.questionnaire.lke:
        doc.paragraph(text("docx.method.lke", surveys=surveys))


def processing_paragraph(data: ReportData) -> str:
    """BAB II C from the questionnaire: its scale, each index's items, the conversion and how
    the category is read (on the index or on the converted value)."""
    questionnaire = data.questionnaire
    language = questionnaire.reference_language
    definitions = list(questionnaire.indices.values())
    indices = [
        text("docx.method.index", name=d.name[language], items=_item_range(data, d))
        for d in definitions
    ]
    factors = {d.conversion for d in definitions}
    if len(factors) == 1:
        conversion = text("docx.method.conversion", conversion=format_edge(factors.pop(), 0))
    else:
        each = [
            text(
                "docx.method.conversion_index",
                short=d.short,
                conversion=format_edge(d.conversion, 0),
            )
            for d in definitions
        ]
        conversion = text("docx.method.conversion_each", each=join_id(each))
    places = max(d.places for d in definitions)
    half = format_id(Decimal(5).scaleb(-places - 1), places + 1)
    on_index = all(d.bands_on == "index" for d in definitions)
    return text(
        "docx.method.processing",
        points=questionnaire.points,
        indices=_joined_each(indices),
        conversion=conversion,
        rounding=text(
            "docx.method.rounding" if on_index else "docx.method.rounding_converted",
            places=places,
            half=half,
        ),
    )


def _item_range(data: ReportData, definition: IndexDef) -> str:
    """``U1–U8`` when the index's items follow one another in the questionnaire, else each."""
    codes = [i.code for i in data.questionnaire.items]
    items = list(definition.items)
    start = codes.index(items[0])
    if len(items) > 1 and codes[start : start + len(items)] == items:
        return f"{items[0]}–{items[-1]}"
    return join_id(items)


def _joined_each(parts: list[str]) -> str:
    """Sentences' parts joined as BAB II C joins them: ``a``, ``a, dan b``, ``a, b, dan c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return text("join.many", head=", ".join(parts[:-1]), last=parts[-1])


def _survey_data(doc: ReportDocument, data: ReportData) -> None:
    language = data.questionnaire.reference_language
    doc.heading(text("docx.chapters.survey_data"))
    doc.heading(text("docx.survey_data.respondents_heading"), 2)
    surveys = surveys_named(data.questionnaire)
    doc.paragraph(
        text(
            "docx.survey_data.respondents"
            if data.questionnaire.lke
            else "docx.survey_data.respondents_plain",
            surveys=surveys,
            unit=data.unit,
            month=data.month,
            services=join_id(list(data.reported_services.values())),
            quota=quota_sentence(data),
        )
    )
    if data.survey_links:
        doc.paragraph(text("docx.survey_data.links"))
        _links(doc, data)
    doc.heading(text("docx.survey_data.support_heading"), 2)
    doc.paragraph(text("docx.survey_data.support"))
    number = len(data.questionnaire.indices) + 1  # after the indices' tables (Tabel 1, 2 …)
    doc.caption(text("docx.survey_data.questions_caption", table=number, surveys=surveys))
    rows: list[tuple[str, str, str]] = []
    groups: list[tuple[int, str]] = []
    for definition in data.questionnaire.indices.values():
        groups.append((len(rows) + 1, group_title(definition, language)))
        rows.append(("", "", ""))
        for code in definition.items:
            item = data.questionnaire.item(code)
            if item is not None:
                answers = " / ".join(
                    f"{n}. {label}" for n, label in enumerate(item.labels[language], 1)
                )
                rows.append((code, item.text[language], answers))
    table = doc.table(words("docx.survey_data.questions_header"), rows, widths=(1.5, 8.5, 6.0))
    for row, title in groups:
        doc.merge_row(table, row, title)
    doc.paragraph(text("docx.survey_data.total", total=count_phrase(data.indices.respondents)))
    doc.paragraph(quality_paragraph(data))
    doc.heading(text("docx.survey_data.services_heading"), 2)
    shorts = [d.short for d in data.questionnaire.indices.values()]
    doc.caption(text("docx.survey_data.services_caption", table=number + 1, month=data.month))
    service_rows = []
    for code, breakdown in data.indices.services.items():
        values = [breakdown.indices.get(k) for k in data.questionnaire.indices]
        service_rows.append(
            (
                data.service_name(code),
                str(breakdown.respondents),
                str(breakdown.beyond_quota),
                *(f"{v.display} ({v.category})" if v else DASH for v in values),
            )
        )
    doc.table(
        (*words("docx.survey_data.services_header"), *shorts),
        service_rows,
        widths=(4.8, 2.8, 2.8, *(3.0 for _ in shorts)),  # "Responden" whole on its line
        right=(1, 2),
    )


def _links(doc: ReportDocument, data: ReportData) -> None:
    """The reported services' survey links, lettered, one a line, as the reference lists them."""
    links = list(data.survey_links.items())
    for n, (code, url) in enumerate(links):
        line = text(
            "docx.links.last" if n == len(links) - 1 else "docx.links.item",
            letter=list_letter(n),
            url=url,
            service=data.service_name(code),
        )
        doc.link_line(line, url)


def _closing(doc: ReportDocument, data: ReportData) -> None:
    """BAB V: a paragraph per index, in the questionnaire's order, with its advice."""
    doc.heading(text("docx.chapters.closing"))
    overall = data.indices.overall
    questionnaire = data.questionnaire
    if all(overall.indices.get(key) is None for key in questionnaire.indices):
        surveys = surveys_named(questionnaire)
        doc.paragraph(text("docx.closing.no_data", no_data=no_data_sentence(data), surveys=surveys))
        return
    for n, (key, definition) in enumerate(questionnaire.indices.items()):
        value = overall.indices.get(key)
        if value is None:
            if n:  # as the reference: a first index without a value is not said
                doc.paragraph(
                    text(
                        "docx.closing.missing",
                        no_data=no_data_sentence(data),
                        survey=definition.survey,
                    )
                )
            continue
        converted = definition.bands_on == "converted"  # its category is the converted value's
        category = value.category.upper()
        if n == 0:
            scale = (
                text(
                    "docx.closing.scale_converted",
                    points=questionnaire.points,
                    converted=value.converted_display,
                )
                if converted
                else text("docx.closing.scale", points=questionnaire.points)
            )
            said = spans(
                "docx.closing.first",
                month=data.month,
                unit=data.subject,
                survey=definition.survey,
                value=value.display,
                scale=scale,
                category=category,
            )
        else:
            shown = (
                text(
                    "docx.closing.value_converted",
                    value=value.display,
                    converted=value.converted_display,
                )
                if converted
                else value.display
            )
            said = spans(
                "docx.closing.next",
                unit=data.subject,
                survey=definition.survey,
                value=shown,
                category=category,
            )
        advice = spans(
            "docx.closing.advice_anti_corruption"
            if definition.anti_corruption
            else "docx.closing.advice"
        )
        doc.paragraph((*said, Span(" ", False), *advice))


def _appendix(doc: ReportDocument, data: ReportData) -> None:
    language = data.questionnaire.reference_language
    doc.heading(text("docx.chapters.appendix"))
    respondents = data.respondents  # persons: one who answered two services is one row
    identity = [q for q in data.questionnaire.identity if q.key in respondents.columns]
    # who may see the file, or that names are left out and how to include them
    if data.include_personal:
        doc.paragraph(text("common.personal"))
    else:
        doc.paragraph(text("docx.appendix.private", include=text("common.include_personal")))
    if respondents.empty:
        doc.paragraph(no_data_sentence(data))
        return
    rows = [
        (
            str(n),
            *("" if _missing(r[q.key]) else str(r[q.key]) for q in identity),
            "; ".join(r["services"]),
        )
        for n, r in enumerate(respondents.to_dict("records"), start=1)
    ]
    header = (
        text("docx.appendix.number"),
        *(q.column_text[language] for q in identity),
        text("docx.appendix.services"),
    )
    doc.table(header, rows)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
