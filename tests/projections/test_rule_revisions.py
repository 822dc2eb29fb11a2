"""D36 through the ledger: each quarter is scored under the revision in force on its first day, reports and
explanations name it, and an adoption that would change a frozen quarter writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger import revisions
from ledger.commands.rules import adopt_rules
from ledger.errors import InvalidInput, NotAllowed
from tests.ledger.revision_files import catalogue_folder, revision_of, stricter_w2
from tests.projections.conftest import Center


@pytest.fixture
def stricter(center: Center, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Center:
    """The center, with a made-up changxing-2008@3 beside the packaged revisions: W2 deducts 6 instead of 5."""
    catalogue_folder(tmp_path, monkeypatch, {"changxing-2008@3.json": revision_of("changxing-2008@2.json", 3,
                                                                                 stricter_w2)})
    center.windows("W01")
    center.find("W2.2", window="W01", day="2008-06-10")  # 2008Q2
    center.find("W2.2", window="W01", day="2008-08-10")  # 2008Q3
    return center


def test_d36_each_quarter_is_scored_under_the_revision_in_force_on_its_first_day(stricter: Center) -> None:
    before = stricter.position()
    assert adopt_rules(stricter.ledger, "changxing-2008@3", "2008Q3") == "changxing-2008@3"
    assert stricter.result("2008Q2").window("W01").score == 95  # type: ignore[union-attr]  # 30 - 5 under @2
    assert stricter.result("2008Q3").window("W01").score == 94  # type: ignore[union-attr]  # 30 - 6 under @3
    assert stricter.result("2008Q4").window("W01").score == 100  # type: ignore[union-attr]
    # as the ledger stood before the adoption, 2008Q3 was still under @2
    assert stricter.result("2008Q3", as_of=before).window("W01").score == 95  # type: ignore[union-attr]
    views = stricter.views()
    assert [(views.report(q)["rules"]["revision"]) for q in ("2008Q2", "2008Q3", "2009Q1")] == [2, 3, 3]
    assert views.report("2008Q3", as_of=before)["rules"]["revision"] == 2
    assert views.explain("2008Q3", "W01", None)["rules"] == {
        "id": "changxing-2008", "revision": 3, "sha256": revisions.load_revision("changxing-2008", 3).sha256}
    assert [row["score"] for row in views.report("2008Q3")["windows"]] == [94]


def test_d36_an_adoption_is_refused_for_a_quarter_already_shortlisted_and_writes_nothing(stricter: Center) -> None:
    stricter.shortlist("2008Q3")
    n = stricter.position()
    for quarter in ("2008Q3", "2008Q2"):  # from the frozen quarter, or from an earlier one that would reach it
        with pytest.raises(NotAllowed, match="2008年第3季度当前状态为「已确定入围」，其结果已经冻结"):
            adopt_rules(stricter.ledger, "changxing-2008@3", quarter)
    with pytest.raises(InvalidInput, match="未知的规则版本：changxing-2008@9"):
        adopt_rules(stricter.ledger, "changxing-2008@9", "2008Q4")
    with pytest.raises(InvalidInput, match="请写明采用的版次"):
        adopt_rules(stricter.ledger, "changxing-2008", "2008Q4")
    with pytest.raises(NotAllowed, match="2008年第4季度施行的已经是规则版本 changxing-2008@2"):
        adopt_rules(stricter.ledger, "changxing-2008@2", "2008Q4")
    assert stricter.position() == n
    assert stricter.result("2008Q3").window("W01").score == 95  # type: ignore[union-attr]
    adopt_rules(stricter.ledger, "changxing-2008@3", "2008Q4")
    assert stricter.position() == n + 1
