"""The analysis's one reader of the bot's SQLite file (read-only, the stdlib sqlite3).

Who counts is :mod:`analysis.quota`'s rule; :func:`persons` reads what it needs (whom each
submission stands for, :func:`analysis.quota.person_of` called from SQL on a connection where
:func:`register` made it callable). The bot's storage builds on the same two: its counted ids
and a closing month's figures (:func:`tally_rows` on its own connection).

Two readers: :func:`tally_periods` adds scores up (what the indices need, one query for any
number of months), :func:`load_period` returns one row per submission as a DataFrame (what
demographics, respondent lists and suggestions need), its text made safe for every file and chart
(:func:`survey.safe_text.clean`). Only the latter imports pandas.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from analysis.quota import counted_ids, counted_persons, person_of
from survey.follow_up import Action, Target
from survey.questionnaire import Questionnaire
from survey.safe_text import clean

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PERSON_COLUMNS",
    "Answered",
    "ServiceTally",
    "actions",
    "answered",
    "connect_readonly",
    "load_period",
    "persons",
    "read_actions",
    "register",
    "tally_frame",
    "tally_periods",
    "tally_rows",
]

DbPath = str | PathLike[str]


def register(db: sqlite3.Connection) -> None:
    """Makes :func:`person_of` callable from SQL on ``db``."""
    db.create_function("person_of", 3, person_of, deterministic=True)


# The columns of :func:`persons`' rows that :func:`analysis.quota.counted_persons` reads.
PERSON_COLUMNS = "id_, period_, at_, late, person, closed_quota"


_PERSONS = """
persons AS (  -- one row per submission of the months, with whom it stands for
    SELECT {columns}
           s.id AS id_, s.period AS period_, s.submitted_at AS at_, s.late AS late,
           CASE WHEN c.rule = 'submissions' THEN 'submission:' || s.id
                WHEN s.person_key IS NOT NULL THEN s.person_key
                WHEN json_valid(s.identity) THEN person_of(
                    s.id,
                    json_extract(s.identity, '$.name'),
                    json_extract(s.identity, '$.institution'))
                ELSE 'submission:' || s.id  -- identity unreadable: a person of its own
           END AS person,
           c.quota AS closed_quota
    FROM submissions AS s LEFT JOIN closed_months AS c ON c.period = s.period
    WHERE s.period IN ({marks})
)"""


def persons(columns: str, periods: Sequence[str]) -> tuple[str, tuple[object, ...]]:
    """The ``WITH persons AS (…)`` prefix and its arguments, for ``periods``.

    ``persons`` has one row per submission of those months: ``columns`` (a select list ending in
    a comma, over ``submissions AS s``), then :data:`PERSON_COLUMNS`: ``id_``, ``period_``,
    ``at_`` (submitted at), ``late``, ``person`` and ``closed_quota`` (None for an open month).
    The caller's arguments follow these.
    """
    marks = ", ".join("?" * len(periods))
    return "WITH" + _PERSONS.format(columns=columns, marks=marks), tuple(periods)


@dataclass(frozen=True)
class ServiceTally:
    """One service's submissions in one period: counts and per-item score totals.

    ``sums`` and ``counts`` cover counted submissions only; an item index is ``sums / counts``.
    ``persons`` are the counted persons (:mod:`analysis.quota`): the respondents, whom a
    report counts once however many services they answered.
    """

    responses: int = 0
    beyond_quota: int = 0
    late: int = 0
    sums: Mapping[str, int] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)
    persons: frozenset[str] = frozenset()


@contextmanager
def connect_readonly(db_path: DbPath) -> Iterator[sqlite3.Connection]:
    """Opens the database read-only (``mode=ro``): analysis can never change the bot's data."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"database {path} does not exist")
    # as_uri() percent-encodes, so a path holding '?' or '#' still names the right file.
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        register(connection)
        yield connection


def tally_periods(
    db_path: DbPath, periods: Sequence[str], quota: int
) -> dict[str, dict[str, ServiceTally]]:
    """Returns, for each period, each service's tally; a period without data maps to ``{}``."""
    _check_quota(quota)
    if not periods:
        return {}
    with connect_readonly(db_path) as db:
        return tally_rows(db, periods, quota)


def tally_rows(
    db: sqlite3.Connection, periods: Sequence[str], quota: int
) -> dict[str, dict[str, ServiceTally]]:
    """:func:`tally_periods` on an open connection where :func:`register` was called.

    One query reads each submission with its person and its scores as one text; the quota and the
    totals are worked out here, cheaper than SQLite sorting every score row (bench_indices.py).
    """
    result: dict[str, dict[str, ServiceTally]] = {p: {} for p in periods}
    scores = (
        "(SELECT json_group_object(sc.item, sc.score) FROM scores AS sc "
        "WHERE sc.submission_id = s.id) AS scores, s.service AS service,"
    )
    prefix, args = persons(scores, periods)
    sql = f"{prefix} SELECT {PERSON_COLUMNS}, service, scores FROM persons"
    rows = db.execute(sql, args).fetchall()
    counted = counted_persons(rows, quota)
    groups: dict[tuple[str, str], tuple[list[int], set[str], list[str]]] = {}
    for _, period, _, late, person, _, service, text in rows:
        group = groups.get((period, service)) or groups.setdefault(
            (period, service),
            ([0, 0, 0], set(), []),  # counted, beyond quota, late
        )
        if late:
            group[0][2] += 1
        elif person in counted.get(period, ()):
            group[0][0] += 1
            group[1].add(person)
            group[2].append(text)
        else:
            group[0][1] += 1
    for (period, service), ((counted_n, beyond_n, late_n), who, texts) in sorted(groups.items()):
        sums, counts = _score_totals(texts)
        result[period][service] = ServiceTally(
            counted_n, beyond_n, late_n, sums, counts, frozenset(who)
        )
    return result


