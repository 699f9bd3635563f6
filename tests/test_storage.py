"""Storage: durability settings, migrations, idempotent answers and final submissions."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import MIGRATIONS, Outcome, Storage
from survey.questionnaire import load as load_questionnaire

Q = load_questionnaire()
STEPS = Q.step_keys
T0 = datetime(2025, 1, 10, 3, 0, tzinfo=UTC)


def first_of(db: sqlite3.Connection, sql: str) -> sqlite3.Row | None:
    """The first row of one query, for :meth:`Storage.read`."""
    row: sqlite3.Row | None = db.execute(sql).fetchone()
    return row


def rows_of(db: sqlite3.Connection, sql: str) -> list[sqlite3.Row]:
    """Every row of one query, for :meth:`Storage.read`."""
    return db.execute(sql).fetchall()


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = Storage(tmp_path / "s.db")
    await store.open()
    yield store
    await store.close()


async def complete(storage: Storage, user: int, service: str, period: str, at: datetime) -> int:
    draft, _ = await storage.open_draft(user, user, service, at)
    values = {
        "language": "id",
        "name": "Budi",
        "age": "37",
        "gender": "L",
        "education": "s2",
        "occupation": "bumn",
        "institution": "PT Contoh",
        "period": period,
        "suggestion": "",
    }
    for key in STEPS:
        value = values.get(key, "4")
        outcome, _ = await storage.record_answer(draft.id, user, key, value, STEPS, at)
        assert outcome is Outcome.RECORDED
    identity = [q.key for q in Q.identity]
    outcome, submission = await storage.submit(
        draft.id, user, STEPS, identity, [i.code for i in Q.items], at
    )
    assert outcome is Outcome.RECORDED and submission is not None
    return submission.id


async def test_pragmas_are_durable(storage: Storage) -> None:
    modes = {}
    for pragma in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout"):
        row = await storage.read(first_of, f"PRAGMA {pragma}")
        assert row is not None
        modes[pragma] = row[0]
    assert modes == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }


async def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    for _ in range(2):  # reopening applies nothing twice
        store = Storage(tmp_path / "m.db")
        await store.open()
        await store.close()
    with sqlite3.connect(tmp_path / "m.db") as db:
        names = [row[0] for row in db.execute("SELECT name FROM schema_migrations")]
    assert names == [name for name, _ in MIGRATIONS]


async def test_unusable_path_is_a_clear_storage_error(tmp_path: Path) -> None:
    from bot.store import StorageError

    (tmp_path / "file").write_text("not a folder")
    store = Storage(tmp_path / "file" / "s.db")
    with pytest.raises(StorageError, match="tidak dapat dibuka"):
        await store.open()


async def test_answer_only_for_the_step_being_asked(storage: Storage) -> None:
    draft, created = await storage.open_draft(1, 1, "cpob", T0)
    assert created
    # P3 has not been asked yet: a forged or early tap changes nothing.
    outcome, _ = await storage.record_answer(draft.id, 1, "P3", "1", STEPS, T0)
    assert outcome is Outcome.STALE
    outcome, after = await storage.record_answer(draft.id, 1, "language", "id", STEPS, T0)
    assert outcome is Outcome.RECORDED and after is not None
    assert after.step(STEPS) == "name"
    # The same tap again is a duplicate; a different value for an answered key is stale.
    outcome, again = await storage.record_answer(draft.id, 1, "language", "id", STEPS, T0)
    assert outcome is Outcome.DUPLICATE and again is not None and again.step(STEPS) == "name"
    outcome, _ = await storage.record_answer(draft.id, 1, "language", "en", STEPS, T0)
    assert outcome is Outcome.STALE
    reloaded = await storage.draft(draft.id)
    assert reloaded is not None and reloaded.answers == {"language": "id"}


async def test_another_users_draft_cannot_be_answered(storage: Storage) -> None:
    draft, _ = await storage.open_draft(1, 1, "cpob", T0)
    outcome, _ = await storage.record_answer(draft.id, 2, "language", "id", STEPS, T0)
    assert outcome is Outcome.STALE
    reloaded = await storage.draft(draft.id)
    assert reloaded is not None and reloaded.answers == {}


async def test_one_open_draft_per_user_and_service(storage: Storage) -> None:
    first, created = await storage.open_draft(1, 1, "cpob", T0)
    again, created_again = await storage.open_draft(1, 1, "cpob", T0 + timedelta(minutes=1))
    other, _ = await storage.open_draft(1, 1, "suket_cpob", T0 + timedelta(minutes=2))
    assert created and not created_again
    assert first.id == again.id != other.id
    active = await storage.active_draft(1)
    assert active is not None and active.id == other.id


async def test_submit_is_final_and_once(storage: Storage) -> None:
    submission_id = await complete(storage, 7, "cpob", "2025-01", T0)
    assert await storage.find_open_draft(7, "cpob") is None
    stored = await storage.submission_for(7, "cpob", "2025-01")
    assert stored is not None and stored.id == submission_id
    assert stored.scores == {item.code: 4 for item in Q.items}
    assert stored.identity["name"] == "Budi" and stored.suggestion is None
    # The same user and service may answer another period, but never the same one twice.
    await complete(storage, 7, "cpob", "2024-12", T0)
    with pytest.raises(AssertionError):
        await complete(storage, 7, "cpob", "2025-01", T0 + timedelta(hours=1))
    later = await storage.find_open_draft(7, "cpob")
    assert later is not None and later.step(STEPS) == "period"  # the taken month is refused
    outcome, _ = await storage.record_answer(later.id, 7, "period", "2025-01", STEPS, T0)
    assert outcome is Outcome.TAKEN


async def test_submitted_draft_takes_no_more_answers(storage: Storage) -> None:
    await complete(storage, 8, "cpob", "2025-01", T0)
    await storage.open_draft(8, 8, "suket_cpob", T0)  # another draft, still open
    row = await storage.read(
        first_of, "SELECT id FROM drafts WHERE user_id = 8 AND status = 'submitted'"
    )
    assert row is not None
    outcome, _ = await storage.record_answer(row[0], 8, "suggestion", "late", STEPS, T0)
    assert outcome is Outcome.CLOSED


async def test_quota_counts_the_first_by_submit_time_across_services(storage: Storage) -> None:
    services = ["cpob", "cpob_impor", "fasilitas_bersama", "suket_cpob"]
    ids = []
    for n in range(32):
        # Submit in an order that differs from time order: the later ids are earlier in time.
        at = T0 - timedelta(minutes=n) if n >= 30 else T0 + timedelta(minutes=n)
        ids.append(await complete(storage, 100 + n, services[n % 4], "2025-01", at))
    counted = await storage.counted_ids("2025-01", 30)
    assert len(counted) == 30
    assert ids[28] not in counted and ids[29] not in counted  # pushed out by earlier ones
    assert ids[30] in counted and ids[31] in counted
    assert await storage.submission_count("2025-01") == 32  # nothing is deleted


async def test_editing_reopens_only_answered_keys(storage: Storage) -> None:
    draft, _ = await storage.open_draft(1, 1, "cpob", T0)
    await storage.record_answer(draft.id, 1, "language", "id", STEPS, T0)
    assert await storage.set_editing(draft.id, 1, "U1", STEPS, T0) is None  # not answered yet
    edited = await storage.set_editing(draft.id, 1, "language", STEPS, T0)
    assert edited is not None and edited.step(STEPS) == "language"
    outcome, after = await storage.record_answer(draft.id, 1, "language", "en", STEPS, T0)
    assert outcome is Outcome.RECORDED and after is not None
    assert after.answers["language"] == "en" and after.step(STEPS) == "name"


async def test_cancel_keeps_the_answers_but_closes_the_draft(storage: Storage) -> None:
    draft, _ = await storage.open_draft(1, 1, "cpob", T0)
    await storage.record_answer(draft.id, 1, "language", "id", STEPS, T0)
    assert await storage.cancel(draft.id, 1, T0)
    assert not await storage.cancel(draft.id, 1, T0)
    closed = await storage.draft(draft.id)
    assert closed is not None and closed.status == "cancelled" and closed.answers
    assert await storage.active_draft(1) is None


def _note(db: sqlite3.Connection, trace: list[str], key: str, fail: bool = False) -> str:
    trace.append(f"begin {key}")
    db.execute("INSERT INTO settings (key, value, updated_at) VALUES (?, 'v', 'now')", (key,))
    if fail:
        raise ValueError(key)
    trace.append(f"end {key}")
    return key


async def test_transactions_run_whole_and_in_call_order(storage: Storage) -> None:
    """Twenty coroutines write at once: each transaction runs whole, in the order of the calls,
    and the one that fails takes back only its own row."""
    trace: list[str] = []
    keys = [f"k{n:02}" for n in range(20)]
    results = await asyncio.gather(
        *(storage.write(_note, trace, key, fail=key == "k07") for key in keys),
        return_exceptions=True,
    )
    assert [str(r) for r in results] == keys
    assert isinstance(results[7], ValueError)
    expected = [line for key in keys for line in (f"begin {key}", f"end {key}")]
    expected.remove("end k07")
    assert trace == expected
    rows = await storage.read(rows_of, "SELECT key FROM settings WHERE key LIKE 'k%' ORDER BY key")
    assert [row[0] for row in rows] == [key for key in keys if key != "k07"]
    assert not storage.in_transaction


async def test_a_write_returns_only_once_it_is_committed_for_every_reader(
    storage: Storage,
) -> None:
    """Writes made at once share commits, but none returns before its own row is on disk:
    another connection sees it at that moment."""

    async def write_then_look(key: str) -> bool:
        await storage.write(_note, [], key)
        with contextlib.closing(sqlite3.connect(storage.path)) as other:
            found = other.execute("SELECT 1 FROM settings WHERE key = ?", (key,)).fetchone()
        return found is not None

    assert await asyncio.gather(*(write_then_look(f"c{n:02}") for n in range(30))) == [True] * 30
