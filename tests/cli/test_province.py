"""`kaoping province report`: every center's published 红旗窗口 and 五星 of a quarter, each read from its own ledger and
checked against the digest its publication recorded and the signature on its checkpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests import pg
from tests.helpers import Kaoping


def _center(url: str, folder: Path, name: str, publish: bool) -> Kaoping:
    """A center with two windows and two people; 2008Q2 decided (TAX red flag, P1 five stars) and, if asked,
    announced and published."""
    folder.mkdir()
    kp = Kaoping(url, folder)
    steps = [("init", "--center", name), ("window", "add", "TAX", "地税窗口"), ("window", "add", "LAND", "国土窗口"),
             ("staff", "add", "P1", "张三", "--window", "TAX", "--from", "2008-05-01"),
             ("staff", "add", "P2", "李四", "--window", "LAND", "--from", "2008-05-01"),
             ("record", "W2.2", "--window", "LAND", "--date", "2008-05-02", "--source", "weekly"),
             ("shortlist", "2008Q2"), ("decide", "2008Q2", "--red-flag", "TAX", "--five", "P1", "--four", "P2")]
    if publish:
        steps += [("announce", "2008Q2", "--date", "2008-07-02"), ("publish", "2008Q2")]
    for args in steps:
        r = kp(*args)
        assert r.exit_code == 0, (args, r.stderr)
    return kp


@pytest.fixture
def centers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str, Path]]:
    """Two centers' ledgers on one server: 长兴 published 2008Q2, 安吉 only decided it."""
    monkeypatch.setenv("KAOPING_EVIDENCE_DIR", str(tmp_path / pg.EVIDENCE_DIR))
    changxing, anji = pg.database_for("province_changxing"), pg.database_for("province_anji")
    try:
        monkeypatch.setenv("KAOPING_KEY", str(tmp_path / "changxing.key"))
        kp = _center(changxing, tmp_path / "changxing", "长兴县行政服务中心", publish=True)
        (tmp_path / "长兴公钥.txt").write_text(kp("public-key").stdout)
        monkeypatch.setenv("KAOPING_KEY", str(tmp_path / "anji.key"))
        _center(anji, tmp_path / "anji", "安吉县行政服务中心", publish=False)
        monkeypatch.delenv("KAOPING_KEY")
        yield changxing, anji, tmp_path
    finally:
        pg.drop_database(changxing)
        pg.drop_database(anji)


def _province(tmp_path: Path, *args: str) -> tuple[int, dict[str, object] | str, str]:
    r = Kaoping("sqlite:///unused.db", tmp_path)("province", "report", *args)
    if "--json" in args and r.stdout:
        return r.exit_code, json.loads(r.stdout), r.stderr
    return r.exit_code, r.stdout, r.stderr


def test_the_province_lists_each_centers_published_red_flags_and_five_stars_and_which_checks_ran(
    centers: tuple[str, str, Path]
) -> None:
    changxing, anji, tmp_path = centers
    code, doc, _ = _province(tmp_path, "2008Q2", "--db", changxing, "--db", anji, "--json")
    assert code == 0 and isinstance(doc, dict)
    first, second = doc["centers"]  # type: ignore[index]
    assert (first["center"], first["published"], first["digest_matches"]) == ("长兴县行政服务中心", True, True)
    assert first["red_flag"] == [{"code": "TAX", "name": "地税窗口"}]
    assert first["five_star"] == [{"id": "P1", "name": "张三", "window": "TAX", "window_name": "地税窗口"}]
    assert first["signature"] == "ledger"  # no key given to the province: the key the ledger records, and it says so
    assert first["rows_from"] == "events"  # nobody asked for the report since publishing: nothing kept yet
    assert (second["center"], second["published"], second["red_flag"]) == ("安吉县行政服务中心", False, [])

    with pytest.MonkeyPatch.context() as m:  # the center asks for its report, under its key: the rows are kept
        m.setenv("KAOPING_KEY", str(tmp_path / "changxing.key"))
        assert Kaoping(changxing, tmp_path)("report", "2008Q2").exit_code == 0
    code, doc, _ = _province(tmp_path, "2008Q2", "--db", changxing, "--public-key", str(tmp_path / "长兴公钥.txt"),
                             "--json")
    (only,) = doc["centers"]  # type: ignore[index]
    assert code == 0 and (only["signature"], only["rows_from"]) == ("public-key", "kept")
    assert only["red_flag"] == first["red_flag"] and only["five_star"] == first["five_star"]

    code, text, _ = _province(tmp_path, "2008Q2", "--db", changxing, "--db", anji)
    assert code == 0 and isinstance(text, str)
    assert "长兴县行政服务中心" in text and "已公布" in text and "相符" in text and "已核验（账本记录的公钥）" in text
    assert "安吉县行政服务中心" in text and "未公布" in text and "张三（地税窗口）" in text


