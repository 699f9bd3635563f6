-- Any answer scale of 2 to 10 points (the questionnaire's `scale`), not only 1–4: the scores
-- table is rebuilt with the wider check, every stored score kept as it is. Which scores a month
-- may hold is the questionnaire's business; the table only refuses what no scale has.
CREATE TABLE scores_any_scale (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    item TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 10),
    PRIMARY KEY (submission_id, item)
) WITHOUT ROWID;
INSERT INTO scores_any_scale (submission_id, item, score)
    SELECT submission_id, item, score FROM scores;
DROP TABLE scores;
ALTER TABLE scores_any_scale RENAME TO scores;
