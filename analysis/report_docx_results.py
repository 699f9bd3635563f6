"""BAB III of the report draft: who answered (Gambar 1–4), then each index of the questionnaire
in its order (sections a, b …, Tabel 1, 2 …): the default's IPP (Tabel 1) with the respondents'
suggestions, IPAK (Tabel 2) with those that concern anti-corruption and the unit's efforts against
corruption (a note under the first index's result explains the converted value: index × the
conversion before rounding), the item chart, the 12-month trend and (``lke = true``) the LKE
PMPZI value, and the follow-up: the actions the unit recorded (:mod:`analysis.follow_up`), else
placeholders, except for an anti-corruption index in its top band, where the reference needs
none. The respondents' suggestions follow the first index that is not about anti-corruption; the
anti-corruption parts go with an index whose questionnaire entry says ``anti_corruption = true``.
Which answers are suggestions, which are the same and which concern anti-corruption is decided in
:mod:`analysis.suggestions`.

The words are under ``docx.results`` and ``figures`` in ``analysis/resources/report.toml``; the
figures' and tables' numbers are here, with the order they come in."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from analysis import follow_up
from analysis.content import ReportData
from analysis.docx_parts import ReportDocument
from analysis.indices import IndexValue
from analysis.layout import CHART_WIDTHS_CM
from analysis.numbers import DASH, count_phrase, format_edge, format_id, list_letter
from analysis.report_text import (
    conversion_note,
    demographic_sentence,
    extremes_sentence,
    index_sentence,
    indices_named,
    lke_sentence,
    surveys_named,
)
from analysis.report_unit_texts import write_blocks
from analysis.suggestions import Group, concerns_anti_corruption, group
from analysis.texts import catalogue, text
from survey.follow_up import Action
from survey.scoring import IndexDef

__all__ = ["DEMOGRAPHIC_FIGURES", "ITEMS_FIGURE", "TREND_FIGURE", "group_title", "write_results"]

# (identity key, Gambar number); their texts are figures.<key> in the report's texts
DEMOGRAPHIC_FIGURES = (("gender", 1), ("age", 2), ("education", 3), ("occupation", 4))
ITEMS_FIGURE = 5
TREND_FIGURE = 6


def write_results(doc: ReportDocument, data: ReportData, charts: Mapping[str, Path]) -> None:
    """Writes BAB III."""
    doc.heading(text("docx.chapters.results"))
    doc.heading(text("docx.results.analysis_heading"), 2)
    for key, number in DEMOGRAPHIC_FIGURES:
        if key not in data.demographics.counts:
            continue
        doc.heading(text(f"figures.{key}.heading"), 3)
        doc.paragraph(
            text(
                "docx.results.demographic",
                sentence=demographic_sentence(data, key),
                details=text(f"figures.{key}.details", month=data.month, number=number),
            )
        )
        if key in charts:
            caption = text(f"figures.{key}.caption")
            doc.figure(
                charts[key],
                text("docx.figure_caption", number=number, caption=caption),
                CHART_WIDTHS_CM["count"],
            )
    # the converted value's note goes under the first section that shows a converted value
    overall = data.indices.overall.indices
    definitions = list(data.questionnaire.indices.values())
    valued = [d.key for d in definitions if overall.get(d.key) is not None]
    suggested = _suggestions_index(definitions)
    for n, definition in enumerate(definitions):
        _index_section(
            doc,
            data,
            definition,
            list_letter(n),
            n + 1,
            noted=valued[:1] == [definition.key],
            suggestions=definition.key == suggested,
        )
    _charts_section(doc, data, charts, list_letter(len(definitions)))
    doc.heading(text("docx.results.follow_up_heading"), 2)
    doc.paragraph(text("docx.results.follow_up", unit=data.unit))
    # the unit's recorded actions replace the placeholder of their index (an item no longer in
    # the questionnaire: the first index)
    recorded: dict[str, list[Action]] = {d.key: [] for d in definitions}
    for action in data.actions:
        key = follow_up.index_of(action, data.questionnaire) or definitions[0].key
        recorded[key].append(action)
    for number, definition in enumerate(definitions, start=1):
        key = definition.key
        lowest, highest = data.indices.overall.extremes(definition.items)
        title = _index_text(definition, "follow_up")
        doc.paragraph(text("docx.results.follow_up_survey", number=number, title=title), bold=True)
        if recorded[key]:
            doc.paragraph(text("follow_up.intro"))
            doc.listing(follow_up.line(action, data) for action in recorded[key])
        elif definition.anti_corruption and _top_band(definition, overall.get(key)):
            if data.unit_texts.spak_follow_up:
                write_blocks(doc, data, data.unit_texts.spak_follow_up)
            else:
                doc.paragraph(text("docx.results.follow_up_none", unit=data.unit))
        elif lowest and set(lowest) != set(highest):
            doc.placeholder(
                text(
                    "docx.results.follow_up_placeholder_lowest",
                    survey=definition.survey,
                    lowest=", ".join(lowest),
                )
            )
        else:
            doc.placeholder(text("docx.results.follow_up_placeholder", survey=definition.survey))


def _suggestions_index(definitions: list[IndexDef]) -> str | None:
    """The index whose results the respondents' suggestions follow: the first that is not
    about anti-corruption (the default's IPP), else the first."""
    plain = [d.key for d in definitions if not d.anti_corruption] or [d.key for d in definitions]
    return plain[0] if plain else None


def _index_text(definition: IndexDef, part: str) -> str:
    """An index's own words in BAB III (``docx.results.index.<key>``): what it measures, its
    item column, its follow-up; for an index without its own, the generic ones."""
    if f"docx.results.index.{definition.key}.{part}" in catalogue():
        return text(f"docx.results.index.{definition.key}.{part}")
    if part == "meaning":
        return text("docx.results.index_other.meaning", survey=definition.survey)
    if part == "follow_up":
        return text("docx.results.index_other.follow_up", survey=definition.survey)
    return text("docx.results.index_other.column")


def group_title(definition: IndexDef, language: str) -> str:
    """The title of an index's items in the questions table: the reference's ("Kualitas
    Pelayanan Publik"), else the index's name."""
    if f"docx.results.index.{definition.key}.group" in catalogue():
        return text(f"docx.results.index.{definition.key}.group")
    return definition.name[language]


def _index_section(
    doc: ReportDocument,
    data: ReportData,
    definition: IndexDef,
    letter: str,
    table: int,
    noted: bool,
    suggestions: bool,
) -> None:
    """Writes an index's part of BAB III A; ``noted``: with the converted value's note;
    ``suggestions``: followed by the respondents' suggestions."""
    language = data.questionnaire.reference_language
    name = definition.name[language]
    survey = definition.survey
    column = _index_text(definition, "column")
    overall = data.indices.overall
    value = overall.indices.get(definition.key)
    doc.heading(f"{letter}. {name.removesuffix(f' ({definition.short})')}", 3)
    doc.paragraph(text("docx.results.definition_heading"), bold=True)
    doc.paragraph(
        text(
            "docx.results.definition",
            name=name,
            meaning=_index_text(definition, "meaning"),
        )
    )
    items = [data.questionnaire.item(code) for code in definition.items]
    doc.table(
        (text("docx.results.code"), column),
        [(i.code, i.element[language]) for i in items if i is not None],
        widths=(2.0, 12.0),
    )
    doc.paragraph(text("docx.results.bands_intro"))
    intervals = band_intervals(definition)
    doc.table(
        (
            text("docx.results.band_score"),
            text("docx.results.band_interval"),
            text("docx.results.band_converted", short=definition.short),
            text("docx.results.band_label"),
        ),
        [
            (str(n), index, converted, band.label[language])
            for n, (band, (index, converted)) in enumerate(
                zip(definition.bands, intervals, strict=True), start=1
            )
        ],
        widths=(2.5, 3.5, 4.5, 4.5),
    )
    doc.paragraph(text("docx.results.result_heading", survey=survey, month=data.month), bold=True)
    if value is not None:
        doc.paragraph(
            text(
                "docx.results.result",
                survey=survey,
                month=data.month,
                unit=data.subject,
                value=value.display,
                table=table,
            )
        )
    doc.caption(text("docx.results.table_caption", table=table, survey=survey, month=data.month))
    rows = [
        (i.code, i.element[language], overall.element_display(i.code) or DASH)
        for i in items
        if i is not None
    ]
    rows.append(("", name, value.display if value else DASH))
    doc.table(
        (text("docx.results.code"), column, text("docx.results.item_index")),
        rows,
        widths=(2.0, 10.0, 3.0),
        bold_rows=(len(rows) - 1,),
        right=(2,),
    )
    paragraph = index_sentence(value, survey, data)
    spak: list[Group] = []
    if value is not None:
        paragraph = f"{paragraph} {extremes_sentence(data, overall, definition.items)}"
        if definition.anti_corruption:
            spak, sentence = _anti_corruption(data)
            paragraph = f"{paragraph} {sentence}"
    doc.paragraph(paragraph)
    if noted and (note := conversion_note(data)):
        doc.paragraph(note)
    if spak:  # bullets: a second numbered list would go on from the first one's numbers
        doc.listing([_quoted(data, g) for g in spak])
    if suggestions:
        _suggestions(doc, data)
    if definition.anti_corruption:
        _efforts(doc, data, _top_band(definition, value))


def _top_band(definition: IndexDef, value: IndexValue | None) -> bool:
    """Whether ``value`` is in the best of ``definition``'s bands (IPAK: bersih dari korupsi)."""
    if value is None:
        return False
    return definition.category(value.rounded).max == max(band.max for band in definition.bands)


def _efforts(doc: ReportDocument, data: ReportData, top: bool) -> None:
    """The unit's efforts against corruption, after the SPAK results as in the reference."""
    doc.paragraph(
        text("docx.results.efforts_top" if top else "docx.results.efforts", unit=data.unit)
    )
    if data.unit_texts.anti_corruption_efforts:
        write_blocks(doc, data, data.unit_texts.anti_corruption_efforts)
    else:
        doc.placeholder(text("docx.results.efforts_placeholder"))


def _suggestions(doc: ReportDocument, data: ReportData) -> None:
    """The counted respondents' suggestions, quoted, after the IPP results as in the reference.

    Placeholders ("-", "Tidak ada") are not suggestions: they are counted apart, in one
    sentence. The same suggestion from several respondents is quoted once, with how many sent
    it. Suggestions sent after the quota was full come from people who are not respondents:
    they are counted here, not quoted (the workbook lists them all).
    """
    found = data.suggestions()
    real = [s for s in found if not s.placeholder]
    quoted = [s for s in real if s.counted]
    if quoted:
        count = count_phrase(len(quoted))
        doc.paragraph(text("docx.results.suggestions", month=data.month, count=count))
        doc.listing([_quoted(data, g) for g in group(quoted)], numbered=True)
    else:
        doc.paragraph(text("common.no_suggestions"))
    if placeholders := len(found) - len(real):
        doc.paragraph(
            text("docx.results.suggestions_placeholders", count=count_phrase(placeholders))
        )
    late = sum(s.late for s in real)
    if beyond := len(real) - len(quoted) - late:
        doc.paragraph(text("docx.results.suggestions_beyond", count=count_phrase(beyond)))
    if late:
        doc.paragraph(text("docx.results.suggestions_late", count=count_phrase(late)))


def _anti_corruption(data: ReportData) -> tuple[list[Group], str]:
    """The counted respondents' suggestions that concern anti-corruption, grouped, and the
    sentence that follows the IPAK results: they are quoted, or there is none."""
    quoted = [s for s in data.suggestions() if s.counted and not s.placeholder]
    if not quoted:
        return [], text("common.no_suggestions")
    spak = group(s for s in quoted if concerns_anti_corruption(s.text))
    if not spak:
        return [], text("docx.results.suggestions_spak_none")
    count = count_phrase(sum(g.count for g in spak))
    return spak, text("docx.results.suggestions_spak", count=count)


def _quoted(data: ReportData, same: Group) -> str:
    """One quoted suggestion: its text, then how many sent it, their services (in a report of
    all services) and, with personal data, their names."""
    details = []
    if same.count > 1:
        details.append(text("docx.results.suggestion_respondents", count=same.count))
    if not data.service:
        details.append(", ".join(data.service_name(code) for code in same.services))
    if same.names:
        details.append(", ".join(same.names))
    return f"{same.text} ({'; '.join(details)})" if details else same.text


def _charts_section(
    doc: ReportDocument, data: ReportData, charts: Mapping[str, Path], letter: str
) -> None:
    """The item chart, the trend and (``lke = true``) the LKE PMPZI value, as section
    ``letter`` after the indices'."""
    questionnaire = data.questionnaire
    lke = questionnaire.lke
    doc.heading(
        text(
            "docx.results.charts_heading" if lke else "docx.results.charts_heading_plain",
            letter=letter,
        ),
        3,
    )
    indices = indices_named(questionnaire)
    doc.paragraph(
        text(
            "docx.results.charts",
            month=data.month,
            items=ITEMS_FIGURE,
            indices=indices,
            trend=TREND_FIGURE,
        )
    )
    captions = {
        "items": text("figures.items.title", surveys=surveys_named(questionnaire)),
        "trend": text("figures.trend.title", indices=indices),
    }
    for key, number in (("items", ITEMS_FIGURE), ("trend", TREND_FIGURE)):
        if key in charts:
            caption = text("docx.figure_caption", number=number, caption=captions[key])
            doc.figure(charts[key], caption, CHART_WIDTHS_CM[key])
    if lke:
        names = {k: d.short for k, d in questionnaire.indices.items()}
        doc.paragraph(lke_sentence(data, names))


def band_intervals(definition: IndexDef) -> list[tuple[str, str]]:
    """Each band as (index interval, converted interval), as printed. Bands on the index: the
    converted ones follow on at 0.01 as the reference prints them (43,75 then 43,76), not at
    1.76 × 25 = 44,00, so that every converted value has a band. Bands on the converted value
    (the SKM's): the index interval is the converted one ÷ the conversion, exactly (65,00 → 2,60;
    76,61 → 3,0644)."""
    factor, bands = definition.conversion, definition.bands
    if definition.bands_on == "converted":
        return [
            (
                f"{format_edge(b.min / factor)} – {format_edge(b.max / factor)}",
                f"{format_edge(b.min)} – {format_edge(b.max)}",
            )
            for b in bands
        ]
    step = Decimal(1).scaleb(-definition.places)
    lows = [bands[0].min * factor, *(b.max * factor + step for b in bands[:-1])]
    return [
        (
            f"{format_id(b.min)} – {format_id(b.max)}",
            f"{format_id(low)} – {format_id(b.max * factor)}",
        )
        for b, low in zip(bands, lows, strict=True)
    ]
