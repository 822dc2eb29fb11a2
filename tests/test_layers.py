"""The layers only point down: cli → projections → ledger."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"ledger": {"projections", "cli"}, "projections": {"cli"}, "cli": set()}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_never_imports_a_layer_above_it(package: str) -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(imported_packages(p) & FORBIDDEN[package])
        for p in (ROOT / package).rglob("*.py")
        if imported_packages(p) & FORBIDDEN[package]
    }
    assert offenders == {}


def test_the_rule_folds_do_no_io() -> None:
    """Projection rule logic must stay pure: no database, file or network modules."""
    io_modules = {"sqlite3", "psycopg", "eventsourcing", "os", "pathlib", "socket", "subprocess", "click"}
    pure = [p for p in (ROOT / "projections").glob("*.py") if p.name in {"quarter.py", "scoring.py", "stars.py"}]
    for p in pure:
        assert imported_packages(p) & io_modules == set(), p.name
