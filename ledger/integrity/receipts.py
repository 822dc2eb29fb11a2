"""Receipts: proof that a fact's events are in the ledger under a signed checkpoint, checked offline.

Three forms are read (README, 防篡改):
- a `.tlog-proof` file (c2sp.org/tlog-proof@v1) of the fact's recording event, kaoping's leaf data as `extra`;
- a `kaoping-receipt/2` JSON receipt: every event of the fact, each with its own tlog-proof, and a statement
  signed with the ledger's key that says how many events the fact has under the checkpoint — so a receipt
  with a retraction left out is refused, even with its count edited;
- a `kaoping-receipt/1` JSON receipt of the first release (no count: it cannot show a dropped event).

Every form is checked only against a public key the verifier already trusts, never one the receipt carries.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson

from ledger.errors import InvalidInput, KaopingError, NotAllowed, NotFound
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint
from ledger.integrity.keys import ensure_signer, key_path, recorded_key
from ledger.integrity.leaf_entry import LeafError, parse_leaf
from ledger.integrity.leaves import SpecialRow, leaf_data
from ledger.integrity.merkle import ProofError, leaf_hash, verify_inclusion
from ledger.integrity.note import NoteError, VerifierKey, open_note, sign_note
from ledger.integrity.signing import make_checkpoint
from ledger.integrity.tlog_proof import (
    ProofFormatError,
    TlogProof,
    decimal,
    is_tlog_proof,
    parse_proof,
    verify_tlog_proof,
)
from ledger.integrity.verification import Report, StoredCheckpoint, b64, check

RECEIPT_FORMAT = "kaoping-receipt/2"
LEGACY_FORMAT = "kaoping-receipt/1"
TLOG_PROOF = "tlog-proof"
EVENT_KEYS = frozenset({"position", "originator_id", "originator_version", "topic", "content", "tlog_proof"})
RECEIPT_KEYS = frozenset({"format", "fact", "origin", "size", "root", "key_id", "event_count", "statement", "events"})


class ReceiptError(KaopingError):
    """A receipt does not prove what it claims."""


@dataclass(frozen=True)
class Statement:
    """What the ledger's key signs beside a JSON receipt: how many events one fact has under one checkpoint."""

    origin: str
    fact: UUID
    size: int
    root: bytes
    events: int

    def body(self) -> str:
        """The signed note text: a header line, then one `keyword value` line each."""
        return (f"{RECEIPT_FORMAT}\norigin {self.origin}\nfact {self.fact}\nsize {self.size}\n"
                f"root {b64(self.root)}\nevents {self.events}\n")

    @classmethod
    def parse(cls, text: str) -> Statement:
        """Read a statement's text strictly (the lines `body` writes, in that order)."""
        lines = text.split("\n")
        keys = ("origin", "fact", "size", "root", "events")
        if len(lines) != 7 or lines[0] != RECEIPT_FORMAT or lines[-1] != "":
            raise ReceiptError("收据的签名声明格式不正确")
        values = []
        for key, line in zip(keys, lines[1:6], strict=True):
            if not line.startswith(key + " "):
                raise ReceiptError(f"收据的签名声明缺少 {key} 行")
            values.append(line[len(key) + 1 :])
        origin, fact_text, size_text, root_text, events_text = values
        fact = UUID(fact_text)
        root = base64.b64decode(root_text, validate=True)
        if str(fact) != fact_text or b64(root) != root_text or len(root) != 32:
            raise ReceiptError("收据的签名声明中的记录编号或根哈希格式不正确")
        return cls(origin, fact, decimal(size_text, "size"), root, decimal(events_text, "events"))


@dataclass(frozen=True)
class Covered:
    """A fact's stored events and the newest signed checkpoint, which covers them all."""

    fact: UUID
    report: Report
    rows: list[SpecialRow]
    checkpoint: StoredCheckpoint

    def proof(self, row: SpecialRow) -> TlogProof:
        """The tlog-proof of one of the fact's events under the checkpoint."""
        position, o, version, topic, state = row
        path = self.report.tree.inclusion_proof(position - 1, self.checkpoint.size)
        return TlogProof(position - 1, tuple(path), self.checkpoint.note, leaf_data(o, version, topic, state))

    def recording_proof(self) -> TlogProof:
        """The tlog-proof of the fact's recording event (its first)."""
        return self.proof(self.rows[0])


