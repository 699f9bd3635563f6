"""The Indonesian sentences of the report, built from the numbers (reference BAB III–V wording).

Every month named here is the report's own period: the sentences take it from the data, so the
closing chapter can never name another month (the reference's BAB V says "Desember 2024" in the
January 2025 report).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.content import ReportData
from analysis.indices import Breakdown, IndexValue
from analysis.numbers import count_phrase
from analysis.periods import last_day, month_name

__all__ = [
    "demographic_sentence",
    "extremes_sentence",
    "index_sentence",
    "join_id",
    "lke_sentence",
    "no_data_sentence",
    "quota_sentence",
    "survey_period",
]


def join_id(parts: Sequence[str]) -> str:
    """Joins as Indonesian prose does: ``a``, ``a dan b``, ``a, b, dan c``."""
    if len(parts) <= 1:
        return "".join(parts)
    if len(parts) == 2:
        return f"{parts[0]} dan {parts[1]}"
    return f"{', '.join(parts[:-1])}, dan {parts[-1]}"


def survey_period(data: ReportData) -> str:
    """``1 s.d. 31 Januari 2025``."""
    return f"1 s.d. {last_day(data.period)} {data.month}"


def no_data_sentence(data: ReportData) -> str:
    return f"Belum ada responden yang dihitung pada periode {data.month}."


def quota_sentence(data: ReportData) -> str:
    """How many submissions were counted and how many came after the quota was full."""
    counted, beyond = data.indices.responses, data.indices.beyond_quota
    text = (
        f"Pada periode {data.month} diterima {count_phrase(counted + beyond)} isian survei; "
        f"{count_phrase(counted)} di antaranya dihitung sebagai responden"
    )
    if beyond:
        return (
            f"{text}, sedangkan {count_phrase(beyond)} isian diterima setelah kuota "
            f"{data.quota} responden terpenuhi sehingga tidak dihitung (di luar kuota)."
        )
    return f"{text}."


def demographic_sentence(data: ReportData, key: str) -> str:
    """One paragraph of BAB III A per identity question, ending with its figure's number."""
    counts = data.demographics.nonzero(key)
    total = data.demographics.total
    if total == 0:
        return no_data_sentence(data)
    parts = [f"{label} ({n} orang)" for label, n in counts.items()]
    subject = f"Responden yang berpartisipasi dalam survei periode {data.month}"
    if key == "gender":
        listed = [f"{count_phrase(n)} orang merupakan responden {g}" for g, n in counts.items()]
        return (
            f"Jumlah total responden yang berpartisipasi dalam survei SPKP dan SPAK pada bulan "
            f"{data.month} sebanyak {count_phrase(total)} responden penerima layanan. "
            f"Berdasarkan kelompok jenis kelamin, {join_id(listed)}."
        )
    if key == "age":
        groups = [f"{label} tahun ({n} orang)" for label, n in counts.items()]
        return f"{subject} berada pada kelompok umur {join_id(groups)}."
    if key == "education":
        if len(counts) == 1:
            only = next(iter(counts))
            return (
                f"{subject}, sejumlah {count_phrase(total)} responden, semuanya berlatar "
                f"belakang pendidikan {only}."
            )
        return f"{subject} berlatar belakang pendidikan {join_id(parts)}."
    if key == "occupation":
        return f"{subject} berstatus sebagai {join_id(parts)}."
    return f"{subject}: {join_id(parts)}."


def _items_named(data: ReportData, codes: Sequence[str]) -> str:
    language = data.questionnaire.reference_language
    names = []
    for code in codes:
        item = data.questionnaire.item(code)
        names.append(f"{item.element[language]} ({code})" if item else code)
    return join_id(names)


def extremes_sentence(data: ReportData, breakdown: Breakdown, items: Sequence[str]) -> str:
    """Names the highest and the lowest items, compared as shown (2 decimals)."""
    lowest, highest = breakdown.extremes(items)
    if not highest:
        return ""
    high = breakdown.element_display(highest[0])
    if set(lowest) == set(highest):
        return f"Semua unsur mendapatkan indeks yang sama, yaitu {high}."
    low = breakdown.element_display(lowest[0])
    each = " masing-masing" if len(lowest) > 1 else ""
    return (
        f"Indeks tertinggi, yaitu {high}, diperoleh unsur {_items_named(data, highest)}. "
        f"Sedangkan unsur {_items_named(data, lowest)} berada pada indeks terendah, "
        f"yaitu{each} pada angka {low}."
    )


def index_sentence(value: IndexValue | None, survey: str, data: ReportData) -> str:
    """``IPP sebesar 3,92 (dari skala 4; nilai konversi 97,92) dikategorikan “Memuaskan”.``"""
    if value is None:
        return f"{no_data_sentence(data)} {survey} belum dapat dihitung."
    return (
        f"Berdasarkan hasil {survey} periode {data.month}, diperoleh {value.short} sebesar "
        f"{value.display} (dari skala 4; nilai konversi {value.converted_display}) yang "
        f"dikategorikan “{value.category}”."
    )


def lke_sentence(data: ReportData, names: Mapping[str, str]) -> str:
    """The LKE PMPZI values and the months they average."""
    window = join_id([month_name(p) for p in data.lke.window])
    values = [
        f"{names[key]} {shown}"
        for key in data.lke.values
        if (shown := data.lke.display(key)) is not None
    ]
    if not values:
        return f"Belum ada data pada {window}, sehingga nilai LKE PMPZI belum dapat dihitung."
    months = join_id([month_name(p) for p in data.lke.months])
    missing = [month_name(p) for p in data.lke.window if p not in data.lke.months]
    note = (
        f" {join_id(missing)} tidak memiliki data sehingga tidak ikut dirata-ratakan."
        if missing
        else ""
    )
    return (
        f"Nilai LKE PMPZI, yaitu rata-rata dari nilai 3 bulan terakhir ({months}), adalah "
        f"{join_id(values)}.{note}"
    )
