"""The schema: one ``SCHEMA`` of ``CREATE TABLE IF NOT EXISTS``, then named, ordered migrations
(``bot/store/migrations/NNNN_name.sql``), each applied in the same transaction as the row that
records it (:func:`migrate_one`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from importlib import resources

from bot.store.errors import StorageError

SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER,
    chat_id INTEGER,
    service TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'cancelled')),
    editing TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS drafts_one_open
    ON drafts (user_id, service) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS drafts_by_user ON drafts (user_id, status, updated_at);

CREATE TABLE IF NOT EXISTS answers (
    draft_id INTEGER NOT NULL REFERENCES drafts (id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    source_message_id INTEGER,
    PRIMARY KEY (draft_id, key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    draft_id INTEGER UNIQUE REFERENCES drafts (id),
    user_id INTEGER,
    service TEXT NOT NULL,
    period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    submitted_at TEXT NOT NULL,
    language TEXT NOT NULL,
    identity TEXT NOT NULL,
    suggestion TEXT,
    source TEXT NOT NULL DEFAULT 'telegram',
    import_key TEXT UNIQUE,
    UNIQUE (user_id, service, period)
);
CREATE INDEX IF NOT EXISTS submissions_by_period ON submissions (period, submitted_at, id);

CREATE TABLE IF NOT EXISTS scores (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    item TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 10),
    PRIMARY KEY (submission_id, item)
) WITHOUT ROWID;
"""


def _migrations() -> tuple[tuple[str, str], ...]:
    """Returns the named, ordered migrations: SCHEMA, then ``bot/store/migrations/NNNN_name.sql``.

    Each runs in the same transaction as the row recording it. Never edit a migration that has
    shipped: add a file with the next number.
    """
    folder = resources.files("bot.store") / "migrations"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return (("0001_initial", SCHEMA), *((f.name[:-4], f.read_text("utf-8")) for f in files))


MIGRATIONS = _migrations()

MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
)


def migrate_one(db: sqlite3.Connection, name: str, script: str, now: str) -> bool:
    """Applies one migration with the row recording it; False when it was applied before."""
    if db.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
        return False
    for statement in _statements(script):
        db.execute(statement)
    db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, now))
    return True


def _statements(script: str) -> Iterable[str]:
    """Splits a schema script into statements, so they run inside our own transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    leftover = "\n".join(x for x in buffer.splitlines() if not x.strip().startswith("--"))
    if leftover.strip():
        raise StorageError(f"incomplete statement in schema: {buffer.strip()[:60]}")
