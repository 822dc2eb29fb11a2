"""PostgreSQL test helpers: one fresh database per test on the server named by KAOPING_TEST_PG."""

from __future__ import annotations


def fresh_database(base: str, name: str) -> str:
    """Create an empty database for one test and return its URL."""
    import re
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(base)
    dbname = "kp_" + re.sub(r"[^a-z0-9_]", "_", name.lower())[-50:]
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    return parts._replace(path=f"/{dbname}").geturl()
