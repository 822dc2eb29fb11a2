"""`verify`'s actor check in bounded memory gives the verdicts it gave holding every first state and every
position: separation of duties is still refused from what it keeps of a fact's first event (its recorder, an
appeal's fact), the verified signers read back as the dict they replace, and a ledger whose actors' registrations
were deleted still fails though the scan keeps only its first CommandSigned."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from ledger import acting, ids
from ledger import events as ev
from ledger.app import Ledger, open_ledger
from ledger.integrity import command_signature, verification
from ledger.integrity.actor_check import Spans
from ledger.integrity.leaves import scan
from ledger.integrity.note import read_key_file
from ledger.topics import ACTOR_TOPICS, INTEGRITY_TOPICS, KNOWN_TOPICS, SIGNATURE_TOPIC


def _center(db_url: str, folder: Path) -> Ledger:
    """Admin 张三, clerks 王芳 and 李四, one window; the ledger then acts as 王芳."""
    app = open_ledger(db_url, "张三", create=True)
    app.init("长兴县行政服务中心")
    acting.add_actor(app, "张三", "admin", str(folder / "张三.key"))
    app.actor_key = str(folder / "张三.key")
    for clerk in ("王芳", "李四"):
        acting.add_actor(app, clerk, "clerk", str(folder / f"{clerk}.key"))
    app.add_window("TAX", "地税窗口")
    app.actor, app.actor_key = "王芳", str(folder / "王芳.key")
    return app


def _signed_by(app: Ledger, folder: Path, name: str, *events: ev.Fact) -> int:
    """Store `events` as one command signed by clerk `name` with their own key — what a clerk who bypasses the
    write-time check could store; returns the signature's position."""
    signer = read_key_file(folder / f"{name}.key")
    stored = [app.mapper.to_stored_event(e) for e in events]
    digest = command_signature.stored_digest(stored)
    signature = ev.CommandSigned(  # type: ignore[call-arg]
        originator_id=ids.new_id(), originator_version=1, timestamp=datetime.now(UTC), actor=name, role="clerk",
        events=len(stored), digest=command_signature.b64(digest), key_id=signer.verifier.key_id_hex,
        signature=command_signature.sign(signer, name, "clerk", len(stored), digest))
    app.recorder.insert_events([*stored, app.mapper.to_stored_event(signature)])
    return sum(1 for _ in app.notifications())


def _event(cls: type[ev.Fact], stream: UUID, version: int, actor: str, **fields: object) -> ev.Fact:
    return cls(originator_id=stream, originator_version=version, timestamp=datetime.now(UTC),  # type: ignore[call-arg]
               actor=actor, **fields)


def _appeal_filed_by(app: Ledger, folder: Path, clerk: str) -> UUID:
    """A finding recorded as the ledger acts (王芳), and an appeal against it filed by `clerk`: the appeal's stream."""
    finding = app.record_finding("W2.3", window="TAX", day="2008-07-04", source="weekly", note="未佩牌")
    appeal = ids.appeal_id(finding)
    _signed_by(app, folder, clerk, _event(ev.AppealFiled, appeal, 1, clerk, against=str(finding), origin="finding",
                                          quarter="2008Q3", window="TAX", staff=None, by="TAX", date=date(2008, 7, 8),
                                          text="当天已佩牌", evidence=None))
    return appeal


def _duties(app: Ledger) -> list[int]:
    report = verification.check(app, whole_tree=False)
    return [f.position for f in report.flaws if f.kind == "actor" and "职责分离" in f.message]


def test_a_complaint_dismissed_by_the_clerk_who_recorded_it_is_refused_by_verify(db_url: str,
                                                                                 tmp_path: Path) -> None:
    app = _center(db_url, tmp_path)
    try:
        channel = next(iter(app.catalogue.channels))
        mine = app.record_complaint(window="TAX", day="2008-07-04", channel=channel, text="等候时间过长")
        theirs = app.record_complaint(window="TAX", day="2008-07-04", channel=channel, text="态度冷漠")
        assert verification.check(app, whole_tree=False).ok
        at = _signed_by(app, tmp_path, "王芳", _event(ev.ComplaintDismissed, mine, 2, "王芳", reason="不实"))
        _signed_by(app, tmp_path, "李四", _event(ev.ComplaintDismissed, theirs, 2, "李四", reason="不实"))
        assert _duties(app) == [at - 1], "only the recorder's own dismissal, at its event"
    finally:
        app.close()


