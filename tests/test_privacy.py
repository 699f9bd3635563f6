"""/privacy, /hapus_data and /language, driven through the real Application."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot import reminders
from bot.sandbox import Respondent, SandboxRequest
from bot.sections import Config
from tests.support.app import App, Clock, running
from tests.support.survey import ITEMS, begin, fill, rows

NAME, INSTITUTION = "Ratna Kusumawati", "PT Farmasi Sentosa Abadi"
OTHER_NAME, OTHER_INSTITUTION = "Budi Santoso", "Apotek Sehat Sejahtera"


async def submitted_then_asked_to_erase(r: Respondent, app: App) -> dict[str, Any]:
    """One submission, then /hapus_data: returns the confirmation with its yes/no buttons."""
    await fill(r, app, NAME, INSTITUTION, 4)
    await r.command(app, "hapus_data")
    confirm = r.keyboard_message()
    assert confirm is not None
    return confirm


def every_row(path: Path) -> list[tuple[str, tuple[Any, ...]]]:
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [(t, row) for t in tables for row in db.execute(f'SELECT * FROM "{t}"')]


def holds(row: tuple[Any, ...], secret: str | int) -> bool:
    return any(v == secret or (isinstance(secret, str) and secret in str(v)) for v in row)


def item_means(config: Config) -> dict[str, float]:
    return dict(rows(config, "SELECT item, AVG(score) FROM scores GROUP BY item"))


# -- /privacy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("personal", "expected"),
    [
        (False, "Nama dan instansi Anda tidak dimuat"),
        (True, "satu baris per responden: nama, instansi, layanan"),
    ],
)
async def test_privacy_says_what_why_how_long_and_who(
    config: Config,
    sandbox: SandboxRequest,
    clock: Clock,
    respondent: Respondent,
    personal: bool,
    expected: str,
) -> None:
    unit = replace(config, reports=replace(config.reports, include_personal=personal))
    async with running(unit, sandbox, clock) as app:
        await respondent.command(app, "privacy")
    text = respondent.last_text or ""
    for part in (
        "UU No. 27 Tahun 2022",
        "Identitas: nama dan instansi/perusahaan",
        "usia, jenis kelamin, pendidikan, dan pekerjaan",
        "satu baris per responden",
        "membaca setiap saran",
        "ID pengguna dan ID chat Telegram",
        "SPKP",
        "Zona Integritas",
        "Selama diperlukan",
        "/hapus_data",
        expected,
    ):
        assert part in text


async def test_privacy_in_english_on_request_or_by_the_draft(
    app: App, respondent: Respondent
) -> None:
    await respondent.command(app, "privacy", "en")
    assert "Personal Data Protection Law" in (respondent.last_text or "")
    await respondent.command(app, "start", "cpob")
    await respondent.tap(app, "English")
    await respondent.command(app, "privacy")
    assert "Who sees it" in (respondent.last_text or "")


# -- /hapus_data ---------------------------------------------------------------------------------


async def test_erasure_keeps_the_indices_and_leaves_no_name(
    app: App, sandbox: SandboxRequest, config: Config, clock: Clock
) -> None:
    ratna, budi = Respondent(sandbox, 5001, "Ratna"), Respondent(sandbox, 5002, "Budi")
    await fill(ratna, app, NAME, INSTITUTION, 4)
    await fill(budi, app, OTHER_NAME, OTHER_INSTITUTION, 2)
    await fill(ratna, app, NAME, INSTITUTION, 3, service="suket_cpob", submit=False)
    await ratna.command(app, "start")  # the service list: its tap is recorded with her chat id
    await ratna.tap(app, "Surat Keterangan Penerapan CPOB")
    before = item_means(config)
    assert before == {item: 3.0 for item in ITEMS}

    await ratna.command(app, "hapus_data")
    asked = ratna.last_text or ""
    assert "Hapus nama, instansi, dan ID Telegram Anda" in asked
    assert "1 survei terkirim dan 1 survei yang belum selesai" in asked
    assert "Data demografi, nilai jawaban, dan saran tetap tersimpan" in asked
    assert ratna.labels() == ["Ya, hapus data saya", "Tidak"]
    await ratna.tap(app, "Ya, hapus data saya")
    done = ratna.last_text or ""
    assert "dihapus dari 1 survei terkirim dan 1 survei lainnya" in done
    assert "1 survei yang sedang diisi dibatalkan" in done

    assert item_means(config) == before
    path = config.storage.path
    stored = every_row(path)
    for secret in (NAME, INSTITUTION, ratna.chat_id):
        assert not [(table, row) for table, row in stored if holds(row, secret)]
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():  # gone from the file itself, not only from the rows
            content = file.read_bytes()
            assert NAME.encode() not in content and INSTITUTION.encode() not in content
    assert any(OTHER_NAME in str(row) for _, row in stored)  # the others keep theirs
    assert rows(config, "SELECT submissions, drafts, cancelled FROM erasures") == [(1, 1, 1)]
    assert rows(config, "SELECT COUNT(*) FROM submissions WHERE user_id IS NULL") == [(1,)]
    # What the texts say stays, stays: demographics and the suggestion, without a name.
    [(identity, suggestion)] = rows(
        config, "SELECT identity, suggestion FROM submissions WHERE user_id IS NULL"
    )
    assert json.loads(identity) == {
        "age": "41",
        "gender": "P",
        "education": "s1",
        "occupation": "pns",
    }
    assert suggestion == "Pelayanan cepat"

    await ratna.say(app, "halo")  # a stranger now: no survey in progress
    assert "belum memulai survei" in (ratna.last_text or "")
    clock.advance(hours=25)
    assert (await reminders.send_due(app)).sent == 0


async def test_erasure_declined_or_with_nothing_stored(
    app: App, sandbox: SandboxRequest, config: Config, respondent: Respondent
) -> None:
    await respondent.command(app, "hapus_data")
    assert "Tidak ada data" in (respondent.last_text or "")
    confirm = await submitted_then_asked_to_erase(respondent, app)
    await respondent.tap(app, "Tidak")
    assert "tidak dihapus" in (respondent.last_text or "")
    assert sandbox.buttons(respondent.chat_id, confirm["message_id"]) == []
    assert rows(config, "SELECT COUNT(*) FROM submissions WHERE user_id = 5001") == [(1,)]
    assert rows(config, "SELECT COUNT(*) FROM erasures") == [(0,)]


async def test_second_tap_on_confirm_erases_nothing_more(
    app: App, sandbox: SandboxRequest, config: Config, respondent: Respondent
) -> None:
    confirm = await submitted_then_asked_to_erase(respondent, app)
    [[(_, yes), _]] = sandbox.buttons(respondent.chat_id, confirm["message_id"])
    assert yes is not None
    await respondent.tap(app, "Ya, hapus data saya")
    data = sandbox.buttons(respondent.chat_id, confirm["message_id"])
    assert data == []  # the buttons are gone; a replayed tap is harmless anyway
    await respondent.send(app, sandbox.callback_update(respondent.user, confirm, yes))
    assert "Tidak ada data" in (respondent.last_text or "")
    assert rows(config, "SELECT COUNT(*) FROM erasures") == [(1,)]


@pytest.mark.parametrize("data", ["del:", "del:yes", "del:1:x", "del:1:5:5", "del:1:" + "9" * 13])
async def test_forged_erase_button_erases_nothing(
    app: App, sandbox: SandboxRequest, config: Config, respondent: Respondent, data: str
) -> None:
    confirm = await submitted_then_asked_to_erase(respondent, app)
    await respondent.send(app, sandbox.callback_update(respondent.user, confirm, data))
    assert "tidak berlaku" in sandbox.calls_to("answerCallbackQuery")[-1].params["text"]
    assert rows(config, "SELECT COUNT(*) FROM submissions WHERE user_id = 5001") == [(1,)]


async def test_a_confirmation_too_old_for_telegram_to_send_is_refused_cleanly(
    app: App, sandbox: SandboxRequest, config: Config, respondent: Respondent, clock: Clock
) -> None:
    confirm = await submitted_then_asked_to_erase(respondent, app)
    [[(_, yes), (_, no)]] = sandbox.buttons(respondent.chat_id, confirm["message_id"])
    assert yes is not None and no is not None
    clock.advance(days=3)
    for data in (yes, no):
        update = sandbox.callback_update(respondent.user, confirm, data, too_old=True)
        await respondent.send(app, update)
    expired = sandbox.calls_to("answerCallbackQuery")[-2]
    assert "Ketik /hapus_data lagi" in expired.params["text"]
    shown = sandbox.message(respondent.chat_id, confirm["message_id"]) or {}
    assert shown["text"] == "Baik, data Anda tidak dihapus."  # the "no", edited in
    assert sandbox.buttons(respondent.chat_id, confirm["message_id"]) == []
    assert rows(config, "SELECT COUNT(*) FROM submissions WHERE user_id = 5001") == [(1,)]
    assert app.bot_data.get("errors", []) == []


async def test_an_old_confirmation_erases_nothing_and_asks_again(
    app: App, sandbox: SandboxRequest, config: Config, respondent: Respondent, clock: Clock
) -> None:
    """Erasing cannot be undone: a "yes" tapped 16 minutes after it was asked (or a button from
    before buttons carried their time, or one dated in the future) is refused with an alert."""
    confirm = await submitted_then_asked_to_erase(respondent, app)
    [[(_, yes), _]] = sandbox.buttons(respondent.chat_id, confirm["message_id"])
    assert yes is not None
    late = int(clock().timestamp()) + 3600
    for data in ("del:1", f"del:1:{late}"):
        await respondent.send(app, sandbox.callback_update(respondent.user, confirm, data))
    clock.advance(minutes=16)
    await respondent.send(app, sandbox.callback_update(respondent.user, confirm, yes))
    alerts = sandbox.calls_to("answerCallbackQuery")[-3:]
    assert all("Ketik /hapus_data lagi" in c.params["text"] for c in alerts)
    assert all(c.params.get("show_alert") for c in alerts)
    assert sandbox.buttons(respondent.chat_id, confirm["message_id"]) == []
    assert rows(config, "SELECT COUNT(*) FROM submissions WHERE user_id = 5001") == [(1,)]
    assert rows(config, "SELECT COUNT(*) FROM erasures") == [(0,)]
    await respondent.command(app, "hapus_data")  # asked again, it works at once
    await respondent.tap(app, "Ya, hapus data saya")
    assert rows(config, "SELECT COUNT(*) FROM submissions WHERE user_id = 5001") == [(0,)]


@contextlib.contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holds a read transaction (a backup, an export, a shell) until the block
    ends. Closing it checkpoints nothing while another connection to the database is open."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM submissions").fetchone()
        try:
            yield reader
        finally:
            reader.execute("ROLLBACK")


def files_holding(path: Path, *secrets: str) -> list[str]:
    """The database's files (main file and WAL) that still contain any of ``secrets``."""
    found = []
    for file in (path, path.with_name(path.name + "-wal")):
        content = file.read_bytes() if file.exists() else b""
        if any(secret.encode() in content for secret in secrets):
            found.append(file.name)
    return found