def covered(ledger: Any, fact_id: str, key_file: str | None = None) -> Covered:
    """Verify the ledger and find the fact's events under a signed checkpoint, signing a new one if none covers them."""
    uid = ledger.resolve_id(fact_id)  # a unique prefix too
    if uid is None:
        raise InvalidInput(f"编号格式不正确：{fact_id}")
    for _ in range(2):
        report = check(ledger, track=uid)
        b = report.broken
        if b is not None:
            raise NotAllowed(f"账本校验未通过，不能出具收据：位置 {b.position}：{b.message}")
        rows = report.scan.tracked
        if not rows:
            raise NotFound(f"账本中没有编号为 {fact_id} 的记录")
        if report.checkpoints and report.checkpoints[-1].size >= rows[-1][0]:
            # the newest checkpoint: sizes only grow, so it covers every event of the fact
            return Covered(uid, report, rows, report.checkpoints[-1])
        make_checkpoint(ledger, key_file)
    raise NotAllowed("无法取得覆盖该记录的检查点")  # pragma: no cover - the checkpoint just signed covers it


def receipt(ledger: Any, fact_id: str, key_file: str | None = None) -> dict[str, Any]:
    """The JSON receipt of every event of a fact, with the count signed by the ledger's key."""
    path = key_path(ledger.location, key_file)
    if recorded_key(ledger) is not None and not path.exists():  # without a recorded key, one is made
        raise NotAllowed(f"出具 .json 收据需要签名密钥文件（用它签署该记录共有几个事件），{path} 不存在；"
                         "没有密钥时可用 --out 文件.tlog-proof 出具登记事件的证明")
    c = covered(ledger, fact_id, key_file)
    signer = ensure_signer(ledger, path)
    cp = c.checkpoint
    statement = Statement(signer.name, c.fact, cp.size, cp.root, len(c.rows))
    return {
        "format": RECEIPT_FORMAT,
        "fact": str(c.fact),
        "origin": signer.name,
        "size": cp.size,
        "root": b64(cp.root),
        "key_id": signer.verifier.key_id_hex,
        "event_count": len(c.rows),
        "statement": sign_note(statement.body(), signer),
        "events": [
            {
                "position": row[0],
                "originator_id": str(c.fact),
                "originator_version": row[2],
                "topic": row[3],
                "content": orjson.loads(row[4]),
                "tlog_proof": c.proof(row).text(),
            }
            for row in c.rows
        ],
    }


@dataclass(frozen=True)
class ReceiptFile:
    """A receipt as read from its file, before anything is verified: its form and its text."""

    form: str
    text: str
    doc: Any = None


def read_receipt(text: str) -> ReceiptFile:
    """Tell which form a receipt file is in; InvalidInput when it is none of them."""
    if is_tlog_proof(text):
        return ReceiptFile(TLOG_PROOF, text)
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise InvalidInput("收据文件既不是 tlog-proof 也不是 JSON") from None
    form = doc.get("format") if isinstance(doc, dict) else None
    if form not in (RECEIPT_FORMAT, LEGACY_FORMAT):
        raise InvalidInput("这个文件不是 kaoping 收据（请用 kaoping receipt 出具的文件）")
    return ReceiptFile(str(form), text, doc)


@dataclass(frozen=True)
class ReceiptEvent:
    """One event a verified receipt proves: where it is, which version of the fact, what kind."""

    position: int
    version: int
    topic: str


@dataclass(frozen=True)
class ReceiptCheck:
    """What a verified receipt proves; `complete` when it also proves the fact has no other events."""

    form: str
    fact: UUID
    checkpoint: Checkpoint
    key: VerifierKey
    events: tuple[ReceiptEvent, ...]
    complete: bool


def verify_receipt(receipt_file: ReceiptFile, trusted: VerifierKey) -> ReceiptCheck:
    """Check a receipt offline against the trusted public key; ReceiptError naming why when it fails."""
    try:
        if receipt_file.form == TLOG_PROOF:
            return _verify_tlog_proof(receipt_file.text, trusted)
        if receipt_file.form == RECEIPT_FORMAT:
            return _verify_json(receipt_file.doc, trusted)
        return _verify_legacy(receipt_file.doc, trusted)
    except ProofError as exc:
        raise ReceiptError(f"包含证明无效：{exc}") from None
    except NoteError as exc:
        raise ReceiptError(f"签名无效：{exc}") from None
    except (ProofFormatError, LeafError) as exc:
        raise ReceiptError(str(exc)) from None
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise ReceiptError(f"收据格式不正确：{type(exc).__name__} {exc}") from None


def _verify_tlog_proof(text: str, trusted: VerifierKey) -> ReceiptCheck:
    proof = parse_proof(text)
    cp = verify_tlog_proof(proof, trusted)
    assert proof.extra is not None  # verify_tlog_proof refuses a proof without it
    entry = parse_leaf(proof.extra)
    event = ReceiptEvent(proof.index + 1, entry.version, entry.topic)
    return ReceiptCheck(TLOG_PROOF, entry.originator, cp, trusted, (event,), complete=False)


