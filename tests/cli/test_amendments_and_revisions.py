"""The center over time at the command line, part two: amended shortlists and decisions (D25), rule revisions (D36),
versioned digests (D18 note) and short ids; every refusal exits 2 with one Chinese line and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.helpers import Kaoping, assert_refused


def ok(r: Any) -> str:
    assert r.exit_code == 0, r.stderr
    return str(r.stdout)


def js(r: Any) -> Any:
    return orjson.loads(ok(r))


def events(kp: Kaoping) -> list[dict[str, Any]]:
    return js(kp("log", "--json"))["events"]  # type: ignore[no-any-return]


@pytest.fixture
def decided(kp: Kaoping, world: dict[str, str], tmp_path: Path) -> Kaoping:
    """The `world` with 2008Q2 shortlisted, amended once, and decided with its meeting and 会议纪要."""
    ok(kp("shortlist", "2008Q2", "--windows", "1", "--staff", "1"))
    ok(kp("shortlist", "2008Q2", "--amend", "--reason", "党组要求扩大名额"))
    (tmp_path / "党组会议纪要.pdf").write_bytes(b"%PDF minutes")
    ok(kp("decide", "2008Q2", "--red-flag", "LAND", "--five", "P2", "--date", "2008-07-08",
          "--evidence", "党组会议纪要.pdf"))
    return kp


def test_d25_amendments_are_kept_with_their_reasons_in_explain_and_log(decided: Kaoping) -> None:
    kp = decided
    out = js(kp("decide", "2008Q2", "--red-flag", "LAND", "--four", "P2", "--amend", "--reason", "会议纪要笔误",
                "--json"))
    assert (out["amended"], out["reason"], out["five"], out["four"]) == (True, "会议纪要笔误", [], ["P2"])
    text = ok(kp("explain", "--staff", "P2", "2008Q2"))
    assert "重新确定入围名单（理由：党组要求扩大名额）" in text
    assert "记录党组决定，党组会议 2008-07-08，会议纪要 党组会议纪要.pdf：五星级服务明星（已被修正决定取代）" in text
    assert "记录党组修正决定（理由：会议纪要笔误）：四星级服务明星" in text
    doc = js(kp("explain", "--staff", "P2", "2008Q2", "--json"))
    assert [d["reason"] for d in doc["decisions"]] == ["", "会议纪要笔误"] and doc["decided_stars"] == 4
    log = ok(kp("log", "--type", "修正党组决定"))
    assert "理由：会议纪要笔误" in log
    decided_stars = {p["id"]: p["decided_stars"] for p in js(kp("report", "2008Q2", "--json"))["staff"]}
    assert decided_stars == {"P1": 3, "P2": 4}


REFUSALS: dict[str, tuple[list[str], str]] = {
    "a second decision without --amend": (["decide", "2008Q2", "--red-flag", "LAND"],
                                          "如需修正，请用 --amend --reason"),
    "--amend without --reason": (["decide", "2008Q2", "--red-flag", "TAX", "--amend"], "修正必须说明理由"),
    "--reason without --amend": (["decide", "2008Q2", "--red-flag", "TAX", "--reason", "x"], "--reason 只用于修正"),
    "an empty reason": (["decide", "2008Q2", "--amend", "--reason", " "], "修正必须说明理由"),
    "shortlist --amend after a decision": (["shortlist", "2008Q2", "--amend", "--reason", "x"],
                                           "党组决定之后不能重新确定入围名单"),
    "a meeting before the quarter ended": (["decide", "2008Q2", "--amend", "--reason", "x", "--date", "2008-06-30"],
                                           "应在2008年第2季度结束（2008-06-30）之后"),
    "minutes that do not exist": (["decide", "2008Q2", "--amend", "--reason", "x", "--evidence", "无此文件.pdf"],
                                  "无此文件.pdf"),
    "adopting rules for a shortlisted quarter": (["rules", "adopt", "changxing-2008@1", "--from", "2008Q2"],
                                                 "其结果已经冻结"),
    "a revision that does not exist": (["rules", "adopt", "changxing-2008@9", "--from", "2009Q1"],
                                       "未知的规则版本：changxing-2008@9"),
    "a revision without its number": (["rules", "adopt", "changxing-2008", "--from", "2009Q1"], "请写明采用的版次"),
    "the revision already in force": (["rules", "adopt", "changxing-2008@2", "--from", "2009Q1"],
                                      "施行的已经是规则版本 changxing-2008@2"),
    "a prefix shorter than 8": (["retract", "{finding7}", "--reason", "x"], "编号至少要写出前 8 位"),
    "an unknown prefix": (["retract", "{unknown}", "--reason", "x"], "账本中没有编号为"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals_of_amendments_revisions_and_short_ids_write_nothing(decided: Kaoping, world: dict[str, str],
                                                                        case: str) -> None:
    args, fragment = REFUSALS[case]
    finding = world["finding"]
    unknown = next(h * 8 for h in "0123456789abcdef" if not any(e["id"].startswith(h * 8) for e in events(decided)))
    filled = [a.format(finding7=finding[:7], unknown=unknown) for a in args]
    before = events(decided)
    assert_refused(decided(*filled), fragment)
    assert events(decided) == before


def test_rules_show_names_revision_2s_procedure_and_the_adoptions(kp: Kaoping, world: dict[str, str]) -> None:
    text = ok(kp("rules", "show", "changxing-2008@2"))
    assert "（changxing-2008@2，自 2008-05-01 起施行）" in text
    assert "程序（本版规定）" in text and "公示 5 个工作日；整改 15 个工作日" in text
    assert "程序（本版未规定，沿用第2版的默认值）" in ok(kp("rules", "show", "changxing-2008@1"))
    ok(kp("rules", "adopt", "changxing-2008@1", "--from", "2009Q1"))
    doc = js(kp("rules", "show", "--json"))
    assert [(a["rules"], a["revision"], a["from"]) for a in doc["adoptions"]] == [
        ("changxing-2008", 2, None), ("changxing-2008", 1, "2009Q1")]
    assert doc["revision"] == 1 and doc["procedure_in_force"]["announce_working_days"] == 5  # today is after 2009Q1
    assert doc["available"] == ["changxing-2008@1", "changxing-2008@2"]
    assert "采用考评规则 changxing-2008（第1版" in ok(kp("log", "--type", "RulesAdopted"))
    assert js(kp("report", "2008Q3", "--json"))["rules"]["revision"] == 2
    assert js(kp("report", "2009Q1", "--json"))["rules"]["revision"] == 1
    assert "考评规则 changxing-2008@1" in ok(kp("report", "2009Q1"))


def test_rules_adopt_through_the_installed_script(kp_script: Any, world: dict[str, str]) -> None:
    assert ok(kp_script("rules", "adopt", "changxing-2008@1", "--from", "2009Q1")).strip() == \
        "自2009年第1季度起采用规则版本 changxing-2008@1"


def test_short_ids_in_the_log_are_accepted_wherever_an_id_is_taken(run: Callable[..., Any],
                                                                   world: dict[str, str]) -> None:
    table = ok(run("log"))
    claim = world["claim"]
    short = claim[:8]
    assert short in table and claim not in table  # the table prints the short form
    assert claim in ok(run("log", "--json"))  # JSON keeps the full id
    ok(run("bonus", "verify", short))
    assert js(run("log", "--json"))["events"][-1]["type"] == "BonusVerified"
    receipt = js(run("receipt", world["finding"][:8], "--json"))
    assert world["finding"] in orjson.dumps(receipt).decode()
