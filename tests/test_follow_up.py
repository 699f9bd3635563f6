"""The follow-up tracker through the real Application: /tindaklanjut lists a month's lowest items
and red flags and records actions, /selesai marks them done with a note or a file, and the next
month's report carries them into the draft's Tindak Lanjut part and the workbook."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analysis.report import ReportRequest, build_report
from bot import integrity
from bot.cli.main import main
from bot.runtime import runtime
from bot.sandbox import Fault, Respondent, SandboxRequest
from tests.support.admin import (
    admin_fixture,  # noqa: F401  (a fixture)
    replies,
    staffed_fixture,  # noqa: F401  (a fixture)
)
from tests.support.analysis_fixtures import SERVICES
from tests.support.app import App, Clock
from tests.support.documents import docx_text, xlsx_rows
from tests.support.staff import STAFF, add_january, add_submission

NAME, INSTITUTION = "Ratna Kusumawati", "PT Farmasi Sentosa Abadi"
PDF = b"%PDF-1.4 notulen rapat tindak lanjut\n" * 40


def flagged_january(app: App) -> None:
    """January's three everyday submissions, and a fourth that is a red flag (submission 4)."""
    config = runtime(app).config
    add_january(config)
    add_submission(
        config,
        "2025-01",
        datetime(2025, 1, 12, 4, 0, tzinfo=UTC),
        scores={"P3": 1, "U6": 2},
        name=NAME,
        institution=INSTITUTION,
        suggestion="Ada calo di loket",
    )


