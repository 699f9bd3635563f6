"""The audit trail: every event kind appended as it happens, readable with `surveibot audit`,
never changed nor removed, and never naming a respondent."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot import integrity
from bot.cli.main import main
from bot.runtime import runtime
from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from bot.store import staff as staff_store
from bot.store.events import KINDS
from tests.support.app import REPO, Clock, running
from tests.support.staff import ADMIN, STAFF
from tests.support.survey import finish, identity

NAME, INSTITUTION = "Ratna Kusumawati", "PT Farmasi Sentosa Abadi"
ROW = "2025-01,cpob,2025-01-20 10:00,Budi,30,Laki-laki,D4/S1,Lainnya,PT X," + "4," * 13 + "\n"


async def cli(*args: str) -> int:
    """The command line, as an operator runs it beside the bot (its own event loop)."""
    return await asyncio.to_thread(main, list(args))


def history(config: Config, config_file: Path, folder: Path) -> Path:
    """A one-row CSV from a previous platform, and ``config_file`` pointed at the bot's database."""
    source = folder / "riwayat.csv"
    columns = "period,service,submitted_at,name,age,gender,education,occupation,institution,"
    columns += ",".join([f"U{n}" for n in range(1, 9)] + [f"P{n}" for n in range(1, 6)])
    source.write_text(columns + ",suggestion\n" + ROW, "utf-8")
    database = json.dumps(str(config.storage.path))
    text = re.sub(r"(?m)^path = .*$", f"path = {database}", config_file.read_text("utf-8"), count=1)
    config_file.write_text(text, "utf-8")
    return source


async def test_every_event_kind_is_appended_and_audit_prints_it(
    config: Config,
    config_file: Path,
    sandbox: SandboxRequest,
    clock: Clock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    telegram = replace(config.telegram, staff_chat_id=STAFF, admin_ids=(ADMIN,))
    watched = replace(config, telegram=telegram)
    async with running(watched, sandbox, clock) as app:
        rt = runtime(app)
        ratna = Respondent(sandbox, 5001, "Ratna")
        await ratna.command(app, "start", "cpob")
        await identity(ratna, app, name=NAME, institution=INSTITUTION)
        await finish(ratna, app, scores={"P3": 1}, submit=False)
        await ratna.tap(app, "✏️")  # the review: change an answer
        await ratna.tap(app, "U1")
        await ratna.tap(app, "3 · ")
        await ratna.tap(app, "✅ Kirim")
        assert await integrity.tell(app) == 1
        await rt.storage.close_month("2025-01", "posted", 30, rt.now())
        await staff_store.mark_sent(rt.storage, "2025-01", STAFF, "text", [77], rt.now())
        budi = Respondent(sandbox, 5002, "Budi")
        await budi.command(app, "start", "cpob")
        await identity(budi, app)
        await finish(budi, app)  # after the month closed: late
        await ratna.command(app, "hapus_data")
        await ratna.tap(app, "Ya")
        admin = Respondent(sandbox, ADMIN, "Admin")
        await admin.say(app, "/tindaklanjut 2025-01 U6 | Menambah loket | Tim Teknis | 2025-03")
    source = history(config, config_file, tmp_path)
    assert await cli("import", str(source), "-c", str(config_file)) == 0
    capsys.readouterr()

    assert await cli("audit", "2025-01", "--json", "-c", str(config_file)) == 0
    found = json.loads(capsys.readouterr().out)
    kinds = [event["kind"] for event in found]
    assert sorted(set(kinds)) == sorted(KINDS)  # every kind, through the real handlers and CLI
    assert kinds.index("review_change") < kinds.index("submission") < kinds.index("red_flag")
    [imported] = [event for event in found if event["kind"] == "import"]
    assert imported["file"] == "riwayat.csv" and imported["added"] == 1
    assert len(imported["sha256"]) == 64
    trail = json.dumps(found, ensure_ascii=False)
    assert NAME not in trail and INSTITUTION not in trail and "5001" not in trail

    assert await cli("audit", "2025-01", "-c", str(config_file)) == 0
    assert "month_closed  quota=30, reason=posted" in capsys.readouterr().out


def test_events_are_never_updated_nor_deleted(tmp_path: Path) -> None:
    from tests.support.analysis_fixtures import SurveyDb

    survey = SurveyDb(tmp_path / "audit.db")
    with sqlite3.connect(survey.path) as db:
        db.execute("INSERT INTO events (at, kind, period) VALUES ('x', 'submission', '2025-01')")
        for sql in ("UPDATE events SET kind = 'import'", "DELETE FROM events"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(sql)
    code = "\n".join(path.read_text("utf-8") for path in (REPO / "bot").rglob("*.py"))
    assert not re.search(r"(UPDATE events|DELETE FROM events)", code)
