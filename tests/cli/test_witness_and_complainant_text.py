"""Hostile text (D27) in the witness and complainant commands: refused at entry in one safe line, writing nothing,
and stored text of a witness shown escaped like every other stored text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from ledger import events as ev
from ledger.app import open_ledger
from tests.cli.hostile import SPOILERS, assert_refused_safely, classes, unsafe
from tests.conftest import Kaoping
from tests.snapshot import snapshot

HOSTILE = "\x1b[2J\x1b[H甲\n99  2008-06-30 12:00  督查科  检查记录  伪造\u202e\x9b\u2028乙"


@pytest.fixture
def ledger_with_a_complainant(kp: Kaoping) -> dict[str, str]:
    """A ledger with one complaint naming its complainant, and one checkpoint: the complaint's id."""
    assert kp("init").exit_code == 0
    assert kp("window", "add", "DS", "地税窗口").exit_code == 0
    r = kp("complaint", "record", "--window", "DS", "--date", "2008-08-20", "--channel", "hotline-12345",
           "--text", "态度冷漠", "--complainant", "柯某", "--contact", "13957212345")
    assert r.exit_code == 0, r.stderr
    assert kp("checkpoint", "--out", "cp.txt").exit_code == 0
    return {"complaint": r.stdout.strip()}


# the arguments with one slot {H}, the good value spoiled in it, and its kind (code: every class; line: ONE_LINE)
CASES: dict[str, tuple[list[str], str, str]] = {
    "witness new NAME": (["witness", "new", "{H}", "--key-out", "w.key"], "jw2008.changxing/县纪委", "code"),
    "complaint record --complainant": (["complaint", "record", "--window", "DS", "--date", "2008-08-21", "--channel",
                                        "hotline-12345", "--text", "排队太久", "--complainant", "{H}"], "柯某", "line"),
    "complaint record --contact": (["complaint", "record", "--window", "DS", "--date", "2008-08-21", "--channel",
                                    "hotline-12345", "--text", "排队太久", "--contact", "{H}"], "13957212345", "line"),
    "complaint erase-contact --reason": (["complaint", "erase-contact", "{complaint}", "--reason", "{H}"],
                                         "投诉人要求删除", "line"),
    "complaint erase-contact ID": (["complaint", "erase-contact", "{H}", "--reason", "投诉人要求删除"], "{complaint}",
                                   "code"),
    "complaint show ID": (["complaint", "show", "{H}"], "{complaint}", "code"),
    "pg-setup --app-role": (["pg-setup", "--app-role", "{H}"], "kaoping_app", "code"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_text_in_every_new_argument_is_refused_writes_nothing_and_prints_nothing_unsafe(
        case: str, ledger_with_a_complainant: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path) -> None:
    args, good, kind = CASES[case]
    good = good.format(**ledger_with_a_complainant)
    before = snapshot(db_url, tmp_path)
    tried = 0
    for cls in classes(kind):
        value = SPOILERS[cls](good)
        if value == good:
            continue
        tried += 1
        result = kp(*[value if a == "{H}" else a.format(**ledger_with_a_complainant) for a in args])
        assert_refused_safely(result, f"{case} with {cls}")
    assert tried >= 8
    assert snapshot(db_url, tmp_path) == before  # no event, no key file, no contact key added or destroyed


def test_a_checkpoint_file_with_a_control_character_is_refused_before_anything_is_cosigned(
        ledger_with_a_complainant: dict[str, str], kp: Kaoping, tmp_path: Path) -> None:
    assert kp("witness", "new", "jw.changxing/witness", "--key-out", "w.key").exit_code == 0
    (tmp_path / "bad.txt").write_text((tmp_path / "cp.txt").read_text() + "\u2014 x \x1b[2JAAAA\n")
    r = kp("witness", "cosign", "bad.txt", "--key", "w.key", "--state", "w.json", "--out", "out.txt")
    assert_refused_safely(r, "a cosigned file with an ESC")
    assert not (tmp_path / "w.json").exists() and not (tmp_path / "out.txt").exists()


def test_a_stored_cosignature_naming_its_witness_hostilely_is_shown_escaped_and_counts_for_nothing(
        ledger_with_a_complainant: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path) -> None:
    assert kp("witness", "new", "jw.changxing/witness", "--key-out", "w.key").exit_code == 0
    vkey = kp("witness", "new", "jw.other/witness", "--key-out", "o.key").stdout.strip()
    app = open_ledger(db_url, "科长")
    try:
        app.append(ev.CosignatureRecorded(  # type: ignore[call-arg]
            originator_id=uuid4(), originator_version=1,
            timestamp=datetime.now(UTC), actor=HOSTILE, witness=HOSTILE, key_id="\x1b[31m", witness_key=HOSTILE + vkey,
            size=3, root=HOSTILE, line="\u2014 " + HOSTILE))
    finally:
        app.close()
    for args in (("log",), ("log", "--json"), ("verify", "--witness", vkey)):
        result = kp(*args)
        out = result.stdout + result.stderr
        assert unsafe(out) == [], (args, out)
        assert not any(line.startswith("99") for line in out.splitlines()), out
    assert kp("verify", "--witness", vkey).exit_code == 1  # a stored line that does not verify is no cosignature