def rows(app: App, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(runtime(app).config.storage.path) as db:
        return db.execute(sql).fetchall()


def point_at(config_file: Path, database: Path) -> None:
    """Points ``config_file`` at the bot's database, as the operator's command line reads it."""
    path = json.dumps(str(database))
    text = re.sub(r"(?m)^path = .*$", f"path = {path}", config_file.read_text("utf-8"), count=1)
    config_file.write_text(text, "utf-8")


async def record(admin: Respondent, app: App, text: str) -> str:
    await admin.say(app, f"/tindaklanjut {text}")
    return replies(admin.sandbox)[-1]


async def test_the_list_shows_lowest_items_and_red_flags_without_names(
    staffed: App, sandbox: SandboxRequest, admin: Respondent
) -> None:
    flagged_january(staffed)
    assert await integrity.tell(staffed) == 1
    alert = [m["text"] for m in sandbox.sent_to(STAFF)][-1]
    assert "/tindaklanjut 2025-01 R4 | …" in alert  # the alert says how to follow it up

    await admin.command(staffed, "tindaklanjut", "2025-01")
    shown = "\n".join(replies(sandbox))
    assert "Tindak lanjut Januari 2025" in shown
    assert "• U6 Kesesuaian informasi dengan ketetapan layanan: 3,50" in shown  # IPP's lowest first
    assert "🚩 R4 Sertifikasi/Resertifikasi CPOB: P3 1, kata “calo”" in shown
    assert "Belum ada tindakan yang dicatat." in shown
    assert "/tindaklanjut 2025-01 R4 | apa yang dilakukan | penanggung jawab |" in shown
    assert NAME not in shown and INSTITUTION not in shown


async def test_an_action_is_recorded_moved_on_and_done_with_its_file_kept(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, clock: Clock
) -> None:
    flagged_january(staffed)
    text = "2025-01 u6 | Menambah jaminan pelayanan berjenjang | Ketua Tim Teknis | 2025-03"
    assert (await record(admin, staffed, text)).startswith("✅ Tercatat sebagai T1: U6 Januari")
    await admin.say(staffed, "/tindaklanjut T1 berjalan")
    assert replies(sandbox)[-1] == "✅ T1 kini berstatus berjalan."

    clock.advance(days=40)
    caption = "/selesai T1\nNotulen rapat 12 Februari"  # a note on its own line
    update = sandbox.document_update(admin.user, "notulen.pdf", content=PDF, caption=caption)
    await admin.send(staffed, update)
    assert replies(sandbox)[-1] == "✅ T1 selesai (24 Februari 2025)."
    [(status, note, name, sha, content)] = rows(
        staffed,
        "SELECT status, evidence_note, evidence_name, evidence_sha256, evidence FROM actions",
    )
    assert (status, note, name) == ("done", "Notulen rapat 12 Februari", "notulen.pdf")
    assert content == PDF and sha == hashlib.sha256(PDF).hexdigest()

    await admin.command(staffed, "tindaklanjut", "T1")
    details = replies(sandbox)[-2]
    assert "Penanggung jawab: Ketua Tim Teknis" in details and "Target: 31 Maret 2025" in details
    assert "Status: selesai 24 Februari 2025" in details and sha in details
    [sent] = sandbox.calls_to("sendDocument")
    assert sent.files["document"].content == PDF  # the evidence, sent back whole

    events = [json.loads(str(d)) for (d,) in rows(staffed, "SELECT detail FROM events")]
    recorded = [e for e in events if "action" in e]
    assert [e["status"] for e in recorded] == ["planned", "in_progress", "done"]
    assert recorded[-1]["evidence_sha256"] == sha and "Notulen" not in json.dumps(events)


async def test_a_file_replied_to_is_the_evidence_and_a_done_action_stays_done(
    staffed: App, sandbox: SandboxRequest, admin: Respondent
) -> None:
    flagged_january(staffed)
    await integrity.tell(staffed)
    await record(
        admin, staffed, "2025-01 R4 | Klarifikasi petugas loket | Inspektorat | 2025-02-28"
    )
    document = sandbox.document_update(admin.user, "ba-klarifikasi.pdf", content=PDF)
    await admin.send(staffed, document)
    reply = sandbox.message_update(admin.user, "/selesai T1", reply_to=document["message"])
    await admin.send(staffed, reply)
    assert replies(sandbox)[-1].startswith("✅ T1 selesai")
    assert rows(staffed, "SELECT evidence_name FROM actions") == [("ba-klarifikasi.pdf",)]

    await admin.say(staffed, "/selesai T1")
    assert replies(sandbox)[-1].startswith("T1 sudah selesai pada 15 Januari 2025.")
    await admin.say(staffed, "/tindaklanjut T1 berjalan")
    assert "sudah selesai; statusnya tidak diubah lagi" in replies(sandbox)[-1]
    assert rows(staffed, "SELECT status FROM actions") == [("done",)]


async def test_a_photo_of_the_minutes_is_evidence_too(
    staffed: App, sandbox: SandboxRequest, admin: Respondent
) -> None:
    await record(admin, staffed, "2025-01 U6 | Menambah loket | Tim | 2025-03")
    photo = b"\xff\xd8\xff\xe0 foto notulen" * 50
    await admin.send(staffed, sandbox.photo_update(admin.user, "/selesai t1", content=photo))
    assert replies(sandbox)[-1].startswith("✅ T1 selesai")
    assert rows(staffed, "SELECT evidence_name, evidence_type, evidence FROM actions") == [
        ("bukti-T1.jpg", "image/jpeg", photo)
    ]


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("2025-01 U6 | Menambah loket", "Bagian tindakan kurang"),
        ("2025-01 U99 | Menambah loket | Tim | 2025-03", "“U99” bukan unsur kuesioner"),
        ("2025-01 R99 | Klarifikasi | Tim | 2025-03", "“R99” bukan unsur kuesioner"),
        ("2025-01 U6 | Menambah loket | Tim | besok", "Target “besok” tidak dikenali"),
        ("2025-01 U6 | Menambah loket | Tim | 31-02-2025", "Target “31-02-2025” tidak dikenali"),
        ("2025-01 U6 | Menambah loket | Tim | 2024-12-31", "jatuh sebelum Januari 2025"),
        ("2025-01 U6 | Menambah loket | Tim | 2025-03 | hampir", "Status “hampir” tidak dikenal"),
        ("2025-01 U6 | " + "x" * 1001 + " | Tim | 2025-03", "terlalu panjang (1001 karakter"),
        ("2025-13 U6 | Menambah loket | Tim | 2025-03", "“2025-13” bukan keduanya"),
        ("2025-06 U6 | Menambah loket | Tim | 2025-09", "Juni 2025 belum dimulai"),
        ("T7", "Tidak ada tindakan “T7”"),
        ("U6 | Menambah loket | Tim | 2025-03", "“U6” bukan keduanya"),
    ],
)
async def test_bad_input_is_answered_clearly_and_records_nothing(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, typed: str, answer: str
) -> None:
    flagged_january(staffed)
    await integrity.tell(staffed)
    assert answer in await record(admin, staffed, typed)
    assert rows(staffed, "SELECT COUNT(*) FROM actions") == [(0,)]
    assert rows(staffed, "SELECT COUNT(*) FROM events WHERE kind = 'action_recorded'") == [(0,)]


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("/selesai", "Tulis nomor tindakan"),
        ("/selesai T9", "Tidak ada tindakan “T9”"),
        ("/selesai T1 " + "y" * 1001, "terlalu panjang (1001 karakter"),
    ],
)
async def test_selesai_without_a_known_action_changes_nothing(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, typed: str, answer: str
) -> None:
    await record(admin, staffed, "2025-01 U6 | Menambah loket | Tim | 2025-03")
    await admin.say(staffed, typed)
    assert answer in replies(sandbox)[-1]
    assert rows(staffed, "SELECT status, done_at FROM actions") == [("planned", None)]


async def test_an_evidence_file_that_cannot_be_fetched_changes_nothing(
    staffed: App, sandbox: SandboxRequest, admin: Respondent
) -> None:
    await record(admin, staffed, "2025-01 U6 | Menambah loket | Tim | 2025-03")
    sandbox.inject("getFile", Fault.server_error(), times=1)
    await admin.send(
        staffed, sandbox.document_update(admin.user, content=PDF, caption="/selesai T1")
    )
    assert "tidak dapat diambil dari Telegram" in replies(sandbox)[-1]
    big = sandbox.document_update(admin.user, caption="/selesai T1", file_size=25 * 1024 * 1024)
    await admin.send(staffed, big)
    assert "terlalu besar untuk diambil bot (25,0 MB" in replies(sandbox)[-1]
    assert rows(staffed, "SELECT status, evidence FROM actions") == [("planned", None)]


