"""The Word draft as a reader sees it beyond its words: the survey links, the page numbers, the
table of contents, and the unit's own texts (or the yellow placeholders where they belong)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.text.paragraph import Paragraph

from analysis.report import ReportFiles, ReportRequest, build_report
from bot import config as config_module
from survey import unit_texts
from survey.questionnaire import Questionnaire
from tests.support.analysis_fixtures import SERVICES, SurveyDb, january_2025

REPO = Path(__file__).resolve().parent.parent
LINKS = {code: f"https://t.me/SurveiUjiBot?start={code}" for code in SERVICES}
UNIT = "Direktorat Pengawasan Produksi Obat, Narkotika, Psikotropika dan Prekursor"
EXAMPLE_TEXTS = REPO / "survey" / "data" / "unit-texts.example.toml"


@dataclass(frozen=True)
class Drafts:
    db: Path
    linked: ReportFiles
    linked_cpob: ReportFiles
    unlinked: ReportFiles
    written: ReportFiles  # the unit's texts and legal basis as shipped, quota 30, with links


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory, questionnaire: Questionnaire) -> Drafts:
    root = tmp_path_factory.mktemp("drafts")
    survey = january_2025(root / "survey.db")

    def build(name: str, quota: int = 3, **options: Any) -> ReportFiles:
        return build_report(
            ReportRequest(survey.path, "2025-01", questionnaire, SERVICES, quota, **options),
            root / name,
        )

    example = config_module.load(REPO / "config.example.toml", need_token=False)
    return Drafts(
        db=survey.path,
        linked=build("linked", links=LINKS),
        linked_cpob=build("linked-cpob", service="cpob", links=LINKS),
        unlinked=build("unlinked"),
        written=build(
            "written",
            30,
            links=LINKS,
            unit_name=UNIT,
            legal_basis=example.reports.legal_basis,
            unit_texts=unit_texts.load(EXAMPLE_TEXTS),
        ),
    )


def style(paragraph: Any) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""


def level(paragraph: Any) -> int | None:
    """The heading level of ``paragraph``, None for body text."""
    name = style(paragraph)
    return int(name.removeprefix("Heading ")) if name.startswith("Heading ") else None


def as_listed(paragraph: Any) -> str:
    """A heading as the table of contents lists it: "BAB I PENDAHULUAN", set on two lines."""
    return " ".join(paragraph.text.split())


def under(path: Path, heading: str) -> list[Any]:
    """The paragraphs under ``heading``, up to the next heading of its level or above."""
    found: list[Any] = []
    own: int | None = None
    for paragraph in docx.Document(str(path)).paragraphs:
        current = level(paragraph)
        if own is None:
            if current is not None and as_listed(paragraph) == heading:
                own = current
        elif current is not None and current <= own:
            break
        else:
            found.append(paragraph)
    return found


# -- survey links ------------------------------------------------------------------------------

LINK_LINES = [
    "a. https://t.me/SurveiUjiBot?start=cpob untuk layanan Sertifikasi/Resertifikasi CPOB,",
    "b. https://t.me/SurveiUjiBot?start=cpob_impor untuk layanan Penilaian Pemenuhan CPOB "
    "Fasilitas Produksi Obat Impor,",
    "c. https://t.me/SurveiUjiBot?start=fasilitas_bersama untuk layanan Persetujuan Penggunaan "
    "Fasilitas Bersama Obat dan Non Obat,",
    "d. https://t.me/SurveiUjiBot?start=suket_cpob untuk layanan Surat Keterangan Penerapan CPOB.",
]
SECTIONS_WITH_LINKS = ("B. Metode Pencacahan", "A. Data Responden")


@pytest.mark.parametrize("heading", SECTIONS_WITH_LINKS)
def test_each_services_survey_link_is_listed_as_the_reference_lists_them(
    drafts: Drafts, heading: str
) -> None:
    paragraphs = under(drafts.linked.docx, heading)
    lines = [p.text for p in paragraphs]
    listed = [p for p in paragraphs if "https://" in p.text]

    assert [p.text for p in listed] == LINK_LINES
    # each link is one a reader can click, to the address shown
    assert [[link.address for link in p.hyperlinks] for p in listed] == [
        [url] for url in LINKS.values()
    ]
    assert [[link.text for link in p.hyperlinks] for p in listed] == [
        [url] for url in LINKS.values()
    ]
    # introduced in words that fit a Telegram bot, not the reference's survey platform
    introduction = lines[lines.index(LINK_LINES[0]) - 1]
    assert "bot Telegram" in introduction and introduction.endswith("sebagai berikut:")
    assert "platform" not in "\n".join(lines) and "sapaapip" not in "\n".join(lines)


def test_the_method_says_how_the_links_reach_respondents(drafts: Drafts) -> None:
    method = "\n".join(p.text for p in under(drafts.linked.docx, "B. Metode Pencacahan"))

    assert "WhatsApp" in method and "e-mail" in method and "kode QR" in method


@pytest.mark.parametrize("heading", SECTIONS_WITH_LINKS)
def test_a_service_report_lists_its_own_link_alone(drafts: Drafts, heading: str) -> None:
    listed = [p.text for p in under(drafts.linked_cpob.docx, heading) if "https://" in p.text]

    assert listed == [
        "a. https://t.me/SurveiUjiBot?start=cpob untuk layanan Sertifikasi/Resertifikasi CPOB."
    ]


def test_without_links_the_draft_names_the_services_and_shows_no_address(drafts: Drafts) -> None:
    document = docx.Document(str(drafts.unlinked.docx))
    text = "\n".join(p.text for p in document.paragraphs)
    method = [p.text for p in under(drafts.unlinked.docx, "B. Metode Pencacahan")]

    assert "https://" not in text and "t.me" not in text and "bit.ly" not in text
    assert all(not p.hyperlinks for p in document.paragraphs)
    assert all(name in method for name in SERVICES.values())
    assert (
        "Responden mengisi survei melalui bot Telegram dengan tautan tersendiri untuk setiap "
        "layanan, dalam Bahasa Indonesia atau Bahasa Inggris." in method
    )


def test_links_missing_a_service_are_refused_before_any_file(
    drafts: Drafts, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    partial = {code: url for code, url in LINKS.items() if code != "suket_cpob"}

    with pytest.raises(ValueError, match="suket_cpob"):
        build_report(
            ReportRequest(drafts.db, "2025-01", questionnaire, SERVICES, 3, links=partial), out
        )
    assert not out.exists()


# -- page numbers ------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def page_fields(footer: Any) -> list[Any]:
    """The footer's paragraphs that show the page number (a PAGE field)."""
    return [
        paragraph
        for paragraph in footer.paragraphs
        if any(
            (field.get(f"{W}instr") or "").split()[:1] == ["PAGE"]
            for field in paragraph._p.iter(f"{W}fldSimple")
        )
        or any(
            (instruction.text or "").split()[:1] == ["PAGE"]
            for instruction in paragraph._p.iter(f"{W}instrText")
        )
    ]