def _verify_json(doc: dict[str, Any], trusted: VerifierKey) -> ReceiptCheck:
    unknown = sorted(set(doc) - RECEIPT_KEYS)
    if unknown:
        raise ReceiptError(f"收据含有未经签名核对的字段：{'、'.join(unknown)}")
    st = Statement.parse(open_note(doc["statement"], trusted))
    if st.origin != trusted.name:
        raise ReceiptError(f"收据的签名声明来自账本 {st.origin}，不是 {trusted.name}")
    fact = UUID(doc["fact"])
    if fact != st.fact:
        raise ReceiptError(f"收据的记录编号 {fact} 与签名声明中的 {st.fact} 不符")
    for key, value in (("origin", st.origin), ("size", st.size), ("root", b64(st.root)),
                       ("key_id", trusted.key_id_hex), ("event_count", st.events)):
        if key in doc and doc[key] != value:
            raise ReceiptError(f"收据中的 {key} 与签名的内容不符")
    events = doc["events"]
    if not isinstance(events, list) or len(events) != st.events:
        count = len(events) if isinstance(events, list) else 0
        raise ReceiptError(f"收据列出 {count} 个事件，而签名声明该记录在检查点（大小 {st.size}）下共有 "
                           f"{st.events} 个事件：有事件被删去或添加")
    proven = []
    cp: Checkpoint | None = None
    for n, e in enumerate(events, start=1):
        unknown = sorted(set(e) - EVENT_KEYS)
        if unknown:
            raise ReceiptError(f"收据中第 {n} 个事件含有未经核对的字段：{'、'.join(unknown)}")
        proof = parse_proof(e["tlog_proof"])
        cp = verify_tlog_proof(proof, trusted)
        if cp.size != st.size or cp.root != st.root:
            raise ReceiptError(f"收据中第 {n} 个事件的检查点与签名声明的检查点不同")
        assert proof.extra is not None
        entry = parse_leaf(proof.extra)
        if entry.originator != fact or entry.version != n:
            raise ReceiptError(f"收据中第 {n} 个事件不是记录 {fact} 的第 {n} 个事件")
        readable = {"position": proof.index + 1, "originator_id": str(fact), "originator_version": n,
                    "topic": entry.topic}
        changed = [k for k, v in readable.items() if k in e and e[k] != v]
        if "content" in e and e["content"] != entry.content():
            changed.append("content")
        if changed:
            raise ReceiptError(f"收据中第 {n} 个事件的可读内容（{'、'.join(changed)}）与证明中的存储内容不符")
        proven.append(ReceiptEvent(proof.index + 1, n, entry.topic))
    if cp is None:
        raise ReceiptError("收据不含任何事件")
    return ReceiptCheck(RECEIPT_FORMAT, fact, cp, trusted, tuple(proven), complete=True)


def _verify_legacy(doc: dict[str, Any], trusted: VerifierKey) -> ReceiptCheck:
    """A first-release receipt: signature on its checkpoint, and every event's inclusion proof."""
    cp = open_checkpoint(doc["checkpoint"], trusted)
    if doc.get("size", cp.size) != cp.size or doc.get("root", cp.root_b64) != cp.root_b64:
        raise ReceiptError("收据中的大小或根哈希与签名的检查点不一致")
    fact = UUID(doc["fact"])
    events = doc["events"]
    if not isinstance(events, list) or not events:
        raise ReceiptError("收据不含任何事件")
    proven = []
    for n, e in enumerate(events, start=1):
        oid = UUID(e["originator_id"])
        if oid != fact:
            raise ReceiptError(f"收据中第 {n} 个事件不属于记录 {fact}")
        if e["originator_version"] != n:
            raise ReceiptError(f"收据中第 {n} 个事件的版本号应为 {n}")
        state = base64.b64decode(e["state"], validate=True)
        if "content" in e and e["content"] != orjson.loads(state):
            raise ReceiptError(f"收据中第 {n} 个事件的可读内容与存储内容不符")
        leaf = leaf_hash(leaf_data(oid.bytes, n, e["topic"], state))
        if "leaf_hash" in e and e["leaf_hash"] != b64(leaf):
            raise ReceiptError(f"收据中第 {n} 个事件的叶子哈希与内容不符")
        proof = [base64.b64decode(p, validate=True) for p in e["inclusion_proof"]]
        position = e["position"]
        if not isinstance(position, int) or isinstance(position, bool):
            raise ReceiptError(f"收据中第 {n} 个事件的位置无效")
        verify_inclusion(position - 1, cp.size, leaf, proof, cp.root)
        proven.append(ReceiptEvent(position, n, e["topic"]))
    return ReceiptCheck(LEGACY_FORMAT, fact, cp, trusted, tuple(proven), complete=False)
