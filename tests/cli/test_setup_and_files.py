"""Set-up and files (issue 10, items 6 and 8): racing inits, the key written first, paths that look like URIs,
PostgreSQL URL parameters and passwords, migrate's key, evidence privacy, and key handling without POSIX calls."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from ledger.app import open_ledger
from ledger.integrity import keys
from ledger.integrity.note import read_key_file
from ledger.storage import files
from ledger.storage.location import parse_url
from tests.conftest import Kaoping, kaoping_script

RACERS = 4


def recorded(url: str) -> str | None:
    """The public key a ledger records, as text."""
    app = open_ledger(url)
    try:
        key = keys.recorded_key(app)
        return key.text() if key is not None else None
    finally:
        app.close()


def event_count(url: str) -> int:
    app = open_ledger(url)
    try:
        return sum(1 for _ in app.notifications())
    finally:
        app.close()


@pytest.mark.parametrize("trial", range(3))
def test_racing_inits_on_one_new_ledger_end_with_one_ledger_whose_key_file_matches_its_recorded_key(
    trial: int, db_url: str, tmp_path: Path
) -> None:
    key = tmp_path / "shared.key"
    procs = [subprocess.Popen([kaoping_script(), "--db", db_url, "--key", str(key), "--as", f"科员{n}", "init"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(RACERS)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert sorted(code for code, _, _ in results) == [0] + [2] * (RACERS - 1), results
    for code, _, err in results:
        assert "Traceback" not in err
        if code == 2:
            assert len(err.strip().splitlines()) == 1 and err.startswith("错误："), err
    assert event_count(db_url) == 2  # the center and its key, once
    assert recorded(db_url) == read_key_file(key).verifier.text()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith((".init", ".new"))]


def test_racing_inits_beside_the_ledger_share_its_default_key_file(sqlite_url: str, tmp_path: Path) -> None:
    procs = [subprocess.Popen([kaoping_script(), "--db", sqlite_url, "init"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(RACERS)]
    assert sorted(p.wait(timeout=120) for p in procs) == [0] + [2] * (RACERS - 1)
    assert recorded(sqlite_url) == read_key_file(tmp_path / "kaoping.key").verifier.text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kaoping.db", "kaoping.key"]


def test_an_init_that_cannot_write_its_key_makes_no_ledger(kp: Kaoping, db_url: str, tmp_path: Path) -> None:
    result = kp("--key", str(tmp_path / "no-such-folder" / "k.key"), "init")
    assert result.exit_code == 2 and "签名密钥" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    if db_url.startswith("sqlite"):
        assert not (tmp_path / "kaoping.db").exists()
    else:
        assert event_count(db_url) == 0


def test_an_init_that_fails_after_its_key_was_written_takes_the_key_back(
    kp: Kaoping, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger.app import Ledger
    from ledger.errors import NotAllowed

    def refuse(*args: object, **kwargs: object) -> None:
        raise NotAllowed("磁盘已满")

    monkeypatch.setattr(Ledger, "init", refuse)
    result = kp("--key", str(tmp_path / "k.key"), "init")
    assert result.exit_code == 2 and "磁盘已满" in result.stderr
    assert not (tmp_path / "k.key").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("kaoping-evidence")) == []


@pytest.mark.posix_only("checks mode bits")
def test_init_makes_the_ledger_and_its_key_readable_by_the_owner_only(sqlite_url: str, tmp_path: Path) -> None:
    kp = Kaoping(sqlite_url, tmp_path)
    assert kp("init").exit_code == 0
    for name in ("kaoping.db", "kaoping.key"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) & 0o077 == 0, name


@pytest.mark.posix_only("expects the key beside the ledger, where POSIX keeps it")
@pytest.mark.parametrize("name", ["a#b.db", "a?mode=ro.db", "a%41b.db", "a%23b#c?d.db"])
@pytest.mark.parametrize("spelling", ["path", "url"])
def test_a_db_path_holding_hash_question_mark_or_percent_opens_that_very_file(
    name: str, spelling: str, tmp_path: Path
) -> None:
    from urllib.parse import quote

    where = tmp_path / "账本" / name
    where.parent.mkdir()
    db = str(where) if spelling == "path" else "sqlite:///" + quote(str(where))
    kp = Kaoping(db, tmp_path)
    assert kp("init").exit_code == 0
    assert kp("window", "add", "A", "甲窗口").exit_code == 0
    assert sorted(p.name for p in where.parent.iterdir() if not p.name.endswith(".evidence")) == sorted(
        [name, where.with_suffix(".key").name])
    assert "甲窗口" in kp("window", "list").stdout
    assert "甲窗口" in kp("report", "2008Q3").stdout  # the light reader opens the same file


def test_postgres_url_query_parameters_reach_the_connection(db_url: str) -> None:
    if not db_url.startswith("postgres"):
        pytest.skip("about PostgreSQL URLs")
    app = open_ledger(db_url + "?application_name=kaoping-h6b-probe", "测试员", create=True)
    try:
        with app.recorder.datastore.transaction(commit=False) as curs:  # type: ignore[attr-defined]
            curs.execute("SHOW application_name")
            row = curs.fetchone()
        assert "kaoping-h6b-probe" in str(row)
    finally:
        app.close()


def test_sslmode_require_is_kept_and_refused_in_one_line_by_a_server_without_ssl(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgres"):
        pytest.skip("about PostgreSQL URLs")
    result = Kaoping(db_url + "?sslmode=require", tmp_path)("log")
    if result.exit_code == 0:
        pytest.skip("this test server speaks SSL: sslmode=require succeeded")
    assert result.exit_code == 2 and "SSL" in result.stderr.upper()
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("password", ["s3cr3t", "pa/ss?w#rd", "p@ss:word", "50%off"])
def test_a_password_is_never_shown_however_it_is_typed(password: str, tmp_path: Path) -> None:
    url = f"postgresql://kaoping:{password}@127.0.0.1:1/kaoping"
    result = Kaoping(url, tmp_path)("log")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    for part in {password, *password.replace("@", "/").replace("?", "/").replace("#", "/").split("/")} - {""}:
        if len(part) >= 3:
            assert part not in result.stderr, result.stderr
    assert parse_url(url.replace(password, "x")).display().count("***") <= 1


@pytest.mark.posix_only("finds the source's key beside it, where POSIX keeps keys")
def test_migrate_with_kaoping_key_set_for_the_target_copies_the_sources_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = f"sqlite:///{tmp_path / 'old.db'}"
    assert Kaoping(source, tmp_path)("init").exit_code == 0
    target_key = tmp_path / "new.key"
    monkeypatch.setenv("KAOPING_KEY", str(target_key))
    target = f"sqlite:///{tmp_path / 'new.db'}"
    result = Kaoping(source, tmp_path)("migrate", "--to", target)
    assert result.exit_code == 0, result.stderr
    assert read_key_file(target_key).text() == read_key_file(tmp_path / "old.key").text()
    assert Kaoping(target, tmp_path)("checkpoint").exit_code == 0  # the target can sign with it


@pytest.mark.posix_only("checks mode bits of evidence copies")
@pytest.mark.parametrize("private", [True, False])
def test_evidence_given_as_a_symlink_keeps_its_sources_privacy(
    private: bool, sqlite_url: str, tmp_path: Path
) -> None:
    kp = Kaoping(sqlite_url, tmp_path)
    assert kp("init").exit_code == 0 and kp("window", "add", "A", "甲窗口").exit_code == 0
    real = tmp_path / "private" / "现场照片.jpg"
    real.parent.mkdir()
    real.write_bytes(b"\xff\xd8 a photo of the counter")
    real.chmod(0o600 if private else 0o644)
    link = tmp_path / "photo.jpg"
    link.symlink_to(real)
    assert kp("record", "W2.3", "--window", "A", "--date", "2008-07-01", "--source", "weekly",
              "--evidence", str(link)).exit_code == 0
    stored = [p for p in (tmp_path / "kaoping.evidence").rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == real.read_bytes()
    mode, folder = stat.S_IMODE(stored[0].stat().st_mode), stat.S_IMODE(stored[0].parent.stat().st_mode)
    if private:
        assert mode & 0o077 == 0 and folder & 0o077 == 0, (oct(mode), oct(folder))
    else:
        assert mode == 0o444


def test_key_handling_works_where_posix_permission_calls_do_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = tmp_path / "AppData" / "Local"
    profile.mkdir(parents=True)
    monkeypatch.setattr(files, "POSIX", False)
    monkeypatch.setenv("LOCALAPPDATA", str(profile))
    monkeypatch.delenv("KAOPING_KEY", raising=False)
    for name in ("fchmod", "fchown"):
        monkeypatch.delattr(os, name, raising=False)
    kp = Kaoping(f"sqlite:///{tmp_path / 'ledger' / 'kaoping.db'}", tmp_path)
    (tmp_path / "ledger").mkdir()
    assert kp("init").exit_code == 0
    made = list((profile / "kaoping" / "keys").glob("kaoping-*.key"))
    assert len(made) == 1 and not (tmp_path / "ledger" / "kaoping.key").exists()
    assert recorded(kp.db) == read_key_file(made[0]).verifier.text()
    assert kp("checkpoint", "--out", str(tmp_path / "cp.txt")).exit_code == 0
    assert kp("verify", "--checkpoint", str(tmp_path / "cp.txt")).exit_code == 0
    other = Kaoping(f"sqlite:///{tmp_path / 'ledger' / 'other' / 'kaoping.db'}", tmp_path)
    (tmp_path / "ledger" / "other").mkdir()
    assert other("init").exit_code == 0
    assert len(list((profile / "kaoping" / "keys").glob("kaoping-*.key"))) == 2  # two ledgers never share a key
