-- A month is closed once its figures went out: when its monthly post was first claimed for the
-- staff chat, or at its post time when there is no staff chat. From then on its counted set never
-- changes: a submission stored later for that month is kept with late = 1, never counted, and
-- reported apart; the quota in force at closing is kept, so a changed [survey] quota cannot move
-- a closed month either. `figures` keeps what was closed (per service: counted, beyond quota and
-- each item's score total and count) so that a later difference, however it came about, is seen
-- and told to the staff chat with the old and the new figures (`noticed` holds the figures last
-- told).
ALTER TABLE submissions ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1));

CREATE TABLE IF NOT EXISTS closed_months (
    period TEXT PRIMARY KEY CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    closed_at TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('posted', 'post_time')),
    quota INTEGER NOT NULL CHECK (quota >= 0),
    figures TEXT NOT NULL,
    noticed TEXT
);

-- One person, one submission per service and month, even after /hapus_data cleared user_id:
-- person_key is HMAC-SHA256 of the Telegram user id under a random key kept in `settings`
-- (person_key_secret), so a repeat is recognised without keeping whose it was.
ALTER TABLE submissions ADD COLUMN person_key TEXT;
INSERT OR IGNORE INTO settings (key, value, updated_at)
    VALUES ('person_key_secret', lower(hex(randomblob(32))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
UPDATE submissions
    SET person_key = person_key((SELECT value FROM settings WHERE key = 'person_key_secret'), user_id)
    WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS submissions_one_per_person
    ON submissions (person_key, service, period) WHERE person_key IS NOT NULL;
