"""Questionnaire files other than the default, as a unit would write them."""

from __future__ import annotations

import re
from pathlib import Path

from survey.questionnaire import DEFAULT_PATH
from tests.support.app import REPO

SKM = REPO / "questionnaires" / "skm-permenpanrb-14-2017.toml"


def five_point(folder: Path) -> Path:
    """The default questionnaire on a 5-point scale: a middle answer added to every item, and
    bands from 1,00 to 5,00."""
    text = DEFAULT_PATH.read_text("utf-8")
    text = text.replace('languages = ["id", "en"]', 'languages = ["id", "en"]\nscale = 5', 1)

    for language, word in (("id", "Netral"), ("en", "Neutral")):
        pattern = rf'({language} = \["[^"]+", "[^"]+"), ("[^"]+", "[^"]+"\])'
        text = re.sub(pattern, rf'\1, "{word}", \2', text)
    for low, high, new_low, new_high in (
        ("1.00", "1.75", "1.00", "2.00"),
        ("1.76", "2.50", "2.01", "3.00"),
        ("2.51", "3.25", "3.01", "4.00"),
        ("3.26", "4.00", "4.01", "5.00"),
    ):
        text = text.replace(f"min = {low}, max = {high}", f"min = {new_low}, max = {new_high}")
    path = folder / "five-point.toml"
    path.write_text(text, "utf-8")
    return path


def with_questionnaire(config_file: Path, questionnaire: Path) -> Path:
    """``config_file`` choosing ``questionnaire``, as config.example.toml says to."""
    text = config_file.read_text("utf-8")
    choice = f"questionnaire = {str(questionnaire)!r}"
    text = text.replace('# questionnaire = "questionnaire.toml"', choice.replace("'", '"'), 1)
    assert choice.replace("'", '"') in text
    config_file.write_text(text, "utf-8")
    return config_file
