"""Ledgers built once per test session and backend, and copied into each test that starts from one.

Building a registered center through the ledger costs up to a second per test; copying a SQLite file, or
creating the test's PostgreSQL database `TEMPLATE` a built one (instead of empty), costs what an empty one
does. A test gets exactly the rows and files it would have built itself, in its own folder and database.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pytest

from tests import pg

SQLITE_FILE = "kaoping.db"

# Fills a ledger (its URL; the current directory is its folder) and returns the names a test needs (ids by name).
Builder = Callable[[str, Path], Mapping[str, str]]


@dataclass(frozen=True)
class Seed:
    """How to build one template: `build` runs on an empty ledger, or on a copy of `base` when there is one."""

    name: str
    build: Builder
    base: Seed | None = None


@dataclass(frozen=True)
class LedgerTemplate:
    """A built ledger: its folder (key, evidence, SQLite file), its database, and the names it returned."""

    folder: Path
    db_url: str
    values: Mapping[str, str]


def backend_of(db_url: str) -> str:
    """"sqlite" or "postgres", from a test's database URL."""
    return "sqlite" if db_url.startswith("sqlite") else "postgres"


def sqlite_url(folder: Path) -> str:
    """The URL of the SQLite ledger a test (or a template) keeps in its folder."""
    return f"sqlite:///{folder / SQLITE_FILE}"


def copy_files(folder: Path, template: LedgerTemplate | None) -> None:
    """The template's files (key, evidence, SQLite file) copied into `folder`; nothing without a template."""
    if template is not None:
        shutil.copytree(template.folder, folder, dirs_exist_ok=True)


def database_in(folder: Path, backend: str, template: LedgerTemplate | None = None) -> str:
    """A ledger database for `folder` on `backend`: empty, or a copy of `template` (its files copied into `folder`)."""
    copy_files(folder, template)
    if backend == "sqlite":
        return sqlite_url(folder)  # the template's SQLite file came with its folder
    return pg.database_for(folder.name, template=template.db_url if template else None)


@dataclass
class LedgerTemplates:
    """The session's built ledgers, by seed name and backend; the PostgreSQL ones are dropped at the end."""

    factory: pytest.TempPathFactory
    built: dict[tuple[str, str], LedgerTemplate] = field(default_factory=dict)

    def get(self, seed: Seed, backend: str) -> LedgerTemplate:
        """The template of `seed` on `backend`, built the first time it is asked for."""
        key = (seed.name, backend)
        if key not in self.built:
            base = self.get(seed.base, backend) if seed.base else None
            folder = self.factory.mktemp(f"template-{seed.name}-{backend}")
            url = database_in(folder, backend, base)
            with pytest.MonkeyPatch.context() as mp:
                mp.chdir(folder)
                if backend == "postgres":
                    mp.setenv("KAOPING_EVIDENCE_DIR", str(folder / pg.EVIDENCE_DIR))
                values = {**(base.values if base else {}), **seed.build(url, folder)}
            self.built[key] = LedgerTemplate(folder, url, MappingProxyType(values))
        return self.built[key]

    def drop(self) -> None:
        """Drop the PostgreSQL template databases (at the end of the session)."""
        for template in self.built.values():
            if backend_of(template.db_url) == "postgres":
                pg.drop_database(template.db_url)