def numbering(section: Any) -> tuple[str | None, str | None]:
    """How a section numbers its pages: (format, first number), (None, None) when it continues."""
    found = section._sectPr.find(f"{W}pgNumType")
    if found is None:
        return None, None
    return found.get(f"{W}fmt"), found.get(f"{W}start")


def paragraphs(section: Any) -> list[Paragraph]:
    """The section's paragraphs, its tables left out."""
    return [block for block in section.iter_inner_content() if isinstance(block, Paragraph)]


def starts_page(paragraph: Any) -> bool:
    """Whether ``paragraph`` begins a new page: its own or its style's "page break before"."""
    found = paragraph.paragraph_format.page_break_before
    style = paragraph.style
    while found is None and style is not None:
        found, style = style.paragraph_format.page_break_before, style.base_style
    return bool(found)


def headings(section: Any) -> list[str]:
    """The section's chapter headings (level 1)."""
    return [as_listed(p) for p in paragraphs(section) if level(p) == 1]


def test_pages_are_numbered_as_the_references_contents_count_them(drafts: Drafts) -> None:
    # The reference: no number on the cover, KATA PENGANTAR i and DAFTAR ISI ii, BAB I on page 1.
    cover, front, body = docx.Document(str(drafts.linked.docx)).sections

    assert "LAPORAN ANALISIS SPKP DAN SPAK" in [p.text for p in paragraphs(cover)]
    assert cover.footer.is_linked_to_previous  # no footer of its own: a blank one
    assert headings(front) == ["KATA PENGANTAR", "DAFTAR ISI"]
    blocks = paragraphs(front)
    contents = next(p for p in blocks if p.text == "DAFTAR ISI")
    assert starts_page(contents)  # DAFTAR ISI on page ii
    assert numbering(front) == ("lowerRoman", "1")
    assert headings(body)[0] == "BAB I PENDAHULUAN"
    assert headings(body)[-1] == "Lampiran 1. Data Responden"
    assert numbering(body) == ("decimal", "1")
    for section in (front, body):
        [number] = page_fields(section.footer)
        assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER


# -- table of contents -------------------------------------------------------------------------


def contents_levels(path: Path) -> range:
    """The heading levels the draft's TOC field lists (its ``\\o "1-2"`` switch)."""
    with zipfile.ZipFile(path) as archive:
        body = ElementTree.fromstring(archive.read("word/document.xml"))
    instructions = [field.get(f"{W}instr", "") for field in body.iter(f"{W}fldSimple")]
    instructions += [code.text or "" for code in body.iter(f"{W}instrText")]
    [toc] = [i for i in instructions if i.split()[:1] == ["TOC"]]
    found = re.search(r'\\o "(\d)-(\d)"', toc)
    assert found, toc
    return range(int(found[1]), int(found[2]) + 1)


def test_contents_lists_chapters_and_their_lettered_parts_as_the_reference_does(
    drafts: Drafts,
) -> None:
    # The reference's Daftar Isi: BAB I–V with their A./B./C. parts and Lampiran 1, no deeper.
    levels = contents_levels(drafts.linked.docx)
    document = docx.Document(str(drafts.linked.docx))
    shown = [as_listed(p) for p in document.paragraphs if level(p) in levels]
    hidden = [p.text for p in document.paragraphs if (n := level(p)) and n not in levels]

    assert shown[:8] == [
        "KATA PENGANTAR",
        "DAFTAR ISI",
        "BAB I PENDAHULUAN",
        "BAB II METODOLOGI SURVEI",
        "A. Kriteria Responden",
        "B. Metode Pencacahan",
        "C. Metode Pengolahan Data dan Analisis",
        "BAB III PENGOLAHAN SURVEI",
    ]
    assert "A. Analisis Hasil Survei" in shown and "B. Data Dukung Pelaksanaan" in shown
    assert shown[-1] == "Lampiran 1. Data Responden"
    assert "Kelompok Jenis Kelamin" in hidden and "a. Indeks Persepsi Pelayanan Publik" in hidden
    assert all(re.match(r"(BAB [IVX]+|[A-Z]\.) |KATA|DAFTAR|Lampiran", h) for h in shown)


def test_word_fills_the_contents_when_the_draft_is_opened(drafts: Drafts) -> None:
    # Without it staff see the hint, not the contents, until they update the field themselves.
    with zipfile.ZipFile(drafts.linked.docx) as archive:
        settings = ElementTree.fromstring(archive.read("word/settings.xml"))

    [update] = settings.findall(f"{W}updateFields")
    assert update.get(f"{W}val") in ("true", "1", "on")
    tags = [child.tag for child in settings]
    assert tags.index(f"{W}updateFields") < tags.index(f"{W}compat")  # where the schema puts it


# -- the unit's own texts, the legal basis, and placeholders where they are missing -------------

LETTER = (
    "surat dari Inspektur Utama No. B-PI.06.06.7.72.03.23.130 tanggal 7 Maret 2023 perihal "
    "Pelaksanaan Survei Persepsi Kualitas Pelayanan (SPKP) dan Persepsi Anti Korupsi (SPAK)"
)
SPAK_FOLLOW_UP = (
    "Tidak perlu tindak lanjut namun {unit} akan senantiasa melakukan perbaikan sistem sehingga "
    "mampu memberikan pelayanan yang transparan untuk mencegah kegiatan pungli, percaloan, dan "
    "permintaan gratifikasi, dan pelanggaran integritas lain."
)


def highlighted(paragraphs: list[Any]) -> list[str]:
    """The yellow-highlighted runs of ``paragraphs``: what staff must still write."""
    return [
        run.text
        for paragraph in paragraphs
        for run in paragraph.runs
        if run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]


def after(paragraphs: list[Any], text: str) -> Any:
    """The paragraph that follows the one reading ``text``."""
    texts = [p.text for p in paragraphs]
    return paragraphs[texts.index(text) + 1]


def test_the_criteria_cite_the_legal_basis_and_read_as_the_references(drafts: Drafts) -> None:
    criteria = [p.text for p in under(drafts.written.docx, "A. Kriteria Responden") if p.text]

    assert criteria == [
        f"Kriteria responden yang diberikan survei mengacu pada {LETTER}. Responden merupakan "
        "penerima layanan yang telah menerima layanan sepenuhnya (100%) dengan ketentuan:",
        "a. Jika dalam 1 bulan jumlah penerima layanan kurang dari 30 pelanggan, maka seluruh "
        "penerima layanan tersebut merupakan responden survei.",
        "b. Jika dalam 1 bulan jumlah penerima layanan lebih dari 30 pelanggan, maka 30 penerima "
        "layanan pertama yang mengisi survei menjadi responden survei.",
    ]


def test_without_a_legal_basis_the_criteria_show_where_it_belongs(drafts: Drafts) -> None:
    criteria = under(drafts.unlinked.docx, "A. Kriteria Responden")

    [missing] = highlighted(criteria)
    assert missing.startswith("[dasar hukum kriteria responden") and "legal_basis" in missing
    assert criteria[0].text.startswith(
        f"Kriteria responden yang diberikan survei mengacu pada {missing}. "
    )


@pytest.mark.parametrize("draft", ["linked", "unlinked"])
def test_the_method_lists_each_service_once(drafts: Drafts, draft: str) -> None:
    files: ReportFiles = getattr(drafts, draft)
    method = [p.text for p in under(files.docx, "B. Metode Pencacahan")]

    for name in SERVICES.values():
        assert len([line for line in method if name in line]) == 1, name


def test_the_unit_texts_give_the_foreword_and_its_signature(drafts: Drafts) -> None:
    foreword = under(drafts.written.docx, "KATA PENGANTAR")
    texts = [p.text for p in foreword]

    assert texts[0] == (
        "Puji syukur kita panjatkan ke hadirat Tuhan Yang Maha Kuasa, karena atas rahmat dan "
        "karunia-Nya, Laporan Analisis Survei Persepsi Kualitas Pelayanan (SPKP) dan Survei "
        "Persepsi Anti Korupsi (SPAK) periode Januari 2025 ini dapat diselesaikan."
    )
    assert texts[2].startswith(
        "Laporan ini disusun sebagai bentuk transparansi kepada masyarakat mengenai komitmen "
        f"{UNIT} dalam"
    )
    assert "selama periode Januari 2025. Penyusunan laporan ini mengacu pada amanah" in texts[2]
    signature = texts[texts.index("Jakarta, [tanggal]") :]
    assert [line for line in signature if line] == [
        "Jakarta, [tanggal]",
        "Direktur Pengawasan Produksi Obat,",
        "Narkotika, Psikotropika, dan Prekursor,",
        "Bayu Wibisono, S.Si., Apt., M.A.B",
    ]
    assert highlighted(foreword) == ["[tanggal]"]  # the date of signing is left to fill in


def test_the_unit_texts_give_chapter_one(drafts: Drafts) -> None:
    chapter = under(drafts.written.docx, "BAB I PENDAHULUAN")
    texts = [p.text for p in chapter]

    assert len(texts) == 4 and highlighted(chapter) == []
    assert texts[0].startswith(
        f"{UNIT} merupakan salah satu unit kerja di Badan Pengawas Obat dan Makanan"
    )
    assert texts[1].endswith(
        "SPAK merupakan instrumen pengukuran tingkat korupsi dalam rangka pemenuhan komponen "
        "hasil Penilaian Mandiri Pembangunan Zona Integritas menuju Wilayah Bebas dari Korupsi/ "
        "Wilayah Birokrasi Bersih dan Melayani (WBK/WBBM)."
    )
    assert texts[3].endswith("meningkatkan kepercayaan masyarakat terhadap Badan POM.")


