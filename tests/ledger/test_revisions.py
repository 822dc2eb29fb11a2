"""D36: catalogue files are immutable revisions; revision 2 scores as revision 1 and carries the procedure data; an
adoption from a quarter on, and which revision a quarter is scored under."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from ledger import catalogue, revisions
from ledger import events as ev
from ledger.commands import rules as adopt
from ledger.commands.stamp import Stamp
from ledger.errors import CatalogueError, InvalidInput, NotAllowed
from ledger.revisions import Adoption, RulesInForce
from tests.ledger.revision_files import catalogue_folder, revision_of, stricter_w2

STAMP = Stamp("督查科", datetime(2008, 10, 15, 1, 2, 3, tzinfo=UTC), date(2008, 10, 15))
FIRST_RELEASE_SHA256 = "6127255b49d0c86caea27af25982ebd3b7cd845d36051dda96ff75eed80f29d9"
"""The hash every first-release ledger pinned at init (tests/data/release1/demo.db)."""


def test_d36_the_first_release_catalogue_stays_revision_1_byte_for_byte() -> None:
    data = (catalogue.CATALOGUES / "changxing-2008.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == FIRST_RELEASE_SHA256
    one = revisions.load_revision("changxing-2008", 1)
    assert (one.id, one.revision, one.sha256) == ("changxing-2008", 1, FIRST_RELEASE_SHA256)
    assert revisions.pinned("changxing-2008", 1, FIRST_RELEASE_SHA256) is one


def test_d36_revision_2_scores_exactly_as_revision_1_and_adds_only_the_procedure_data() -> None:
    one, two = revisions.load_revision("changxing-2008", 1), revisions.load_revision("changxing-2008", 2)
    added = {"revision", "revision_note", "procedure"}
    assert {k: v for k, v in two.raw.items() if k not in added} == {k: v for k, v in one.raw.items() if k != "revision"}
    assert set(two.raw) - set(one.raw) == {"revision_note", "procedure"}
    assert revisions.vocabulary_changes(one, two) == []


def test_d36_revision_2_holds_the_procedure_of_d28_to_d31_and_revision_1_takes_it_as_its_default() -> None:
    one, two = revisions.load_revision("changxing-2008", 1), revisions.load_revision("changxing-2008", 2)
    p = two.procedure
    assert (p.announce_working_days, p.rectify_working_days, p.appeal_late_working_days) == (5, 15, 5)
    assert [(lv.value, lv.name, lv.satisfied, lv.bad) for lv in p.rating_levels] == [
        (5, "非常满意", True, False), (4, "满意", True, False), (3, "基本满意", True, False),
        (2, "不满意", False, True), (1, "非常不满意", False, True)]
    assert p.rating_channels == {"device": "评价器", "qrcode": "二维码", "online": "网上", "sms": "短信",
                                 "phone": "电话"}
    assert (p.rating_counts_as, p.rating_channel) == ({"staff": "S3.5", "window": "W5.5"}, "rating")
    assert "procedure" not in one.raw and one.procedure == p


def test_d36_a_revision_is_written_name_at_number_and_a_bare_name_means_its_latest() -> None:
    assert revisions.parse_spec(" changxing-2008@2 ") == ("changxing-2008", 2)
    assert revisions.parse_spec("changxing-2008") == ("changxing-2008", None)
    assert revisions.resolve("changxing-2008").revision == 2
    assert revisions.available() == [("changxing-2008", 1), ("changxing-2008", 2)]
    for bad in ("changxing-2008@", "changxing-2008@二", "changxing 2008", "@2", ""):
        with pytest.raises(InvalidInput, match="规则版本应写作 名称@版次"):
            revisions.parse_spec(bad)
    with pytest.raises(InvalidInput, match=r"^未知的规则版本：changxing-2008@3（changxing-2008 现有版次：1、2）$"):
        revisions.load_revision("changxing-2008", 3)
    with pytest.raises(InvalidInput, match=r"^未知的规则版本：suzhou-2010$"):
        revisions.resolve("suzhou-2010")


def test_d36_a_ledger_pinning_another_hash_than_the_file_has_is_refused() -> None:
    with pytest.raises(CatalogueError, match=r"^规则目录 changxing-2008@2 与账本采用时的版本不一致"):
        revisions.pinned("changxing-2008", 2, FIRST_RELEASE_SHA256)


def test_d36_a_revision_file_that_fails_validation_or_names_another_revision_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_days(raw: dict[str, Any]) -> None:
        raw["procedure"]["announce"]["working_days"] = 0

    catalogue_folder(tmp_path, monkeypatch, {
        "changxing-2008@3.json": revision_of("changxing-2008@2.json", 3, no_days),
        "changxing-2008@4.json": revision_of("changxing-2008@2.json", 5, stricter_w2),
    })
    assert revisions.revisions_of("changxing-2008") == [1, 2, 3, 4]
    with pytest.raises(CatalogueError, match="公示期限应为正整数个工作日"):
        revisions.load_revision("changxing-2008", 3)
    with pytest.raises(CatalogueError, match=r"changxing-2008@4.json 自称 changxing-2008@5，不是 changxing-2008@4"):
        revisions.load_revision("changxing-2008", 4)


def adoptions(*rows: tuple[str | None, int, int]) -> RulesInForce:
    """Adoptions of changxing-2008 revisions: (from quarter or None for the init's, revision, ledger position)."""
    return RulesInForce(tuple(Adoption("changxing-2008", rev, "s", q, nid) for q, rev, nid in rows), lambda nid: nid)


def test_d36_a_quarter_is_scored_under_the_adoption_from_the_latest_quarter_not_after_it() -> None:
    r = adoptions((None, 1, 1), ("2009Q1", 2, 10), ("2008Q3", 3, 20), ("2009Q1", 4, 30))
    assert [r.adoption_for(q).revision for q in ("2008Q2", "2008Q3", "2008Q4", "2009Q1", "2010Q4")] == [1, 3, 3, 4, 4]
    # as the ledger stood before the later records
    assert [r.adoption_for("2009Q1", as_of).revision for as_of in (9, 10, 25, 30)] == [1, 2, 2, 4]
    assert r.adoption_for("2008Q4", 19).revision == 1


def test_quarters_between_runs_across_years() -> None:
    assert adopt.quarters_between("2008Q3", "2009Q2") == ["2008Q3", "2008Q4", "2009Q1", "2009Q2"]
    assert adopt.quarters_between("2009Q1", "2008Q4") == []


def test_d36_an_adoption_from_a_quarter_on_is_an_event_of_the_center() -> None:
    one, two = revisions.load_revision("changxing-2008", 1), revisions.load_revision("changxing-2008", 2)
    e = adopt.adoption(adoptions((None, 1, 1)), one, two, "2008Q4", {"2008Q4": "open"}, STAMP, 2)
    assert isinstance(e, ev.RulesAdopted)
    assert (e.originator_version, e.rules, e.revision, e.sha256, e.quarter) == (3, "changxing-2008", 2, two.sha256,
                                                                              "2008Q4")


def test_d36_an_adoption_that_would_change_a_frozen_quarter_or_nothing_is_refused() -> None:
    one, two = revisions.load_revision("changxing-2008", 1), revisions.load_revision("changxing-2008", 2)
    with pytest.raises(NotAllowed, match=r"^2008年第4季度当前状态为「已确定入围」，其结果已经冻结"):
        adopt.adoption(adoptions((None, 1, 1)), one, two, "2008Q3",
                       {"2008Q3": "open", "2008Q4": "shortlisted"}, STAMP, 2)
    with pytest.raises(NotAllowed, match=r"^2008年第4季度施行的已经是规则版本 changxing-2008@1$"):
        adopt.adoption(adoptions((None, 1, 1)), one, one, "2008Q4", {"2008Q4": "open"}, STAMP, 2)
    with pytest.raises(InvalidInput, match=r"^2008年第1季度早于考评办法施行日期 2008-05-01$"):
        adopt.from_quarter(one, "2008Q1")
    assert adopt.from_quarter(one, "2030q1") == "2030Q1"  # a future quarter: rules adopted ahead


def test_d36_a_revision_that_names_facts_differently_is_refused(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def another_source(raw: dict[str, Any]) -> None:
        raw["sources"]["video"] = "视频巡查"

    catalogue_folder(tmp_path, monkeypatch, {
        "changxing-2008@3.json": revision_of("changxing-2008@2.json", 3, another_source)})
    one, three = revisions.load_revision("changxing-2008", 1), revisions.load_revision("changxing-2008", 3)
    assert revisions.vocabulary_changes(one, three) == ["检查记录来源"]
    with pytest.raises(NotAllowed, match=r"^规则版本 changxing-2008@3 与本账本采用的规则命名不同（检查记录来源）"):
        adopt.adoption(adoptions((None, 1, 1)), one, three, "2008Q4", {}, STAMP, 2)
