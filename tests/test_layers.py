"""The house keeps its shape: layers point down (cli → projections → ledger), wings keep to their rooms,
no import circle, no module past the size a newcomer can read, no private name used across modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ledger", "projections", "cli")
FORBIDDEN = {"ledger": {"projections", "cli"}, "projections": {"cli"}, "cli": set()}
MAX_LINES = 450

# Inside a package, what each wing may never import (dotted prefixes).
WING_RULES: dict[str, set[str]] = {
    # the pure fold and scoring: no engine, no storage, no application, no I/O
    "projections.fold": {"projections.engine", "projections.views", "ledger.storage", "ledger.app", "ledger.integrity",
                         "ledger.backup", "eventsourcing", "sqlite3", "psycopg", "os", "pathlib", "click"},
    "projections.scoring": {"projections.engine", "projections.views", "ledger.storage", "ledger.app",
                            "ledger.integrity", "ledger.backup", "eventsourcing", "sqlite3", "psycopg", "os",
                            "pathlib", "click"},
    # the ledger's storage knows nothing of the application, its commands or the integrity checks
    "ledger.storage": {"ledger.app", "ledger.commands", "ledger.integrity", "ledger.backup"},
    # domain values at the ledger's root are the bottom of the house
    "ledger.topics": {"ledger", "eventsourcing"},
    "ledger.errors": {"ledger"},
    "ledger.calendar": {"ledger.app", "ledger.commands", "ledger.storage", "ledger.integrity", "ledger.backup"},
    "ledger.catalogue": {"ledger.app", "ledger.commands", "ledger.storage", "ledger.integrity", "ledger.backup"},
    "ledger.events": {"ledger.app", "ledger.commands", "ledger.storage", "ledger.integrity", "ledger.backup"},
}


def modules() -> Iterator[tuple[str, Path]]:
    """Every source module of the three packages, by dotted name."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def imports_of(path: Path, *, type_checking: bool = False) -> set[str]:
    """Dotted names a module imports, anywhere in it (lazy imports too); TYPE_CHECKING blocks only if asked."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    if not type_checking:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_never_imports_a_layer_above_it(package: str) -> None:
    offenders = {
        name: sorted(i for i in imports_of(path) if i.split(".")[0] in FORBIDDEN[package])
        for name, path in modules()
        if under(name, package) and any(i.split(".")[0] in FORBIDDEN[package] for i in imports_of(path))
    }
    assert offenders == {}


@pytest.mark.parametrize("wing", sorted(WING_RULES))
def test_each_wing_imports_only_what_its_room_may_use(wing: str) -> None:
    banned = WING_RULES[wing]
    offenders = {}
    for name, path in modules():
        if not under(name, wing):
            continue
        bad = sorted(i for i in imports_of(path) if any(under(i, b) for b in banned) and not under(i, wing))
        if bad:
            offenders[name] = bad
    assert offenders == {}


def test_no_module_imports_itself_back_through_a_circle() -> None:
    names = dict(modules())
    graph = {n: {i for i in imports_of(p) if i in names and i != n} for n, p in names.items()}
    circles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                circles.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)
    assert circles == []


def test_no_module_is_longer_than_a_newcomer_reads_in_one_go() -> None:
    long = {name: n for name, path in modules()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_module_imports_a_private_name_of_another() -> None:
    offenders = []
    for name, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                offenders += [f"{name}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.startswith("__")]
    assert offenders == []


def test_the_rule_folds_do_no_io() -> None:
    """Projection rule logic must stay pure: no database, file or network modules."""
    io_modules = {"sqlite3", "psycopg", "eventsourcing", "os", "pathlib", "socket", "subprocess", "click"}
    for name, path in modules():
        if under(name, "projections.fold") or under(name, "projections.scoring"):
            assert {i.split(".")[0] for i in imports_of(path)} & io_modules == set(), name


def test_no_test_module_imports_another_test_module() -> None:
    """What several test modules share lives in a helper module (or a conftest), so running one module runs
    only its own tests and no module's tests are collected twice."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for name in imports_of(path, type_checking=True):
            if any(part.startswith("test_") for part in name.split(".")):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []
