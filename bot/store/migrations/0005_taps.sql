-- Buttons whose tap the bot answered with a message, one row per button per message. Two quick
-- taps are two callback queries on the same message: the first inserts the row (in a BEGIN
-- IMMEDIATE transaction, so only one can) and answers; the second finds it and gets only a
-- notice, also after a restart. For the service list's buttons, and for Submit when the survey
-- was already in from another draft. The chat is the respondent's private chat: /hapus_data
-- deletes its rows.
CREATE TABLE IF NOT EXISTS taps (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    button TEXT NOT NULL,
    tapped_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id, button)
) WITHOUT ROWID;
