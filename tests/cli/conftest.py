"""A small registered center with one fact in every state (and a hostile variant), and a runner for each way of
calling the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ledger.app import open_ledger
from ledger.sheets.findings import parse_findings_csv
from tests.helpers import Kaoping
from tests.templates import LedgerTemplates, Seed, backend_of


def build_world(db_url: str, folder: Path) -> dict[str, str]:
    """Fill an empty ledger (and the current folder `folder`) with the `world`; its ids by name."""
    (folder / "cert.pdf").write_bytes(b"%PDF-1.4 honour certificate")
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


def build_hostile(db_url: str, folder: Path) -> dict[str, str]:
    """On a copy of the `world`: what the `hostile` fixture says it adds."""
    kp = Kaoping(db_url, folder)
    assert kp("shortlist", "2008Q2").exit_code == 0
    assert kp("checkpoint").exit_code == 0
    assert kp("report", "2008Q2").exit_code == 0  # the projection is a cache; bring it up to date first
    (folder / "old.txt").write_text("an earlier checkpoint, kept by the auditor\n", encoding="utf-8")
    (folder / "adir").mkdir()
    (folder / "adir" / "inside.txt").write_text("x")
    (folder / "empty.json").write_text("{}")
    (folder / "taken.evidence").mkdir()
    if db_url.startswith("sqlite"):
        other = Kaoping(f"sqlite:///{folder / 'other-ledger.db'}", folder)
        assert other("init").exit_code == 0
    return {}


def build_demo(db_url: str, folder: Path) -> dict[str, str]:
    """Run `kaoping demo` on an empty ledger; what it printed, as "stdout"."""
    r = Kaoping(db_url, folder)("demo")
    assert r.exit_code == 0, r.stderr
    return {"stdout": r.stdout}


WORLD = Seed("world", build_world)
HOSTILE = Seed("hostile", build_hostile, base=WORLD)
DEMO = Seed("demo", build_demo)
# fixture name → the template a test asking for it starts from
SEEDS = {"world": WORLD, "hostile": HOSTILE, "demo_made": DEMO}


@pytest.fixture
def ledger_seed(request: pytest.FixtureRequest) -> Seed | None:
    """A test that asks for `world` or `hostile` gets its database as a copy of that template (built once per
    session and backend); any other test gets an empty one."""
    asked = [seed for name, seed in SEEDS.items() if name in request.fixturenames]
    assert len(asked) <= 1, f"a test starts from one template, not {[s.name for s in asked]}"
    return asked[0] if asked else None


def _values(seed: Seed, db_url: str, ledger_seed: Seed | None, templates: LedgerTemplates) -> dict[str, str]:
    assert ledger_seed is seed, (seed, ledger_seed)
    return dict(templates.get(seed, backend_of(db_url)).values)


@pytest.fixture
def world(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledger_seed: Seed | None,
    ledger_templates: LedgerTemplates,
) -> dict[str, str]:
    """Center, windows TAX/LAND, staff P1 (TAX from 2008-05-01, LAND from 2008-07-01) and P2 (LAND
    from 2008-06-01), and one finding, claim and complaint in each state; ids by name."""
    monkeypatch.chdir(tmp_path)
    return _values(WORLD, db_url, ledger_seed, ledger_templates)


@pytest.fixture
def hostile(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledger_seed: Seed | None,
    ledger_templates: LedgerTemplates,
) -> dict[str, str]:
    """The `world` with 2008Q2 shortlisted, a checkpoint taken, the projection caught up, and stray files
    a careless user might name: an old text file, a folder, an empty JSON object, a taken evidence folder
    (and, on SQLite, another initialised ledger in other-ledger.db); ids by name, and "db"."""
    monkeypatch.chdir(tmp_path)
    return {**_values(HOSTILE, db_url, ledger_seed, ledger_templates), "db": db_url}


@pytest.fixture
def demo_made(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledger_seed: Seed | None,
    ledger_templates: LedgerTemplates,
) -> str:
    """A ledger `kaoping demo` filled (it always writes the same sample: tests/cli/test_demo.py proves it), built
    once per session and backend and copied for each test (each demo is seconds of work); what the demo printed."""
    monkeypatch.chdir(tmp_path)
    return _values(DEMO, db_url, ledger_seed, ledger_templates)["stdout"]


SCRIPT_ON_POSTGRES = frozenset({
    "test_commands_that_create_print_their_id_and_json_wraps_it",
    "test_short_ids_in_the_log_are_accepted_wherever_an_id_is_taken",
})
"""The `run` tests that also go through the installed script on PostgreSQL: a representative one per module (the
refusal sweeps, which parametrize `run` with their own script cases, keep theirs). The
script's edge is the same on both backends and every test here still runs in-process on PostgreSQL; the script on
PostgreSQL is also covered by the demo's, the questions' and the refusals' script tests (issue 9: CI time)."""


@pytest.fixture(params=["kp", "kp_script"])
def run(request: pytest.FixtureRequest, db_url: str) -> Callable[..., Any]:
    """The CLI, in-process (CliRunner) and as the installed script (on PostgreSQL: for SCRIPT_ON_POSTGRES only)."""
    chose_own = any("run" in str(m.args[0]) for m in request.node.iter_markers("parametrize"))  # the sweeps' cases
    if request.param == "kp_script" and not db_url.startswith("sqlite") and not chose_own and \
            getattr(request.node, "originalname", "") not in SCRIPT_ON_POSTGRES:
        pytest.skip("the installed script on PostgreSQL runs a representative subset (SCRIPT_ON_POSTGRES)")
    return request.getfixturevalue(request.param)