def test_a_kept_copy_altered_is_not_believed_and_a_digest_altered_is_reported_with_exit_code_one(
    centers: tuple[str, str, Path]
) -> None:
    changxing, _, tmp_path = centers
    with pytest.MonkeyPatch.context() as m:
        m.setenv("KAOPING_KEY", str(tmp_path / "changxing.key"))
        assert Kaoping(changxing, tmp_path)("report", "2008Q2").exit_code == 0
    with psycopg.connect(changxing, autocommit=True) as conn:
        key, blob = conn.execute("SELECT key, value FROM kaoping_projection WHERE key LIKE 'p:2008Q2:%'").fetchone()
        forged = json.loads(bytes(blob))
        forged["rows"]["windows"] = [{**w, "red_flag": not w["red_flag"]} for w in forged["rows"]["windows"]]
        conn.execute("UPDATE kaoping_projection SET value = %s WHERE key = %s", (json.dumps(forged).encode(), key))
    code, doc, _ = _province(tmp_path, "2008Q2", "--db", changxing, "--json")
    (only,) = doc["centers"]  # type: ignore[index]
    assert code == 0 and only["rows_from"] == "events" and only["red_flag"] == [{"code": "TAX", "name": "地税窗口"}]

    with psycopg.connect(changxing, autocommit=True) as conn:
        conn.execute("UPDATE kaoping_events SET state = "
                     "convert_to(replace(convert_from(state, 'UTF8'), %s, %s), 'UTF8') "
                     "WHERE topic = 'ledger.events:QuarterPublished'", (only["digest"], "0" * 64))
    code, doc, err = _province(tmp_path, "2008Q2", "--db", changxing, "--json")
    (only,) = doc["centers"]  # type: ignore[index]
    assert code == 1 and only["digest_matches"] is False
    assert err == "错误：1 个中心无法读取或核对不符（见输出）\n"


def test_bad_input_is_one_chinese_line_and_exit_code_two(centers: tuple[str, str, Path]) -> None:
    changxing, _, tmp_path = centers
    for args in (("2008Q9", "--db", changxing), ("2008Q2", "--db", changxing, "--db", changxing),
                 ("2008Q2", "--db", "mysql://x/y"), ("2008Q2",)):
        code, _, err = _province(tmp_path, *args)
        assert code == 2 and err.startswith("错误：") and len(err.strip().splitlines()) == 1, args


def test_a_center_that_cannot_be_read_is_named_and_the_others_still_listed(centers: tuple[str, str, Path]) -> None:
    changxing, _, tmp_path = centers
    empty = pg.database_for("province_empty")
    try:
        code, doc, _ = _province(tmp_path, "2008Q2", "--db", empty, "--db", changxing, "--json")
    finally:
        pg.drop_database(empty)
    broken, fine = doc["centers"]  # type: ignore[index]
    assert code == 1 and "kaoping init" in broken["error"] and fine["published"] is True
