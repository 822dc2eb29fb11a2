"""A small registered center with one fact in every state, and a runner for each way of calling the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ledger.app import open_ledger
from ledger.sheets.findings import parse_findings_csv


@pytest.fixture
def world(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Center, windows TAX/LAND, staff P1 (TAX from 2008-05-01, LAND from 2008-07-01) and P2 (LAND
    from 2008-06-01), and one finding, claim and complaint in each state; ids by name."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cert.pdf").write_bytes(b"%PDF-1.4 honour certificate")
    app = open_ledger(db_url, "科长", create=True)
    try:
        app.init("长兴县行政服务中心")
        app.add_window("TAX", "地税窗口", "县地税局")
        app.add_window("LAND", "国土窗口", "县国土资源局")
        app.add_staff("P1", "张三", "TAX", "2008-05-01")
        app.move_staff("P1", "LAND", "2008-07-01")
        app.add_staff("P2", "李四", "LAND", "2008-06-01")
        ids: dict[str, Any] = {}
        ids["finding"] = app.record_finding("S4.1", staff="P1", day="2008-06-02", source="weekly")
        ids["retracted"] = app.record_finding("W2.1", window="TAX", day="2008-06-03", source="duty")
        app.retract(str(ids["retracted"]), "录错窗口")
        ids["claim"] = app.claim_bonus("measure", window="TAX", day="2008-06-04", evidence_file="cert.pdf")
        ids["rejected"] = app.claim_bonus(
            "article", staff="P1", day="2008-06-05", evidence_file="cert.pdf", level="city", ref="稿件一"
        )
        app.reject_bonus(str(ids["rejected"]), "不是以窗口名义")
        ids["verified"] = app.claim_bonus("training", window="LAND", day="2008-06-06", evidence_file="cert.pdf")
        app.verify_bonus(str(ids["verified"]))
        ids["complaint"] = app.record_complaint(staff="P1", day="2008-06-07", channel="hotline-12345", text="态度冷漠")
        ids["complaint_window"] = app.record_complaint(
            window="TAX", day="2008-06-07", channel="civilization-office", text="窗口无人"
        )
        ids["complaint_done"] = app.record_complaint(
            window="TAX", day="2008-06-08", channel="efficiency-office", text="推诿"
        )
        app.verify_complaint(str(ids["complaint_done"]), "W5.1", "complaint")
        ids["dismissed"] = app.record_complaint(window="LAND", day="2008-06-09", channel="consultation", text="意见")
        app.dismiss_complaint(str(ids["dismissed"]), "查无此事")
        rows = parse_findings_csv(
            "date,window,staff,item,source,dq,note\n2008-06-10,TAX,,W4.1,weekly,,未佩牌\n".encode()
        )
        ids["imported"] = app.import_findings(rows).added[0]
    finally:
        app.close()
    return {k: str(v) for k, v in ids.items()}


@pytest.fixture(params=["kp", "kp_script"])
def run(request: pytest.FixtureRequest, db_url: str) -> Callable[..., Any]:
    """The CLI, in-process (CliRunner) and as the installed script."""
    return request.getfixturevalue(request.param)
