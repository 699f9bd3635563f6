"""``backup()``: a consistent, self-contained copy of the database, even while it is written."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.backup import PAGES_PER_STEP, backup
from bot.store import Storage, StorageError, iso
from tests.support.app import unit_config
from tests.support.cli import JANUARY, surveibot, write_csv

NOW = iso(datetime(2025, 1, 15, 3, 0, tzinfo=UTC))
KEYS = ("language", "name", "age")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A database as the bot leaves it: schema and migrations applied by Storage, WAL mode."""
    path = tmp_path / "survey.db"

    async def create() -> None:
        storage = Storage(path)
        await storage.open()
        await storage.close()

    asyncio.run(create())
    return path


def fill(path: Path, drafts: int) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        for _ in range(drafts):
            add_draft(db)


def add_draft(db: sqlite3.Connection) -> None:
    """One draft and its three answers (padded, so the file grows fast): always together, in
    one transaction of the caller."""
    cursor = db.execute(
        "INSERT INTO drafts (user_id, chat_id, service, status, created_at, updated_at) "
        "VALUES (1, 1, 'cpob', 'cancelled', ?, ?)",
        (NOW, NOW),
    )
    db.executemany(
        "INSERT INTO answers (draft_id, key, value, answered_at) VALUES (?, ?, ?, ?)",
        [(cursor.lastrowid, key, "x" * 1500, NOW) for key in KEYS],
    )


@contextlib.contextmanager
def writing(path: Path) -> Iterator[list[int]]:
    """Another connection adds drafts, one transaction each, until the block ends; yields the
    list it appends the number of committed transactions to."""
    stop = threading.Event()
    committed: list[int] = [0]

    def run() -> None:
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
            db.execute("PRAGMA busy_timeout = 5000")
            while not stop.is_set():
                db.execute("BEGIN IMMEDIATE")
                add_draft(db)
                db.execute("COMMIT")
                committed[0] += 1

    thread = threading.Thread(target=run)
    thread.start()
    try:
        while committed[0] < 20:  # it is really writing before the backup starts
            stop.wait(0.001)
        yield committed
    finally:
        stop.set()
        thread.join()


def counts(path: Path) -> tuple[int, int]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        drafts = db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0]
        answers = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    return int(drafts), int(answers)


def test_backup_while_another_connection_writes_is_one_consistent_moment(
    source: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copies" / "survey-backup.db"
    target.parent.mkdir()
    fill(source, drafts=1500)  # ~8 MB: several steps of PAGES_PER_STEP
    progress: list[tuple[int, int]] = []
    with writing(source) as committed:
        at_start = counts(source)[0]

        def step(done: int, total: int) -> None:
            # Between two steps, let the other connection commit a few more transactions: the
            # case that makes SQLite restart a backup, or copy a torn state if it did not.
            target_count = committed[0] + 5
            deadline = time.monotonic() + 5
            while committed[0] < target_count and time.monotonic() < deadline:
                time.sleep(0.001)
            progress.append((done, total))
            assert len(progress) < 50, "the backup keeps starting over"

        before = committed[0]
        pages = backup(source, target, step)
        during = committed[0] - before
    drafts, answers = counts(target)
    assert answers == 3 * drafts  # no draft without its answers: one snapshot, never torn
    assert at_start <= drafts <= counts(source)[0]
    assert during >= 5 * len(progress)  # the writer kept committing while the copy was taken
    with contextlib.closing(sqlite3.connect(target)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file to keep
        assert pages == db.execute("PRAGMA page_count").fetchone()[0]
    assert len(progress) >= 3 and pages > 2 * PAGES_PER_STEP
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)  # no restart
    assert progress[-1][0] == progress[-1][1]
    assert sorted(p.name for p in target.parent.iterdir()) == ["survey-backup.db"]


async def test_the_copy_opens_as_the_bot_database(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    fill(source, drafts=3)
    backup(source, target)
    storage = Storage(target)
    await storage.open()  # migrations find nothing to do
    try:
        draft = await storage.draft(1)
        assert draft is not None and set(draft.answers) == set(KEYS)
    finally:
        await storage.close()


def test_a_new_backup_replaces_an_old_one(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    fill(source, drafts=2)
    backup(source, target)
    with contextlib.closing(sqlite3.connect(source)) as db, db:
        add_draft(db)
    backup(source, target)
    assert counts(target) == (3, 9)


def test_no_database_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="tidak ada basis data"):
        backup(tmp_path / "missing.db", tmp_path / "backup.db")
    assert list(tmp_path.iterdir()) == []


def test_the_database_cannot_be_its_own_backup(source: Path, tmp_path: Path) -> None:
    fill(source, drafts=1)
    with pytest.raises(StorageError, match="menimpa basis data itu sendiri"):
        backup(source, tmp_path / "." / "survey.db")
    assert counts(source) == (1, 3)


@pytest.mark.parametrize("problem", ["not-a-database", "no-such-folder"])
def test_a_failed_backup_leaves_the_old_backup_alone(
    source: Path, tmp_path: Path, problem: str
) -> None:
    target = tmp_path / "backup.db"
    fill(source, drafts=2)
    backup(source, target)
    kept = target.read_bytes()
    if problem == "not-a-database":
        source.unlink()
        source.write_bytes(b"this is not an SQLite file " * 200)
    else:
        target = tmp_path / "gone" / "backup.db"
    with pytest.raises(StorageError, match=str(target.name)):
        backup(source, target)
    assert (tmp_path / "backup.db").read_bytes() == kept
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == ["backup.db"]


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("notes.txt", "notes.txt sudah ada dan bukan basis data SQLite"),
        ("folder", "folder adalah folder: tulis nama berkas cadangan"),
        ("notes.txt/backup.db", "notes.txt adalah berkas, bukan folder"),
    ],
)
def test_a_backup_never_overwrites_what_is_not_a_database(
    source: Path, tmp_path: Path, target: str, says: str
) -> None:
    fill(source, drafts=1)
    notes = tmp_path / "notes.txt"
    notes.write_text("catatan rapat\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    with pytest.raises(StorageError, match=says):
        backup(source, tmp_path / target)
    assert notes.read_text(encoding="utf-8") == "catatan rapat\n"
    assert list((tmp_path / "folder").iterdir()) == []


# -- through the command line: what a backup may overwrite -----------------------------------------


def submissions_in(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])


