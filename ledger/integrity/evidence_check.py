"""`verify` holds every evidence file the ledger names against the sha256 its event recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson

from ledger.integrity.leaves import Flaw
from ledger.storage.evidence import path_for
from ledger.storage.rows import position_of
from ledger.topics import topic

EVIDENCE_TOPICS = frozenset({topic("FindingRecorded"), topic("BonusClaimed")})
"""The events that may name an evidence file (`evidence`: sha256, size, name)."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def evidence_flaws(ledger: Any, store: Path) -> list[Flaw]:
    """A flaw for each evidence file missing from the store or whose content no longer has its recorded hash.

    Reads only the rows of the topics that can name evidence; a flawed row's position is counted afterwards.
    """
    flaws: list[Flaw] = []
    checked: dict[str, str | None] = {}
    for nid, state in ((r[0], r[4]) for page in ledger.pages(0, 20_000, topics=EVIDENCE_TOPICS) for r in page):
        if b"sha256" not in bytes(state):
            continue
        try:
            meta = orjson.loads(state).get("evidence")
            sha = meta.get("sha256") if isinstance(meta, dict) else None
        except (orjson.JSONDecodeError, AttributeError, TypeError):
            continue  # an undecodable row is the decoding check's to report
        if not isinstance(sha, str):
            continue
        if sha not in checked:
            path = path_for(store, sha)
            try:
                checked[sha] = None if _sha256(path) == sha else f"证据文件 {path} 的内容与记录的 sha256 不符（被改动）"
            except FileNotFoundError:
                checked[sha] = f"证据文件 {path} 不存在（被删除或移走）"
            except OSError as exc:
                checked[sha] = f"证据文件 {path} 无法读取：{exc.strerror or exc}"
        problem = checked[sha]
        if problem is not None:
            pos = position_of(ledger.pages(0, 20_000), nid)
            flaws.append(Flaw(pos, "evidence", f"位置 {pos} 的事件所附的{problem}"))
    return flaws
