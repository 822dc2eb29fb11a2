"""Receipts: a self-contained proof that one fact's events are in the ledger under a signed checkpoint."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson

from ledger import ids
from ledger.errors import InvalidInput, KaopingError, NotAllowed, NotFound
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint
from ledger.integrity.leaves import leaf_data
from ledger.integrity.merkle import ProofError, leaf_hash, verify_inclusion
from ledger.integrity.note import NoteError, VerifierKey
from ledger.integrity.signing import make_checkpoint
from ledger.integrity.verification import b64, check

RECEIPT_FORMAT = "kaoping-receipt/1"


class ReceiptError(KaopingError):
    """A receipt does not prove what it claims."""


def receipt(ledger: Any, fact_id: str, key_file: str | None = None) -> dict[str, Any]:
    """A self-contained proof that a fact's events are in the ledger under a signed checkpoint."""
    try:
        uid = ids.parse_fact_id(fact_id)
    except ValueError:
        raise InvalidInput(f"编号格式不正确：{fact_id}") from None
    for _ in range(2):
        report = check(ledger, track=uid)
        b = report.broken
        if b is not None:
            raise NotAllowed(f"账本校验未通过，不能出具收据：位置 {b.position}：{b.message}")
        rows = report.scan.tracked
        if not rows:
            raise NotFound(f"账本中没有编号为 {fact_id} 的记录")
        last = max(r[0] for r in rows)
        covering = [c for c in report.checkpoints if c.size >= last]
        if covering:
            break
        make_checkpoint(ledger, key_file)
    else:  # pragma: no cover
        raise NotAllowed("无法取得覆盖该记录的检查点")
    cp = report.checkpoints[-1]  # the latest; sizes only grow, so it covers the fact too
    key = report.key
    assert key is not None
    tree = report.tree
    events = []
    for position, o, version, topic, state in rows:
        events.append(
            {
                "position": position,
                "originator_id": str(UUID(bytes=o)),
                "originator_version": version,
                "topic": topic,
                "state": b64(state),
                "leaf_hash": b64(tree.leaf(position - 1)),
                "inclusion_proof": [b64(p) for p in tree.inclusion_proof(position - 1, cp.size)],
                "content": orjson.loads(state),
            }
        )
    return {
        "format": RECEIPT_FORMAT,
        "fact": str(uid),
        "checkpoint": cp.note,
        "origin": key.name,
        "size": cp.size,
        "root": b64(cp.root),
        "public_key": key.text(),
        "key_id": key.key_id_hex,
        "events": events,
    }


@dataclass(frozen=True)
class ReceiptCheck:
    """What a verified receipt proves."""

    fact: UUID
    checkpoint: Checkpoint
    key: VerifierKey
    events: list[dict[str, Any]]


def verify_receipt(doc: Any, trusted: VerifierKey | None = None, key_id: str | None = None) -> ReceiptCheck:
    """Check a receipt offline: signature on its checkpoint, and every event's inclusion proof."""
    if not isinstance(doc, dict) or doc.get("format") != RECEIPT_FORMAT:
        raise InvalidInput("这个文件不是 kaoping 收据（请用 kaoping receipt 出具的文件）")
    try:
        embedded = VerifierKey.parse(doc["public_key"])
        key = trusted or embedded
        if key_id is not None and key.key_id_hex != key_id.strip().lower():
            raise ReceiptError(f"收据的签名密钥编号 {key.key_id_hex} 与指定的编号 {key_id} 不符")
        cp = open_checkpoint(doc["checkpoint"], key)
        if doc.get("size", cp.size) != cp.size or doc.get("root", cp.root_b64) != cp.root_b64:
            raise ReceiptError("收据中的大小或根哈希与签名的检查点不一致")
        fact = UUID(doc["fact"])
        events = doc["events"]
        if not isinstance(events, list) or not events:
            raise ReceiptError("收据不含任何事件")
        for n, e in enumerate(events, start=1):
            oid = UUID(e["originator_id"])
            if oid != fact:
                raise ReceiptError(f"收据中第 {n} 个事件不属于记录 {fact}")
            if e["originator_version"] != n:
                raise ReceiptError(f"收据中第 {n} 个事件的版本号应为 {n}")
            state = base64.b64decode(e["state"], validate=True)
            if "content" in e and e["content"] != orjson.loads(state):
                raise ReceiptError(f"收据中第 {n} 个事件的可读内容与存储内容不符")
            leaf = leaf_hash(leaf_data(oid.bytes, e["originator_version"], e["topic"], state))
            if "leaf_hash" in e and e["leaf_hash"] != b64(leaf):
                raise ReceiptError(f"收据中第 {n} 个事件的叶子哈希与内容不符")
            proof = [base64.b64decode(p, validate=True) for p in e["inclusion_proof"]]
            position = e["position"]
            if not isinstance(position, int) or isinstance(position, bool):
                raise ReceiptError(f"收据中第 {n} 个事件的位置无效")
            verify_inclusion(position - 1, cp.size, leaf, proof, cp.root)
    except ProofError as exc:
        raise ReceiptError(f"包含证明无效：{exc}") from None
    except NoteError as exc:
        raise ReceiptError(f"检查点签名无效：{exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError, orjson.JSONDecodeError) as exc:
        raise ReceiptError(f"收据格式不正确：{type(exc).__name__} {exc}") from None
    return ReceiptCheck(fact, cp, key, events)
