"""Appeals where people read them (D29) and the 公示稿 (D28): the audit shows a disqualification a 复核 cancelled with
its chain, explain and report files list the appeals, `announce --out` writes the bulletin marked 公示稿; an appeal
after its period is refused and writes nothing, while a fact recorded after the 公示 may still be appealed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

import ledger.runtime.zone
from ledger.runtime.zone import center_today
from ledger.workdays import shipped
from tests.helpers import Kaoping, Result, assert_refused
from tests.snapshot import snapshot

TODAY = center_today().isoformat()  # the world's facts were recorded today: an appeal is not dated before that (D29)


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def decided(kp: Kaoping) -> None:
    """2008Q2 of the world shortlisted and decided with no picks, so that it can be announced."""
    ok(kp("shortlist", "2008Q2"))
    ok(kp("decide", "2008Q2"))


def test_an_overturned_disqualification_leaves_the_audit_list_and_is_shown_as_cancelled_with_its_appeal(
        world: dict[str, str], kp: Kaoping) -> None:
    before = orjson.loads(ok(kp("audit", "disqualifications", "--json")))
    assert [d["subject"] for d in before["disqualifications"]] == ["TAX"] and before["overturned"] == []
    appeal = ok(kp("appeal", "file", "--against", world["complaint_done"], "--date", TODAY, "--text",
                   "投诉人认错窗口", "--by", "TAX")).strip()
    pending = orjson.loads(ok(kp("audit", "disqualifications", "--json")))
    types = [e["type"] for e in pending["disqualifications"][0]["chain"][0]["events"]]
    assert types == ["ComplaintReceived", "ComplaintVerified", "AppealFiled"]
    ok(kp("appeal", "overturn", appeal, "--reason", "经查系国土窗口"))
    after = orjson.loads(ok(kp("audit", "disqualifications", "--json")))
    assert after["disqualifications"] == []
    [cancelled] = after["overturned"]
    assert (cancelled["subject"], cancelled["kind"]) == ("TAX", "complaint")
    events = cancelled["chain"][0]["events"]
    assert [e["type"] for e in events][-2:] == ["AppealFiled", "AppealOverturned"]
    assert events[-1]["reason"] == "经查系国土窗口" and events[-1]["appeal"] == appeal
    text = ok(kp("audit", "disqualifications"))
    assert "没有取消评比资格的记录" in text and "经复核撤销的取消资格" in text and "复核撤销" in text


def test_explain_and_the_report_file_list_the_appeals_with_their_outcomes(
        world: dict[str, str], kp: Kaoping, tmp_path: Path) -> None:
    appeal = ok(kp("appeal", "file", "--against", world["finding"], "--date", TODAY, "--text", "当日在岗")
                ).strip()
    shown = ok(kp("explain", "--staff", "P1", "2008Q2"))
    assert f"申诉 {appeal}：{TODAY} P1 对检查记录 {world['finding']} 提出「当日在岗」，复核待复核" in shown
    ok(kp("appeal", "uphold", appeal, "--reason", "有监控为证"))
    assert "复核维持原认定（有监控为证）" in ok(kp("explain", "--staff", "P1", "2008Q2"))
    ok(kp("report", "2008Q2", "--out", "report.html"))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "申诉与复核" in page and "维持原认定" in page and "有监控为证" in page


def test_announce_out_writes_the_bulletin_marked_as_a_draft_with_its_days(world: dict[str, str], kp: Kaoping,
                                                                          tmp_path: Path) -> None:
    decided(kp)
    doc: dict[str, Any] = orjson.loads(ok(kp("announce", "2008Q2", "--date", "2008-07-01", "--out", "公示",
                                             "--json")))
    assert (doc["from"], doc["to"]) == ("2008-07-01", "2008-07-07")
    page = (tmp_path / "公示" / "网站公示稿.html").read_text(encoding="utf-8")
    assert "公示稿" in page and "公示期 2008-07-01 至 2008-07-07（5 个工作日）" in page
    assert "尚未公布" in page and "签名检查点</h3>" not in page


def test_announce_into_a_folder_that_is_not_empty_is_refused_before_anything_is_recorded(
        world: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path) -> None:
    decided(kp)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x.txt").write_text("x")
    before = snapshot(db_url, tmp_path)
    assert_refused(kp("announce", "2008Q2", "--date", "2008-07-01", "--out", "taken"), "不是空目录")
    assert snapshot(db_url, tmp_path) == before


def later(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """From now on the ledger's today is `day` (the appeal's period is counted from real recording days)."""
    monkeypatch.setattr(ledger.runtime.zone, "center_today", lambda: day)


def test_an_appeal_after_the_announcement_ended_is_refused_and_writes_nothing(
        world: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decided(kp)
    ok(kp("announce", "2008Q2", "--date", TODAY))
    end = shipped().span(center_today(), 5)[1]
    later(monkeypatch, end + timedelta(days=1))
    before = snapshot(db_url, tmp_path)
    assert_refused(kp("appeal", "file", "--against", world["finding"], "--date", str(end + timedelta(days=1)),
                      "--text", "迟到的申诉"),
                   f"申诉期已过：该检查记录的申诉期至 {end}（申诉日期 {end + timedelta(days=1)}）")
    assert snapshot(db_url, tmp_path) == before
    # on the 公示's last day the same fact may still be appealed
    ok(kp("appeal", "file", "--against", world["finding"], "--date", str(end), "--text", "当日在岗"))


def test_a_fact_recorded_after_the_announcement_ended_may_be_appealed_within_its_late_window_only(
        world: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decided(kp)
    ok(kp("announce", "2008Q2", "--date", "2008-07-01"))  # 2008-07-01 … 2008-07-07, long over
    late = ok(kp("record", "S1.1", "--staff", "P2", "--date", "2008-06-20", "--source", "weekly")).strip()
    last = shipped().after(center_today(), 5)  # 5 working days after its recording, that day not counted (D29)
    later(monkeypatch, last + timedelta(days=1))
    before = snapshot(db_url, tmp_path)
    assert_refused(kp("appeal", "file", "--against", late, "--date", str(last + timedelta(days=1)), "--text", "x"),
                   f"申诉期已过：该检查记录的申诉期至 {last}")
    assert snapshot(db_url, tmp_path) == before
    ok(kp("appeal", "file", "--against", late, "--date", str(last), "--text", "补录有误"))
