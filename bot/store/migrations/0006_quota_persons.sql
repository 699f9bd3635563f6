-- The quota counts persons, not submissions (analysis/db.py, ranked): the first N persons of the
-- month, every submission of theirs, as the reference's "30 penerima layanan pertama". A month
-- closed before this rule keeps the rule it closed with, so its posted figures stay what they
-- were: 'submissions' (each submission ranked on its own). Months closed from now on say
-- 'persons'.
ALTER TABLE closed_months ADD COLUMN rule TEXT NOT NULL DEFAULT 'submissions'
    CHECK (rule IN ('submissions', 'persons'));
