"""Builds real SQLite files with the bot's schema, holding submissions for the analysis tests.

Respondents are invented: the reference report's respondent list holds real people's names, and
test data has no need of them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.storage import MIGRATIONS, person_key

SERVICES = {
    "cpob": "Sertifikasi/Resertifikasi CPOB",
    "cpob_impor": "Penilaian Pemenuhan CPOB Fasilitas Produksi Obat Impor",
    "fasilitas_bersama": "Persetujuan Penggunaan Fasilitas Bersama Obat dan Non Obat",
    "suket_cpob": "Surat Keterangan Penerapan CPOB",
}
IPP_ITEMS = tuple(f"U{n}" for n in range(1, 9))
IPAK_ITEMS = tuple(f"P{n}" for n in range(1, 6))
ITEMS = IPP_ITEMS + IPAK_ITEMS

DEFAULT_IDENTITY = {
    "name": "Responden Uji",
    "age": "30",
    "gender": "L",
    "education": "s1",
    "occupation": "swasta",
    "institution": "PT Contoh Farma",
}

# January 2025 as the reference's Tabel 1 and Tabel 2 show it: U3 = U4 = 3.67, the other items
# 4.00, IPP 3.92 "Memuaskan", IPAK 4.00. The reference says 2 respondents, but 3.67 = 11/3 needs
# 3 (one scoring 3 on U3 and U4, two scoring 4): the report contradicts itself, and we follow
# its tables. Two of the three match the reference's Lampiran 1 except for their (invented)
# names: 37 years old, male, S2, BUMN; 28 years old, female, S2, private sector.
JANUARY_2025: tuple[dict[str, Any], ...] = (
    {
        "service": "cpob",
        "submitted_at": "2025-01-10T02:15:00.000000+00:00",
        "identity": {
            "name": "Bambang Sutrisno",
            "age": "37",
            "gender": "L",
            "education": "s2",
            "occupation": "bumn",
            "institution": "PT Farmasi Nusantara (Persero)",
        },
        "scores": {},
        "suggestion": "Perlu menambah jumlah dan kompetensi personil untuk produk biologi.",
    },
    {
        "service": "cpob",
        "submitted_at": "2025-01-15T07:40:00.000000+00:00",
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
        "identity": {
            "name": "Dewi Anggraini",
            "age": "45",
            "gender": "P",
            "education": "s1",
            "occupation": "swasta",
            "institution": "PT Obat Prima Mandiri",
        },
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
    ) -> int:
        """Stores a submission: every item scores ``default_score`` unless ``scores`` says else."""
        if isinstance(submitted_at, datetime):
            submitted_at = submitted_at.astimezone(UTC).isoformat(timespec="microseconds")
        all_scores = {code: default_score for code in ITEMS} | dict(scores or {})
        user_id = self._next_user
        self._next_user += 1
        with sqlite3.connect(self.path) as db:
            cursor = db.execute(
                "INSERT INTO submissions (id, user_id, service, period, submitted_at, language, "
                "identity, suggestion) VALUES (?, ?, ?, ?, ?, 'id', ?, ?)",
                (
                    submission_id,
                    user_id,
                    service,
                    period,
                    submitted_at,
                    json.dumps(DEFAULT_IDENTITY | dict(identity or {}), ensure_ascii=False),
                    suggestion,
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
