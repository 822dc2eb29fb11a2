"""D18 note: a publication's digest covers a fixed, versioned set of row fields, so report keys added later never
change what an existing publication pinned."""

from __future__ import annotations

import hashlib
from typing import Any

from ledger.digests import DIGEST_FIELDS, DIGEST_VERSION, FIRST_VERSION
from ledger.topics import topic
from projections.fold.handlers import TOPIC_HANDLERS
from projections.fold.state import State
from projections.scoring import publication
from projections.scoring.results import ReportRows, RulesRef

WINDOW = {"code": "W01", "name": "工商窗口", "score": 95, "bonus": 0, "deductions": 5, "rank": 1,
          "shortlisted": True, "disqualified": False, "red_flag": True}
PERSON = {"id": "P1", "name": "张三", "window": "W01", "score": 90, "bonus": 0, "deductions": 0, "rank": 1,
          "shortlisted": True, "disqualified": False, "decided_stars": 5, "stars": 5, "reward_yuan": 100}
RULES: RulesRef = {"id": "changxing-2008", "revision": 2, "sha256": "a" * 64}

# The first release's document, written out by hand: keys sorted, no spaces, UTF-8 (orjson's OPT_SORT_KEYS)
VERSION_1_BYTES = (
    '{"position":7,"quarter":"2008Q2","staff":[{"bonus":0,"decided_stars":5,"deductions":0,"disqualified":false,'
    '"id":"P1","name":"张三","rank":1,"reward_yuan":100,"score":90,"shortlisted":true,"stars":5,"window":"W01"}],'
    '"windows":[{"bonus":0,"code":"W01","deductions":5,"disqualified":false,"name":"工商窗口","rank":1,'
    '"red_flag":true,"score":95,"shortlisted":true}]}'
).encode()


def rows_at(window: dict[str, Any], person: dict[str, Any], rules: RulesRef = RULES) -> publication.RowsAt:
    rows: ReportRows = {"windows": [window], "staff": [person]}  # type: ignore[list-item]
    return publication.RowsAt("2008Q2", 7, rows, rules)


def test_d18_version_1_is_the_first_releases_document_byte_for_byte() -> None:
    r = rows_at(WINDOW, PERSON)
    assert publication.canonical_bytes(publication.document(r, 1)) == VERSION_1_BYTES
    assert publication.digest(r, 1) == hashlib.sha256(VERSION_1_BYTES).hexdigest()


def test_d18_version_2_adds_the_rules_revision_the_quarter_was_scored_under() -> None:
    r = rows_at(WINDOW, PERSON)
    doc = publication.document(r, 2)
    assert doc["rules"] == RULES and {k: v for k, v in doc.items() if k != "rules"} == publication.document(r, 1)
    other = rows_at(WINDOW, PERSON, {"id": "changxing-2008", "revision": 3, "sha256": "b" * 64})
    assert publication.digest(other, 2) != publication.digest(r, 2)
    assert publication.digest(other, 1) == publication.digest(r, 1)
    assert DIGEST_VERSION == 2 and FIRST_VERSION == 1 and set(DIGEST_FIELDS) == {1, 2}


def test_d18_report_keys_added_later_never_change_a_digest() -> None:
    r = rows_at(WINDOW, PERSON)
    wider = rows_at({**WINDOW, "overdue_rectifications": 2, "satisfaction": 0.9}, {**PERSON, "left": None})
    for version in DIGEST_FIELDS:
        assert publication.digest(wider, version) == publication.digest(r, version)
    assert publication.digest(rows_at({**WINDOW, "score": 94}, PERSON), 1) != publication.digest(r, 1)


def test_d18_a_publication_stored_without_a_version_is_version_1_and_an_unknown_version_never_matches() -> None:
    s = State()
    stored = {"quarter": "2008Q2", "actor": "督查科", "position": 7, "digest": "d" * 64, "checkpoint": None}
    TOPIC_HANDLERS[topic("QuarterPublished")](s, 8, stored, "q")
    published = s.quarters["2008Q2"].published
    assert published is not None and published["version"] == 1
    assert publication.known_version(1) and publication.known_version(2) and not publication.known_version(3)