async def test_an_erasure_held_off_by_a_reader_is_finished_by_the_job(
    app: App,
    sandbox: SandboxRequest,
    config: Config,
    respondent: Respondent,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = config.storage.path
    await submitted_then_asked_to_erase(respondent, app)
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("erasure_checkpoint")
    caplog.set_level(logging.INFO, logger="bot.respondent.privacy")
    with reading(path):
        await respondent.tap(app, "Ya, hapus data saya")
        assert "dihapus dari 1 survei terkirim" in (respondent.last_text or "")
        assert files_holding(path, NAME) == ["survey.db-wal"]  # the reader keeps the WAL
        await job.run(app)
        assert files_holding(path, NAME) == ["survey.db-wal"]  # still held: still there
    await job.run(app)  # the reader is gone
    assert files_holding(path, NAME, INSTITUTION) == []
    assert rows(config, "SELECT COUNT(*) FROM settings WHERE key = 'erasure_checkpoint'") == [(0,)]
    logged = caplog.text
    assert "erasure: the WAL is checkpointed" in logged
    assert NAME not in logged and str(respondent.chat_id) not in logged


async def test_an_erasure_held_off_by_a_reader_is_finished_after_a_restart(
    config: Config, sandbox: SandboxRequest, clock: Clock, respondent: Respondent
) -> None:
    path = config.storage.path
    # Another process keeps the database open throughout (without it, or after a crash, the
    # bot's close would be the last and checkpoint by itself).
    other = sqlite3.connect(path, isolation_level=None)
    try:
        async with running(config, sandbox, clock) as app:
            await submitted_then_asked_to_erase(respondent, app)
            other.execute("SELECT COUNT(*) FROM drafts").fetchone()  # it has read: it counts
            with reading(path):
                await respondent.tap(app, "Ya, hapus data saya")
                assert "dihapus dari 1 survei terkirim" in (respondent.last_text or "")
        # Stopped with the name still in the WAL, and the reader gone.
        assert files_holding(path, NAME) == ["survey.db-wal"]
        async with running(config, sandbox, clock):
            assert files_holding(path, NAME, INSTITUTION) == []
    finally:
        other.close()


# -- /language -----------------------------------------------------------------------------------


async def test_language_switches_the_survey_in_progress(
    app: App, respondent: Respondent, config: Config
) -> None:
    await begin(respondent, app)
    await respondent.say(app, "Dini B")
    await respondent.command(app, "language")
    assert "Bahasa survei Anda saat ini: <b>Bahasa Indonesia</b>" in (respondent.last_text or "")
    assert respondent.labels() == ["Bahasa Indonesia", "English"]
    await respondent.tap(app, "English")
    texts = [m.get("text") or "" for m in respondent.sandbox.sent_to(respondent.chat_id)]
    assert "language was changed to <b>English</b>" in texts[-2]
    assert "How old are you" in texts[-1]  # the same question, now in English
    assert rows(config, "SELECT value FROM answers WHERE key = 'language'") == [("en",)]
    await respondent.say(app, "33")
    assert respondent.labels() == ["Female", "Male"]


async def test_language_before_the_first_answer_answers_it(
    app: App, respondent: Respondent, config: Config
) -> None:
    await respondent.command(app, "start", "cpob")
    await respondent.command(app, "language")
    await respondent.tap(app, "English")
    assert "What is your full name" in (respondent.last_text or "")
    await respondent.say(app, "Dini B")
    assert dict(rows(config, "SELECT key, value FROM answers")) == {
        "language": "en",
        "name": "Dini B",
    }


async def test_language_without_a_survey_explains(app: App, respondent: Respondent) -> None:
    await respondent.command(app, "language")
    assert "Tidak ada survei yang sedang Anda isi" in (respondent.last_text or "")
    assert respondent.labels() == []


async def test_language_button_of_a_closed_or_foreign_draft_is_refused(
    app: App, sandbox: SandboxRequest, respondent: Respondent, config: Config
) -> None:
    await respondent.command(app, "start", "cpob")
    await respondent.command(app, "language")
    menu = respondent.keyboard_message()
    assert menu is not None
    other = Respondent(sandbox, 5009, "Other")
    await other.send(app, sandbox.callback_update(other.user, menu, "lang:1:en"))
    await respondent.send(app, sandbox.callback_update(respondent.user, menu, "lang:1:xx"))
    assert rows(config, "SELECT COUNT(*) FROM answers") == [(0,)]
    answered = [c for c in sandbox.calls_to("answerCallbackQuery") if c.params.get("text")]
    assert len(answered) == 2 and "tidak berlaku" in answered[0].params["text"]


async def test_erased_account_still_cannot_answer_the_same_service_and_month_again(
    app: App, sandbox: SandboxRequest, config: Config
) -> None:
    ratna = Respondent(sandbox, 5001, "Ratna")
    await fill(ratna, app, NAME, INSTITUTION, 4)
    await ratna.command(app, "hapus_data")
    await ratna.tap(app, "Ya, hapus data saya")

    await ratna.command(app, "start", "cpob")
    sent = [m.get("text", "") for m in sandbox.sent_to(ratna.chat_id)]
    assert any("periode Januari 2025 sudah tercatat" in text for text in sent[-3:])
    with pytest.raises(LookupError):  # the same account, scripted, once more: January is taken
        await fill(ratna, app, NAME, INSTITUTION, 1)
    assert "periode Januari 2025 sudah tercatat" in (ratna.last_text or "")

    counted = "SELECT COUNT(*), MIN(score) FROM submissions JOIN scores ON submission_id = id"
    assert rows(config, counted + " WHERE service = 'cpob' AND period = '2025-01'") == [(13, 4)]
    [(key,)] = rows(config, "SELECT person_key FROM submissions")
    assert key is not None and str(ratna.chat_id) not in key  # a keyed hash, not the id


async def test_privacy_tells_about_the_account_fingerprint(
    app: App, respondent: Respondent
) -> None:
    await respondent.command(app, "privacy")
    assert "sidik akun: kode HMAC dari ID Telegram Anda" in (respondent.last_text or "")
    await respondent.command(app, "privacy", "en")
    assert "an HMAC of your Telegram user id" in (respondent.last_text or "")
