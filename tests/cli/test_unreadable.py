"""A row changed behind kaoping's back is refused in one line naming its position, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.helpers import Kaoping


@pytest.fixture
def damaged(tmp_path: Path) -> Kaoping:
    kp = Kaoping(f"sqlite:///{tmp_path / 'kaoping.db'}", tmp_path)
    assert kp("init").exit_code == 0
    assert kp("window", "add", "A", "甲窗口").exit_code == 0
    assert kp("record", "W1.1", "--window", "A", "--date", "2008-07-01", "--source", "weekly").exit_code == 0
    assert kp("checkpoint", "--out", str(tmp_path / "checkpoint.txt")).exit_code == 0
    with sqlite3.connect(tmp_path / "kaoping.db") as conn:  # position 4: the finding
        conn.execute("UPDATE stored_events SET state = X'7B7B' WHERE rowid = 4")
    return kp


@pytest.mark.parametrize(
    "command", [("log",), ("report", "2008Q3"), ("explain", "--window", "A", "2008Q3"), ("rebuild",)]
)
def test_a_question_over_an_undecodable_row_is_refused_naming_its_position(
    damaged: Kaoping, command: tuple[str, ...]
) -> None:
    r = damaged(*command)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and "位置 4" in lines[0] and "kaoping verify" in lines[0]


def test_verify_against_the_checkpoint_names_the_same_position(damaged: Kaoping) -> None:
    r = damaged("verify", "--checkpoint", str(damaged.cwd / "checkpoint.txt"))
    assert r.exit_code == 1 and "位置 4" in (r.stdout + r.stderr).replace("位置4", "位置 4")
