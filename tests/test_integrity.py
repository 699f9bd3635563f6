"""Red flags: an anti-corruption item scored low, or a suggestion naming pungli, is told to the
staff at once and exactly once, never with the respondent's name; the respondent is shown the
unit's complaint channel."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from analysis.report import ReportRequest, build_report
from analysis.summary import summarize
from bot import integrity
from bot.config import ConfigError
from bot.config import load as load_config
from bot.runtime import runtime
from bot.sandbox import Fault, Respondent, SandboxRequest
from bot.sections import Config
from bot.staff.post import staff_words
from bot.staff.text import post_text
from tests.support.analysis_fixtures import SERVICES
from tests.support.app import Clock, running, unit_config
from tests.support.documents import docx_text, xlsx_rows, xlsx_text
from tests.support.staff import STAFF
from tests.support.survey import ITEMS, finish, identity

NAME, INSTITUTION = "Ratna Kusumawati", "PT Farmasi Sentosa Abadi"
COMPLAINT = "https://wbs.pom.go.id/lapor"


@pytest.fixture
def watched(config: Config) -> Config:
    telegram = replace(config.telegram, staff_chat_id=STAFF)
    rules = replace(config.integrity, complaint_url=COMPLAINT)
    return replace(config, telegram=telegram, integrity=rules)


async def answer(
    r: Respondent, app: object, scores: dict[str, int], suggestion: str | None = None
) -> None:
    await r.command(app, "start", "cpob")  # type: ignore[arg-type]
    await identity(r, app, name=NAME, institution=INSTITUTION)  # type: ignore[arg-type]
    await finish(r, app, scores=scores, suggestion=suggestion)  # type: ignore[arg-type]


def alerts(sandbox: SandboxRequest) -> list[str]:
    return [m.get("text") or "" for m in sandbox.sent_to(STAFF)]


async def test_a_low_anti_corruption_score_is_told_once_without_the_respondents_name(
    watched: Config, sandbox: SandboxRequest, clock: Clock, respondent: Respondent
) -> None:
    async with running(watched, sandbox, clock) as app:
        await answer(respondent, app, {"P3": 1, "P4": 2}, "Ada <b>calo</b> di loket")
        thanks = respondent.last_text or ""
        assert await integrity.tell(app) == 1
        assert await integrity.tell(app) == 0  # told once

    [alert] = alerts(sandbox)
    assert "Tanda bahaya integritas" in alert and "Januari 2025" in alert
    assert "P3" in alert and "P4" in alert and "P1" not in alert
    assert "calo" in alert and "&lt;b&gt;calo&lt;/b&gt;" in alert  # the suggestion, escaped
    assert NAME not in alert and INSTITUTION not in alert
    assert str(respondent.user["id"]) not in alert
    assert COMPLAINT in thanks and "kerahasiaannya" in thanks


async def test_an_alert_is_not_repeated_across_a_restart_nor_lost_to_a_429(
    watched: Config, sandbox: SandboxRequest, clock: Clock, respondent: Respondent
) -> None:
    async with running(watched, sandbox, clock) as app:
        await answer(respondent, app, {"P1": 1})
        sandbox.inject("sendMessage", Fault.retry_after(1), times=1, chat_id=STAFF)
        assert await integrity.tell(app) == 1  # waited out the 429
    async with running(watched, sandbox, clock) as app:  # a restart on the same database
        assert await integrity.tell(app) == 0
    assert len(alerts(sandbox)) == 1


async def test_a_failed_alert_is_tried_again_by_the_next_run(
    watched: Config, sandbox: SandboxRequest, clock: Clock, respondent: Respondent
) -> None:
    async with running(watched, sandbox, clock) as app:
        await answer(respondent, app, {"P2": 2})
        sandbox.inject("sendMessage", Fault.server_error(), times=1, chat_id=STAFF)
        assert await integrity.tell(app) == 0
        assert await integrity.tell(app) == 1
    assert len(alerts(sandbox)) == 1


async def test_a_keyword_in_the_suggestion_is_a_red_flag_and_good_scores_are_not(
    watched: Config, sandbox: SandboxRequest, clock: Clock, respondent: Respondent
) -> None:
    async with running(watched, sandbox, clock) as app:
        await answer(respondent, app, {}, "Petugas minta uang pelicin")
        other = Respondent(sandbox, 5002, "Budi")
        await answer(other, app, {}, "Pelayanan cepat, tanpa pungutan liar? Tidak ada.")
        third = Respondent(sandbox, 5003, "Sari")
        await answer(third, app, {}, "Sudah baik")
        assert "kerahasiaannya" not in (third.last_text or "")
        assert await integrity.tell(app) == 2

    texts = alerts(sandbox)
    assert sum("uang pelicin" in text for text in texts) == 1
    assert sum("pungutan" in text for text in texts) == 1


async def test_without_a_complaint_url_no_link_is_shown_and_without_a_chat_the_flag_waits(
    config: Config, watched: Config, sandbox: SandboxRequest, clock: Clock, respondent: Respondent
) -> None:
    async with running(config, sandbox, clock) as app:
        await answer(respondent, app, {"P3": 1})
        assert "kerahasiaannya" not in (respondent.last_text or "")
        assert await integrity.tell(app) == 0  # no staff chat: kept queued
    async with running(watched, sandbox, clock) as app:  # a staff chat configured later
        assert await integrity.tell(app) == 1


# -- data-quality signals ------------------------------------------------------------------------


async def walk(
    r: Respondent,
    app: object,
    clock: Clock,
    name: str,
    institution: str,
    pace: float,
    score: int,
    first: int = 3,
) -> None:
    """A whole survey, ``pace`` seconds per rated item: U1 at ``first``, the rest at ``score``."""
    await r.command(app, "start", "cpob")  # type: ignore[arg-type]
    await identity(r, app, name=name, institution=institution)  # type: ignore[arg-type]
    await r.tap(app, "Januari 2025")  # type: ignore[arg-type]
    for n, _ in enumerate(ITEMS):
        clock.advance(seconds=pace)
        await r.tap(app, f"{score if n else first} · ")  # type: ignore[arg-type]
    await r.tap(app, "Lewati")  # type: ignore[arg-type]
    await r.tap(app, "✅ Kirim")  # type: ignore[arg-type]
    clock.advance(minutes=1)


async def test_a_crafted_month_shows_each_signal_and_excludes_no_one(
    config: Config, sandbox: SandboxRequest, clock: Clock, tmp_path: Path
) -> None:
    admin = 7001
    rules = replace(config.integrity.quality, insiders=frozenset({admin}))
    crafted = replace(config, integrity=replace(config.integrity, quality=rules))
    async with running(crafted, sandbox, clock) as app:
        # Five from one institution within ten minutes (a burst), two of them the same person
        # from two accounts (repeats), one in 2 s per item (fast), one all 4s in 1 s each (fast
        # and straight), one from an admin's account (insider).
        await walk(Respondent(sandbox, 6001, "A"), app, clock, "Ani", "PT Satu", 5, 4)
        await walk(Respondent(sandbox, 6002, "B"), app, clock, "Ani", "PT Satu", 5, 3)
        await walk(Respondent(sandbox, 6003, "C"), app, clock, "Cici", "PT Satu", 1.5, 3, first=4)
        await walk(Respondent(sandbox, 6004, "D"), app, clock, "Dodi", "PT Satu", 1, 4, first=4)
        await walk(Respondent(sandbox, admin, "E"), app, clock, "Eka", "PT Satu", 5, 3)
        await walk(Respondent(sandbox, 6006, "F"), app, clock, "Fajar", "PT Dua", 5, 3)
        rt = runtime(app)
        summary = summarize(
            config.storage.path, "2025-01", rt.questionnaire, SERVICES, 30, rules=rules
        )
        post = post_text(summary, 0, staff_words(rt))

    assert summary["quality"] == {
        "fast": 2,
        "bursts": 5,
        "repeats": 2,
        "insiders": 1,
        "straight_fast": 1,
    }
    assert summary["responses"] == 6  # flagged, and still counted
    assert "🔎 Periksa: 2 terlalu cepat · 5 beruntun dari satu instansi" in post
    assert "Ani" not in post and "PT Satu" not in post

    request = ReportRequest(config.storage.path, "2025-01", rt.questionnaire, SERVICES, 30)
    files = build_report(replace(request, quality=rules), tmp_path / "out")
    sheet = xlsx_rows(files.xlsx, "Mutu data")
    flagged = [row for row in sheet if isinstance(row[0], int)]
    assert [row[0] for row in flagged] == [1, 2, 3, 4, 5]  # Fajar (6th) raised none
    assert flagged[3][3] == "terlalu cepat, beruntun dari satu instansi, seragam dan cepat"
    assert "Ani" not in xlsx_text(files.xlsx).split("Mutu data")[-1]
    assert "Pemeriksaan mutu data menandai 5 (lima) isian untuk diperiksa" in docx_text(files.docx)


def test_staff_ids_must_be_telegram_ids(tmp_path: Path) -> None:
    path = unit_config(tmp_path)
    path.write_text(path.read_text("utf-8") + '\n[integrity]\nstaff_ids = ["budi"]\n', "utf-8")
    with pytest.raises(ConfigError, match=r"\[integrity\] staff_ids"):
        load_config(path)
