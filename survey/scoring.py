"""Scoring: half-up rounding as the reference's spreadsheets round, the converted value, and the
category band an index value falls in (IPP, IPAK: "Memuaskan" …; the SKM's mutu pelayanan).

An index's bands are data (the questionnaire file): exact decimal edges, on the index itself or on
its converted value (index × ``conversion``), as the instrument defines them. The value is rounded
half-up to ``places`` decimals first, then the band holding it gives the category; the bands
leave no gap a rounded value could fall into.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

__all__ = ["Band", "IndexDef", "Number", "as_fraction", "round_half_up"]

Text = Mapping[str, str]
Number = float | int | Decimal | Fraction


def round_half_up(value: Number, places: int = 2) -> Decimal:
    """Rounds as Excel's ROUND does, half away from zero: 3.915 → 3.92. A float counts as its
    shortest decimal form (3.255 is 3.255, not 3.25499999…), a fraction exactly."""
    exact = as_fraction(value)
    scaled = abs(exact) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    result = Decimal(whole).scaleb(-places).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return -result if exact < 0 else result


def as_fraction(value: Number) -> Fraction:
    """``value`` exactly; a float as its shortest decimal form."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


@dataclass(frozen=True)
class Band:
    min: Decimal
    max: Decimal
    label: Text


@dataclass(frozen=True)
class IndexDef:
    """An index (IPP over U1–U8, IPAK over P1–P5, the SKM's IKM over U1–U9): its names, items,
    converted value and category bands."""

    key: str
    short: str
    survey: str
    name: Text
    bands: tuple[Band, ...]
    items: tuple[str, ...]
    conversion: Decimal = Decimal(25)  # converted value = index × conversion
    bands_on: Literal["index", "converted"] = "index"
    places: int = 2  # the value is rounded half-up to this many decimals before its band is found
    anti_corruption: bool = False  # the report adds the anti-corruption parts (SPAK's) to it

    def converted(self, value: Number) -> Fraction:
        """``value`` × the conversion, exactly."""
        return as_fraction(value) * as_fraction(self.conversion)

    def category(self, value: Number) -> Band:
        """The band of index ``value``: on the index or its converted value, rounded half-up to
        ``places`` decimals first."""
        on = value if self.bands_on == "index" else self.converted(value)
        rounded = round_half_up(on, self.places)
        for band in self.bands:
            if band.min <= rounded <= band.max:
                return band
        raise ValueError(f"{self.short} {rounded} lies outside every category band")
