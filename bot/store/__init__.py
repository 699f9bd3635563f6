"""SQLite storage: the single source of truth for drafts, answers and submissions, and the one
home of the bot's SQL.

One module per table group, each a set of plain functions over a :class:`sqlite3.Connection`
that :class:`Storage` runs as one transaction:

- :mod:`bot.store.connection`: the one connection, group commit, checkpoints;
- :mod:`bot.store.thread`: the database's own thread, where every SQLite call runs;
- :mod:`bot.store.schema`: ``SCHEMA`` and the migrations in ``bot/store/migrations/``;
- :mod:`bot.store.errors`: what a failure is (``StorageError`` and below);
- :mod:`bot.store.drafts`: drafts, answers, the step being asked, submit, button taps;
- :mod:`bot.store.submissions`: submissions, scores and which of them count;
- :mod:`bot.store.closed_months`: closed months and their figures;
- :mod:`bot.store.staff`: the staff chat's posts, learnt settings and counts;
- :mod:`bot.store.settings`: one value per key, kept between starts;
- :mod:`bot.store.reminders`: reminders and unreachable respondents;
- :mod:`bot.store.privacy`: a respondent's erasure and language switch;
- :mod:`bot.store.integrity`: red flags, queued and told once;
- :mod:`bot.store.events`: the audit trail, appended with each change;
- :mod:`bot.store.actions`: follow-up actions and their evidence files;
- :mod:`bot.store.transfer`: the rows of an import from a previous platform;
- :mod:`bot.store.files`: the database as a file (backup copy, tidying);
- :mod:`bot.store.storage`: :class:`Storage`, the facade the bot calls.

Nothing outside this package writes SQL: it calls a named function of the module above.
"""

from bot.store.closed_months import Change, ClosedMonth, Closing, close_month, closed_month, tally
from bot.store.connection import (
    BACKUP_APPLICATION_ID,
    CHECKPOINT_WAIT_MS,
    iso,
    parse_time,
    person_key,
)
from bot.store.drafts import REVIEW, Draft, Outcome, current_step
from bot.store.errors import StorageError, StorageGone, StorageUnavailable
from bot.store.schema import MIGRATIONS, SCHEMA
from bot.store.storage import Storage
from bot.store.submissions import Submission

__all__ = [
    "BACKUP_APPLICATION_ID",
    "CHECKPOINT_WAIT_MS",
    "MIGRATIONS",
    "REVIEW",
    "SCHEMA",
    "Change",
    "ClosedMonth",
    "Closing",
    "Draft",
    "Outcome",
    "Storage",
    "StorageError",
    "StorageGone",
    "StorageUnavailable",
    "Submission",
    "close_month",
    "closed_month",
    "current_step",
    "iso",
    "parse_time",
    "person_key",
    "tally",
]
