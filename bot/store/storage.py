"""The bot's storage: :class:`Storage`, the one object the bot reads and writes through.

Each method is one transaction (one trip to the database's thread, :mod:`bot.store.connection`)
running a function of the module of its table group.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.store import closed_months, drafts, submissions
from bot.store.closed_months import Change, ClosedMonth, Closing
from bot.store.connection import Database, person_key
from bot.store.drafts import Draft, Outcome
from bot.store.submissions import Submission


class Storage(Database):
    """The database. Open it with :meth:`open`, close it with :meth:`close`."""

    # -- drafts ---------------------------------------------------------------------------------

    async def open_draft(
        self, user_id: int, chat_id: int, service: str, now: datetime
    ) -> tuple[Draft, bool]:
        """Returns the user's open draft for the service, creating it; and whether it is new."""
        return await self.write(drafts.open_draft, user_id, chat_id, service, now)

    async def begin(
        self, user_id: int, chat_id: int, service: str, periods: Sequence[str], now: datetime
    ) -> tuple[Draft | None, bool, list[Submission]]:
        """Opens the user's survey of ``service`` in one trip: returns the open draft (None when
        every one of ``periods`` is already submitted), whether it is new, and the person's
        submissions of ``periods`` for the service when no draft was open."""
        return await self.write(
            drafts.begin, user_id, self.person_key(user_id), chat_id, service, periods, now
        )

    async def find_open_draft(self, user_id: int, service: str) -> Draft | None:
        return await self.read(drafts.find_open_draft, user_id, service)

    async def draft(self, draft_id: int) -> Draft | None:
        return await self.read(drafts.load_draft, draft_id)

    async def active_draft(self, user_id: int) -> Draft | None:
        """Returns the open draft the user touched last: the one a typed answer belongs to."""
        return await self.read(drafts.active_draft, user_id)

    async def record_answer(
        self,
        draft_id: int,
        user_id: int,
        key: str,
        value: str,
        steps: Sequence[str],
        now: datetime,
        source_message_id: int | None = None,
    ) -> tuple[Outcome, Draft | None]:
        """Stores ``value`` for ``key`` if, and only if, ``key`` is the step being asked.

        A tap on an older message, a second tap, or a redelivered update finds its key already
        answered (or not yet asked) and changes nothing; a period the person already submitted
        the service for is TAKEN. The draft comes back as it is now, or None when it does not
        exist or is another user's.
        """
        return await self.write(
            drafts.record_answer,
            draft_id,
            user_id,
            key,
            value,
            steps,
            now,
            source_message_id,
            self.person_key(user_id),
        )

    async def record_typed(
        self,
        user_id: int,
        value_for: Callable[[str], str | None],
        steps: Sequence[str],
        now: datetime,
        source_message_id: int,
    ) -> tuple[Outcome, Draft | None]:
        """Stores a typed answer for the step the user's active draft is asking, in one trip.

        ``value_for(key)`` gives what to store for that step, or None when the text does not
        answer it (the outcome is then STALE and nothing changes). The draft is None when the
        user has no survey open.
        """
        return await self.write(
            drafts.record_typed, user_id, value_for, steps, now, source_message_id
        )

    async def set_editing(
        self, draft_id: int, user_id: int, key: str | None, steps: Sequence[str], now: datetime
    ) -> Draft | None:
        """Reopens an answered key from the review; returns None when the draft cannot be edited."""
        return await self.write(drafts.set_editing, draft_id, user_id, key, steps, now)

    async def cancel(self, draft_id: int, user_id: int, now: datetime) -> bool:
        """Abandons an open draft; its answers are kept, marked by the draft's status."""
        return await self.write(drafts.cancel, draft_id, user_id, now)

    # -- submissions ----------------------------------------------------------------------------

    async def submit(
        self,
        draft_id: int,
        user_id: int,
        steps: Sequence[str],
        identity_keys: Sequence[str],
        item_codes: Sequence[str],
        now: datetime,
        closing: Closing | None = None,
    ) -> tuple[Outcome, Submission | None]:
        """Turns a complete draft into the final submission, once per person, service and month.

        Returns RECORDED with the new submission (``late`` when its month is closed, or closes
        now by ``closing``); CLOSED with the earlier submission of the same draft (or None) when
        there is nothing left to submit; DUPLICATE with the person's earlier submission of the
        service and month.
        """
        return await self.write(
            drafts.submit,
            draft_id,
            user_id,
            self.person_key(user_id),
            steps,
            identity_keys,
            item_codes,
            now,
            closing,
        )

    async def submission_for(self, user_id: int, service: str, period: str) -> Submission | None:
        """Returns the person's submission for the service and month, also after an erasure."""
        key = self.person_key(user_id)
        return await self.read(
            submissions.submission_where, submissions.SAME_PERSON, (key, user_id, service, period)
        )

    def person_key(self, user_id: int) -> str:
        """The keyed hash that stands for a Telegram account in ``submissions.person_key``."""
        return person_key(self._secret, user_id)

    async def counted_ids(self, period: str, quota: int) -> list[int]:
        """Returns the ids of the period's counted submissions: every submission of the first
        ``quota`` persons (:mod:`analysis.quota`), late ones never, and with the quota kept at
        closing for a closed month."""
        return await self.read(submissions.counted_ids, period, quota)

    async def close_month(self, period: str, reason: str, quota: int, now: datetime) -> bool:
        """Closes ``period`` (see :func:`close_month`); False when it was closed before."""
        return await self.write(closed_months.close_month, period, reason, quota, now)

    async def closed_month(self, period: str) -> ClosedMonth | None:
        return await self.read(closed_months.closed_month, period)

    async def changed_months(self) -> list[Change]:
        """Returns the closed months whose figures differ from those they closed with (or were
        last told with)."""
        return await self.read(closed_months.changed_months)

    async def noticed(self, period: str, figures: Mapping[str, Any]) -> None:
        """Records that the staff chat was told of ``period``'s ``figures``."""
        await self.write(closed_months.noticed, period, json.dumps(figures))

    async def submission_count(self, period: str) -> int:
        return await self.read(submissions.submission_count, period)

    # -- button taps ----------------------------------------------------------------------------

    async def claim_tap(self, chat_id: int, message_id: int, button: str, now: datetime) -> bool:
        """Records that the bot answers ``button`` on a message; False when it already did.

        Two quick taps are two callback queries on one message: only the first gets True, also
        when they run side by side or on either side of a restart.
        """
        return await self.write(drafts.claim_tap, chat_id, message_id, button, now)
