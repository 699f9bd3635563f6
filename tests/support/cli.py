"""The command line run in-process, and the reference's January 2025 as an import file."""

from __future__ import annotations

from pathlib import Path

from bot.cli.main import main
from tests.support.analysis_fixtures import EXPORT_COLUMNS

HEADER = ",".join(EXPORT_COLUMNS)
# The reference's January 2025 (Tabel 1 and 2). It names 2 respondents, but U3 = U4 = 3.67 needs
# 3: one of them scored 3 on U3 and U4.
JANUARY = [
    "2025-01,cpob,2025-01-10 09:00,Robertus Rinaldi Andrian,37,Laki-laki,S2/Profesi/S3,"
    "Pegawai BUMN/D,PT Bio Farma (Persero)," + ",".join(["4"] * 13) + ",",
    "2025-01,cpob,2025-01-12 14:30,Dini B,28,Perempuan,S2/Profesi/S3,Pegawai Swasta,"
    "Novell Pharmaceutical Laboratories,"
    + ",".join(["4", "4", "3", "3"] + ["4"] * 9)
    + ",Perlu menambah jumlah dan kompetensi personil",
    # the reference's shape: Robertus answered a second service, his name typed a little
    # differently (case, spaces): 3 submissions from 2 persons
    "2025-01,suket_cpob,2025-01-20 10:00,robertus  rinaldi andrian,37,Laki-laki,S2/Profesi/S3,"
    "Pegawai BUMN/D,PT Bio Farma (persero)," + ",".join(["4"] * 13) + ",",
]


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def surveibot(*args: str | Path) -> int:
    return main([str(a) for a in args])
