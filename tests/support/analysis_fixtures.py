"""Builds real SQLite files with the bot's schema, holding submissions for the analysis tests.

Respondents are invented: the reference report's respondent list holds real people's names, and
test data has no need of them.

The fixture ``survey_fixture`` (an empty database) is registered as ``survey``: a test module
imports it and its tests ask for ``survey``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.store import MIGRATIONS, person_key

SERVICES = {
    "cpob": "Sertifikasi/Resertifikasi CPOB",
    "cpob_impor": "Penilaian Pemenuhan CPOB Fasilitas Produksi Obat Impor",
    "fasilitas_bersama": "Persetujuan Penggunaan Fasilitas Bersama Obat dan Non Obat",
    "suket_cpob": "Surat Keterangan Penerapan CPOB",
}
IPP_ITEMS = tuple(f"U{n}" for n in range(1, 9))
IPAK_ITEMS = tuple(f"P{n}" for n in range(1, 6))
ITEMS = IPP_ITEMS + IPAK_ITEMS
IDENTITY_COLUMNS = ("name", "age", "gender", "education", "occupation", "institution")
# The layout `export` writes and `import` takes (README).
EXPORT_COLUMNS = ("period", "service", "submitted_at", *IDENTITY_COLUMNS, *ITEMS, "suggestion")

# The summary's keys in their order, as the README documents ``report --json``.
SUMMARY_KEYS = (
    "period",
    "respondents",
    "responses",
    "beyond_quota",
    "late",
    "ipp",
    "ipak",
    "indices",
    "elements",
    "services",
    "lke",
    "quality",
)

TEST_SECRET = "0" * 64  # the person_key secret of these files

DEFAULT_IDENTITY = {
    "name": "Responden Uji",
    "age": "30",
    "gender": "L",
    "education": "s1",
    "occupation": "swasta",
    "institution": "PT Contoh Farma",
}

# January 2025 as the reference shows it: 3 submissions from 2 persons ("2 (dua) responden"; its
# Lampiran 1 lists 2 people), one of whom answered two services. Tabel 1 and Tabel 2 average the
# 3 submissions: U3 = U4 = 3.67 (11/3: the second person scored 3 on both), the other items 4.00,
# IPP 3.92 "Memuaskan", IPAK 4.00. The persons match the reference's Lampiran 1 except for their
# (invented) names: 37 years old, male, S2, BUMN; 28 years old, female, S2, private sector.
BAMBANG = {
    "name": "Bambang Sutrisno",
    "age": "37",
    "gender": "L",
    "education": "s2",
    "occupation": "bumn",
    "institution": "PT Farmasi Nusantara (Persero)",
}
JANUARY_2025: tuple[dict[str, Any], ...] = (
    {
        "service": "cpob",
        "submitted_at": "2025-01-10T02:15:00.000000+00:00",
        "user_id": 1001,
        "identity": BAMBANG,
        "scores": {},
        "suggestion": "Perlu menambah jumlah dan kompetensi personil untuk produk biologi.",
    },
    {
        "service": "cpob",
        "submitted_at": "2025-01-15T07:40:00.000000+00:00",
        "user_id": 1002,
        "identity": {
            "name": "Citra Lestari",
            "age": "28",
            "gender": "P",
            "education": "s2",
            "occupation": "swasta",
            "institution": "PT Laboratorium Sehat Sentosa",
        },
        "scores": {"U3": 3, "U4": 3},
        "suggestion": None,
    },
    {
        "service": "suket_cpob",
        "submitted_at": "2025-01-22T04:05:00.000000+00:00",
        "user_id": 1001,  # the same person, for a second service
        "identity": BAMBANG,
        "scores": {},
        "suggestion": None,
    },
)


class SurveyDb:
    """A fresh SQLite file with the bot's schema (every migration); :meth:`add` stores one
    submission."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._next_user = 1
        with sqlite3.connect(path) as db:
            db.create_function("person_key", 2, person_key, deterministic=True)
            for _, script in MIGRATIONS:
                db.executescript(script)
        db.close()

    def add(
        self,
        period: str,
        submitted_at: str | datetime,
        service: str = "cpob",
        scores: Mapping[str, int] | None = None,
        default_score: int = 4,
        identity: Mapping[str, Any] | None = None,
        suggestion: str | None = None,
        submission_id: int | None = None,
        user_id: int | None = None,
        imported: bool = False,
    ) -> int:
        """Stores a submission: every item scores ``default_score`` unless ``scores`` says else.

        Each submission comes from a Telegram account of its own unless ``user_id`` names one
        (the same person again); ``imported`` stores it as ``surveibot import`` does, without an
        account: its person is then its name and institution.
        """
        if isinstance(submitted_at, datetime):
            submitted_at = submitted_at.astimezone(UTC).isoformat(timespec="microseconds")
        all_scores = {code: default_score for code in ITEMS} | dict(scores or {})
        if user_id is None:
            user_id = self._next_user
            self._next_user += 1
        account = None if imported else user_id
        with sqlite3.connect(self.path) as db:
            cursor = db.execute(
                "INSERT INTO submissions (id, user_id, person_key, service, period, submitted_at, "
                "language, identity, suggestion, source) VALUES (?, ?, ?, ?, ?, ?, 'id', ?, ?, ?)",
                (
                    submission_id,
                    account,
                    None if account is None else person_key(TEST_SECRET, account),
                    service,
                    period,
                    submitted_at,
                    json.dumps(DEFAULT_IDENTITY | dict(identity or {}), ensure_ascii=False),
                    suggestion,
                    "import" if imported else "telegram",
                ),
            )
            new_id = cursor.lastrowid
            assert new_id is not None
            db.executemany(
                "INSERT INTO scores (submission_id, item, score) VALUES (?, ?, ?)",
                [(new_id, code, score) for code, score in all_scores.items()],
            )
        db.close()
        return new_id


def january_2025(path: Path) -> SurveyDb:
    """A database holding the reference's January 2025 (see :data:`JANUARY_2025`)."""
    survey = SurveyDb(path)
    for row in JANUARY_2025:
        survey.add("2025-01", **row)
    return survey


@pytest.fixture(name="survey")
def survey_fixture(tmp_path: Path) -> SurveyDb:
    return SurveyDb(tmp_path / "survey.db")


def at(day: int, minute: int = 0, month: int = 2) -> datetime:
    return datetime(2025, month, day, 3, 0, tzinfo=UTC) + timedelta(minutes=minute)
