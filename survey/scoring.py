"""Scoring: half-up rounding as the reference's spreadsheets round, and the category bands an
index value falls in (IPP, IPAK: "Sangat Baik" …)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["Band", "IndexDef", "round_half_up"]

Text = Mapping[str, str]


def round_half_up(value: float | Decimal, places: int = 2) -> Decimal:
    """Rounds as Excel's ROUND does: 3.915 → 3.92, using the shortest decimal form of a float."""
    exponent = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Band:
    min: Decimal
    max: Decimal
    label: Text


@dataclass(frozen=True)
class IndexDef:
    """An index (IPP over U1–U8, IPAK over P1–P5): its names, items and category bands."""

    key: str
    short: str
    survey: str
    name: Text
    bands: tuple[Band, ...]
    items: tuple[str, ...]

    def category(self, value: float | Decimal) -> Band:
        """Returns the band of ``value`` once rounded to 2 decimals half-up, as Excel's ROUND."""
        rounded = round_half_up(value)
        for band in self.bands:
            if band.min <= rounded <= band.max:
                return band
        raise ValueError(f"{self.short} {rounded} lies outside every category band")
