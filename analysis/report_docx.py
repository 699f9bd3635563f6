"""The report draft in Word, following the reference's structure (Laporan Analisis SPKP dan
SPAK): Kata Pengantar, BAB I–V, the respondents' suggestions and Lampiran 1.

The month named everywhere is the report's period, from the data. Kata Pengantar, the unit's
own description and the follow-up are yellow placeholders for staff to write. Names and
institutions appear only when the data carries them (``include_personal``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from os import PathLike
from pathlib import Path

import pandas as pd

from analysis.content import ReportData
from analysis.docx_parts import ReportDocument
from analysis.numbers import count_phrase
from analysis.report_docx_results import write_results
from analysis.report_text import (
    index_sentence,
    join_id,
    no_data_sentence,
    quota_sentence,
    survey_period,
)

__all__ = ["CHAPTERS", "write_docx"]

CHAPTERS = (
    "BAB I PENDAHULUAN",
    "BAB II METODOLOGI SURVEI",
    "BAB III PENGOLAHAN SURVEI",
    "BAB IV DATA SURVEI",
    "BAB V PENUTUP",
)
SUGGESTIONS = "SARAN DAN MASUKAN RESPONDEN"
APPENDIX = "Lampiran 1. Data Responden"
PRIVATE_NOTE = (
    "Nama responden dan nama instansi/perusahaan tempat bekerja tidak dicantumkan karena "
    "merupakan data pribadi. Lampiran lengkap dapat dibuat oleh admin dengan menyertakan data "
    "pribadi."
)


def write_docx(data: ReportData, charts: Mapping[str, Path], path: str | PathLike[str]) -> Path:
    """Writes the report draft of ``data`` (figures from ``charts``) to ``path``."""
    doc = ReportDocument(f"Laporan Analisis SPKP dan SPAK {data.month}")
    _cover(doc, data)
    _foreword(doc, data)
    _introduction(doc, data)
    _method(doc, data)
    write_results(doc, data, charts)
    _survey_data(doc, data)
    _closing(doc, data)
    _suggestions(doc, data)
    _appendix(doc, data)
    return doc.save(path)


def _cover(doc: ReportDocument, data: ReportData) -> None:
    for _ in range(6):
        doc.paragraph()
    doc.document.add_paragraph("LAPORAN ANALISIS SPKP DAN SPAK", style="Title")
    doc.paragraph(data.month.upper(), bold=True, center=True)
    if data.service:
        doc.paragraph(f"Layanan: {data.service_name(data.service)}", center=True)
    doc.paragraph(data.unit, center=True)
    doc.page_break()


def _foreword(doc: ReportDocument, data: ReportData) -> None:
    doc.heading("KATA PENGANTAR")
    doc.placeholder(
        f"Kata Pengantar – diisi oleh unit kerja: pengantar Laporan Analisis SPKP dan SPAK "
        f"periode {data.month}, ditutup dengan tempat dan tanggal, jabatan, dan nama pimpinan "
        "unit kerja."
    )
    doc.heading("DAFTAR ISI")
    doc.contents("Daftar isi: klik kanan di sini lalu pilih Update Field (Perbarui Bidang).")
    doc.page_break()


def _introduction(doc: ReportDocument, data: ReportData) -> None:
    doc.heading(CHAPTERS[0])
    doc.placeholder(
        f"Diisi oleh unit kerja: tugas dan fungsi {data.unit} serta layanan publik utamanya."
    )
    doc.paragraph(
        "Pelayanan publik adalah kegiatan atau rangkaian kegiatan dalam rangka pemenuhan "
        "kebutuhan pelayanan sesuai dengan peraturan perundang-undangan bagi setiap warga negara "
        "dan penduduk atas barang, jasa, dan/atau pelayanan administratif yang disediakan oleh "
        "penyelenggara pelayanan publik (Undang-Undang No. 25 Tahun 2009 tentang Pelayanan "
        "Publik)."
    )
    doc.paragraph(
        "Sejalan dengan Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi "
        "Republik Indonesia No. 90 Tahun 2021 tentang Pembangunan dan Evaluasi Zona Integritas "
        "menuju Wilayah Bebas dari Korupsi dan Wilayah Birokrasi Bersih dan Melayani di Instansi "
        "Pemerintah, kinerja unit kerja yang bebas korupsi dicerminkan dengan Survei Persepsi "
        "Kualitas Pelayanan (SPKP) dan Survei Persepsi Anti Korupsi (SPAK)."
    )
    doc.paragraph(
        "SPKP dan SPAK dilakukan setiap bulan. Responden survei adalah pengguna layanan yang "
        f"berinteraksi secara langsung dengan {data.unit}. Hasilnya menjadi bahan evaluasi untuk "
        "meningkatkan kualitas pelayanan publik dan konsistensi penerapan budaya anti korupsi."
    )


def _method(doc: ReportDocument, data: ReportData) -> None:
    quota = data.quota
    services = list(data.reported_services.values())
    doc.heading(CHAPTERS[1])
    doc.heading("A. Kriteria Responden", 2)
    doc.paragraph(
        "Responden merupakan penerima layanan yang telah menerima layanan sepenuhnya (100%) "
        "dengan ketentuan:"
    )
    doc.listing(
        [
            f"Jika dalam 1 bulan jumlah penerima layanan yang mengisi survei tidak lebih dari "
            f"{quota} orang, maka seluruh penerima layanan tersebut merupakan responden survei.",
            f"Jika dalam 1 bulan jumlah penerima layanan yang mengisi survei lebih dari {quota} "
            f"orang, maka {quota} penerima layanan pertama yang mengisi survei (menurut waktu "
            "pengiriman) menjadi responden survei; isian berikutnya tetap disimpan dan dicatat "
            "sebagai di luar kuota.",
        ]
    )
    doc.paragraph(quota_sentence(data))
    doc.heading("B. Metode Pencacahan", 2)
    doc.paragraph(
        f"Survei SPKP dan SPAK dilakukan untuk periode layanan publik {survey_period(data)} "
        f"terhadap {count_phrase(len(services))} jenis layanan, yaitu:"
    )
    doc.listing(services)
    doc.paragraph(
        "Responden mengisi survei melalui bot Telegram dengan tautan tersendiri untuk setiap "
        "layanan, dalam Bahasa Indonesia atau Bahasa Inggris."
    )
    doc.heading("C. Metode Pengolahan Data dan Analisis", 2)
    doc.paragraph(
        "Setiap unsur dinilai dengan skala 1 sampai 4. Indeks tiap unsur adalah rata-rata nilai "
        "unsur tersebut dari seluruh responden yang dihitung. Indeks Persepsi Pelayanan Publik "
        "(IPP) adalah rata-rata indeks unsur U1–U8, dan Indeks Persepsi Anti Korupsi (IPAK) "
        "adalah rata-rata indeks unsur P1–P5. Nilai konversi adalah indeks dikalikan 25. Indeks "
        "dibulatkan menjadi 2 angka desimal (pembulatan ke atas mulai 0,005), dan kategori "
        "ditentukan dari nilai yang telah dibulatkan."
    )
    doc.paragraph(
        "Hasil SPKP dan SPAK yang dijadikan nilai dalam LKE PMPZI adalah rata-rata dari nilai "
        "3 bulan terakhir."
    )


def _survey_data(doc: ReportDocument, data: ReportData) -> None:
    language = data.questionnaire.reference_language
    doc.heading(CHAPTERS[3])
    doc.heading("A. Data Responden", 2)
    doc.paragraph(
        "Dalam rangka pemenuhan komponen hasil penilaian mandiri menuju Wilayah Bebas dari "
        f"Korupsi (WBK), {data.unit} telah melaksanakan SPKP dan SPAK pada periode "
        f"{data.month} terhadap penerima layanan {join_id(list(data.reported_services.values()))}. "
        f"{quota_sentence(data)}"
    )
    doc.heading("B. Data Dukung Pelaksanaan", 2)
    doc.paragraph(
        "Pada survei tersebut, responden terlebih dahulu diminta mengisi identitas diri dan bulan "
        "selesainya layanan, kemudian mengisi kuesioner yang berisi pertanyaan sebagai berikut:"
    )
    doc.caption("Tabel 3. Daftar Pertanyaan Survei SPKP dan SPAK")
    rows: list[tuple[str, str, str]] = []
    groups: list[tuple[int, str]] = []
    for definition in data.questionnaire.indices.values():
        groups.append((len(rows) + 1, definition.name[language]))
        rows.append(("", "", ""))
        for code in definition.items:
            item = data.questionnaire.item(code)
            if item is not None:
                answers = " / ".join(
                    f"{n}. {label}" for n, label in enumerate(item.labels[language], 1)
                )
                rows.append((code, item.text[language], answers))
    table = doc.table(("Kode", "Pertanyaan", "Pilihan Jawaban"), rows, widths=(1.5, 8.5, 6.0))
    for row, title in groups:
        doc.merge_row(table, row, title)
    total = data.indices.responses
    doc.paragraph(
        f"Hingga akhir pelaksanaan survei, total jumlah responden yang dihitung yaitu sebanyak "
        f"{count_phrase(total)} responden. Rincian data responden dapat dilihat pada Lampiran 1."
    )
    doc.heading("C. Rincian per Layanan", 2)
    shorts = [d.short for d in data.questionnaire.indices.values()]
    doc.caption(f"Tabel 4. Responden dan Indeks per Layanan Bulan {data.month}")
    service_rows = []
    for code, breakdown in data.indices.services.items():
        values = [breakdown.indices.get(k) for k in data.questionnaire.indices]
        service_rows.append(
            (
                data.service_name(code),
                str(breakdown.responses),
                str(breakdown.beyond_quota),
                *(f"{v.display} ({v.category})" if v else "–" for v in values),
            )
        )
    doc.table(
        ("Layanan", "Responden", "Di luar kuota", *shorts),
        service_rows,
        widths=(6.0, 2.2, 2.2, *(3.0 for _ in shorts)),
        right=(1, 2),
    )


def _closing(doc: ReportDocument, data: ReportData) -> None:
    doc.heading(CHAPTERS[4])
    overall = data.indices.overall
    ipp, ipak = overall.indices.get("ipp"), overall.indices.get("ipak")
    if ipp is None and ipak is None:
        doc.paragraph(f"{no_data_sentence(data)} Indeks SPKP dan SPAK belum dapat dihitung.")
        return
    if ipp is not None:
        doc.paragraph(
            f"Berdasarkan hasil survei yang telah dilaksanakan selama periode {data.month}, "
            f"{data.unit} mendapatkan indeks SPKP sebesar {ipp.display} (dari skala 4) dan masuk "
            f"sebagai kategori {ipp.category.upper()}. Seluruh unsur layanan perlu mendapatkan "
            "perhatian dan peningkatan performa layanan sebagai bagian dari continuous "
            "improvement kinerja pelayanan publik. Masukan dari stakeholder selaku penerima "
            "layanan diperlukan untuk mengidentifikasi kebutuhan dan harapan terhadap sistem "
            "layanan, sehingga pemilik layanan dapat selalu memberikan pelayanan prima."
        )
    if ipak is not None:
        doc.paragraph(
            f"Sedangkan untuk SPAK, {data.unit} mendapatkan indeks SPAK sebesar {ipak.display}, "
            f"yang masuk dalam kategori {ipak.category.upper()}. Upaya untuk meningkatkan "
            "komitmen dalam memberikan pelayanan yang baik, transparan, bersih, dan akuntabel "
            "perlu terus dilakukan."
        )
    else:
        doc.paragraph(index_sentence(None, "SPAK", data))


def _suggestions(doc: ReportDocument, data: ReportData) -> None:
    doc.heading(SUGGESTIONS)
    found = data.suggestions()
    if not found:
        doc.paragraph(f"Tidak ada saran yang disampaikan oleh responden pada periode {data.month}.")
        return
    doc.paragraph(f"Saran dan masukan yang disampaikan responden pada periode {data.month}:")
    doc.listing(
        [
            f"{s.text} ({data.service_name(s.service)}"
            + (f"; {s.name}" if s.name else "")
            + ("" if s.counted else "; di luar kuota")
            + ")"
            for s in found
        ],
        numbered=True,
    )


def _appendix(doc: ReportDocument, data: ReportData) -> None:
    language = data.questionnaire.reference_language
    doc.page_break()
    doc.heading(APPENDIX)
    identity = [q for q in data.questionnaire.identity if q.key in data.counted.columns]
    if not data.include_personal:
        doc.paragraph(PRIVATE_NOTE)
    if data.counted.empty:
        doc.paragraph(no_data_sentence(data))
        return
    rows = [
        (str(n), *("" if _missing(r[q.key]) else str(r[q.key]) for q in identity))
        for n, r in enumerate(data.counted.to_dict("records"), start=1)
    ]
    doc.table(("No", *(q.column[language] for q in identity)), rows)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
