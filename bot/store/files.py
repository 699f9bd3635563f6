"""The database as a file: a consistent copy of it while the bot writes (for
:mod:`bot.cli.backup`), and leaving it as one file after read-only readers (for the demo)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

from bot.store.connection import BACKUP_APPLICATION_ID
from survey.console import say


def copy_snapshot(
    source_path: Path,
    copy_path: Path,
    pages_per_step: int,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Copies one snapshot of the database at ``source_path`` to ``copy_path``, ``pages_per_step``
    pages at a time, as one self-contained file marked :data:`BACKUP_APPLICATION_ID`, and checks
    the copy; returns the number of pages. ``progress`` gets (pages copied, pages in total)."""
    # mode=ro: a wrong path must fail, not create an empty database.
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.isolation_level = None  # our own BEGIN below, not the module's implicit ones
        source.execute("PRAGMA busy_timeout = 5000")
        copy_path.unlink(missing_ok=True)
        copy = sqlite3.connect(copy_path)
        try:
            source.execute("BEGIN")
            source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # pin the snapshot

            def step(status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            source.backup(copy, pages=pages_per_step, progress=step)
            source.execute("COMMIT")
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            copy.execute(f"PRAGMA application_id = {BACKUP_APPLICATION_ID}")
            check = copy.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise sqlite3.DatabaseError(say("backup.check_failed", check=check))
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
        finally:
            copy.close()
    finally:
        source.close()
    return pages


def tidy(db_path: Path) -> None:
    """Leaves the database as one file: read-only readers keep its WAL files, and only a
    read-write connection closing last checkpoints and removes them."""
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
