"""bench/generate.py: large generated ledgers are made of real, valid events that replay cleanly."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from bench.generate import CHINA, generate
from ledger import events as ev
from ledger.app import open_ledger
from ledger.calendar import quarter_of
from ledger.errors import NotAllowed
from ledger.registry import Registry
from ledger.storage import evidence
from ledger.topics import topic


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL the evidence store is ./kaoping-evidence: keep it out of the working tree."""
    monkeypatch.chdir(tmp_path)


FOLLOW_UPS = {
    ev.FindingRetracted: ev.FindingRecorded,
    ev.BonusVerified: ev.BonusClaimed,
    ev.BonusRejected: ev.BonusClaimed,
    ev.ComplaintVerified: ev.ComplaintReceived,
    ev.ComplaintDismissed: ev.ComplaintReceived,
}


def test_a_small_generated_ledger_decodes_through_read_and_replays_cleanly(db_url: str) -> None:
    summary = generate(db_url, events=5000, seed=1)
    assert summary.events == 5000 and len(summary.quarters) >= 2
    app = open_ledger(db_url)
    try:
        cat = app.catalogue
        recorded = list(app.read())
        assert [r.position for r in recorded] == list(range(1, 5001))
        reg = Registry()
        first: dict[object, ev.Fact] = {}
        versions: dict[object, int] = defaultdict(int)
        last_time = None
        for r in recorded:
            e = r.event
            assert type(e) in ev.EVENT_TYPES
            assert e.originator_version == versions[e.originator_id] + 1, "each stream grows one version at a time"
            versions[e.originator_id] = e.originator_version
            assert last_time is None or e.timestamp >= last_time, "recording times follow ledger order"
            last_time = e.timestamp
            reg.apply(topic(type(e).__name__), vars(e), r.position)
            if type(e) in FOLLOW_UPS:
                assert isinstance(first[e.originator_id], FOLLOW_UPS[type(e)])
            if isinstance(e, (ev.FindingRecorded, ev.BonusClaimed, ev.ComplaintReceived)):
                first[e.originator_id] = e
                assert cat.effective <= e.date <= date.today()
                assert e.timestamp.astimezone(CHINA).date() >= e.date, "recorded on or after the fact's day"
                assert e.window in reg.windows
                if e.staff:
                    assert reg.window_on(e.staff, e.date.isoformat()) == e.window, "D2: the window of the fact's day"
            if isinstance(e, ev.FindingRecorded):
                cat.item(e.item)
                assert e.item[0] == ("S" if e.staff else "W") and e.source in cat.sources
                assert e.dq is None or cat.disqualification(e.dq).allows(e.item)
            if isinstance(e, ev.BonusClaimed):
                kind = cat.bonus_kind(e.kind)
                assert kind.points("staff" if e.staff else "window", e.level, e.place) > 0
                assert evidence.path_for(app.location.evidence_dir, e.evidence["sha256"]).is_file()
            if isinstance(e, ev.ComplaintVerified):
                received = first[e.originator_id]
                assert isinstance(received, ev.ComplaintReceived)
                assert e.item[0] == ("S" if received.staff else "W")
                if e.dq:
                    kind = cat.disqualification(e.dq)
                    assert kind.allows(e.item) and kind.channel_only in (None, received.channel)
            if isinstance(e, ev.ShortlistFrozen):
                assert set(e.windows) <= set(reg.windows) and set(e.staff) <= set(reg.people)
                assert e.quarter in summary.quarters
        kinds = {type(r.event) for r in recorded}
        assert kinds >= {ev.FindingRecorded, ev.FindingRetracted, ev.BonusClaimed, ev.BonusVerified,
                         ev.BonusRejected, ev.ComplaintReceived, ev.ComplaintVerified, ev.ComplaintDismissed,
                         ev.StaffMoved, ev.ShortlistFrozen, ev.DecisionRecorded}
        quarters = {quarter_of(r.event.date) for r in recorded if isinstance(r.event, ev.FindingRecorded)}
        assert quarters == set(summary.quarters)
    finally:
        app.close()


def test_the_generator_writes_the_same_ledger_for_the_same_seed(tmp_path: Path) -> None:
    def rows(name: str) -> list[tuple]:
        url = f"sqlite:///{tmp_path / name}"
        generate(url, events=3000, seed=7)
        app = open_ledger(url)
        try:
            return [(n.originator_id, n.originator_version, n.topic, n.state) for n in app.notifications()]
        finally:
            app.close()

    assert rows("a.db") == rows("b.db")


def test_the_generator_refuses_a_ledger_that_holds_records(db_url: str) -> None:
    generate(db_url, events=300)
    with pytest.raises(NotAllowed):
        generate(db_url, events=300)
    app = open_ledger(db_url)
    try:
        assert sum(1 for _ in app.notifications()) == 300
    finally:
        app.close()


def test_the_generator_command_line_says_what_it_made_and_how_long_it_took(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from bench.generate import main

    assert main(["--db", f"sqlite:///{tmp_path / 'g.db'}", "--events", "1500"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("generated 1,500 events") and " s (" in out
    assert main(["--db", f"sqlite:///{tmp_path / 'g.db'}", "--events", "1500"]) == 2



def test_a_ledger_generated_with_actors_verifies_with_every_command_signed(db_url: str, tmp_path: Path) -> None:
    from bench.generate_actors import CAST, key_path
    from ledger.integrity import verification
    from ledger.integrity.leaves import raw_rows

    key = tmp_path / "ledger.key"
    summary = generate(db_url, events=3000, seed=3, key=key, actors=True)
    assert summary.events == 3000 and all(key_path(key, name).is_file() for name, _ in CAST)
    app = open_ledger(db_url)
    try:
        report = verification.check(app, whole_tree=False)
        assert report.ok, report.broken
        signed = sum(1 for batch in raw_rows(app) for row in batch if row[3] == topic("CommandSigned"))
        assert report.acted.signatures == signed == summary.counts["CommandSigned"] > 1000
        assert report.acted.signed_from == 3, "everything after init is signed"
        assert any(isinstance(r.event, (ev.BonusVerified, ev.ComplaintVerified)) for r in app.read()), \
            "separation of duties is exercised"
    finally:
        app.close()


def test_a_changed_signature_in_a_ledger_generated_with_actors_is_refused(tmp_path: Path) -> None:
    import sqlite3

    import orjson

    from ledger.integrity import verification

    db = tmp_path / "a.db"
    generate(f"sqlite:///{db}", events=2000, seed=4, key=tmp_path / "a.key", actors=True)
    with sqlite3.connect(db) as conn:
        (a, sa), (b, sb) = conn.execute("SELECT rowid, state FROM stored_events WHERE topic = ? ORDER BY rowid "
                                        "LIMIT 2 OFFSET 500", (topic("CommandSigned"),)).fetchall()
        first, second = orjson.loads(sa), orjson.loads(sb)
        first["signature"] = second["signature"]
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (orjson.dumps(first), a))
    app = open_ledger(f"sqlite:///{db}")
    try:
        report = verification.check(app, whole_tree=False)
    finally:
        app.close()
    assert not report.ok and report.broken is not None
    assert (report.broken.position, report.broken.kind) == (a, "actor-signature") and b > a
