"""Numbers as an Indonesian reader expects them: ``3,92``, ``1.234``, ``2 (dua)``.

Rounding is half-up on the shortest decimal form of the number, as Excel's ROUND and
:func:`bot.questionnaire.round_half_up` do, so a value shown here never disagrees with the
category computed from it.
"""

from __future__ import annotations

from decimal import Decimal

from bot.questionnaire import round_half_up

__all__ = ["count_phrase", "format_id", "format_percent", "spell_id"]

_ONES = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)
_SCALES = ((10**9, "miliar"), (10**6, "juta"), (1000, "ribu"))


def format_id(value: float | Decimal | int, places: int = 2) -> str:
    """Formats ``value`` with a decimal comma and ``.`` between thousands: 1234.5 → ``1.234,50``."""
    rounded = round_half_up(value, places)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{places}f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    grouped = ".".join(groups)
    if sign and not rounded.is_zero():
        grouped = sign + grouped
    return f"{grouped},{fraction}" if fraction else grouped


def format_percent(part: int, whole: int, places: int = 1) -> str:
    """Formats a share as ``50,0%``; an empty whole gives ``0,0%``."""
    if whole <= 0:
        return f"{format_id(0, places)}%"
    return f"{format_id(Decimal(part) * 100 / Decimal(whole), places)}%"


def spell_id(number: int) -> str:
    """Spells a whole number in Indonesian: 2 → ``dua``, 115 → ``seratus lima belas``."""
    if number < 0:
        return f"minus {spell_id(-number)}"
    if number < len(_ONES):
        return _ONES[number]
    if number < 20:
        return f"{_ONES[number - 10]} belas"
    if number < 100:
        tens, ones = divmod(number, 10)
        return _join(f"{_ONES[tens]} puluh", ones)
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        head = "seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus"
        return _join(head, rest)
    for size, name in _SCALES:
        if number >= size:
            count, rest = divmod(number, size)
            head = "seribu" if size == 1000 and count == 1 else f"{spell_id(count)} {name}"
            return _join(head, rest)
    raise AssertionError("unreachable")  # pragma: no cover


def count_phrase(number: int) -> str:
    """Writes a count as Indonesian reports do: ``2 (dua)``."""
    return f"{number} ({spell_id(number)})"


def _join(head: str, rest: int) -> str:
    return head if rest == 0 else f"{head} {spell_id(rest)}"
