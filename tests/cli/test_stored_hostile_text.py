"""A ledger a first release wrote may hold any text: every printer shows it escaped, on its own line, never raw."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest

from ledger import catalogue as rules
from ledger import events as ev
from ledger import ids
from ledger.app import open_ledger
from ledger.commands.stamp import Stamp
from ledger.runtime.zone import center_today
from ledger.text import UNSHOWN
from tests.conftest import Kaoping

FORGED = "\n99  2008-06-30 12:00  督查科  检查记录  伪造"
HOSTILE = "\x1b[2J\x1b[H甲" + FORGED + "\u202e\x9b\x07\u2028乙\r"
CODE = "EV\u200bIL"
PERSON = "P\u202e9"


def unsafe(text: str) -> list[str]:
    return [f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) in UNSHOWN and ch != "\n"]


@pytest.fixture
def stored(db_url: str, tmp_path: Path) -> dict[str, str]:
    """A ledger holding hostile text in every field a person can type, appended as a first release could."""
    (tmp_path / "cert.pdf").write_bytes(b"%PDF-1.4 certificate")
    app = open_ledger(db_url, "科长", create=True)
    try:
        cat = rules.load(rules.DEFAULT_RULES)
        s = Stamp(HOSTILE, datetime.now(UTC), center_today())
        app.append(s.event(ev.CenterInitialised, ids.center_id(), 1, center=HOSTILE, rules=cat.id,
                           rules_revision=cat.revision, rules_sha256=cat.sha256))
        app.append(s.event(ev.WindowRegistered, ids.window_id(CODE), 1, code=CODE, name=HOSTILE,
                           department=HOSTILE))
        app.append(s.event(ev.StaffRegistered, ids.staff_id(PERSON), 1, staff_id=PERSON, name=HOSTILE, window=CODE,
                           since=date(2008, 5, 1)))
        finding, claim, complaint = ids.new_id(), ids.new_id(), ids.new_id()
        app.append(s.event(ev.FindingRecorded, finding, 1, item="S4.2", window=CODE, staff=PERSON,
                           date=date(2008, 6, 2), source="weekly", dq="gaming", note=HOSTILE, evidence=None,
                           row_key=None))
        data = b"%PDF-1.4 certificate"
        digest = hashlib.sha256(data).hexdigest()
        stored = app.location.evidence_dir / digest[:2] / digest
        stored.parent.mkdir(parents=True)
        stored.write_bytes(data)
        evidence = {"name": HOSTILE + ".pdf", "sha256": digest, "size": len(data)}
        app.append(s.event(ev.BonusClaimed, claim, 1, kind="article", window=CODE, staff=None,
                           date=date(2008, 6, 3), evidence=evidence, level="city", place=None, ref=HOSTILE))
        app.append(s.event(ev.BonusRejected, claim, 2, reason=HOSTILE))
        app.append(s.event(ev.ComplaintReceived, complaint, 1, window=CODE, staff=PERSON, date=date(2008, 6, 4),
                           channel="hotline-12345", text=HOSTILE))
        app.append(s.event(ev.ComplaintDismissed, complaint, 2, reason=HOSTILE))
    finally:
        app.close()
    return {"finding": str(finding), "claim": str(claim), "complaint": str(complaint)}


QUESTIONS = [
    ("log",), ("log", "--json"), ("window", "list"), ("window", "list", "--json"), ("staff", "list"),
    ("staff", "list", "--json"), ("report", "2008Q2"), ("report", "2008Q2", "--json"),
    ("explain", "--window", CODE, "2008Q2"), ("explain", "--staff", PERSON, "2008Q2"),
    ("explain", "--staff", PERSON, "2008Q2", "--json"), ("audit", "disqualifications"),
    ("audit", "disqualifications", "--json"), ("year", "2008"), ("year", "2008", "--json"), ("verify",),
    ("receipt", "{finding}"), ("log", "--subject", CODE), ("evidence", "get", "{claim}", "--out", "copies"),
]


@pytest.mark.parametrize("args", QUESTIONS, ids=" ".join)
def test_every_printer_shows_stored_control_characters_escaped_and_forges_no_line(
    args: tuple[str, ...], stored: dict[str, str], kp: Kaoping, tmp_path: Path
) -> None:
    result = kp(*[a.format(**stored) for a in args])
    assert result.exit_code == 0, result.stderr
    if args[0] == "evidence":  # the file copied out is named as `shown` prints its stored name
        assert [unsafe(p.name) for p in (tmp_path / "copies").iterdir()] == [[]]
    out = result.stdout + result.stderr
    assert unsafe(out) == [], (args, unsafe(out))
    assert not any(line.startswith("99") for line in out.splitlines()), out
    if "--json" in args:
        orjson.loads(result.stdout)  # escaped as JSON, still the same document
    elif args[0] in ("log", "explain", "audit"):
        assert "\\x1b" in result.stdout and "\\n99" in result.stdout  # shown, so an auditor sees it was there


def test_json_answers_keep_the_stored_text_exactly(stored: dict[str, str], kp: Kaoping) -> None:
    doc = orjson.loads(kp("explain", "--staff", PERSON, "2008Q2", "--json").stdout)
    assert HOSTILE in _strings(doc)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("suffix", [".csv", ".html"])
def test_files_for_people_hold_stored_text_escaped(suffix: str, stored: dict[str, str], kp: Kaoping,
                                                   tmp_path: Path) -> None:
    out = tmp_path / f"log{suffix}"
    assert kp("log", "--out", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b" in text


def test_a_refusal_quoting_stored_text_is_one_safe_line(stored: dict[str, str], kp: Kaoping) -> None:
    result = kp("staff", "add", PERSON, "王五", "--window", CODE, "--from", "2008-06-01")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and unsafe(result.stderr) == []
