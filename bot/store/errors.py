"""What a storage failure is, and whether it came from outside our SQL.

Exceptions::

    StorageError            the database cannot be opened or migrated
    └── StorageUnavailable  a write failed for a reason outside our control (locked, disk full,
        │                   read-only); nothing was written and the caller may try again
        └── StorageGone     the database file was deleted or replaced while open: a write would
                            go to a file nobody will read again, so none is made
"""

from __future__ import annotations

import sqlite3


class StorageError(Exception):
    """The database cannot be used at all (bad path, corrupt file, failed migration)."""


class StorageUnavailable(StorageError):
    """A transaction failed for an outside reason; it was rolled back and may be retried."""


class StorageGone(StorageUnavailable):
    """The database file was deleted or replaced under the open connection; nothing was written."""


# Result codes of failures from the database's surroundings, not from our SQL.
_OUTSIDE_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,  # another connection holds the lock past busy_timeout
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_READONLY,  # read-only file, mount or query_only
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_FULL,  # disk full, or max_page_count reached
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PROTOCOL,
        sqlite3.SQLITE_NOTADB,
    }
)


def _outside_reason(exc: BaseException) -> bool:
    """Whether a failure came from the database's surroundings (locked, full, read-only, I/O).

    A constraint violation, a misuse or an SQL error ("no such column") is a bug and stays one.
    """
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError
    ):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised by Python, not by SQLite
        return isinstance(exc, sqlite3.OperationalError)
    return (code & 0xFF) in _OUTSIDE_CODES  # the primary code of an extended one


def unavailable(exc: BaseException) -> BaseException:
    """The exception a caller sees: a failure from outside as :class:`StorageUnavailable`."""
    if isinstance(exc, sqlite3.DatabaseError) and _outside_reason(exc):
        unavailable = StorageUnavailable(str(exc))
        unavailable.__cause__ = exc
        return unavailable
    return exc
