"""Settings: one value per key (table ``settings``) that the bot keeps between starts."""

from __future__ import annotations

import sqlite3


def setting(db: sqlite3.Connection, key: str) -> str | None:
    """Returns ``key``'s value, or None when it has none."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def remember(db: sqlite3.Connection, key: str, value: str, now: str) -> None:
    """Stores ``value`` as ``key``'s current value."""
    db.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, value, now),
    )


def keep_first(db: sqlite3.Connection, key: str, value: str, now: str) -> str:
    """Stores ``value`` unless ``key`` already has one; returns the value that is kept."""
    db.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO NOTHING",
        (key, value, now),
    )
    kept = setting(db, key)
    assert kept is not None
    return kept


def forget(db: sqlite3.Connection, key: str, value: str) -> None:
    """Removes ``key`` if its value is still ``value`` (nobody replaced it meanwhile)."""
    db.execute("DELETE FROM settings WHERE key = ? AND value = ?", (key, value))
