-- Follow-up actions (survey/follow_up.py): what the unit does about a month's item or red flag,
-- recorded by an admin with /tindaklanjut and marked done with /selesai. The unit's record, not
-- a respondent's: it stays when a respondent's data is erased (a red flag's submission number
-- and service are kept here for that). The evidence file is kept in the row itself, so that the
-- backup, a copy of this one file, holds it too.
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    item TEXT,
    red_flag INTEGER,
    service TEXT,
    what TEXT NOT NULL CHECK (length(what) > 0),
    who TEXT NOT NULL CHECK (length(who) > 0),
    due TEXT NOT NULL,              -- YYYY-MM-DD
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done')),
    recorded_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    done_at TEXT,
    evidence_note TEXT,
    evidence_name TEXT,
    evidence_type TEXT,
    evidence_sha256 TEXT,
    evidence BLOB,
    CHECK ((item IS NULL) != (red_flag IS NULL))
);
CREATE INDEX actions_by_period ON actions (period, id);