def test_the_unit_texts_list_the_efforts_after_the_spak_results(drafts: Drafts) -> None:
    section = under(drafts.written.docx, "b. Indeks Persepsi Anti Korupsi")
    texts = [p.text for p in section]
    start = texts.index(
        f"Hal ini menunjukkan bahwa upaya yang dilakukan {UNIT} telah mendukung "
        "pencegahan/pengendalian gratifikasi. Upaya tersebut, yaitu:"
    )
    efforts = section[start + 1 :]
    bullets = [p.text for p in efforts if style(p) == "List Bullet"]
    italic = {run.text for p in efforts for run in p.runs if run.italic}

    assert [p.text[:2] for p in efforts if re.match(r"[a-d]\) ", p.text)] == [
        "a)",
        "b)",
        "c)",
        "d)",
    ]
    assert efforts[0].text == "a) Peningkatan elektronisasi pada pelayanan publik misalnya:"
    assert len(bullets) == 10
    assert bullets[0].startswith(
        "E-sertifikasi, Sistem yang digunakan pelaku usaha untuk melakukan pengajuan Sertifikasi "
        "CPOB untuk Fasilitas Obat Jadi"
    )
    assert "Telepon dan Whatsapp No. 085776313634" in bullets
    assert {"Livechat", "Link", "Whistle Blowing System (WBS)"} <= italic
    assert texts[-1].startswith("Dengan peningkatan pemanfaatan sistem informasi")


@pytest.mark.parametrize(("draft", "unit"), [("written", UNIT), ("unlinked", "[nama unit kerja]")])
def test_spak_in_its_top_band_needs_no_follow_up_as_in_the_reference(
    drafts: Drafts, draft: str, unit: str
) -> None:
    follow_up = under(getattr(drafts, draft).docx, "B. Tindak Lanjut Hasil Survei")

    assert after(follow_up, "2) Hasil Survei SPAK").text == SPAK_FOLLOW_UP.format(unit=unit)
    [spkp] = highlighted([after(follow_up, "1) Hasil SPKP")])  # month by month: staff write it
    assert spkp.startswith("[Diisi oleh unit kerja: tindak lanjut atas hasil SPKP")


def test_without_unit_texts_each_of_them_is_a_yellow_placeholder(drafts: Drafts) -> None:
    path = drafts.unlinked.docx
    efforts = under(path, "b. Indeks Persepsi Anti Korupsi")

    assert highlighted(under(path, "KATA PENGANTAR")) == [
        "[Kata Pengantar – diisi oleh unit kerja: pengantar Laporan Analisis SPKP dan SPAK "
        "periode Januari 2025.]",
        "[Diisi oleh unit kerja: tempat dan tanggal, jabatan, dan nama pimpinan unit kerja.]",
    ]
    assert highlighted(under(path, "BAB I PENDAHULUAN")) == [
        "[Diisi oleh unit kerja: tugas dan fungsi unit kerja serta layanan publik utamanya.]"
    ]
    intro = (
        "Hal ini menunjukkan bahwa upaya yang dilakukan [nama unit kerja] telah mendukung "
        "pencegahan/pengendalian gratifikasi. Upaya tersebut, yaitu:"
    )
    [missing] = highlighted([after(efforts, intro)])
    assert missing.startswith("[Diisi oleh unit kerja: upaya pencegahan korupsi")
    # with the texts as shipped, only the date of signing and the month's SPKP follow-up remain
    written = highlighted(docx.Document(str(drafts.written.docx)).paragraphs)
    assert len(written) == 2 and written[0] == "[tanggal]"


def test_spak_below_its_top_band_leaves_the_follow_up_to_the_unit(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    survey = SurveyDb(tmp_path / "survey.db")
    survey.add("2025-01", "2025-01-02T01:00:00+00:00", default_score=2)  # IPAK 2,00
    files = build_report(
        ReportRequest(
            survey.path,
            "2025-01",
            questionnaire,
            SERVICES,
            30,
            unit_name=UNIT,
            unit_texts=unit_texts.load(EXAMPLE_TEXTS),
        ),
        tmp_path / "out",
    )
    follow_up = under(files.docx, "B. Tindak Lanjut Hasil Survei")
    efforts = [p.text for p in under(files.docx, "b. Indeks Persepsi Anti Korupsi")]

    [spak] = highlighted([after(follow_up, "2) Hasil Survei SPAK")])
    assert spak.startswith("[Diisi oleh unit kerja: tindak lanjut atas hasil SPAK")
    assert "Tidak perlu tindak lanjut" not in "\n".join(p.text for p in follow_up)
    # the efforts are listed, without claiming they have worked
    assert (
        f"Upaya yang telah dilakukan {UNIT} untuk mendukung pencegahan/pengendalian gratifikasi, "
        "yaitu:"
    ) in efforts
    assert not any(line.startswith("Hal ini menunjukkan") for line in efforts)
