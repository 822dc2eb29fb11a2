"""Rotating the center's signing key (issue 14): a signed event both keys sign; checkpoints after it verify under the
new key, older checkpoints and receipts still under the old one, and an altered rotation fails `verify`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest

from tests.helpers import Kaoping, Result, assert_refused

ROTATION = "ledger.events:SigningKeyRotated"


def _ok(result: Result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout


def _rows(folder: Path) -> list[tuple[str, bytes]]:
    with sqlite3.connect(folder / "kaoping.db") as conn:
        return list(conn.execute("SELECT topic, state FROM stored_events ORDER BY rowid"))


@pytest.fixture
def rotated(tmp_path: Path) -> tuple[Kaoping, Path]:
    """A center that signed a checkpoint and a receipt under its first key, exported that public key, then rotated
    to 新.key and recorded one more window."""
    kp = Kaoping(f"sqlite:///{tmp_path / 'kaoping.db'}", tmp_path)
    _ok(kp("init", "--center", "长兴县行政服务中心"))
    _ok(kp("window", "add", "DS", "地税窗口"))
    _ok(kp("checkpoint", "--out", "旧检查点.txt"))
    window = orjson.loads(_ok(kp("log", "--json")))["events"][2]["id"]
    _ok(kp("receipt", window, "--out", "旧收据.json"))
    _ok(kp("public-key", "--out", "旧公钥.txt"))
    _ok(kp("key", "rotate", "--key-out", "新.key", "--reason", "密钥文件疑似被盗"))
    _ok(kp("window", "add", "GT", "国土窗口"))
    return kp, tmp_path


def test_checkpoints_after_a_rotation_are_signed_by_the_new_key_and_verify(rotated: tuple[Kaoping, Path]) -> None:
    kp, folder = rotated
    _ok(kp("--key", "新.key", "checkpoint", "--out", "新检查点.txt"))
    report = orjson.loads(_ok(kp("--key", "新.key", "verify", "--json")))
    new_id = orjson.loads(_ok(kp("--key", "新.key", "key", "rotate", "--key-out", "再.key", "--reason", "定期更换",
                                 "--json")))["previous_key_id"]
    assert report["ok"] and report["key_id"] == new_id
    assert len(report["checkpoints"]) == 2
    assert "新旧密钥共同签署" in _ok(kp("log", "--type", "更换签名密钥"))


def test_old_checkpoints_and_receipts_still_verify_under_the_old_public_key(rotated: tuple[Kaoping, Path]) -> None:
    kp, folder = rotated
    _ok(kp("verify-receipt", "旧收据.json", "--public-key", "旧公钥.txt"))
    _ok(kp("--key", "新.key", "verify", "--checkpoint", "旧检查点.txt"))
    _ok(kp("verify", "--public-key", "旧公钥.txt"))  # the old key, trusted, hands on to the new one
    _ok(kp("--key", "新.key", "verify"))  # the new key, trusted, vouches for the history it took over


def test_the_old_key_signs_no_checkpoint_after_the_rotation(rotated: tuple[Kaoping, Path]) -> None:
    kp, folder = rotated
    before = _rows(folder)
    assert_refused(kp("checkpoint"), "不符")
    assert _rows(folder) == before


@pytest.mark.parametrize("field", ["verifier_key", "note", "root"])
def test_an_altered_rotation_fails_verify_naming_its_position(rotated: tuple[Kaoping, Path], field: str) -> None:
    kp, folder = rotated
    other = Kaoping(f"sqlite:///{folder / 'other.db'}", folder)  # another ledger: its own key (other.key)
    _ok(other("init", "--center", "别处"))
    _ok(other("public-key", "--out", "别处公钥.txt"))
    forged = {"verifier_key": (folder / "别处公钥.txt").read_text(encoding="utf-8").strip(),
              "root": orjson.loads(_ok(other("verify", "--json")))["root"]}
    with sqlite3.connect(folder / "kaoping.db") as conn:
        rowid, state = conn.execute("SELECT rowid, state FROM stored_events WHERE topic = ?", (ROTATION,)).fetchone()
        position = conn.execute("SELECT COUNT(*) FROM stored_events WHERE rowid <= ?", (rowid,)).fetchone()[0]
        data = orjson.loads(state)
        data[field] = forged.get(field) or data["note"].replace(f"\n{data['size']}\n", f"\n{data['size'] - 1}\n")
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (orjson.dumps(data), rowid))
    report = orjson.loads(kp("verify", "--public-key", "旧公钥.txt", "--json").stdout)
    assert not report["ok"]
    assert position in {p["position"] for p in report["problems"]}


def test_a_rotation_needs_a_reason_and_a_new_file_and_writes_nothing_when_refused(tmp_path: Path) -> None:
    kp = Kaoping(f"sqlite:///{tmp_path / 'kaoping.db'}", tmp_path)
    _ok(kp("init", "--center", "长兴县行政服务中心"))
    before = _rows(tmp_path)
    assert_refused(kp("key", "rotate", "--key-out", "新.key", "--reason", "  "), "原因")
    (tmp_path / "已有.key").write_text("x", encoding="utf-8")
    assert_refused(kp("key", "rotate", "--key-out", "已有.key", "--reason", "丢失"), "已存在")
    assert _rows(tmp_path) == before and not (tmp_path / "新.key").exists()


def test_once_actors_exist_only_an_admin_rotates_the_center_key(tmp_path: Path) -> None:
    kp = Kaoping(f"sqlite:///{tmp_path / 'kaoping.db'}", tmp_path)
    _ok(kp("init", "--center", "长兴县行政服务中心"))
    _ok(kp("actor", "add", "张三", "--role", "admin", "--key-out", "张三.key", actor="张三"))
    _ok(kp("--actor-key", "张三.key", "actor", "add", "王芳", "--role", "clerk", "--key-out", "王芳.key",
           actor="张三"))
    before = _rows(tmp_path)
    assert_refused(kp("--actor-key", "王芳.key", "key", "rotate", "--key-out", "新.key", "--reason", "丢失",
                      actor="王芳"), "不能更换中心签名密钥")
    assert _rows(tmp_path) == before and not (tmp_path / "新.key").exists()
    _ok(kp("--actor-key", "张三.key", "key", "rotate", "--key-out", "新.key", "--reason", "丢失", actor="张三"))
    assert _rows(tmp_path)[-1][0] == "ledger.events:CommandSigned"
    _ok(kp("--key", "新.key", "--actor-key", "王芳.key", "checkpoint", actor="王芳"))
    _ok(kp("--key", "新.key", "verify"))


def test_after_a_rotation_the_questions_with_the_new_key_find_the_projection_sound(tmp_path: Path) -> None:
    kp = Kaoping(f"sqlite:///{tmp_path / 'kaoping.db'}", tmp_path)
    _ok(kp("init", "--center", "长兴县行政服务中心"))
    _ok(kp("window", "add", "DS", "地税窗口"))
    _ok(kp("report", "2008Q3"))  # the projection is kept, sealed under the first key
    _ok(kp("key", "rotate", "--key-out", "新.key", "--reason", "定期更换"))
    shown = kp("--key", "新.key", "report", "2008Q3")
    assert shown.exit_code == 0 and "封印" not in shown.stderr and "封印" not in shown.stdout
    assert "封印" in kp("report", "2008Q3").stderr  # the old key no longer vouches for what is stored
