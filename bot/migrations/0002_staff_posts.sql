-- The monthly post to the staff chat, one row per part (text, album, xlsx, docx), so a post that
-- failed midway resends only what did not go out, and a second process never posts twice:
-- a part is claimed (with a lease) before it is sent and marked sent after.
CREATE TABLE IF NOT EXISTS posts (
    period TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    part TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent')),
    claimed_by TEXT,
    claimed_until TEXT,
    message_ids TEXT,
    sent_at TEXT,
    PRIMARY KEY (period, chat_id, part)
);

-- Values the bot learns at run time and must keep, e.g. the staff chat's new id after the group
-- became a supergroup (ChatMigrated).
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