async def test_only_admins_may_finish_an_action_with_a_file(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, respondent: Respondent
) -> None:
    await record(admin, staffed, "2025-01 U6 | Menambah loket | Tim | 2025-03")
    update = sandbox.document_update(respondent.user, content=PDF, caption="/selesai T1")
    await respondent.send(staffed, update)
    assert respondent.last_text == "Maaf, perintah ini hanya untuk admin survei."
    assert sandbox.calls_to("getFile") == []
    assert rows(staffed, "SELECT status FROM actions") == [("planned",)]


async def test_actions_are_carried_into_next_months_draft_and_workbook(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, clock: Clock, tmp_path: Path
) -> None:
    flagged_january(staffed)
    await integrity.tell(staffed)
    await record(
        admin, staffed, "2025-01 U6 | Menambah <b>jaminan</b> layanan | Ketua Tim | 2025-03"
    )
    await record(admin, staffed, '2025-01 R4 | =HYPERLINK("x") klarifikasi | Inspektorat | 2025-02')
    await admin.say(staffed, "/selesai T2 Berita acara klarifikasi")
    config = runtime(staffed).config
    add_submission(config, "2025-02", datetime(2025, 2, 3, 2, 0, tzinfo=UTC))
    questionnaire = runtime(staffed).questionnaire

    def report(period: str) -> tuple[str, list[tuple[object, ...]]]:
        request = ReportRequest(config.storage.path, period, questionnaire, SERVICES, 30)
        files = build_report(request, tmp_path / period)
        return docx_text(files.docx), xlsx_rows(files.xlsx, "Tindak lanjut")

    draft, sheet = report("2025-02")
    part = draft.split("B. Tindak Lanjut Hasil Survei")[1].split("BAB IV")[0]
    spkp, spak = part.split("2) Hasil Survei SPAK")
    assert "Tindak lanjut yang telah ditetapkan dan dicatat:" in spkp
    assert (
        "Unsur U6 (Kesesuaian informasi dengan ketetapan layanan), hasil Januari 2025: "
        "Menambah <b>jaminan</b> layanan. "
        "Penanggung jawab: Ketua Tim; target penyelesaian 31 Maret 2025; status: direncanakan."
    ) in spkp
    assert "Diisi oleh unit kerja: tindak lanjut atas hasil SPKP" not in spkp  # no placeholder
    assert "Tanda bahaya integritas R4 pada layanan Sertifikasi/Resertifikasi CPOB" in spak
    assert "status: selesai pada 15 Januari 2025; bukti: Berita acara klarifikasi." in spak
    assert NAME not in part and INSTITUTION not in part
    numbered = [row for row in sheet if row[0] in ("T1", "T2")]
    assert [(row[0], row[3], row[7]) for row in numbered] == [
        ("T1", "IPP", "direncanakan"),
        ("T2", "IPAK", "selesai"),
    ]
    assert numbered[1][4] == '=HYPERLINK("x") klarifikasi'  # text, never a formula

    # March: the open action is carried on, the one done in January is not
    add_submission(config, "2025-03", datetime(2025, 3, 3, 2, 0, tzinfo=UTC))
    draft, sheet = report("2025-03")
    assert "Unsur U6 (Kesesuaian informasi dengan ketetapan layanan), hasil Januari 2025" in draft
    assert "Tanda bahaya integritas R4" not in draft
    assert [row[0] for row in sheet if row[0] in ("T1", "T2")] == ["T1"]


async def test_the_backup_holds_the_actions_and_their_evidence(
    staffed: App, sandbox: SandboxRequest, admin: Respondent, config_file: Path, tmp_path: Path
) -> None:
    await record(admin, staffed, "2025-01 U6 | Menambah loket | Tim | 2025-03")
    await admin.send(
        staffed, sandbox.document_update(admin.user, content=PDF, caption="/selesai T1")
    )
    point_at(config_file, runtime(staffed).config.storage.path)
    copy = tmp_path / "cadangan.db"
    assert await asyncio.to_thread(main, ["backup", str(copy), "-c", str(config_file)]) == 0
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT what, evidence FROM actions").fetchall() == [
            ("Menambah loket", PDF)
        ]


async def test_a_month_without_actions_keeps_the_placeholder_and_says_so_in_the_workbook(
    staffed: App, tmp_path: Path
) -> None:
    add_january(runtime(staffed).config)
    rt = runtime(staffed)
    request = ReportRequest(rt.config.storage.path, "2025-01", rt.questionnaire, SERVICES, 30)
    files = build_report(request, tmp_path)
    sheet = xlsx_rows(files.xlsx, "Tindak lanjut")
    assert ("Belum ada tindak lanjut yang dicatat.",) in [row[:1] for row in sheet]
    assert "Diisi oleh unit kerja: tindak lanjut atas hasil SPKP" in docx_text(files.docx)
