"""The charts print legibly: drawn at the width the draft places them, no text under 8 pt, each
title naming its month, the trend naming its bands (issue: chart text unreadable once printed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import matplotlib.image
import matplotlib.text
import pytest
from docx.shared import Emu

from analysis import charts
from analysis.layout import SMALLEST_PT
from analysis.report import ReportRequest, build_report
from survey.questionnaire import load
from tests.support.analysis_fixtures import SERVICES, january_2025

EMU_PER_INCH = 914_400


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The report of the reference's January, and every chart's figure as it was saved."""
    root = tmp_path_factory.mktemp("charts")
    survey = january_2025(root / "survey.db")
    figures: dict[str, dict[str, Any]] = {}
    save = charts.save_png

    def keep(figure: Any, path: Any) -> Path:
        figure.canvas.draw()  # tick labels exist once drawn
        texts = [
            (t.get_text(), t.get_fontsize())
            for t in figure.findobj(matplotlib.text.Text)
            if t.get_visible() and t.get_text().strip()
        ]
        figures[Path(path).name] = {"inches": tuple(figure.get_size_inches()), "texts": texts}
        return save(figure, path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(charts, "save_png", keep)
        files = build_report(
            ReportRequest(survey.path, "2025-01", load(), SERVICES, 30), root / "out"
        )
    return {"files": files, "figures": figures}


def test_every_chart_is_placed_at_the_size_it_was_drawn(drawn: dict[str, Any]) -> None:
    files = drawn["files"]
    placed = [shape.width for shape in docx.Document(str(files.docx)).inline_shapes]
    pngs = [path for key, path in files.charts.items()]
    assert len(placed) == len(pngs) == 6
    for path, width in zip(pngs, placed, strict=True):  # the draft's order: Gambar 1–6
        pixels = matplotlib.image.imread(str(path)).shape[1]
        drawn_inches = drawn["figures"][path.name]["inches"][0]
        assert pixels / charts.DPI == pytest.approx(drawn_inches, abs=0.01), path.name
        assert Emu(width).inches == pytest.approx(drawn_inches, abs=0.01), path.name
        assert Emu(width).cm <= 16.0 + 1e-6  # within the page's text width


def test_no_chart_text_prints_under_8_pt(drawn: dict[str, Any]) -> None:
    for name, figure in drawn["figures"].items():
        small = [(text, size) for text, size in figure["texts"] if size < SMALLEST_PT]
        assert not small, f"{name}: {small}"


def test_every_chart_says_its_month_and_the_trend_names_its_bands(drawn: dict[str, Any]) -> None:
    figures = drawn["figures"]
    for name, figure in figures.items():
        said = " ".join(text for text, _ in figure["texts"])
        assert "Januari 2025" in said, name
    trend = next(f for name, f in figures.items() if "tren" in name)
    bands = {text.replace("\n", " ") for text, _ in trend["texts"]}
    assert {"Memuaskan", "Tidak memuaskan"} <= bands


def test_an_empty_category_shows_zero_with_its_share(drawn: dict[str, Any]) -> None:
    occupation = next(f for name, f in drawn["figures"].items() if "pekerjaan" in name)
    assert "0 (0,0%)" in [text for text, _ in occupation["texts"]]
