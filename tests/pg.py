"""PostgreSQL test helpers: one fresh database per test on the server named by KAOPING_TEST_PG."""

from __future__ import annotations

import os
import re
import uuid
from urllib.parse import urlsplit

import pytest

# Where a test's PostgreSQL ledger keeps its evidence, inside the test's folder (KAOPING_EVIDENCE_DIR).
EVIDENCE_DIR = "kaoping-evidence"


def _admin_url(base: str) -> str:
    return urlsplit(base)._replace(path="/postgres").geturl()


def database_for(name: str, template: str | None = None) -> str:
    """A fresh database for one test on the KAOPING_TEST_PG server (empty, or a copy of the database at URL
    `template`), or a skip (a failure under CI) when no server is set."""
    base = os.environ.get("KAOPING_TEST_PG")
    if not base:
        reason = "PostgreSQL tests need KAOPING_TEST_PG=postgresql://user:pass@host:port (scripts/pg-dev start)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return fresh_database(base, name, template)


def fresh_database(base: str, name: str, template: str | None = None) -> str:
    """Create a database for one test, empty or a copy of the database at URL `template` (no one may be
    connected to it), and return its URL."""
    import psycopg  # imported lazily: psycopg is slow to import

    parts = urlsplit(base)
    slug = re.sub(r"[^a-z0-9_]", "_", name.lower())[-40:]
    # unique by the uuid; the pytest-xdist worker (gw0, gw1, …) in the name says whose a leftover database was
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    dbname = f"kp_{worker}{'_' if worker else ''}{slug}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_url(base), autocommit=True) as conn:
        source = "template0" if template is None else urlsplit(template).path.lstrip("/")
        conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{source}"{_file_copy(conn)}')
    return parts._replace(path=f"/{dbname}").geturl()


def _file_copy(conn: object) -> str:
    """PostgreSQL 15's default WAL_LOG strategy writes every page of the copy to the WAL; FILE_COPY copies the files
    (a checkpoint, cheap on the test server without fsync): a test database in a third of the time, and its drop
    too (issue 9: CI time). Older servers have only FILE_COPY and no STRATEGY clause."""
    return " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""  # type: ignore[attr-defined]


def drop_database(url: str) -> None:
    """Drop a test database, disconnecting anyone still attached."""
    import psycopg

    dbname = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def copy_database(url: str) -> str:
    """A fresh copy of a test database (no one may be connected to it), and the copy's URL."""
    import psycopg

    parts = urlsplit(url)
    source = parts.path.lstrip("/")
    dbname = f"{source[:50]}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{source}"{_file_copy(conn)}')
    return parts._replace(path=f"/{dbname}").geturl()

