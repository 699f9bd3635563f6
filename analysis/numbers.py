"""Numbers as an Indonesian reader expects them: ``3,92``, ``1.234``, ``2 (dua)``.

The spelt-out words are the report's texts (``numbers`` in ``analysis/resources/report.toml``); the
rules that put them together (``seratus``, ``dua ratus``, ``seribu``) are Indonesian's and here.

Rounding is half-up on the shortest decimal form of the number, as Excel's ROUND and
:func:`survey.questionnaire.round_half_up` do, so a value shown here never disagrees with the
category computed from it.
"""

from __future__ import annotations

from decimal import Decimal

from analysis.texts import text, words
from survey.scoring import round_half_up

__all__ = ["DASH", "count_phrase", "format_id", "format_percent", "list_letter", "spell_id"]

DASH = "–"  # in place of a number there is none of (no data): a sign, in every language
_SCALES = (10**9, 10**6, 1000)  # named by the words of numbers.scales


def format_edge(value: Decimal, least: int = 2) -> str:
    """An exact decimal as written, with a decimal comma and at least ``least`` places:
    ``2,5996``, ``88,31``, ``25,00`` (``25`` with ``least=0``, for a factor); band edges and
    factors are shown whole, never rounded."""
    places = max(least, -int(value.normalize().as_tuple().exponent))
    return format_id(value, places)


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
        return text("numbers.negative", number=spell_id(-number))
    ones = words("numbers.ones")  # 0 … 11
    if number < len(ones):
        return ones[number]
    if number < 20:
        return text("numbers.teens", ones=ones[number - 10])
    if number < 100:
        tens, rest = divmod(number, 10)
        return _join(text("numbers.tens", ones=ones[tens]), rest)
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        if hundreds == 1:
            return _join(text("numbers.one_hundred"), rest)
        return _join(text("numbers.hundreds", ones=ones[hundreds]), rest)
    for size, scale in zip(_SCALES, words("numbers.scales"), strict=True):
        if number >= size:
            count, rest = divmod(number, size)
            if size == 1000 and count == 1:
                return _join(text("numbers.one_thousand"), rest)
            return _join(text("numbers.scaled", count=spell_id(count), scale=scale), rest)
    raise AssertionError("unreachable")  # pragma: no cover


def count_phrase(number: int) -> str:
    """Writes a count as Indonesian reports do: ``2 (dua)``."""
    return text("numbers.count", number=number, words=spell_id(number))


def list_letter(index: int) -> str:
    """The letter of a list's item ``index`` (from 0), as the reference letters its lists:
    ``a`` … ``z``, then ``aa``, ``ab`` …"""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _join(head: str, rest: int) -> str:
    return head if rest == 0 else f"{head} {spell_id(rest)}"
