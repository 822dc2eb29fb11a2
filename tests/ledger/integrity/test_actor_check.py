"""`verify` checks who acted (D32): each command's signature over its events, recomputed from the stored rows, and
the actor's right to act then — an edited 操作人, a swapped signature, an unsigned insertion or a retired actor's key
each fail, naming the position."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from ledger import acting, ids, topics
from ledger import events as ev
from ledger.app import Ledger, open_ledger
from ledger.integrity import command_signature, keys, verification
from ledger.integrity.note import read_key_file
from ledger.sheets.findings import parse_findings_csv

RELEASE1 = Path(__file__).resolve().parents[2] / "data" / "release1"


def _signed_center(folder: Path) -> Ledger:
    """A center whose admin 张三 registered clerk 王芳, who recorded three findings (positions: init 1–2, then
    张三's registration 3–4, 王芳's 5–6, the windows 7–10, the findings 11–16)."""
    app = open_ledger(f"sqlite:///{folder / 'kaoping.db'}", "张三", create=True)
    staged = keys.stage_key(folder / "kaoping.key")
    app.init("长兴县行政服务中心", also=[keys.key_event(app.actor, staged.signer)])
    acting.add_actor(app, "张三", "admin", str(folder / "张三.key"))
    app.actor_key = str(folder / "张三.key")
    acting.add_actor(app, "王芳", "clerk", str(folder / "王芳.key"))
    app.add_window("TAX", "地税窗口")
    app.add_window("LAND", "国土窗口")
    app.actor, app.actor_key = "王芳", str(folder / "王芳.key")
    for note in ("未佩牌", "迟到", "离岗"):
        app.record_finding("W2.3", window="TAX", day="2008-07-04", source="weekly", note=note)
    return app


@pytest.fixture
def signed(tmp_path: Path) -> Ledger:
    app = _signed_center(tmp_path)
    yield app
    app.close()


def _check(app: Ledger) -> verification.Report:
    return verification.check(app)


def _sql(app: Ledger, statement: str, *args: object) -> None:
    assert app.location.sqlite_path is not None
    with sqlite3.connect(app.location.sqlite_path) as conn:
        conn.execute(statement, args)


def _state(app: Ledger, rowid: int) -> bytes:
    assert app.location.sqlite_path is not None
    with sqlite3.connect(app.location.sqlite_path) as conn:
        return bytes(conn.execute("SELECT state FROM stored_events WHERE rowid = ?", (rowid,)).fetchone()[0])


def test_a_signed_ledger_verifies_and_says_from_which_position_its_events_are_signed(signed: Ledger) -> None:
    report = _check(signed)
    assert report.ok, report.to_json()["problems"]
    doc = report.to_json()
    assert (doc["signed_from"], doc["signed_commands"]) == (3, 7)
    assert report.acted.by[11] == ("王芳", "clerk") and report.acted.by[3] == ("张三", "admin")
    assert 1 not in report.acted.by and 2 not in report.acted.by


def test_an_edited_actor_fails_naming_the_event_and_its_signature(signed: Ledger) -> None:
    state = orjson.loads(_state(signed, 13))
    state["actor"] = "纪委"
    _sql(signed, "UPDATE stored_events SET state = ? WHERE rowid = 13", orjson.dumps(state))
    problems = {(p["position"], p["kind"]) for p in _check(signed).to_json()["problems"]}
    assert (14, "actor-signature") in problems


def test_a_signature_swapped_between_two_commands_fails_at_both(signed: Ledger) -> None:
    first, second = _state(signed, 12), _state(signed, 14)
    _sql(signed, "UPDATE stored_events SET state = ? WHERE rowid = 12", second)
    _sql(signed, "UPDATE stored_events SET state = ? WHERE rowid = 14", first)
    problems = {(p["position"], p["kind"]) for p in _check(signed).to_json()["problems"]}
    assert {(12, "actor-signature"), (14, "actor-signature")} <= problems


def test_an_event_inserted_without_a_signature_fails_naming_its_position(signed: Ledger) -> None:
    assert signed.location.sqlite_path is not None
    with sqlite3.connect(signed.location.sqlite_path) as conn:
        topic, state = conn.execute("SELECT topic, state FROM stored_events WHERE rowid = 11").fetchone()
        conn.execute("INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?, 1, ?, ?)",
                     (ids.new_id().hex, topic, state))
    report = _check(signed)
    assert report.broken is not None and (report.broken.position, report.broken.kind) == (17, "actor")


def test_a_command_signed_with_a_retired_actors_key_fails(signed: Ledger, tmp_path: Path) -> None:
    signed.actor, signed.actor_key = "张三", str(tmp_path / "张三.key")
    acting.retire_actor(signed, "王芳", "密钥被盗")
    stolen = read_key_file(tmp_path / "王芳.key")
    event = ev.FindingRecorded(  # type: ignore[call-arg]
        originator_id=ids.new_id(), originator_version=1, timestamp=datetime.now(UTC), actor="王芳", item="W2.3",
        window="TAX", staff=None, date="2008-07-05", source="weekly", dq=None, note="伪造", evidence=None,
        row_key=None)
    stored = signed.mapper.to_stored_event(event)
    digest = command_signature.stored_digest([stored])
    forged = ev.CommandSigned(  # type: ignore[call-arg]
        originator_id=ids.new_id(), originator_version=1, timestamp=datetime.now(UTC), actor="王芳", role="clerk",
        events=1, digest=command_signature.b64(digest), key_id=stolen.verifier.key_id_hex,
        signature=command_signature.sign(stolen, "王芳", "clerk", 1, digest))
    signed.recorder.insert_events([stored, signed.mapper.to_stored_event(forged)])
    report = _check(signed)
    assert report.broken is not None and report.broken.kind == "actor"
    assert "已停用" in report.broken.message and report.broken.position == 19


def test_a_ledger_without_actors_verifies_unsigned(tmp_path: Path) -> None:
    app = open_ledger(f"sqlite:///{tmp_path / 'kaoping.db'}", "督查科", create=True)
    app.init("长兴县行政服务中心")
    app.add_window("TAX", "地税窗口")
    doc = _check(app).to_json()
    assert (doc["ok"], doc["signed_from"], doc["signed_commands"]) == (True, None, 0)
    assert [r.event.TOPIC for r in app.read()][-1] != topics.SIGNATURE_TOPIC
    app.close()


def test_the_first_release_ledger_still_verifies_and_has_no_signed_events(tmp_path: Path) -> None:
    for name in ("demo.db", "demo.key"):
        shutil.copy2(RELEASE1 / name, tmp_path / name)
    app = open_ledger(f"sqlite:///{tmp_path / 'demo.db'}")
    doc = _check(app).to_json()
    assert (doc["ok"], doc["signed_from"], doc["signed_commands"]) == (True, None, 0)
    app.close()


HEADER = "date,window,staff,item,source,dq,note\n"


def test_an_import_of_many_rows_is_one_signature(ledger: Ledger, tmp_path: Path) -> None:
    acting.add_actor(ledger, "张三", "admin", str(tmp_path / "张三.key"))
    ledger.actor, ledger.actor_key = "张三", str(tmp_path / "张三.key")
    ledger.add_window("TAX", "地税窗口")
    acting.add_actor(ledger, "王芳", "clerk", str(tmp_path / "王芳.key"))
    ledger.actor, ledger.actor_key = "王芳", str(tmp_path / "王芳.key")
    before = ledger.max_notification_id()
    rows = "".join(f"2008-07-{1 + i % 28:02d},TAX,,W2.3,weekly,,第{i}行\n" for i in range(500))
    ledger.import_findings(parse_findings_csv((HEADER + rows).encode(), "week.csv"))
    added = [r.event for r in ledger.read() if r.notification_id > before]
    assert len(added) == 501 and isinstance(added[-1], ev.CommandSigned)
    assert (added[-1].events, added[-1].actor, added[-1].role) == (500, "王芳", "clerk")
    report = verification.check(ledger)
    assert report.ok, report.to_json()["problems"]
