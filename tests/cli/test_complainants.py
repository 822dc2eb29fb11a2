"""Complainants' personal information (D34): sealed outside the database, shown only by `complaint show`, absent from
every output and from the database file's bytes, and gone for good after `complaint erase-contact`."""

from __future__ import annotations

import zipfile
from pathlib import Path

import orjson
import pytest

from tests.conftest import Kaoping

NAME, PHONE = "柯某某甲", "13957212345"


def _complaint(kp: Kaoping) -> str:
    """A ledger with one complaint that names its complainant; the complaint's id."""
    assert kp("init").exit_code == 0
    assert kp("window", "add", "DS", "地税窗口").exit_code == 0
    assert kp("staff", "add", "0101", "张三", "--window", "DS", "--from", "2008-05-01").exit_code == 0
    r = kp("complaint", "record", "--staff", "0101", "--date", "2008-08-20", "--channel", "hotline-12345",
           "--text", "态度冷漠", "--complainant", NAME, "--contact", PHONE)
    assert r.exit_code == 0, r.stderr
    assert "提醒" not in r.stderr
    return r.stdout.strip()


def _store(kp: Kaoping) -> Path:
    db = kp.db.removeprefix("sqlite:///")
    return Path(db).with_suffix(".contacts") if kp.db.startswith("sqlite") else kp.cwd / "kaoping.contacts"


def _texts(folder: Path) -> str:
    """Every file under `folder` as text (the members of zipped documents unpacked), for searching."""
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                out += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        else:
            out.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


def test_complaint_show_reveals_the_complainant_kept_under_a_private_key_file(kp: Kaoping) -> None:
    cid = _complaint(kp)
    r = kp("complaint", "show", cid, "--json")
    assert r.exit_code == 0
    assert orjson.loads(r.stdout) == {"id": cid, "state": "given", "complainant": NAME, "contact": PHONE}
    assert _store(kp).stat().st_mode & 0o777 == 0o600


def test_the_complainant_appears_in_no_output_and_not_in_the_database(kp: Kaoping, tmp_path: Path) -> None:
    cid = _complaint(kp)
    assert kp("complaint", "verify", cid, "--item", "S2.4").exit_code == 0
    assert kp("shortlist", "2008Q3").exit_code == 0
    assert kp("decide", "2008Q3", "--five", "0101").exit_code == 0
    assert kp("publish", "2008Q3", "--out", "pub").exit_code == 0
    assert kp("receipt", cid, "--out", "r.json").exit_code == 0
    assert kp("receipt", cid, "--out", "r.tlog-proof").exit_code == 0
    assert kp("report", "2008Q3", "--out", "report.xlsx").exit_code == 0
    outputs = [kp(*args).stdout for args in (
        ("log",), ("log", "--json"), ("audit", "disqualifications", "--year", "2008"), ("explain", "--staff", "0101",
        "2008Q3"), ("explain", "--staff", "0101", "2008Q3", "--json"), ("report", "2008Q3", "--json"), ("year", "2008"),
        ("receipt", cid), ("verify", "--json"))]
    files = _texts(tmp_path / "pub") + "".join(
        (tmp_path / f).read_text() for f in ("r.json", "r.tlog-proof")) + _texts(tmp_path / "pub")
    for text in [*outputs, files]:
        assert NAME not in text and PHONE not in text
    with zipfile.ZipFile(tmp_path / "report.xlsx") as z:
        assert all(PHONE not in z.read(n).decode("utf-8", "replace") for n in z.namelist())
    if kp.db.startswith("sqlite"):
        db = Path(kp.db.removeprefix("sqlite:///"))
        for part in (db, db.with_name(db.name + "-wal")):
            data = part.read_bytes() if part.exists() else b""
            assert NAME.encode() not in data and PHONE.encode() not in data


def test_erasing_destroys_the_key_records_the_erasure_and_the_ledger_still_verifies(kp: Kaoping) -> None:
    cid = _complaint(kp)
    assert kp("checkpoint").exit_code == 0
    r = kp("complaint", "erase-contact", cid, "--reason", "投诉人要求删除")
    assert r.exit_code == 0, r.stderr
    assert orjson.loads(_store(kp).read_bytes())["keys"] == {}
    shown = kp("complaint", "show", cid, "--json")
    assert orjson.loads(shown.stdout)["state"] == "erased" and PHONE not in shown.stdout
    assert "删除投诉人信息" in kp("log").stdout
    assert kp("verify").exit_code == 0
    again = kp("complaint", "erase-contact", cid, "--reason", "再删一次")
    assert again.exit_code == 2 and "已经删除" in again.stderr
    assert kp("complaint", "dismiss", cid, "--reason", "经查当时在岗").exit_code == 0  # the complaint itself goes on


def test_a_complaint_without_a_complainant_has_nothing_to_show_or_erase(kp: Kaoping) -> None:
    _complaint(kp)
    r = kp("complaint", "record", "--window", "DS", "--date", "2008-08-21", "--channel", "hotline-12345",
           "--text", "排队太久")
    cid = r.stdout.strip()
    assert orjson.loads(kp("complaint", "show", cid, "--json").stdout)["state"] == "none"
    r = kp("complaint", "erase-contact", cid, "--reason", "无")
    assert r.exit_code == 2 and "没有登记投诉人信息" in r.stderr


@pytest.mark.parametrize("text", ["请回电13812345678", "身份证330522198001011234", "座机0572-6041234"])
def test_free_text_that_looks_like_it_holds_a_number_brings_a_warning(kp: Kaoping, text: str) -> None:
    _complaint(kp)
    r = kp("complaint", "record", "--window", "DS", "--date", "2008-08-21", "--channel", "hotline-12345",
           "--text", text)
    assert r.exit_code == 0 and "提醒" in r.stderr and "--contact" in r.stderr


def test_a_refused_complaint_keeps_no_key_and_records_nothing(kp: Kaoping) -> None:
    assert kp("init").exit_code == 0
    assert kp("window", "add", "DS", "地税窗口").exit_code == 0
    before = kp("log", "--json").stdout
    r = kp("complaint", "record", "--window", "DS", "--date", "2008-08-20", "--channel", "no-such-channel",
           "--text", "态度冷漠", "--complainant", NAME)
    assert r.exit_code == 2
    assert not _store(kp).exists()
    assert kp("log", "--json").stdout == before
