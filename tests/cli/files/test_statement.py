"""The personal statement: `explain --staff ID QUARTER --out X.pdf` explains the star and carries checkable receipts."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.cli.files.conftest import Demo, pdf_text


def test_the_statement_explains_every_step_down_to_the_final_star(demo: Demo) -> None:
    doc = demo.json("explain", "--staff", "CX117", "2008Q3")
    r = demo("explain", "--staff", "CX117", "2008Q3", "--out", "费峰.pdf")
    assert r.exit_code == 0, r.stderr
    text = pdf_text(demo.folder / "费峰.pdf")
    flat = "".join(text.split())
    fact = doc["categories"][2]["facts"][0]
    for needed in (fact["id"], fact["date"], fact["note"], fact["source_name"], "-4分", "投诉经查实",
                   doc["bonus"]["lines"][0]["evidence"][0], "最高不超过10分", "四星级服务明星",
                   "该决定因取消评比资格而作废", "最终星级：1星；奖励0元", "取消当季服务明星、当年先进个人评比资格"):
        assert "".join(needed.split()) in flat, needed
    assert f"排名第{doc['rank']}" in flat


def test_the_statement_carries_a_receipt_for_each_key_fact_that_verifies_offline(demo: Demo, tmp_path) -> None:
    tool = shutil.which("pdfdetach")
    if tool is None:
        pytest.skip("pdfdetach is missing (apt-get install poppler-utils)")
    doc = demo.json("explain", "--staff", "CX117", "2008Q3")
    assert demo("explain", "--staff", "CX117", "2008Q3", "--out", "费峰.pdf").exit_code == 0
    listed = subprocess.run([tool, "-list", str(demo.folder / "费峰.pdf")], capture_output=True, text=True).stdout
    keys = {f["id"] for c in doc["categories"] for f in c["facts"]} | {b["id"] for b in doc["bonus"]["lines"]}
    assert len(keys) == 2
    for fid in keys:
        assert f"收据-{fid[:8]}.json" in listed
    out = tmp_path / "detached"
    out.mkdir()
    subprocess.run([tool, "-saveall", "-o", str(out), str(demo.folder / "费峰.pdf")], check=True)
    key = demo("public-key")
    (demo.folder / "公钥.txt").write_text(key.stdout, encoding="utf-8")
    text = "".join(pdf_text(demo.folder / "费峰.pdf").split())
    assert "".join(key.stdout.split()) in text, "the public key is printed on the statement"
    for receipt in out.iterdir():
        r = demo("verify-receipt", str(receipt), "--public-key", "公钥.txt")
        assert r.exit_code == 0, r.stderr
        assert "收据有效" in r.stdout


def test_a_statement_over_an_existing_file_is_refused_before_any_receipt_is_signed(demo: Demo) -> None:
    (demo.folder / "已有.pdf").write_bytes(b"%PDF old")
    before = len(demo.json("log")["events"])
    r = demo("explain", "--staff", "CX117", "2008Q3", "--out", "已有.pdf")
    assert r.exit_code == 2 and "输出文件已存在" in r.stderr
    assert (demo.folder / "已有.pdf").read_bytes() == b"%PDF old"
    assert len(demo.json("log")["events"]) == before
