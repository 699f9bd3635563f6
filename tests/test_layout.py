"""The shape the code keeps (README, Layout): one home for each concept, imports one way."""

from __future__ import annotations

import ast
import re

from tests.support.app import REPO

PACKAGES = ("survey", "bot", "analysis")
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM)\b")


def modules(*folders: str) -> list[str]:
    return sorted(
        str(path.relative_to(REPO))
        for folder in folders
        for path in (REPO / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def imported(path: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse((REPO / path).read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_readme_layout_names_every_module() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    layout = readme[readme.index("## Layout") : readme.index("## Development")]
    named = set(re.findall(r"`([\w/.]+)`", layout))
    missing = [
        path
        for path in modules(*PACKAGES, "bench", "tests/support")
        if path not in named
        and not (path.endswith("/__init__.py") and path.removesuffix("__init__.py") in named)
    ]
    assert missing == []


def test_imports_point_one_way_survey_analysis_bot() -> None:
    def wrong(folder: str, forbidden: tuple[str, ...]) -> list[str]:
        return [
            f"{path} imports {name}"
            for path in modules(folder)
            for name in sorted(imported(path))
            if name.split(".")[0] in forbidden
        ]

    assert wrong("survey", ("bot", "analysis", "telegram", "pandas", "sqlite3", "aiosqlite")) == []
    assert wrong("analysis", ("bot", "telegram")) == []


def test_sql_lives_in_the_store_and_in_the_analysis_one_database_module() -> None:
    homes = ("bot/store/", "analysis/db.py")
    elsewhere = [
        path
        for path in modules(*PACKAGES)
        if not path.startswith(homes) and SQL.search((REPO / path).read_text("utf-8"))
    ]
    assert elsewhere == []


def test_no_module_is_over_400_lines() -> None:
    long = {}
    for path in modules(*PACKAGES, "bench", "tests"):
        lines = len((REPO / path).read_text("utf-8").splitlines())
        if lines > 400:
            long[path] = lines
    assert long == {}
