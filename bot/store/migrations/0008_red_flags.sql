-- Red flags (survey/integrity.py): a submission that may tell of corruption, queued to be told
-- to the staff once, like the monthly post: claimed with a lease before it is sent, marked sent
-- after. Only the reasons are kept (items and their scores, words found); the alert reads the
-- service, month and suggestion from the submission, and never anything that names a person.
-- Submissions stored before this migration are history: the scan starts after them.
CREATE TABLE red_flags (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions (id),
    flagged_at TEXT NOT NULL,
    items TEXT NOT NULL,            -- JSON [["P3", 1], …]
    words TEXT NOT NULL,            -- JSON ["pungli", …]
    state TEXT NOT NULL DEFAULT 'due' CHECK (state IN ('due', 'claimed', 'sent')),
    claimed_by TEXT,
    lease_until TEXT,
    sent_at TEXT,
    message_id INTEGER
);
INSERT OR IGNORE INTO settings (key, value, updated_at)
    SELECT 'red_flags_after', COALESCE(MAX(id), 0), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM submissions;
