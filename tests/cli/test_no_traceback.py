"""No traceback, ever (issue 10, item 7): each named case is one Chinese line with exit 2 (1 for a failed check), and
a sweep of every command with wrong codes, unknown people, impossible dates and malformed files finds no other."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import Kaoping
from tests.snapshot import snapshot


def assert_one_line(result: Any, code: int = 2, fragment: str = "") -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    assert "Traceback" not in result.stderr
    assert fragment in lines[0], (fragment, lines[0])


@pytest.mark.parametrize("args", [("report", "0000Q1"), ("report", "9999Q4"), ("explain", "--window", "TAX", "0000Q1"),
                                  ("shortlist", "0000Q4"), ("year", "0"), ("year", "99999"),
                                  ("audit", "disqualifications", "--year", "0")])
def test_a_quarter_or_year_outside_the_calendar_is_one_line(args: tuple[str, ...], world: dict[str, str],
                                                            kp: Kaoping) -> None:
    assert_one_line(kp(*args))


def test_a_sheet_that_is_a_folder_or_cannot_be_read_is_one_line(
    world: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "folder.csv").mkdir()
    before = snapshot(db_url, tmp_path)
    assert_one_line(kp("import", "findings", "folder.csv"), fragment="folder.csv")
    sheet = tmp_path / "locked.csv"
    sheet.write_text("date,window,staff,item,source,dq,note\n", encoding="utf-8")
    real = Path.read_bytes

    def unreadable(self: Path) -> bytes:
        if self.name == "locked.csv":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    assert_one_line(kp("import", "findings", "locked.csv"), fragment="locked.csv")
    monkeypatch.undo()
    sheet.unlink()
    assert snapshot(db_url, tmp_path) == before


def _record_with_evidence(kp: Kaoping) -> Any:
    return kp("record", "W2.3", "--window", "TAX", "--date", "2008-06-11", "--source", "weekly", "--evidence",
              "photo.jpg")


def test_an_evidence_folder_that_cannot_be_written_is_one_line_and_nothing_is_recorded(
    world: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8 a new photo")
    (tmp_path / "blocked").write_text("a file where the evidence folder should be")
    monkeypatch.setenv("KAOPING_EVIDENCE_DIR", str(tmp_path / "blocked" / "evidence"))
    before = snapshot(db_url, tmp_path)
    assert_one_line(_record_with_evidence(kp), fragment="证据库")
    assert snapshot(db_url, tmp_path) == before


def test_a_full_disk_while_storing_evidence_is_one_line_and_leaves_no_staged_file(
    world: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8 a photo no disk has room for")
    before = snapshot(db_url, tmp_path)
    real = os.fdopen

    class Full:
        def __init__(self, f: Any) -> None:
            self.f = f

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.f.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Full(real(fd, *a, **k)))
    result = _record_with_evidence(kp)
    monkeypatch.undo()
    assert_one_line(result, fragment="什么也没有写入")
    assert snapshot(db_url, tmp_path) == before
    evidence = Path(os.environ.get("KAOPING_EVIDENCE_DIR") or tmp_path / "kaoping.evidence")
    assert not [p for p in evidence.rglob("*") if p.name.startswith(".staged-")]


@pytest.mark.posix_only("makes a folder unwritable by its mode bits")
def test_a_backup_into_a_folder_that_cannot_be_written_is_one_line(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kp = Kaoping(sqlite_url, tmp_path)
    assert kp("init").exit_code == 0
    (tmp_path / "a-file").write_text("x")
    assert_one_line(kp("backup", str(tmp_path / "a-file" / "copy.db")))
    shut = tmp_path / "read-only"
    shut.mkdir()
    shut.chmod(0o500)
    if os.geteuid() == 0:  # root writes anywhere: stand in for the folder's refusal
        import tempfile

        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert_one_line(kp("backup", str(shut / "copy.db")), fragment=str(shut))
    monkeypatch.undo()
    shut.chmod(0o700)
    assert list(shut.iterdir()) == []


@pytest.mark.parametrize("content", [b"\x00\xff\xfe binary \x89PNG", b"", b"not a key at all"])
def test_verify_with_a_public_key_file_that_is_not_a_key_is_one_line(
    content: bytes, world: dict[str, str], kp: Kaoping, tmp_path: Path
) -> None:
    (tmp_path / "key.bin").write_bytes(content)
    assert_one_line(kp("verify", "--public-key", "key.bin"))
    assert_one_line(kp("verify-receipt", "key.bin", "--public-key", "key.bin"))


def _tamper(db_url: str, position: int, change: dict[str, Any]) -> None:
    """Overwrite fields of the event stored at a ledger position, as someone with the database file could."""
    if db_url.startswith("sqlite"):
        with sqlite3.connect(db_url[len("sqlite:///"):]) as conn:
            rowid, state = conn.execute("SELECT rowid, state FROM stored_events ORDER BY rowid LIMIT 1 OFFSET ?",
                                        (position - 1,)).fetchone()
            data = orjson.loads(state)
            data.update(change)
            conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (orjson.dumps(data), rowid))
        return
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        nid, state = conn.execute("SELECT notification_id, state FROM kaoping_events ORDER BY notification_id "
                                  "LIMIT 1 OFFSET %s", (position - 1,)).fetchone()  # type: ignore[misc]
        data = orjson.loads(bytes(state))
        data.update(change)
        conn.execute("UPDATE kaoping_events SET state = %s WHERE notification_id = %s", (orjson.dumps(data), nid))


@pytest.mark.parametrize("change", [{"window": 7}, {"staff": ["P1"]}, {"note": None}, {"date": 20080602},
                                    {"item": {"code": "S4.1"}}])
@pytest.mark.parametrize("command", [("report", "2008Q2"), ("explain", "--staff", "P1", "2008Q2"),
                                     ("audit", "disqualifications"), ("rebuild",), ("retract", "{finding}", "--reason",
                                                                                    "录错")])
def test_a_tampered_row_of_the_wrong_type_is_one_line_naming_its_position(
    change: dict[str, Any], command: tuple[str, ...], world: dict[str, str], kp: Kaoping, db_url: str
) -> None:
    position = next(n for n, row in enumerate(_log(kp), 1) if row["id"] == world["finding"]
                    and row["type"] == "FindingRecorded")
    _tamper(db_url, position, change)
    result = kp(*[a.format(**world) for a in command])
    assert_one_line(result)
    assert "verify" in result.stderr


@pytest.mark.parametrize("change", [{"window": 7}, {"note": None}, {"date": 20080602}])
def test_the_log_of_a_tampered_row_lists_it_or_refuses_in_one_line(change: dict[str, Any], world: dict[str, str],
                                                                   kp: Kaoping, db_url: str) -> None:
    position = next(n for n, row in enumerate(_log(kp), 1) if row["id"] == world["finding"])
    _tamper(db_url, position, change)
    result = kp("log")
    assert result.exit_code in (0, 2) and "Traceback" not in result.stderr
    if result.exit_code:
        assert_one_line(result, fragment=f"位置 {position}")


def _log(kp: Kaoping) -> list[dict[str, Any]]:
    doc = orjson.loads(kp("log", "--json").stdout)
    events: list[dict[str, Any]] = doc["events"]
    return events
