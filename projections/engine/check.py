"""`verify`'s look at what the questions read: every event folded as `report` and `rebuild` fold it, and the stored
projection held against a replay of the events up to its own position (`verify --projection`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from ledger.errors import LedgerUnreadable
from ledger.registry import Registry
from ledger.runtime.gcpause import collector_paused
from projections.engine.chunks import QUARTER_PREFIX
from projections.engine.materialised import (
    INDEX_LIMIT,
    META,
    REGISTRY,
    QuarterProjection,
    merge_chunks,
    stored_registry,
)
from projections.engine.rows import Page, fold_pages, ledger_pages, quarter_lookup
from projections.engine.sealed import SEAL, Manifest, ProjectionTampered, vouches
from projections.engine.stores import storage_for
from projections.fold.handlers import TOPIC_HANDLERS
from projections.fold.state import FOLD_VERSION, QuarterState, State

if TYPE_CHECKING:
    from ledger.storage.reader import ReadableLedger


def undecodable(ledger: ReadableLedger) -> LedgerUnreadable | None:
    """The first event the questions cannot read (every row through the fold's own pages and handlers), or None.

    Only whether a row is refused matters here: what each page added is dropped (and the fact index aged, as a
    long fold ages it), so `verify` holds one page's state, not a projection of the whole history kept in memory.
    """
    st = State({}, {}, Registry(), lookup=quarter_lookup(ledger))
    try:
        with collector_paused():
            fold_pages(st, ledger_pages(ledger, 0, 20_000), TOPIC_HANDLERS, _forget)
    except LedgerUnreadable as exc:
        return exc
    return None


def _forget(st: State) -> None:
    st.quarters.clear()
    st.age_index(INDEX_LIMIT // 2)


def _pages_upto(ledger: ReadableLedger, upto_id: int) -> Iterator[Page]:
    for page in ledger.pages(0, 20_000):
        rows = [r for r in page if r[0] <= upto_id]
        if rows:
            yield rows[-1][0], [(r[1], r[3], r[4]) for r in rows]
        if len(rows) < len(page):
            return


def _section_differences(quarter: str, stored: dict[str, Any], replayed: dict[str, Any]) -> list[str]:
    out = []
    for name in sorted(set(stored) | set(replayed)):
        a, b = stored.get(name), replayed.get(name)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict) and name != "quarter":
            missing = sorted(set(b) - set(a))
            extra = sorted(set(a) - set(b))
            changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
            for what, keys in (("缺少", missing), ("多出", extra), ("内容不同", changed)):
                if keys:
                    out.append(f"{quarter} 的 {name}：{what} {'、'.join(keys[:5])}"
                               + (f" 等 {len(keys)} 项" if len(keys) > 5 else ""))
        else:
            out.append(f"{quarter} 的 {name} 不同")
    return out


def compare(ledger: ReadableLedger, seal: bytes | None) -> dict[str, Any]:
    """The stored projection against a replay of the events up to its position: its seal, and what differs."""
    raw: Any = storage_for(ledger)
    blobs = dict(raw.items(""))
    doc: dict[str, Any] = {"stored": bool(blobs), "seal_checked": seal is not None, "seal": None,
                           "position": None, "differences": [], "outdated": False}
    if not blobs:
        return doc
    diffs: list[str] = doc["differences"]
    if seal is not None:
        try:
            manifest = Manifest(seal).opened(blobs.get(SEAL))
            if SEAL not in blobs:
                raise ProjectionTampered("存储的投影没有校验封印")
            for key, expected in sorted(manifest.hashes.items()):
                if key not in blobs:
                    diffs.append(f"封印记录的 {key} 被删除")
                elif not vouches(expected, blobs[key]):
                    diffs.append(f"{key} 与封印记录的不同（被改动）")
            diffs.extend(f"{key} 不在封印记录中（在 kaoping 之外放入）"
                         for key in sorted(set(blobs) - set(manifest.hashes) - {SEAL}))
            meta = orjson.loads(blobs[META]) if META in blobs else {}
            if meta.get("fold") == FOLD_VERSION and "last" in meta:  # (else a catch-up would drop it: not here)
                QuarterProjection(ledger, seal).load()  # the position against tracking and the event it names
            doc["seal"] = "ok" if not diffs else "blobs"
        except ProjectionTampered as exc:
            doc["seal"] = str(exc)
            diffs.append(str(exc))
    meta = orjson.loads(blobs[META]) if META in blobs else {"position": 0, "notification_id": 0}
    doc["position"] = meta.get("position")
    doc["outdated"] = META in blobs and (meta.get("fold") != FOLD_VERSION or "last" not in meta)
    if doc["outdated"]:  # an earlier kaoping's layout: the next question drops it and folds the events again
        return doc
    st = State({}, {}, Registry(), lookup=quarter_lookup(ledger))
    fold_pages(st, _pages_upto(ledger, int(meta.get("notification_id") or 0)), TOPIC_HANDLERS)
    if st.position != meta.get("position"):
        diffs.append(f"投影记录的位置 {meta.get('position')} 与它所跟踪的事件数 {st.position} 不符")
    try:
        stored = stored_registry(blobs[REGISTRY], sorted((k, v) for k, v in blobs.items()
                                                          if k.startswith(f"{REGISTRY}:"))).to_json()
    except (KeyError, ProjectionTampered):
        stored = None
    if stored != st.registry.to_json():
        diffs.append("登记信息（窗口、人员、分配）与重放的不同")
    quarters = sorted({k[len(QUARTER_PREFIX):].split(":")[0] for k in blobs if k.startswith(QUARTER_PREFIX)}
                      | set(st.quarters))
    for quarter in quarters:
        prefix = f"{QUARTER_PREFIX}{quarter}:"
        merged, _ = merge_chunks(sorted((k, v) for k, v in blobs.items() if k.startswith(prefix)))
        stored = (merged or QuarterState(quarter)).to_json()
        replayed = st.quarters.get(quarter, QuarterState(quarter)).to_json()
        diffs.extend(_section_differences(quarter, stored, replayed))
    return doc
