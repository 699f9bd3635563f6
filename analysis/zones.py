"""The survey's time zone: submissions are stored in UTC and shown at the time of day the unit
and its respondents lived them (``[survey] timezone``, Asia/Jakarta unless configured)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DEFAULT_ZONE", "resolve_zone", "zone_label"]

DEFAULT_ZONE = "Asia/Jakarta"


def resolve_zone(zone: tzinfo | str) -> tzinfo:
    """Returns ``zone`` itself or the IANA zone it names; an unknown name raises ValueError."""
    if isinstance(zone, tzinfo):
        return zone
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"time zone {zone!r} is not known") from None


def zone_label(zone: tzinfo, moments: Iterable[datetime]) -> str:
    """The zone's abbreviation at ``moments``: ``WIB``; ``CET/CEST`` when they straddle a change.

    A zone without a letter abbreviation names itself by its offset (``+04`` → ``UTC+04``).
    """
    names: list[str] = []
    for moment in moments:
        name = zone.tzname(moment.astimezone(zone))
        if name and name not in names:
            names.append(name)
    if not names:
        return str(zone)
    return "/".join(f"UTC{n}" if n[0] in "+-" else n for n in names)
