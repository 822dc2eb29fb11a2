"""PostgreSQL least privilege: after `pg-setup` by the owner role, kaoping records and reads through an application
role that cannot UPDATE, DELETE or TRUNCATE the events, nor drop the triggers that refuse it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import pg
from tests.conftest import Kaoping


@pytest.fixture
def roles(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """An owner role with its own database and an application role (unique names), dropped afterwards:
    the owner's URL and the application's URL."""
    import psycopg

    url = pg.database_for("least_privilege")
    base = os.environ["KAOPING_TEST_PG"]
    tag = uuid.uuid4().hex[:8]
    owner, app = f"kp_owner_{tag}", f"kp_app_{tag}"
    dbname = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {owner} LOGIN PASSWORD 'owner-{tag}'")
        conn.execute(f"CREATE ROLE {app} LOGIN PASSWORD 'app-{tag}'")
        conn.execute(f'ALTER DATABASE "{dbname}" OWNER TO {owner}')
        conn.execute(f"ALTER SCHEMA public OWNER TO {owner}")
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    parts = urlsplit(base)
    where = f"{parts.hostname}:{parts.port or 5432}/{dbname}"
    try:
        yield f"postgresql://{owner}:owner-{tag}@{where}", f"postgresql://{app}:app-{tag}@{where}"
    finally:
        pg.drop_database(url)
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {app}")
            conn.execute(f"DROP ROLE IF EXISTS {owner}")


def _refused(url: str, statement: str) -> str:
    """The error PostgreSQL gives the role at `url` for `statement` (the test fails if it succeeds)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(statement)
    return str(caught.value)


def test_the_application_role_records_and_reads_but_cannot_rewrite_the_events(
        roles: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    owner, app = roles
    r = Kaoping(owner, tmp_path)("pg-setup", "--app-role", urlsplit(app).username or "")
    assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("CREATE_TABLE", "false")
    kp = Kaoping(app, tmp_path)
    assert kp("init").exit_code == 0
    assert kp("window", "add", "DS", "地税窗口").exit_code == 0
    assert kp("record", "W2.2", "--window", "DS", "--date", "2008-07-14", "--source", "weekly").exit_code == 0
    assert "DS" in kp("report", "2008Q3").stdout
    assert kp("checkpoint").exit_code == 0
    assert kp("verify").exit_code == 0
    assert "permission denied" in _refused(app, "UPDATE kaoping_events SET topic = topic")
    assert "permission denied" in _refused(app, "DELETE FROM kaoping_events")
    assert "append-only" in _refused(app, "TRUNCATE kaoping_events")
    assert "owner" in _refused(app, "DROP TRIGGER kaoping_append_only ON kaoping_events")
    assert "owner" in _refused(app, "ALTER TABLE kaoping_events DISABLE TRIGGER ALL")
    assert "append-only" in _refused(owner, "UPDATE kaoping_events SET topic = topic")  # the trigger holds for all
    assert kp("verify").exit_code == 0


def test_pg_setup_refuses_an_application_role_that_owns_the_tables(roles: tuple[str, str], tmp_path: Path) -> None:
    owner, _ = roles
    r = Kaoping(owner, tmp_path)("pg-setup", "--app-role", urlsplit(owner).username or "")
    assert r.exit_code == 2 and "所有者" in r.stderr
