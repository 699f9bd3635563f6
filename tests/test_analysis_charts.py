"""The report's charts, and what building a report imports and leaves behind."""

from __future__ import annotations

import gc
import struct
import sys
from pathlib import Path

from matplotlib.figure import Figure

from tests.support.analysis_fixtures import SERVICES
from tests.support.report_files import (
    Built,
    built_fixture,  # noqa: F401  (a fixture)
    printed_by,
)

# -- charts -----------------------------------------------------------------------------------


def test_charts_are_sensible_pngs(built: Built) -> None:
    files = built.default.charts

    assert list(files) == ["gender", "age", "education", "occupation", "items", "trend"]
    for path in files.values():
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", path
        width, height = struct.unpack(">II", data[16:24])
        assert 600 <= width <= 3000 and 300 <= height <= 2000, (path, width, height)
        assert len(data) > 10_000, path
    assert files["gender"].name == "gambar-1-jenis-kelamin-spkp-spak-2025-01.png"


def test_no_figure_outlives_the_report(built: Built) -> None:
    gc.collect()
    assert [o for o in gc.get_objects() if isinstance(o, Figure)] == []
    assert "matplotlib.pyplot" not in sys.modules


def test_report_imports_neither_pyplot_nor_telegram(built: Built, tmp_path: Path) -> None:
    script = f"""
import json, sys
from survey.questionnaire import load
from analysis.report import ReportRequest, build_report
request = ReportRequest({str(built.db)!r}, "2025-01", load(), {SERVICES!r}, 3)
build_report(request, {str(tmp_path)!r})
print(json.dumps(sorted(m for m in sys.modules if m == "matplotlib.pyplot"
                        or m.split(".")[0] in ("telegram", "aiosqlite"))))
"""
    assert printed_by(script, timeout=120) == []


def test_summary_alone_stays_light(built: Built) -> None:
    # `surveibot report --json` and the bot's summary need neither pandas nor matplotlib.
    script = f"""
import json, sys
from survey.questionnaire import load
from analysis.summary import summarize
summarize({str(built.db)!r}, "2025-01", load(), {SERVICES!r}, 3)
print(json.dumps(sorted(m for m in ("pandas", "matplotlib") if m in sys.modules)))
"""
    assert printed_by(script, timeout=60) == []