def test_an_appeal_decided_by_the_clerk_who_recorded_the_finding_is_refused_by_verify(db_url: str,
                                                                                      tmp_path: Path) -> None:
    app = _center(db_url, tmp_path)
    try:
        appeal = _appeal_filed_by(app, tmp_path, "李四")
        assert verification.check(app, whole_tree=False).ok
        at = _signed_by(app, tmp_path, "王芳", _event(ev.AppealUpheld, appeal, 2, "王芳", reason="维持"))
        assert _duties(app) == [at - 1]
    finally:
        app.close()


def test_the_same_appeal_decided_by_another_clerk_verifies(db_url: str, tmp_path: Path) -> None:
    app = _center(db_url, tmp_path)
    try:
        appeal = _appeal_filed_by(app, tmp_path, "李四")
        _signed_by(app, tmp_path, "李四", _event(ev.AppealUpheld, appeal, 2, "李四", reason="维持"))
        report = verification.check(app, whole_tree=False)
        assert report.ok, report.broken
    finally:
        app.close()


def test_the_scan_keeps_one_command_signature_yet_deleted_registrations_still_fail(db_url: str,
                                                                                  tmp_path: Path) -> None:
    app = _center(db_url, tmp_path)
    try:
        for note in ("未佩牌", "迟到", "离岗"):
            app.record_finding("W2.3", window="TAX", day="2008-07-04", source="weekly", note=note)
        found = scan(app, KNOWN_TOPICS, ids.INTEGRITY_STREAM.bytes, INTEGRITY_TOPICS | ACTOR_TOPICS)
        assert [r[3] for r in found.special].count(SIGNATURE_TOPIC) == 1
        signed = verification.check(app, whole_tree=False)
        assert signed.ok and signed.acted.signatures == 7
    finally:
        app.close()
    _delete_registrations(db_url)
    app = open_ledger(db_url)
    try:
        report = verification.check(app, whole_tree=False)
        assert not report.ok and report.acted.signatures == 0, "no signature verifies without its actor"
        assert any(f.kind == "actor" and "没有登记任何操作人" in f.message for f in report.flaws)
    finally:
        app.close()


def _delete_registrations(db_url: str) -> None:
    app = open_ledger(db_url)
    try:
        table = app.recorder.events_table_name
        added = ev.ActorAdded.TOPIC
        if app.location.backend == "sqlite":
            import sqlite3

            assert app.location.sqlite_path is not None
            with sqlite3.connect(app.location.sqlite_path) as conn:
                conn.execute(f"DELETE FROM {table} WHERE topic = ?", (added,))
        else:
            import psycopg

            with psycopg.connect(db_url, autocommit=True) as pg:
                pg.execute(f"DELETE FROM {table} WHERE topic = %s", (added,))  # type: ignore[arg-type]
    finally:
        app.close()


RUNS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5), st.sampled_from([("王芳", "clerk"), ("李四", "clerk"),
                                                                                   ("张三", "admin")])),
                max_size=40)


@given(RUNS, st.lists(st.integers(-2, 200), max_size=30))
def test_spans_read_as_the_dict_of_every_verified_position_they_replace(runs: list[tuple[int, int, tuple[str, str]]],
                                                                       probes: list[int]) -> None:
    spans, by, at = Spans(), {}, 1
    for gap, length, signer in runs:
        first, last = at + gap, at + gap + length
        spans.add(first, last, signer)
        by.update(dict.fromkeys(range(first, last + 1), signer))
        at = last + 1
    assert dict(spans) == by and len(spans) == len(by) and list(spans) == list(by)
    for p in probes:
        assert spans.get(p) == by.get(p) and (p in spans) == (p in by)