def application_id(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA application_id").fetchone()[0])


@pytest.fixture
def other_unit(tmp_path: Path) -> Path:
    """Another unit's surveibot database, with one submission."""
    folder = tmp_path / "other"
    folder.mkdir()
    config = unit_config(folder)
    assert surveibot("import", write_csv(folder / "old.csv", JANUARY[:1]), "-c", config) == 0
    return folder / "surveibot.db"


def test_a_backup_never_overwrites_another_surveibot_database(
    tmp_path: Path, config_file: Path, other_unit: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY), "-c", config_file) == 0
    kept = other_unit.read_bytes()
    capsys.readouterr()
    assert surveibot("backup", other_unit, "-c", config_file) == 1
    err = capsys.readouterr().err
    assert "sudah ada dan bukan cadangan buatan surveibot" in err
    assert "Pilih nama lain, atau hapus berkas itu sendiri" in err
    assert other_unit.read_bytes() == kept and submissions_in(other_unit) == 1
    assert submissions_in(tmp_path / "surveibot.db") == 3


def test_a_backup_made_before_backups_were_marked_is_refused(
    tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert surveibot("import", write_csv(tmp_path / "jan.csv", JANUARY[:2]), "-c", config_file) == 0
    old = tmp_path / "old-backup.db"
    with (
        contextlib.closing(sqlite3.connect(tmp_path / "surveibot.db")) as live,
        contextlib.closing(sqlite3.connect(old)) as copy,
    ):
        live.backup(copy)  # what an unmarked backup holds: a plain copy
        copy.execute("PRAGMA journal_mode = DELETE")
    kept = old.read_bytes()
    assert surveibot("--lang", "en", "backup", old, "-c", config_file) == 1
    assert "is not a backup made by surveibot" in capsys.readouterr().err
    assert old.read_bytes() == kept


def test_a_marked_backup_is_replaced_and_restores_as_the_live_database(
    tmp_path: Path, config_file: Path, other_unit: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = tmp_path / "surveibot.db"
    copy = tmp_path / "copies" / "surveibot-backup.db"
    copy.parent.mkdir()
    assert surveibot("import", write_csv(tmp_path / "a.csv", JANUARY[:1]), "-c", config_file) == 0
    assert surveibot("backup", copy, "-c", config_file) == 0
    assert submissions_in(copy) == 1
    assert surveibot("import", write_csv(tmp_path / "b.csv", JANUARY), "-c", config_file) == 0
    assert surveibot("backup", copy, "-c", config_file) == 0  # an earlier backup: replaced
    assert submissions_in(copy) == 3
    assert application_id(copy) != 0  # marked as a backup
    assert application_id(live) == 0  # the live database is never marked as a backup

    # Restore as the README says: the bot stopped, the backup copied to [storage] path.
    live.unlink()
    shutil.copyfile(copy, live)
    capsys.readouterr()
    assert surveibot("report", "2025-01", "--json", "-c", config_file) == 0
    restored = json.loads(capsys.readouterr().out)
    # January closed behind the first import (no staff chat, long past its post time), so the
    # second import's two new rows are late: kept, not counted.
    assert (restored["responses"], restored["late"]) == (1, 2)

    async def start() -> None:
        storage = Storage(live)
        await storage.open()
        await storage.close()

    asyncio.run(start())  # as the bot starts
    assert application_id(live) == 0 and submissions_in(live) == 3
    # So the restored database is never taken for a backup another unit may overwrite.
    other_config = other_unit.parent / "config.toml"
    assert surveibot("backup", live, "-c", other_config) == 1
    assert submissions_in(live) == 3
