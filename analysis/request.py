"""What a report is asked for, in one value: the entry points of :mod:`analysis.report` take it.

Light on purpose (no pandas): the bot builds one in its own process and hands it, pickled, to the
child process that builds the files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from analysis.db import DbPath
from analysis.quality import DEFAULT_RULES, QualityRules
from analysis.zones import DEFAULT_ZONE
from survey.questionnaire import Questionnaire
from survey.unit_texts import UnitTexts

__all__ = ["ReportRequest"]


@dataclass(frozen=True)
class ReportRequest:
    """What a report is asked for: which month (and service) of which database, counted how,
    and what the unit fills in.

    ``services`` maps the configured service codes to their names, in report order. With
    ``service``, the report covers that service alone (the quota still counts every service).
    Names and institutions are written only with ``include_personal``. ``unit_name`` fills the
    unit's name into the texts; without it a bracketed placeholder stands in. Submission times
    are shown in ``zone`` (the survey's ``[survey] timezone``: a tzinfo or an IANA name).
    ``links`` maps each service code to its survey link (``https://t.me/<bot>?start=<code>``):
    with them the draft lists the reported services' links, as the reference does in BAB II B
    and BAB IV A; without them (None) it names the services only. ``legal_basis`` (what BAB II A
    cites) and ``unit_texts`` (the unit's own texts, :mod:`survey.unit_texts`) fill the draft's
    unit-written parts; without them those parts are yellow placeholders.
    """

    db_path: DbPath
    period: str
    questionnaire: Questionnaire
    services: Mapping[str, str]
    quota: int
    service: str | None = None
    include_personal: bool = False
    unit_name: str | None = None
    zone: tzinfo | str = DEFAULT_ZONE
    links: Mapping[str, str] | None = None
    legal_basis: Sequence[str] = ()
    unit_texts: UnitTexts | None = None
    quality: QualityRules = DEFAULT_RULES  # the data-quality signals' thresholds and insiders
