-- One row per reminder per draft: claimed before sending, marked after, so a restart never sends
-- the same reminder twice.
CREATE TABLE IF NOT EXISTS reminders (
    draft_id INTEGER NOT NULL REFERENCES drafts (id),
    n INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'unreachable')),
    claimed_until TEXT,
    sent_at TEXT,
    PRIMARY KEY (draft_id, n)
);

-- Respondents Telegram will not deliver to (403: blocked the bot, deactivated): skipped from then on.
CREATE TABLE IF NOT EXISTS unreachable (
    user_id INTEGER PRIMARY KEY,
    since TEXT NOT NULL,
    reason TEXT NOT NULL
);

-- What /hapus_data erased, without saying whose: counts only.
CREATE TABLE IF NOT EXISTS erasures (
    id INTEGER PRIMARY KEY,
    erased_at TEXT NOT NULL,
    submissions INTEGER NOT NULL,
    drafts INTEGER NOT NULL
);
