"""A catalogue folder for tests of D36: the packaged revision files copied as they are, and made-up revisions beside
them (a shipped file never changes, so tests never write into ledger/catalogues)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from ledger import catalogue

PACKAGED = catalogue.CATALOGUES


def revision_of(base: str, revision: int, change: Callable[[dict[str, Any]], None]) -> bytes:
    """A revision file made from a packaged one (its file name, e.g. 'changxing-2008@2.json'), changed."""
    raw = orjson.loads((PACKAGED / base).read_bytes())
    raw["revision"] = revision
    change(raw)
    return orjson.dumps(raw, option=orjson.OPT_INDENT_2)


def stricter_w2(raw: dict[str, Any]) -> None:
    """W2 (工作纪律) deducts 6 a violation instead of 5."""
    w2 = next(c for c in raw["window_table"]["categories"] if c["code"] == "W2")
    w2["per_violation"] = 6


def catalogue_folder(tmp: Path, monkeypatch: pytest.MonkeyPatch, extra: dict[str, bytes]) -> Path:
    """The packaged files and `extra` (file name → bytes) in a folder the rules are then read from."""
    folder = tmp / "catalogues"
    shutil.copytree(PACKAGED, folder)
    for name, data in extra.items():
        (folder / name).write_bytes(data)
    monkeypatch.setattr(catalogue, "CATALOGUES", folder)
    return folder
