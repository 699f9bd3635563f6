-- One row per reminder per draft (n = 1, 2, …), so a restart or a second process never sends the
-- same reminder twice. A sender claims the row with a lease in a BEGIN IMMEDIATE transaction
-- before sending and marks it 'sent' once Telegram accepted the message. A send that failed is
-- 'failed' (tried again later, at most a few attempts); a lease that ran out (the process died
-- mid-send) may be taken over; 'unreachable' means Telegram answered 403.
CREATE TABLE IF NOT EXISTS reminders (
    draft_id INTEGER NOT NULL REFERENCES drafts (id),
    n INTEGER NOT NULL CHECK (n >= 1),
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'unreachable')),
    claimed_by TEXT,
    claimed_until TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT,
    PRIMARY KEY (draft_id, n)
);

-- Respondents Telegram will not deliver to (403: blocked the bot, deactivated). They get no
-- reminder until they touch a survey again (a draft's updated_at later than `since`).
CREATE TABLE IF NOT EXISTS unreachable (
    user_id INTEGER PRIMARY KEY,
    since TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('blocked', 'deactivated', 'forbidden'))
);

-- What /hapus_data erased, without saying whose: counts only.
CREATE TABLE IF NOT EXISTS erasures (
    id INTEGER PRIMARY KEY,
    erased_at TEXT NOT NULL,
    submissions INTEGER NOT NULL,
    drafts INTEGER NOT NULL,
    cancelled INTEGER NOT NULL
);
