"""Every command works the same on SQLite and PostgreSQL, in-process and through the installed script."""

from __future__ import annotations

from pathlib import Path

import orjson


def test_every_command_answers_the_same_on_each_backend(kp, kp_script, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert kp("init", "--center", "长兴县行政服务中心").exit_code == 0
    assert kp("window", "add", "W01", "工商窗口", "--department", "市场监管局").exit_code == 0
    r = kp_script("window", "add", "W02", "税务窗口")
    assert r.exit_code == 0, r.stderr
    assert kp("staff", "add", "S001", "张三", "--window", "W01", "--from", "2024-01-01").exit_code == 0
    assert kp("staff", "move", "S001", "--window", "W02", "--from", "2024-03-01").exit_code == 0
    fid = kp("record", "S4.1", "--staff", "S001", "--date", "2024-02-01", "--source", "duty").stdout.strip()
    assert kp_script("retract", fid, "--reason", "录错").exit_code == 0
    cert = tmp_path / "cert.txt"
    cert.write_text("证书", encoding="utf-8")
    claim = kp("bonus", "claim", "article", "--window", "W01", "--date", "2024-02-02", "--evidence", str(cert),
               "--level", "county", "--ref", "《窗口风采》").stdout.strip()
    assert kp("bonus", "verify", claim).exit_code == 0
    comp = kp("complaint", "record", "--staff", "S001", "--date", "2024-03-05", "--channel", "hotline-12345",
              "--text", "态度生硬").stdout.strip()
    assert kp_script("complaint", "verify", comp, "--item", "S4.1").exit_code == 0
    # A refusal is the same one line on both backends, and writes nothing.
    bad = kp_script("record", "W9.9", "--window", "W01", "--date", "2024-02-01", "--source", "weekly")
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1
    dup = kp("window", "add", "W01", "工商窗口")
    assert dup.exit_code == 2 and "已存在" in dup.stderr
    log = kp_script("log")
    assert log.exit_code == 0
    entries = kp("log", "--json").stdout
    types = [e["type"] for e in orjson.loads(entries)["events"]]
    ours = ["CenterInitialised", "WindowRegistered", "WindowRegistered", "StaffRegistered", "StaffMoved",
            "FindingRecorded", "FindingRetracted", "BonusClaimed", "BonusVerified", "ComplaintReceived",
            "ComplaintVerified"]
    assert [t for t in types if t in set(ours)] == ours  # init may add its own events (the signing key)
    lines = [line for line in log.stdout.strip().splitlines()[2:] if line[:6].strip()]  # not a wrapped summary's
    assert [int(line.split()[0]) for line in lines] == list(range(1, len(types) + 1))