def _score_totals(objects: Sequence[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Each item's score total and count over ``objects``: ``{"U1":4,"U2":3}``, a submission's
    scores as ``json_group_object`` writes them. The ``"item":score`` pairs are counted as text,
    then read; an item code holding a comma splits its pair, no piece reads as one (its quotes are
    escaped), and then every object is read whole."""
    pairs = Counter(",".join([text[1:-1] for text in objects]).split(","))
    pairs.pop("", None)  # a submission without scores: {}
    try:
        read = [
            (json.loads(pair.rpartition(":")[0]), int(pair.rpartition(":")[2]), n)
            for pair, n in pairs.items()
        ]
        if not all(isinstance(item, str) for item, _, _ in read):
            raise ValueError("not an item code")
    except ValueError:
        whole = Counter(pair for text in objects for pair in json.loads(text).items())
        read = [(item, int(score), n) for (item, score), n in whole.items()]
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    for item, score, number in sorted(read):
        sums[item] = sums.get(item, 0) + score * number
        counts[item] = counts.get(item, 0) + number
    return sums, counts


def load_period(
    db_path: DbPath, period: str, questionnaire: Questionnaire, quota: int
) -> pd.DataFrame:
    """Returns one row per submission of ``period``, in the order they were submitted.

    Columns: ``id, period, service, submitted_at`` (UTC datetime), ``counted`` and ``late``
    (bool: late ones are stored after the month closed, never counted), ``person`` (whom the
    submission stands for, :mod:`analysis.quota`), one column per identity question (``name,
    age, gender, education, occupation, institution``; choices as the reference language's
    labels, categorical in questionnaire order; ``age`` as nullable ``Int64``), one ``Int64``
    column per item (``U1`` … ``P5``), ``suggestion``.
    """
    import pandas as pd  # here, so the summary alone (tally_periods) never loads pandas

    _check_quota(quota)
    identity_sql = ", ".join(
        f'json_extract(r.identity, ?) AS "{q.key}"' for q in questionnaire.identity
    )
    items_sql = ", ".join(
        f'MAX(CASE WHEN sc.item = ? THEN sc.score END) AS "{i.code}"' for i in questionnaire.items
    )
    columns = "s.service AS service, s.identity AS identity, s.suggestion AS suggestion,"
    prefix, persons_args = persons(columns, [period])
    sql = prefix + (
        f"SELECT {PERSON_COLUMNS}, r.service, {identity_sql}, {items_sql}, r.suggestion "
        "FROM persons AS r LEFT JOIN scores AS sc ON sc.submission_id = r.id_ "
        "GROUP BY r.id_ ORDER BY r.at_, r.id_"
    )
    args = (
        *persons_args,
        *(f"$.{q.key}" for q in questionnaire.identity),
        *(i.code for i in questionnaire.items),
    )
    with connect_readonly(db_path) as db:
        cursor = db.execute(sql, args)
        answers = [d[0] for d in cursor.description][7:]  # identity, items, suggestion
        rows = cursor.fetchall()
    counted = counted_ids(rows, quota)
    records = [
        (sid, service, at, sid in counted, late, *map(_safe, (person, *values)))
        for sid, _period, at, late, person, _quota, service, *values in rows
    ]
    names = ["id", "service", "submitted_at", "counted", "late", "person", *answers]
    frame = pd.DataFrame.from_records(records, columns=names)
    return _typed(frame, period, questionnaire)


def tally_frame(frame: pd.DataFrame, questionnaire: Questionnaire) -> dict[str, ServiceTally]:
    """The same tallies as :func:`tally_periods`, from a :func:`load_period` frame."""
    codes = [i.code for i in questionnaire.items]
    result: dict[str, ServiceTally] = {}
    for service, group in frame.groupby("service", sort=False, observed=True):
        counted = group[group["counted"]]
        late = int(group["late"].sum())
        scores = counted[codes]
        present = scores.count()
        totals = scores.sum()
        result[str(service)] = ServiceTally(
            responses=len(counted),
            beyond_quota=len(group) - len(counted) - late,
            late=late,
            sums={c: int(totals[c]) for c in codes if present[c]},
            counts={c: int(present[c]) for c in codes if present[c]},
            persons=frozenset(str(p) for p in counted["person"]),
        )
    return result


class Answered(NamedTuple):
    """How one submission of a month was given, for the data-quality signals."""

    id: int
    service: str
    user_id: int | None
    submitted_at: str
    name: str
    institution: str
    seconds: float | None  # from the month's answer to the last rated item; None when imported
    same_score: bool  # every item given one score (False without scores); looked up when fast


def answered(
    db_path: DbPath, period: str, items: Sequence[str], fast_seconds: float
) -> list[Answered]:
    """Every submission of ``period`` (late ones too), with the time its rated items took, and
    for those under ``fast_seconds`` whether every item was given the same score."""
    marks = ", ".join("?" * len(items))
    sql = (
        "SELECT *, CASE WHEN seconds < ? THEN (SELECT MIN(sc.score) = MAX(sc.score) FROM scores "
        "AS sc WHERE sc.submission_id = t.id) END FROM (SELECT s.id, s.service, s.user_id, "
        "s.submitted_at, json_extract(NULLIF(s.identity, ''), '$.name'), "
        "json_extract(NULLIF(s.identity, ''), '$.institution'), "
        "(SELECT (julianday(MAX(a.answered_at)) - julianday(MIN(a.answered_at))) * 86400 "
        f"FROM answers AS a WHERE a.draft_id = s.draft_id AND a.key IN ('period', {marks})) "
        "AS seconds FROM submissions AS s WHERE s.period = ?) AS t ORDER BY submitted_at, id"
    )
    with connect_readonly(db_path) as db:
        rows = db.execute(sql, (fast_seconds, *items, period)).fetchall()
    return [
        Answered(sid, service, user_id, at, str(name or ""), str(place or ""), seconds, bool(same))
        for sid, service, user_id, at, name, place, seconds, same in rows
    ]


def actions(db_path: DbPath, up_to: str) -> list[Action]:
    """The follow-up actions of ``up_to`` and every month before it, oldest first: those the
    month's report may show (:func:`survey.follow_up.shown_in` picks them)."""
    with connect_readonly(db_path) as db:
        return read_actions(db, up_to=up_to)


def read_actions(
    db: sqlite3.Connection,
    *,
    up_to: str | None = None,
    period: str | None = None,
    number: int | None = None,
) -> list[Action]:
    """The follow-up actions of months up to ``up_to``, or of ``period``, or the one numbered
    ``number``, or all, oldest first, without their evidence files (``bot/store/actions.py``
    reads those)."""
    where: str = ""
    args: tuple[object, ...] = ()
    if number is not None:
        where, args = "WHERE id = ?", (number,)
    elif period is not None:
        where, args = "WHERE period = ?", (period,)
    elif up_to is not None:
        where, args = "WHERE period <= ?", (up_to,)
    rows = db.execute(
        "SELECT id, period, item, red_flag, service, what, who, due, status, recorded_at, "
        f"done_at, evidence_note, evidence_name, evidence_sha256 FROM actions {where} ORDER BY id",
        args,
    ).fetchall()
    return [
        Action(
            id=row[0],
            period=row[1],
            target=Target(item=row[2], red_flag=row[3]),
            service=row[4],
            what=clean(row[5]),
            who=clean(row[6]),
            due=date.fromisoformat(row[7]),
            status=row[8],
            recorded_at=datetime.fromisoformat(row[9]),
            done_at=None if row[10] is None else datetime.fromisoformat(row[10]),
            evidence_note=None if row[11] is None else clean(row[11]),
            evidence_name=None if row[12] is None else clean(row[12]),
            evidence_sha256=row[13],
        )
        for row in rows
    ]


def _typed(frame: pd.DataFrame, period: str, questionnaire: Questionnaire) -> pd.DataFrame:
    """Gives every column its type and shows choice codes as reference-language labels."""
    import pandas as pd

    language = questionnaire.reference_language
    frame.insert(1, "period", period)
    frame["counted"] = frame["counted"].astype(bool)
    frame["late"] = frame["late"].astype(bool)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True, format="ISO8601")
    for question in questionnaire.identity:
        column = frame[question.key]
        if question.numeric:
            frame[question.key] = pd.to_numeric(column, errors="coerce").astype("Int64")
        elif question.options:
            labels = {o.code: o.label[language] for o in question.options}
            shown = column.map(lambda code, labels=labels: labels.get(code, code))
            # Codes the questionnaire no longer knows stay visible, after the known ones.
            extra = sorted({str(v) for v in shown.dropna()} - set(labels.values()))
            frame[question.key] = pd.Categorical(
                shown, categories=[*labels.values(), *extra], ordered=True
            )
    for item in questionnaire.items:
        frame[item.code] = frame[item.code].astype("Int64")
    return frame


def _safe(value: object) -> object:
    """Stored text as every report file can hold it: rows stored before the bot cleaned what it
    receives may carry control characters (:mod:`survey.safe_text`)."""
    return clean(value) if isinstance(value, str) else value


def _check_quota(quota: int) -> None:
    if quota < 0:
        raise ValueError(f"quota must be 0 or more, not {quota}")
