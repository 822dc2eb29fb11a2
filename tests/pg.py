"""PostgreSQL test helpers: one fresh database per test on the server named by KAOPING_TEST_PG."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit


def _admin_url(base: str) -> str:
    return urlsplit(base)._replace(path="/postgres").geturl()


def fresh_database(base: str, name: str) -> str:
    """Create an empty database for one test and return its URL."""
    import psycopg

    parts = urlsplit(base)
    slug = re.sub(r"[^a-z0-9_]", "_", name.lower())[-40:]
    dbname = f"kp_{slug}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_url(base), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    return parts._replace(path=f"/{dbname}").geturl()


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
        conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{source}"')
    return parts._replace(path=f"/{dbname}").geturl()
