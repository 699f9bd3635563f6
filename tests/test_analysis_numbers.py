"""Numbers and months as an Indonesian reader expects them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from analysis.numbers import count_phrase, format_id, format_percent, list_letter, spell_id
from analysis.periods import month_name, month_span
from survey.period import Period


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (3.915, 2, "3,92"),
        (94 / 24, 2, "3,92"),
        (11 / 3, 2, "3,67"),
        (2.675, 2, "2,68"),  # half-up on the decimal form, not the binary 2.67499…
        (0.125, 2, "0,13"),  # not banker's rounding
        (4, 2, "4,00"),
        (0, 2, "0,00"),
        (1234.5, 2, "1.234,50"),
        (1234567.891, 2, "1.234.567,89"),
        (1234.5, 0, "1.235"),
        (-1.005, 2, "-1,01"),
        (Decimal("97.9166"), 2, "97,92"),
    ],
)
def test_format_id_uses_decimal_comma_and_half_up(value: float, places: int, text: str) -> None:
    assert format_id(value, places) == text


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "a"), (1, "b"), (3, "d"), (25, "z"), (26, "aa"), (27, "ab")]
)
def test_list_items_are_lettered_as_the_reference_letters_them(index: int, letter: str) -> None:
    assert list_letter(index) == letter


def test_format_percent() -> None:
    assert format_percent(1, 3) == "33,3%"
    assert format_percent(2, 3) == "66,7%"
    assert format_percent(0, 0) == "0,0%"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "nol"),
        (2, "dua"),
        (11, "sebelas"),
        (15, "lima belas"),
        (30, "tiga puluh"),
        (100, "seratus"),
        (115, "seratus lima belas"),
        (1000, "seribu"),
        (2025, "dua ribu dua puluh lima"),
        (1_000_000, "satu juta"),
    ],
)
def test_spell_id(number: int, words: str) -> None:
    assert spell_id(number) == words


def test_count_phrase_as_in_the_reference() -> None:
    assert count_phrase(2) == "2 (dua)"


def test_months_are_indonesian_and_ranges_cross_years() -> None:
    assert month_name("2025-01") == "Januari 2025"
    assert month_name("2024-12") == "Desember 2024"
    assert Period.parse("2025-01").back(3) == ["2024-11", "2024-12", "2025-01"]
    assert len(Period.parse("2025-01").back(12)) == 12
    assert month_span("2026-08", "2026-10") == "Agustus–Oktober 2026"
    assert month_span("2024-11", "2025-01") == "November 2024–Januari 2025"
    assert month_span("2025-01", "2025-01") == "Januari 2025"
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_name("2025-1")
