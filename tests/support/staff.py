"""The staff chat in tests: its ids, submissions stored as the bot would, the post's calls.

The fixtures are named ``*_fixture`` and registered under their short names (``staff_config``,
``fast_files``): a test module imports them and its tests ask for them by the short name.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.sandbox import Call, SandboxRequest
from bot.sections import Config
from tests.support.app import App, Clock, running
from tests.support.fake_report import PNG, use_tiny_files

STAFF = -4001  # a basic group, as a staff chat starts out
ADMIN = 9001
ITEMS = ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "P1", "P2", "P3", "P4", "P5")
PERSONAL = ("Bambang Sutrisno", "PT Farmasi Nusantara", "Citra Lestari", "PT Sehat Sentosa")
# 1 February 2025, 08:00 in Jakarta: January's post time.
FEB_1_0800 = datetime(2025, 2, 1, 1, 0, tzinfo=UTC)


@pytest.fixture(name="staff_config")
def staff_config_fixture(config: Config) -> Config:
    telegram = replace(config.telegram, staff_chat_id=STAFF, admin_ids=(ADMIN,))
    return replace(config, telegram=telegram)


@pytest.fixture(name="fast_files")
def fast_files_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replaces the charts and documents with tiny files; the summary stays the real one."""
    use_tiny_files(monkeypatch, ("gender", "age", "education", "occupation", "items", "trend"))


def add_submission(
    config: Config,
    period: str,
    submitted_at: datetime,
    service: str = "cpob",
    scores: Mapping[str, int] | None = None,
    name: str = "Bambang Sutrisno",
    institution: str = "PT Farmasi Nusantara",
    suggestion: str | None = None,
) -> None:
    """Stores a submission as the bot would, straight into the database file."""
    identity = {
        "name": name,
        "age": "37",
        "gender": "L",
        "education": "s2",
        "occupation": "bumn",
        "institution": institution,
    }
    with sqlite3.connect(config.storage.path) as db:
        user = db.execute("SELECT COALESCE(MAX(user_id), 0) + 1 FROM submissions").fetchone()[0]
        cursor = db.execute(
            "INSERT INTO submissions (user_id, service, period, submitted_at, language, "
            "identity, suggestion) VALUES (?, ?, ?, ?, 'id', ?, ?)",
            (
                user,
                service,
                period,
                submitted_at.astimezone(UTC).isoformat(timespec="microseconds"),
                json.dumps(identity),
                suggestion,
            ),
        )
        db.executemany(
            "INSERT INTO scores (submission_id, item, score) VALUES (?, ?, ?)",
            [(cursor.lastrowid, item, (scores or {}).get(item, 4)) for item in ITEMS],
        )
    db.close()


def assert_real_files(posted: list[Call]) -> None:
    """The whole post, with the real report's six charts and a workbook and document that open."""
    assert methods(posted) == FULL_POST
    photos = list(posted[1].files.values())
    assert len(photos) == 6
    assert all(p.content.startswith(PNG[:8]) and len(p.content) > 1000 for p in photos)
    for call, name in zip(posted[2:], ("xl/workbook.xml", "word/document.xml"), strict=True):
        [document] = call.files.values()
        with zipfile.ZipFile(io.BytesIO(document.content)) as archive:
            assert name in archive.namelist()


def add_january(config: Config) -> None:
    """Three January submissions: IPP 3,92 "Memuaskan", U3 and U4 lowest (3,67)."""
    add_submission(
        config,
        "2025-01",
        datetime(2025, 1, 10, 2, 15, tzinfo=UTC),
        suggestion="Perlu menambah jumlah personil.",
    )
    add_submission(
        config,
        "2025-01",
        datetime(2025, 1, 15, 7, 40, tzinfo=UTC),
        scores={"U3": 3, "U4": 3},
        name="Citra Lestari",
        institution="PT Sehat Sentosa",
    )
    add_submission(config, "2025-01", datetime(2025, 1, 22, 4, 5, tzinfo=UTC), service="suket_cpob")


def rows(config: Config, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(config.storage.path) as db:
        found = list(db.execute(sql, args))
    db.close()
    return found


def to_chat(sandbox: SandboxRequest, chat_id: int) -> list[Call]:
    """The successful sends to one chat, oldest first."""
    return [
        c
        for c in sandbox.calls
        if c.params.get("chat_id") == chat_id
        and c.method.startswith("send")
        and c.method != "sendChatAction"
        and c.result_status == 200
    ]


def methods(calls: list[Call]) -> list[str]:
    return [c.method for c in calls]


def texts_of(calls: list[Call]) -> list[str]:
    """Every text and caption in the calls, album captions included."""
    found = []
    for call in calls:
        found += [str(call.params.get(k)) for k in ("text", "caption") if call.params.get(k)]
        found += [str(m["caption"]) for m in call.params.get("media") or [] if m.get("caption")]
    return found


FULL_POST = ["sendMessage", "sendMediaGroup", "sendDocument", "sendDocument"]


@asynccontextmanager
async def started(config: Config, sandbox: SandboxRequest, clock: Clock) -> AsyncIterator[App]:
    """An app as at start-up: initialised, then its catch-up job run (the queue does not tick)."""
    async with running(config, sandbox, clock) as app:
        assert app.job_queue is not None
        [catch_up] = app.job_queue.get_jobs_by_name("staff-post-catch-up")
        await catch_up.run(app)
        yield app


@asynccontextmanager
async def january_due(config: Config, sandbox: SandboxRequest, clock: Clock) -> AsyncIterator[App]:
    """An app :func:`started` mid-January; then January's submissions, and 1 February, 08:00."""
    async with started(config, sandbox, clock) as app:
        add_january(config)
        clock.current = FEB_1_0800
        yield app


# -- text that cannot block a report (issue 11, point 4) -----------------------------------------

# As rows stored before the bot cleaned typed answers may hold them.
CONTROL_NAME = "Bam\x0bbang\x1b Sutrisno\uffff"
CONTROL_INSTITUTION = "PT\x1b[1m Farmasi\x0bNusantara"
CONTROL_SUGGESTION = "Antrian\x00 lebih\x0bcepat\uffff\x1b"


def add_control_characters(config: Config) -> None:
    """A January submission stored before text was cleaned: control characters in every text."""
    add_submission(
        config,
        "2025-01",
        datetime(2025, 1, 25, 4, 0, tzinfo=UTC),
        name=CONTROL_NAME,
        institution=CONTROL_INSTITUTION,
        suggestion=CONTROL_SUGGESTION,
    )


def add_unreadable(config: Config, period: str, submitted_at: datetime) -> None:
    """Stores a submission whose identity is not JSON: its month's report cannot be built."""
    with sqlite3.connect(config.storage.path) as db:
        db.execute(
            "INSERT INTO submissions (user_id, service, period, submitted_at, language, "
            "identity) VALUES (777, 'cpob', ?, ?, 'id', ?)",
            (period, submitted_at.isoformat(timespec="microseconds"), '{"name": "Bambang'),
        )
    db.close()
