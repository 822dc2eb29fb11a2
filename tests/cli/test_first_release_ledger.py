"""A ledger, checkpoint and receipts written by the first release read, report and verify as they did then.

`tests/data/release1/` holds a demo ledger the first release wrote and published, and that release's own
answers. Every answer of today must keep every key and value of then (later releases may add keys).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from cli.main import cli

RELEASE1 = Path(__file__).resolve().parent.parent / "data" / "release1"

QUESTIONS = {
    "report.json": ["report", "2008Q3", "--json"],
    "report-434.json": ["report", "2008Q3", "--as-of", "434", "--json"],
    "explain-CX117.json": ["explain", "--staff", "CX117", "2008Q3", "--json"],
    "explain-CX070.json": ["explain", "--staff", "CX070", "2008Q3", "--json"],
    "explain-CX019.json": ["explain", "--staff", "CX019", "2008Q3", "--json"],
    "explain-JS.json": ["explain", "--window", "JS", "2008Q3", "--json"],
    "audit.json": ["audit", "disqualifications", "--json"],
    "year.json": ["year", "2008", "--json"],
    "verify.json": ["verify", "--checkpoint", "checkpoint.txt", "--json"],
    "log.json": ["log", "--json"],
    "windows.json": ["window", "list", "--json"],
    "staff.json": ["staff", "list", "--json"],
}


def kept(then: Any, now: Any, where: str = "") -> list[str]:
    """Where `now` lost or changed something `then` had (dict keys may be added, nothing else may change)."""
    if isinstance(then, dict):
        if not isinstance(now, dict):
            return [f"{where}: was an object"]
        out: list[str] = []
        for key, value in then.items():
            if key not in now:
                out.append(f"{where}.{key}: missing")
            else:
                out += kept(value, now[key], f"{where}.{key}")
        return out
    if isinstance(then, list):
        if not isinstance(now, list) or len(now) != len(then):
            return [f"{where}: list of {len(then)} became {len(now) if isinstance(now, list) else type(now).__name__}"]
        return [line for i, (a, b) in enumerate(zip(then, now, strict=True)) for line in kept(a, b, f"{where}[{i}]")]
    return [] if then == now else [f"{where}: {then!r} became {now!r}"]


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first release's ledger folder, copied (never touched in place)."""
    folder = tmp_path_factory.mktemp("release1") / "release1"
    shutil.copytree(RELEASE1, folder)
    return folder


def run(folder: Path, *args: str) -> tuple[int, str, str]:
    """kaoping in-process against the copied ledger, from its folder."""
    import os

    old = os.getcwd()
    os.chdir(folder)
    try:
        r = CliRunner().invoke(cli, ["--db", "sqlite:///demo.db", *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.parametrize("answer", sorted(QUESTIONS))
def test_every_answer_of_the_first_release_is_given_again_key_for_key(copy: Path, answer: str) -> None:
    code, out, err = run(copy, *QUESTIONS[answer])
    assert code == 0, err
    assert kept(orjson.loads((RELEASE1 / answer).read_bytes()), orjson.loads(out)) == []


@pytest.mark.parametrize("receipt", ["receipt-corruption.json", "receipt-complaint.json"])
def test_receipts_of_the_first_release_still_verify_offline_under_its_public_key(copy: Path, receipt: str) -> None:
    code, out, err = run(copy, "verify-receipt", receipt, "--public-key", "public-key.txt")
    assert code == 0, err
    assert "收据有效" in out


def test_the_published_digest_of_the_first_release_still_matches_the_ledger(copy: Path) -> None:
    code, out, _ = run(copy, "report", "2008Q3", "--json")
    published = orjson.loads((RELEASE1 / "publish.json").read_bytes())
    doc = orjson.loads(out)
    assert code == 0
    assert doc["published"]["digest"] == published["digest"]
    assert doc["published"]["digest_matches"] is True
    assert doc["published"]["differences"] == []
