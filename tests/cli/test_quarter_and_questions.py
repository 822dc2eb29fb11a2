"""The quarter commands and the questions, through the CLI (in-process and the installed script)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Kaoping

WINDOW_KEYS = {"code", "name", "score", "bonus", "deductions", "rank", "shortlisted", "disqualified", "red_flag",
               "satisfaction", "ratings", "overdue_rectifications",  # D30, D31
               "left"}  # left: D21, the day a window left the center before the quarter's end, or null
STAFF_KEYS = {"id", "name", "window", "score", "bonus", "deductions", "rank", "shortlisted", "disqualified",
              "decided_stars", "stars", "reward_yuan", "satisfaction", "ratings", "left"}  # left: D22 (CLI.md)
AUDIT_KEYS = {"subject", "kind", "scopes", "quarter", "year", "caused_by"}


def ok(r: Any) -> str:
    assert r.exit_code == 0, r.stderr
    return str(r.stdout)


def js(r: Any) -> Any:
    return json.loads(ok(r))


def events(kp: Any) -> int:
    return len(js(kp("log", "--json"))["events"])


@pytest.fixture
def quarter(kp: Kaoping, tmp_path: Path) -> Kaoping:
    """Two windows, three people and a few findings in 2008Q2.

    W01: P1 S1.1 → W4.1 -3 → 97.  W02: P3's S4.1 ×3 → W2.2 ×3 -15 → 85 (D8).
    P1 90-4 = 86, P2 90, P3 (W02) S4.1 ×3 = 15 → 75, minus one (D17: 15 included).
    """
    ok(kp("init"))
    ok(kp("window", "add", "W01", "县市场监管局窗口"))
    ok(kp("window", "add", "W02", "县公安局窗口"))
    ok(kp("staff", "add", "P1", "张伟", "--window", "W01", "--from", "2008-05-01"))
    ok(kp("staff", "add", "P2", "王芳", "--window", "W01", "--from", "2008-05-01"))
    ok(kp("staff", "add", "P3", "李娜", "--window", "W02", "--from", "2008-05-01"))
    ok(kp("record", "S1.1", "--staff", "P1", "--date", "2008-05-06", "--source", "weekly"))
    for d in ("07", "08", "09"):
        ok(kp("record", "S4.1", "--staff", "P3", "--date", f"2008-05-{d}", "--source", "duty"))
    return kp


def test_the_report_json_keeps_every_key_of_the_contract(quarter: Kaoping) -> None:
    doc = js(quarter("report", "2008Q2", "--json"))
    assert {"quarter", "status", "position", "windows", "staff"} <= set(doc)
    assert (doc["quarter"], doc["status"]) == ("2008Q2", "open")
    assert all(set(w) == WINDOW_KEYS for w in doc["windows"])
    assert all(set(p) == STAFF_KEYS for p in doc["staff"])
    assert [(w["code"], w["score"], w["rank"]) for w in doc["windows"]] == [("W01", 97, 1), ("W02", 85, 2)]
    scores = {p["id"]: (p["score"], p["deductions"], p["stars"]) for p in doc["staff"]}
    assert scores == {"P1": (86, 4, 3), "P2": (90, 0, 3), "P3": (75, 15, 2)}
    assert all(isinstance(p["score"], int) and isinstance(p["bonus"], int) for p in doc["staff"])


def test_the_report_table_is_chinese_and_aligned(quarter: Kaoping) -> None:
    out = ok(quarter("report", "2008Q2"))
    assert "2008年第2季度考评结果" in out and "红旗窗口考评" in out and "服务明星考评" in out
    assert "县市场监管局窗口" in out and "张伟" in out


def test_a_quarter_moves_from_shortlist_to_decision_to_publication(quarter: Kaoping) -> None:
    sl = js(quarter("shortlist", "2008Q2", "--windows", "1", "--staff", "2", "--json"))
    assert (sl["windows"], sl["staff"]) == (["W01"], ["P2", "P1"])
    r = quarter("decide", "2008Q2", "--red-flag", "W01", "--five", "P2", "--four", "P1")
    ok(r)
    assert "提示" in r.stderr  # 1 five-star and 1 four-star are far from about 5 / about 15 (D14)
    pub = js(quarter("publish", "2008Q2", "--json"))
    assert len(pub["digest"]) == 64
    doc = js(quarter("report", "2008Q2", "--json"))
    assert doc["status"] == "published"
    stars = {p["id"]: (p["decided_stars"], p["stars"], p["reward_yuan"]) for p in doc["staff"]}
    assert stars == {"P2": (5, 5, 100), "P1": (4, 4, 50), "P3": (3, 2, 0)}
    assert [w["code"] for w in doc["windows"] if w["red_flag"]] == ["W01"]


def test_commands_in_the_wrong_state_are_refused_and_write_nothing(quarter: Kaoping) -> None:
    before = events(quarter)
    for args in (("decide", "2008Q2", "--five", "P1"), ("publish", "2008Q2")):
        r = quarter(*args)
        assert r.exit_code == 2 and r.stderr.startswith("错误：") and len(r.stderr.strip().splitlines()) == 1
    ok(quarter("shortlist", "2008Q2"))
    r = quarter("shortlist", "2008Q2")
    assert r.exit_code == 2 and "已确定入围" in r.stderr
    assert events(quarter) == before + 1


def test_the_party_group_cannot_pick_someone_who_was_not_shortlisted(quarter: Kaoping) -> None:
    ok(quarter("shortlist", "2008Q2", "--windows", "1", "--staff", "1"))  # P2 only
    before = events(quarter)
    r = quarter("decide", "2008Q2", "--five", "P1")
    assert r.exit_code == 2 and "P1 不在" in r.stderr and "入围名单" in r.stderr
    r = quarter("decide", "2008Q2", "--red-flag", "W02")
    assert r.exit_code == 2 and "W02 不在" in r.stderr
    assert events(quarter) == before
    assert js(quarter("report", "2008Q2", "--json"))["status"] == "shortlisted"


def test_a_star_disputed_after_a_late_complaint_shows_as_at_the_decision_and_now(quarter: Kaoping) -> None:
    ok(quarter("shortlist", "2008Q2", "--staff", "2"))
    ok(quarter("decide", "2008Q2", "--red-flag", "W01", "--five", "P1"))
    at_decision = events(quarter)
    cid = ok(quarter("complaint", "record", "--staff", "P1", "--date", "2008-06-28", "--channel", "hotline-12345",
                     "--text", "态度冷漠，故意刁难")).strip()
    ok(quarter("complaint", "verify", cid, "--item", "S2.4", "--dq", "complaint"))
    then = js(quarter("explain", "--staff", "P1", "2008Q2", "--as-of", str(at_decision), "--json"))
    now = js(quarter("explain", "--staff", "P1", "2008Q2", "--json"))
    assert (then["stars"]["final"], then["voided"], then["disqualifications"]) == (5, False, [])
    assert (now["stars"]["final"], now["voided"], now["stars"]["reduction"]) == (1, True, "disqualified")
    assert now["disqualifications"][0]["caused_by"] == [cid]
    text = ok(quarter("explain", "--staff", "P1", "2008Q2"))
    assert "该决定因取消评比资格而作废" in text and cid in text and "最终星级：1 星" in text
    assert "认定取消资格：因服务态度差或业务不熟练被投诉经查实" in text and "认定取消资格：complaint" not in text
    old = ok(quarter("explain", "--staff", "P1", "2008Q2", "--as-of", str(at_decision)))
    assert "最终星级：5 星；奖励 100 元" in old
    report_then = js(quarter("report", "2008Q2", "--as-of", str(at_decision), "--json"))
    assert report_then["position"] == at_decision
    assert [w["red_flag"] for w in report_then["windows"] if w["code"] == "W01"] == [True]
    report_now = js(quarter("report", "2008Q2", "--json"))
    assert [w["red_flag"] for w in report_now["windows"] if w["code"] == "W01"] == [False]


def test_explain_names_every_counted_fact_with_its_id_position_source_and_recorder(quarter: Kaoping) -> None:
    doc = js(quarter("explain", "--staff", "P3", "2008Q2", "--json"))
    facts = [f for c in doc["categories"] for f in c["facts"]]
    assert len(facts) == 3 and {f["source_name"] for f in facts} == {"中心值班检查记录表"}
    assert all({"id", "position", "date", "source", "recorder", "points"} <= set(f) for f in facts)
    assert [f["points"] for f in facts] == [-5, -5, -5] and facts[0]["recorder"] == "督查科"
    assert doc["stars"] == {"base": 3, "minus": 1, "reduction": "at_least_15", "final": 2, "reward_yuan": 0,
                            "thresholds": [{"at_least": 20, "minus": 2}, {"at_least": 15, "minus": 1}]}
    text = ok(quarter("explain", "--staff", "P3", "2008Q2"))
    assert "应扣分 15 ≥ 15（含本数）：减 1 颗星" in text and facts[0]["id"] in text
    w = js(quarter("explain", "--window", "W02", "2008Q2", "--json"))
    assert [f["counted_item"] for c in w["categories"] for f in c["facts"]] == ["W2.2"] * 3


def test_a_corruption_case_appears_in_that_years_audit_with_its_events(quarter: Kaoping) -> None:
    fid = ok(quarter("record", "S4.4", "--staff", "P2", "--date", "2008-06-03", "--source", "patrol",
                     "--dq", "corruption", "--note", "收受办事群众财物")).strip()
    text = ok(quarter("audit", "disqualifications", "--year", "2008", "--kind", "corruption"))
    assert "认定取消资格：滥用职权、以权谋私，吃、拿、卡、要、报" in text and " corruption" not in text
    logged = ok(quarter("log"))
    assert "取消资格：corruption" not in logged and "取消资格：" in logged
    doc = js(quarter("audit", "disqualifications", "--year", "2008", "--kind", "corruption", "--json"))
    found = doc["disqualifications"]
    assert all(AUDIT_KEYS <= set(d) for d in found)
    assert {(d["subject"], tuple(d["scopes"])) for d in found} == {
        ("P2", ("quarter-star", "year-advanced-individual")),
        ("W01", ("quarter-red-flag", "year-red-flag", "year-advanced-collective")),
    }
    assert all(d["caused_by"] == [fid] and d["quarter"] == "2008Q2" and d["year"] == 2008 for d in found)
    assert found[0]["chain"][0]["events"][0]["note"] == "收受办事群众财物"
    nothing = {"disqualifications": [], "overturned": []}
    assert js(quarter("audit", "disqualifications", "--year", "2009", "--json")) == nothing
    assert js(quarter("audit", "disqualifications", "--kind", "gaming", "--json")) == nothing
    text = ok(quarter("audit", "disqualifications", "--year", "2008"))
    assert "吃、拿、卡、要" in text and fid in text and "收受办事群众财物" in text
    assert "督查巡查记录表" in text and " patrol " not in text  # the sheet by its Chinese name
    year = js(quarter("year", "2008", "--json"))
    assert {d["subject"] for d in year["disqualifications"]} == {"P2", "W01"}
    assert "当年先进个人" in ok(quarter("year", "2008"))


def test_report_after_publication_shows_where_the_current_result_differs(quarter: Kaoping) -> None:
    ok(quarter("shortlist", "2008Q2"))
    ok(quarter("decide", "2008Q2", "--five", "P2"))
    ok(quarter("publish", "2008Q2"))
    ok(quarter("record", "S2.1", "--staff", "P2", "--date", "2008-06-30", "--source", "patrol"))
    pub = js(quarter("report", "2008Q2", "--json"))["published"]
    assert pub["digest_matches"] and len(pub["amendments"]) == 1
    assert {"subject": "P2", "field": "score", "published": 90, "current": 86} in [
        {k: d[k] for k in ("subject", "field", "published", "current")} for d in pub["differences"]]
    text = ok(quarter("report", "2008Q2"))
    assert "当前结果与公布结果不同之处" in text


def test_rebuild_drops_and_recomputes_the_projection_to_the_same_answer(quarter: Kaoping) -> None:
    before = js(quarter("report", "2008Q2", "--json"))
    out = js(quarter("rebuild", "--json"))
    assert out["position"] == before["position"] and "2008Q2" in out["quarters"]
    assert js(quarter("report", "2008Q2", "--json")) == before


def test_bad_questions_are_refused_in_one_line(quarter: Kaoping) -> None:
    for args in (("report", "2008Q5"), ("report", "2008Q2", "--as-of", "9999"),
                 ("explain", "--staff", "NOPE", "2008Q2"), ("explain", "2008Q2"),
                 ("audit", "disqualifications", "--kind", "bribery")):
        r = quarter(*args)
        assert r.exit_code == 2, args
        assert r.stderr.startswith("错误：") and len(r.stderr.strip().splitlines()) == 1


def test_the_installed_script_reports_and_explains(kp_script: Any) -> None:
    assert kp_script("init").exit_code == 0
    assert kp_script("window", "add", "W01", "县税务局窗口").exit_code == 0
    assert kp_script("record", "W2.2", "--window", "W01", "--date", "2008-05-06", "--source", "weekly").exit_code == 0
    r = kp_script("report", "2008Q2", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["windows"][0]["score"] == 95
    r = kp_script("explain", "--window", "W01", "2008Q2")
    assert r.exit_code == 0 and "W2 执行制度" in r.stdout
    r = kp_script("shortlist", "2008Q2", "--windows", "1")
    assert r.exit_code == 0 and "W01" in r.stdout
