"""BAB III of the report draft: who answered (Gambar 1–4), IPP (Tabel 1), IPAK (Tabel 2), the
item chart, the 12-month trend and the LKE PMPZI value, and the follow-up placeholders."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from analysis.content import ReportData
from analysis.docx_parts import ReportDocument
from analysis.indices import CONVERSION
from analysis.numbers import count_phrase, format_id
from analysis.report_text import (
    demographic_sentence,
    extremes_sentence,
    index_sentence,
    lke_sentence,
    quota_sentence,
)
from bot.questionnaire import IndexDef

__all__ = ["DEMOGRAPHIC_FIGURES", "write_results"]

# (identity key, Gambar number, heading, figure caption)
DEMOGRAPHIC_FIGURES = (
    ("gender", 1, "Kelompok Jenis Kelamin", "Data Responden Berdasarkan Jenis Kelamin"),
    ("age", 2, "Kelompok Usia", "Data Responden Berdasarkan Umur"),
    ("education", 3, "Kelompok Pendidikan", "Data Responden Berdasarkan Pendidikan Terakhir"),
    ("occupation", 4, "Kelompok Pekerjaan", "Data Responden Berdasarkan Pekerjaan"),
)
# (index key, letter, survey, what the index measures, the item column heading, table number)
INDEX_SECTIONS = (
    (
        "ipp",
        "a",
        "SPKP",
        "persepsi masyarakat terhadap kualitas pelayanan publik",
        "Unsur Pelayanan",
        1,
    ),
    (
        "ipak",
        "b",
        "SPAK",
        "persepsi masyarakat terhadap budaya anti korupsi pada suatu lembaga/instansi pemberi "
        "pelayanan publik",
        "Unsur",
        2,
    ),
)


def write_results(doc: ReportDocument, data: ReportData, charts: Mapping[str, Path]) -> None:
    """Writes BAB III."""
    doc.heading("BAB III PENGOLAHAN SURVEI")
    doc.heading("A. Analisis Hasil Survei", 2)
    for key, number, heading, caption in DEMOGRAPHIC_FIGURES:
        if key not in data.demographics.counts:
            continue
        doc.heading(heading, 3)
        text = demographic_sentence(data, key)
        if key == "gender" and data.indices.beyond_quota:
            text = f"{text} {quota_sentence(data)}"
        doc.paragraph(
            f"{text} Rincian jumlah data responden untuk bulan {data.month} berdasarkan "
            f"{caption.removeprefix('Data Responden Berdasarkan ').lower()} dapat dilihat pada "
            f"Gambar {number}."
        )
        if key in charts:
            doc.figure(charts[key], f"Gambar {number}. {caption}", 13.0)
    for key, letter, survey, meaning, column, table in INDEX_SECTIONS:
        definition = data.questionnaire.indices.get(key)
        if definition is not None:
            _index_section(doc, data, definition, letter, survey, meaning, column, table)
    _charts_section(doc, data, charts)
    doc.heading("B. Tindak Lanjut Hasil Survei", 2)
    doc.paragraph(
        "Dalam upaya mempertahankan kualitas pelayanan publik dan akuntabilitas dalam "
        f"penyelenggaraan kinerja di {data.unit}, perlu ditetapkan langkah-langkah konkret, "
        "antara lain:"
    )
    for key, _letter, survey, *_rest in INDEX_SECTIONS:
        definition = data.questionnaire.indices.get(key)
        if definition is None:
            continue
        lowest, highest = data.indices.overall.extremes(definition.items)
        uneven = lowest and set(lowest) != set(highest)
        focus = f" (unsur dengan indeks terendah: {', '.join(lowest)})" if uneven else ""
        doc.paragraph(f"Hasil {survey}", bold=True)
        doc.placeholder(
            f"Diisi oleh unit kerja: tindak lanjut atas hasil {survey}{focus} dan saran "
            "responden, beserta penanggung jawab dan target penyelesaiannya."
        )


def _index_section(
    doc: ReportDocument,
    data: ReportData,
    definition: IndexDef,
    letter: str,
    survey: str,
    meaning: str,
    column: str,
    table: int,
) -> None:
    language = data.questionnaire.reference_language
    name = definition.name[language]
    overall = data.indices.overall
    value = overall.indices.get(definition.key)
    doc.heading(f"{letter}. {name.removesuffix(f' ({definition.short})')}", 3)
    doc.paragraph("1) Pengertian", bold=True)
    doc.paragraph(
        f"{name} merupakan angka yang menunjukkan {meaning}. Ruang lingkup survei meliputi:"
    )
    items = [data.questionnaire.item(code) for code in definition.items]
    doc.table(
        ("Kode", column),
        [(i.code, i.element[language]) for i in items if i is not None],
        widths=(2.0, 12.0),
    )
    doc.paragraph("Nilai persepsi ditunjukkan dengan indeks sebagai berikut:")
    # Converted bands follow on at 0.01 as the reference prints them (43,75 then 43,76), not
    # at 1.76 × 25 = 44,00, so that every converted value has a band.
    bands = definition.bands
    lows = [bands[0].min * CONVERSION, *(b.max * CONVERSION + Decimal("0.01") for b in bands[:-1])]
    doc.table(
        (
            "Nilai Persepsi",
            "Nilai Interval",
            f"Nilai Persepsi Konversi {definition.short}",
            "Kinerja",
        ),
        [
            (
                str(n),
                f"{format_id(band.min)} – {format_id(band.max)}",
                f"{format_id(low)} – {format_id(band.max * CONVERSION)}",
                band.label[language],
            )
            for n, (band, low) in enumerate(zip(definition.bands, lows, strict=True), start=1)
        ],
        widths=(2.5, 3.5, 4.5, 4.5),
    )
    doc.paragraph(f"2) Hasil {survey} Bulan {data.month}", bold=True)
    if value is not None:
        doc.paragraph(
            f"Berdasarkan pelaksanaan survei {survey} periode {data.month}, {data.unit} "
            f"mendapatkan nilai {survey} sebesar {value.display}. Nilai tiap unsur dapat "
            f"dilihat pada Tabel {table}."
        )
    doc.caption(f"Tabel {table}. Hasil {survey} Bulan {data.month}")
    rows = [
        (i.code, i.element[language], overall.element_display(i.code) or "–")
        for i in items
        if i is not None
    ]
    rows.append(("", name, value.display if value else "–"))
    doc.table(
        ("Kode", column, "Indeks Tiap Unsur"),
        rows,
        widths=(2.0, 10.0, 3.0),
        bold_rows=(len(rows) - 1,),
        right=(2,),
    )
    text = index_sentence(value, survey, data)
    if value is not None:
        text = f"{text} {extremes_sentence(data, overall, definition.items)}"
    doc.paragraph(text)
    if definition.key == "ipp":
        suggestions = data.suggestions()
        doc.paragraph(
            f"Terdapat {count_phrase(len(suggestions))} saran/masukan dari responden, yang "
            "tercantum pada bagian Saran dan Masukan Responden."
            if suggestions
            else "Tidak ada saran yang disampaikan oleh responden."
        )


def _charts_section(doc: ReportDocument, data: ReportData, charts: Mapping[str, Path]) -> None:
    doc.heading("c. Grafik Indeks dan Nilai LKE PMPZI", 3)
    doc.paragraph(
        f"Indeks tiap unsur periode {data.month} beserta kategori penilaiannya ditampilkan pada "
        "Gambar 5, dan perkembangan IPP dan IPAK selama 12 bulan terakhir pada Gambar 6 (bulan "
        "tanpa responden dibiarkan kosong)."
    )
    if "items" in charts:
        doc.figure(charts["items"], "Gambar 5. Indeks Tiap Unsur SPKP dan SPAK")
    if "trend" in charts:
        doc.figure(charts["trend"], "Gambar 6. Tren IPP dan IPAK 12 Bulan Terakhir")
    names = {k: d.short for k, d in data.questionnaire.indices.items()}
    doc.paragraph(lke_sentence(data, names))
