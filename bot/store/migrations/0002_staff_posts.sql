-- The monthly post to the staff chat, one row per part (text, album, xlsx, docx), so a post that
-- failed midway resends only what did not go out, and a second process never posts twice.
-- The first process to find a month due inserts a row for every part it plans to send (a month
-- without data plans the text alone), all 'claimed' with a lease, in one BEGIN IMMEDIATE
-- transaction; it renews the lease before each part and marks each part 'sent' as soon as
-- Telegram accepted it. A part that failed goes back to 'failed' and is claimed again later; a
-- lease that ran out (the process died) may be taken over by anyone.
CREATE TABLE IF NOT EXISTS posts (
    period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    chat_id INTEGER NOT NULL,
    part TEXT NOT NULL CHECK (part IN ('text', 'album', 'xlsx', 'docx')),
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
    claimed_by TEXT,
    claimed_until TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    message_ids TEXT,
    sent_at TEXT,
    PRIMARY KEY (period, chat_id, part)
);

-- Values the bot learns at run time and must keep, e.g. the staff chat's new id after the group
-- became a supergroup (ChatMigrated), or the first month the staff chat was served.
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
