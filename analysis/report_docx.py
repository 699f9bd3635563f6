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
from os import PathLike
from pathlib import Path

import pandas as pd

from analysis.content import ReportData
from analysis.docx_parts import ARABIC, ROMAN, ReportDocument
from analysis.numbers import DASH, count_phrase, list_letter
from analysis.report_docx_results import INDEX_SECTIONS, write_results
from analysis.report_text import (
    join_id,
    no_data_sentence,
    quota_sentence,
    survey_period,
)
from analysis.report_unit_texts import write_blocks, write_signature
from analysis.texts import Span, spans, text, words

__all__ = ["write_docx"]


def write_docx(data: ReportData, charts: Mapping[str, Path], path: str | PathLike[str]) -> Path:
    """Writes the report draft of ``data`` (figures from ``charts``) to ``path``."""
    title = (
        text("docx.title_service", month=data.month, service=data.service_name(data.service))
        if data.service
        else text("docx.title", month=data.month)
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
    doc.document.add_paragraph(text("docx.cover.title"), style="Title")
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
        doc.placeholder(text("docx.foreword.placeholder", month=data.month))
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
    doc.paragraph(text("docx.introduction.regulation"))
    doc.paragraph(text("docx.introduction.survey", unit=data.unit))


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
    # One list of the services: their survey links when known, else their names.
    if data.survey_links:
        doc.paragraph(
            text("docx.method.enumeration_linked", period=period, count=count, unit=data.unit)
        )
        doc.paragraph(text("docx.method.channel_links"))
        _links(doc, data)
    else:
        doc.paragraph(text("docx.method.enumeration", period=period, count=count))
        doc.listing(services)
        doc.paragraph(text("docx.method.channel"))
    doc.heading(text("docx.method.processing_heading"), 2)
    doc.paragraph(text("docx.method.processing"))
    doc.paragraph(text("docx.method.lke"))


def _survey_data(doc: ReportDocument, data: ReportData) -> None:
    language = data.questionnaire.reference_language
    doc.heading(text("docx.chapters.survey_data"))
    doc.heading(text("docx.survey_data.respondents_heading"), 2)
    doc.paragraph(
        text(
            "docx.survey_data.respondents",
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
    doc.caption(text("docx.survey_data.questions_caption"))
    rows: list[tuple[str, str, str]] = []
    groups: list[tuple[int, str]] = []
    known = {key for key, _letter, _table in INDEX_SECTIONS}
    for key, definition in data.questionnaire.indices.items():
        # the reference's group titles ("Kualitas Pelayanan Publik"), not the index names
        group = text(f"docx.results.index.{key}.group") if key in known else None
        groups.append((len(rows) + 1, group if group else definition.name[language]))
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
    doc.heading(text("docx.survey_data.services_heading"), 2)
    shorts = [d.short for d in data.questionnaire.indices.values()]
    doc.caption(text("docx.survey_data.services_caption", month=data.month))
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
    doc.heading(text("docx.chapters.closing"))
    overall = data.indices.overall
    ipp, ipak = overall.indices.get("ipp"), overall.indices.get("ipak")
    if ipp is None and ipak is None:
        doc.paragraph(text("docx.closing.no_data", no_data=no_data_sentence(data)))
        return
    if ipp is not None:
        doc.paragraph(
            spans(
                "docx.closing.ipp",
                month=data.month,
                unit=data.subject,
                value=ipp.display,
                category=ipp.category.upper(),
            )
        )
    if ipak is not None:
        doc.paragraph(
            text(
                "docx.closing.ipak",
                unit=data.subject,
                value=ipak.display,
                category=ipak.category.upper(),
            )
        )
    else:
        doc.paragraph(text("docx.closing.no_ipak", no_data=no_data_sentence(data)))


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
