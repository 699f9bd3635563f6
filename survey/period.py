"""The survey period: a calendar month, written ``YYYY-MM`` everywhere (database, links, files).

:class:`Period` is a ``str`` (so it is stored, compared, sorted and put into JSON as the text it
is) that was checked once, when it was made, and knows its year, month and neighbours::

    Period.parse("2025-01").shift(-1)          # Period('2024-12')
    Period.of(moment, ZoneInfo("Asia/Jakarta"))  # the month ``moment`` falls in there
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, tzinfo

__all__ = ["Period"]

_SHAPE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


class Period(str):
    """A month, ``YYYY-MM``; :meth:`parse` refuses anything else with a ValueError."""

    __slots__ = ()

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"2025-01"`` → ``Period('2025-01')``; a ValueError names text of another shape."""
        if isinstance(text, Period):
            return text
        if not isinstance(text, str) or _SHAPE.fullmatch(text) is None:
            raise ValueError(f"period {text!r} is not a month written as YYYY-MM")
        return cls(text)

    @classmethod
    def is_one(cls, text: str) -> bool:
        """True when ``text`` is a month written ``YYYY-MM``."""
        return isinstance(text, str) and _SHAPE.fullmatch(text) is not None

    @classmethod
    def at(cls, year: int, month: int) -> Period:
        """The period of ``month`` (1–12) of ``year``."""
        return cls.parse(f"{year:04d}-{month:02d}")

    @classmethod
    def of(cls, moment: datetime, zone: tzinfo) -> Period:
        """The month ``moment`` falls in, in time zone ``zone``."""
        local = moment.astimezone(zone)
        return cls.at(local.year, local.month)

    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def month(self) -> int:
        return int(self[5:])

    @property
    def days(self) -> int:
        """How many days the month has."""
        return calendar.monthrange(self.year, self.month)[1]

    def shift(self, months: int) -> Period:
        """The period ``months`` later (earlier when negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Period.at(index // 12, index % 12 + 1)

    def back(self, months: int) -> list[Period]:
        """The ``months`` periods ending with this one, oldest first: (``2025-01``, 3) →
        ``2024-11``, ``2024-12``, ``2025-01``."""
        return [self.shift(-n) for n in range(months - 1, -1, -1)]

    def __repr__(self) -> str:
        return f"Period({str(self)!r})"
