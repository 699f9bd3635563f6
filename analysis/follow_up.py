"""The follow-up actions in the report (:mod:`survey.follow_up`): which the month shows, the lines
of the draft's Tindak Lanjut part (BAB III B) and the workbook's Tindak Lanjut sheet.

An action goes under the index its item belongs to; an action on a red flag under the index
that is about anti-corruption (the default's IPAK). The words are under ``follow_up`` in
``analysis/resources/report.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from analysis.db import DbPath
from analysis.db import actions as stored_actions
from analysis.periods import day_name, month_name
from analysis.texts import text, words
from survey.follow_up import Action, shown_in
from survey.period import Period
from survey.questionnaire import Questionnaire
from survey.scoring import IndexDef

if TYPE_CHECKING:
    from analysis.content import ReportData

__all__ = ["actions_shown", "index_of", "line", "write_sheet"]


def actions_shown(db_path: DbPath, period: str, zone: tzinfo) -> tuple[Action, ...]:
    """The actions the report of ``period`` shows, oldest first."""
    found = []
    for action in stored_actions(db_path, period):
        done = action.done_at
        done_period = None if done is None else Period.of(done, zone)
        if shown_in(action, period, done_period):
            found.append(action)
    return tuple(found)


def index_of(action: Action, questionnaire: Questionnaire) -> str | None:
    """The key of the index an action goes under (see the module docstring), None when its item
    is no longer in the questionnaire."""
    definitions: Sequence[IndexDef] = list(questionnaire.indices.values())
    if action.target.item is None:
        about = [d.key for d in definitions if d.anti_corruption] or [d.key for d in definitions]
        return about[0] if about else None
    return next((d.key for d in definitions if action.target.item in d.items), None)


def line(action: Action, data: ReportData) -> str:
    """One action as the draft writes it: target, month, what, who, due day, status, evidence."""
    return text(
        "follow_up.line",
        target=_target(action, data),
        month=month_name(action.period),
        what=action.what.rstrip(". "),
        who=action.who,
        due=day_name(action.due),
        status=_status(action, data.zone),
    )


def write_sheet(sheet: Any, data: ReportData) -> None:
    """The workbook's Tindak Lanjut sheet: every action the report shows, one row each."""
    # openpyxl only where the workbook is written: a draft alone does not load it
    from openpyxl.styles import Alignment

    from analysis.xlsx_cells import (
        DAY_FORMAT,
        TIME_FORMAT,
        add_row,
        header_row,
        set_widths,
        title_row,
    )

    title_row(sheet, text("follow_up.sheet.title", month=data.month))
    add_row(sheet, [text("follow_up.sheet.note")])
    found, questionnaire, zone = data.actions, data.questionnaire, data.zone
    if not found:
        add_row(sheet, [text("follow_up.none")])
        return
    header_row(sheet, words("follow_up.sheet.header"))
    indices = questionnaire.indices
    for action in found:
        key = index_of(action, questionnaire)
        done = None if action.done_at is None else _local(action.done_at, zone)
        add_row(
            sheet,
            [
                action.label,
                month_name(action.period),
                _target(action, data),
                indices[key].short if key else "",
                action.what,
                action.who,
                action.due,
                text(f"follow_up.status.{action.status}"),
                done,
                action.evidence_note or "",
                action.evidence_name or "",
                action.evidence_sha256 or "",
                _local(action.recorded_at, zone),
            ],
        )
        row = sheet.max_row
        sheet.cell(row, 7).number_format = DAY_FORMAT
        sheet.cell(row, 9).number_format = TIME_FORMAT
        sheet.cell(row, 13).number_format = TIME_FORMAT
        for column in (3, 5, 10):
            sheet.cell(row, column).alignment = Alignment(wrap_text=True, vertical="top")
    set_widths(sheet, (6, 16, 30, 8, 60, 24, 12, 14, 16, 40, 24, 20, 16))


def _target(action: Action, data: ReportData) -> str:
    if action.target.item is not None:
        questionnaire = data.questionnaire
        item = questionnaire.item(action.target.item)
        element = item.element[questionnaire.reference_language] if item else ""
        return text("follow_up.target_item", code=action.target.item, element=element)
    service = data.service_name(action.service or "")
    return text("follow_up.target_flag", code=action.target.label, service=service)


def _status(action: Action, zone: tzinfo) -> str:
    if action.done_at is None:
        return text(f"follow_up.status.{action.status}")
    shown = text("follow_up.done_on", day=day_name(_local(action.done_at, zone).date()))
    if action.evidence_note:
        shown += "; " + text("follow_up.evidence_note", note=action.evidence_note.rstrip(". "))
    if action.evidence_name:
        shown += " " + text("follow_up.evidence_file", name=action.evidence_name)
    return shown


def _local(moment: datetime, zone: tzinfo) -> datetime:
    """A stored UTC time as the survey's clock shows it, without a zone (as XLSX holds it)."""
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)
