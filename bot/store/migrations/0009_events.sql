-- The audit trail (README, "Integritas data"): one row per event, in the order they happened,
-- appended by the bot and never changed or removed by it; the triggers refuse an UPDATE or a
-- DELETE from anyone (a database edited by hand too). `detail` is JSON holding counts, ids,
-- services, file names and hashes: never a respondent's name, institution or Telegram id.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN (
        'submission', 'late_submission', 'review_change', 'erasure', 'import', 'month_closed',
        'post_sent', 'red_flag', 'action_recorded')),
    period TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_period ON events (period, id);
CREATE TRIGGER events_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
