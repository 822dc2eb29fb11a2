"""The anchors are checked, not trusted: stripping the signing records, emptying the ledger or restoring an older
backup fails `verify` beside the key file, and the key never signs a history that does not extend its last one.

The same bases and direct-SQL copies as tests/ledger/test_tamper.py (tests/ledger/tamper.py), on both backends.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import topics
from ledger.errors import InvalidInput, NotAllowed
from ledger.integrity import anchor, signing
from ledger.integrity.note import read_key_file
from tests.ledger.tamper import SETTINGS, Base, Rows, broken_at, tampered


def _positions(r: Rows, wanted: frozenset[str]) -> list[int]:
    return [p for p in range(1, r.count() + 1) if r.row(p)[2] in wanted]


def _kinds(r: Rows, *, kept: bool = True) -> set[str]:
    return {f.kind for f in r.verify(kept=kept).flaws}


def test_a_ledger_stripped_of_its_key_and_checkpoint_records_fails_verify_beside_the_key_file(rows: Rows) -> None:
    rows.delete(*_positions(rows, topics.INTEGRITY_TOPICS))
    report = rows.verify(kept=False)
    assert broken_at(report) == 2
    assert report.broken is not None and report.broken.kind == "key"
    assert not rows.verify().ok


def test_a_ledger_stripped_of_its_checkpoint_records_fails_against_the_checkpoint_kept_beside_the_key(
    rows: Rows, base: Base
) -> None:
    rows.delete(*_positions(rows, frozenset({topics.CHECKPOINT_TOPIC})))
    assert rows.verify(kept=False).ok  # nothing inside the database says a checkpoint was ever taken
    assert not rows.verify().ok  # the earlier records were inside the kept checkpoint's tree


def test_deleting_only_the_last_checkpoint_record_is_caught_as_a_missing_record(rows: Rows, base: Base) -> None:
    rows.delete(base.checkpoints[-1][0])
    assert rows.verify(kept=False).ok
    report = rows.verify()
    assert broken_at(report) == base.external_size + 1
    assert report.broken is not None and report.broken.kind == "checkpoint"
    assert report.kept is not None and report.kept["extends"] and not report.kept["stored"]


def test_a_ledger_whose_events_were_all_deleted_fails_verify_at_position_one(rows: Rows) -> None:
    rows.delete(*range(1, rows.count() + 1))
    assert rows.count() == 0
    assert broken_at(rows.verify(kept=False)) == 1
    assert _kinds(rows) >= {"key", "anchor"}


@SETTINGS
@given(data=st.data())
def test_deleting_any_tail_of_the_ledger_is_caught_at_its_first_position_beside_the_key(
    base: Base, data: st.DataObject
) -> None:
    r = tampered(base)
    try:
        total = r.count()
        first = data.draw(st.integers(1, total))
        r.delete(*range(first, total + 1))
        assert broken_at(r.verify()) == first
    finally:
        r.close()


def _restore_backup(r: Rows, base: Base) -> int:
    """Make the copy what a backup taken just after the second stored checkpoint holds; its size."""
    position = base.checkpoints[1][0]
    r.delete(*range(position + 1, r.count() + 1))
    return position


@SETTINGS
@given(data=st.data())
def test_a_rewritten_history_is_never_signed_by_the_real_key(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        total = r.count()
        cut = data.draw(st.integers(base.checkpoints[0][0], total - 1))
        r.delete(*range(cut + 1, total + 1))
        app = r.open()
        try:
            for i in range(data.draw(st.integers(0, total - cut + 2))):
                app.record_finding("W2.3", window="W0", day="2024-03-06", source="weekly", note=f"改写{i}")
            before = r.count()
            # refused either as not extending what the key signed, or (nothing appended after a cut that left
            # the kept checkpoint's tree whole) as a ledger missing the kept checkpoint's record
            with pytest.raises(NotAllowed, match="拒绝签发"):
                signing.make_checkpoint(app, r.dir / "kaoping.key")
            assert r.count() == before  # nothing recorded
        finally:
            app.close()
        assert anchor.read_kept(r.dir / "kaoping.key", read_key_file(r.dir / "kaoping.key").verifier) is not None
        assert not r.verify().ok
    finally:
        r.close()


def test_after_restoring_an_older_backup_checkpoint_is_refused_until_after_restore_records_the_loss(
    rows: Rows, base: Base
) -> None:
    restored = _restore_backup(rows, base)
    key = rows.dir / "kaoping.key"
    assert "anchor" in _kinds(rows)
    app = rows.open()
    try:
        app.record_finding("W2.3", window="W1", day="2024-03-07", source="weekly", note="恢复后新记的")
        with pytest.raises(NotAllowed, match="after-restore"):
            signing.make_checkpoint(app, key)
        note = signing.make_checkpoint(app, key, after_restore="服务器硬盘损坏，恢复了较早的备份")
    finally:
        app.close()
    kept = anchor.read_kept(key, read_key_file(key).verifier)
    assert kept is not None and kept.note == note and kept.checkpoint.size == restored + 2
    report = rows.verify()
    assert report.ok, report.flaws
    assert report.lost == [{"position": restored + 2, "signed_size": base.external_size,
                            "kept_size": base.checkpoints[1][1], "restored_size": restored + 1,
                            "reason": "服务器硬盘损坏，恢复了较早的备份"}]


def test_after_restore_is_refused_when_the_ledger_still_extends_what_the_key_signed(rows: Rows) -> None:
    app = rows.open()
    try:
        before = rows.count()
        with pytest.raises(NotAllowed, match="不需要"):
            signing.make_checkpoint(app, rows.dir / "kaoping.key", after_restore="误操作")
        assert rows.count() == before
    finally:
        app.close()


def test_a_kept_checkpoint_edited_outside_kaoping_is_refused(rows: Rows) -> None:
    path = anchor.kept_path(rows.dir / "kaoping.key")
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[1] = str(int(lines[1]) - 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InvalidInput, match="数据库之外被改动"):
        rows.verify()
