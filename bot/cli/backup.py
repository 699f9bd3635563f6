"""A consistent copy of the live database, taken with SQLite's online backup API.

The copy is read from one snapshot: a read transaction is held on the source for the whole copy,
so the pages of every step come from the same moment. Without it, SQLite restarts the backup
whenever another connection writes between two steps, which a busy bot does all the time. In WAL
mode that read transaction never blocks the bot's writer.

The copy is written next to the target under a temporary name, switched to a single-file
(``journal_mode=DELETE``) database, checked, flushed to disk and only then renamed over the
target, so an interrupted backup never leaves a half-written file where a good one is expected.

The copy is marked as a surveibot backup (``PRAGMA application_id`` =
:data:`~bot.store.BACKUP_APPLICATION_ID`), and an existing target is replaced only when it
carries that mark: any other file, another SQLite database (another surveibot database included)
and a backup made before backups were marked are refused, so a backup never destroys data.
:class:`~bot.store.Storage` clears the mark of a backup restored as the live database.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from bot.store import BACKUP_APPLICATION_ID, StorageError
from bot.store.files import copy_snapshot
from survey.console import reason, say

logger = logging.getLogger(__name__)

PAGES_PER_STEP = 1024  # 4 MiB of 4 KiB pages between two progress reports

Progress = Callable[[int, int], None]  # (pages copied, pages in total)


def backup(db_path: Path, target: Path, progress: Progress | None = None) -> int:
    """Copies the database at ``db_path`` to ``target`` while the bot may be writing to it.

    Returns the number of pages copied. ``progress`` is called after each step with the pages
    copied so far and the total. Raises :class:`StorageError` (naming the file) when the source
    cannot be read or the copy cannot be written; ``target`` is then left as it was.
    """
    source_path, target = Path(db_path), Path(target)
    if not source_path.is_file():
        raise StorageError(say("backup.no_database", path=source_path))
    if target.exists() and target.resolve() == source_path.resolve():
        raise StorageError(say("backup.over_itself", target=target))
    if target.is_dir():
        raise StorageError(say("backup.is_folder", target=target))
    if target.exists() and not _is_database(target):
        raise StorageError(say("backup.not_a_database", target=target))
    if target.exists() and not _is_backup(target):
        raise StorageError(say("backup.not_a_backup", target=target))
    if target.parent.exists() and not target.parent.is_dir():
        raise StorageError(say("backup.parent_is_file", target=target, folder=target.parent))
    if not target.parent.is_dir():
        raise StorageError(say("backup.no_folder", target=target, folder=target.parent))
    partial = target.with_name(f".{target.name}.partial")
    try:
        pages = copy_snapshot(source_path, partial, PAGES_PER_STEP, progress)
        _fsync(partial)
        os.replace(partial, target)
        _fsync_directory(target.parent)
    except sqlite3.Error as exc:
        why = reason(exc)
        raise StorageError(
            say("backup.failed", path=source_path, target=target, reason=why)
        ) from exc
    except OSError as exc:
        raise StorageError(say("backup.unwritable", target=target, reason=reason(exc))) from exc
    finally:
        for leftover in (partial, *(Path(f"{partial}{s}") for s in ("-journal", "-wal", "-shm"))):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    logger.info("backed up %s to %s (%s pages)", source_path, target, pages)
    return pages


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _header(path: Path) -> bytes:
    """The first 100 bytes of ``path`` (an SQLite file's header), or b"" when unreadable."""
    try:
        with path.open("rb") as fh:
            return fh.read(100)
    except OSError:
        return b""


def _is_database(path: Path) -> bool:
    """Whether ``path`` looks like an SQLite database (an empty file may be one in WAL mode)."""
    header = _header(path)
    return header.startswith(_SQLITE_MAGIC) or (header == b"" and path.is_file())


def _is_backup(path: Path) -> bool:
    """Whether ``path`` is a backup this module wrote: the only file a backup may replace."""
    header = _header(path)
    mark = BACKUP_APPLICATION_ID.to_bytes(4, "big")
    return header.startswith(_SQLITE_MAGIC) and len(header) == 100 and header[68:72] == mark


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(folder: Path) -> None:
    # The rename is durable only once the directory entry is on disk (not possible on Windows).
    with contextlib.suppress(OSError):
        _fsync(folder)
