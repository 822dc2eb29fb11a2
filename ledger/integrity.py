"""Tamper evidence: the signing key, signed checkpoints stored in the ledger, and verification.

Trust comes from outside the database: the private key file (0600, beside the SQLite file by default)
and checkpoints handed out on paper or in files. The database holds the public key and every
checkpoint as events, so `verify` can re-derive everything from the raw stored rows and name the first
position that no longer matches what was signed.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4, uuid5

import orjson
from eventsourcing.utils import get_topic

from ledger import events as ev
from ledger import ids
from ledger.checkpoint import Checkpoint, open_checkpoint
from ledger.errors import Conflict, InvalidInput, KaopingError, NotAllowed, NotFound
from ledger.leaves import Flaw, Scan, leaf_data, scan
from ledger.merkle import EMPTY_ROOT, MerkleTree, ProofError, leaf_hash, verify_consistency, verify_inclusion
from ledger.note import NoteError, SignerKey, VerifierKey, read_key_file, sign_note, write_key_file
from ledger.store import Location

INTEGRITY_STREAM = uuid5(ids.NAMESPACE, "integrity")
KEY_TOPIC = get_topic(ev.SigningKeyRecorded)
CHECKPOINT_TOPIC = get_topic(ev.CheckpointRecorded)
KNOWN_TOPICS = frozenset(get_topic(cls) for cls in ev.EVENT_TYPES)
DIGEST = 8  # bytes of each leaf hash kept in a stored checkpoint, to locate a change (one 8-byte word)
RETRIES = 5


# --- the signing key ---------------------------------------------------------------------------


def key_path(location: Location, given: str | os.PathLike[str] | None = None) -> Path:
    """Where the signing key lives: --key, else KAOPING_KEY, else beside the SQLite file (kaoping.key)."""
    text = given or os.environ.get("KAOPING_KEY", "").strip()
    if text:
        return Path(text)
    if location.sqlite_path is not None:
        return location.sqlite_path.with_suffix(".key")
    return Path("kaoping.key")


@dataclass(frozen=True)
class StagedKey:
    """A signing key chosen before `init` saves anything; a new one is written only on `commit`."""

    path: Path
    signer: SignerKey
    new: bool

    def commit(self) -> None:
        """Write a new key file (0600); an existing one is left as it is."""
        if self.new:
            write_key_file(self.path, self.signer)


def stage_key(path: Path) -> StagedKey:
    """Reuse the key file at `path` if there is one, else prepare a fresh key with a fresh origin."""
    if path.exists():
        return StagedKey(path, read_key_file(path), False)
    if path.parent != Path("") and not path.parent.is_dir():
        raise InvalidInput(f"签名密钥文件所在目录不存在：{path.parent}")
    return StagedKey(path, SignerKey.generate(f"kaoping.local/{uuid4().hex[:16]}"), True)


def key_event(actor: str, signer: SignerKey) -> ev.SigningKeyRecorded:
    """The event that records the public key (version 1 of the integrity stream)."""
    v = signer.verifier
    return ev.SigningKeyRecorded(  # type: ignore[call-arg]
        originator_id=INTEGRITY_STREAM,
        originator_version=1,
        timestamp=datetime.now(timezone.utc),
        actor=actor,
        origin=v.name,
        key_id=v.key_id_hex,
        verifier_key=v.text(),
    )


def recorded_key(ledger: Any) -> VerifierKey | None:
    """The public key recorded in the ledger, if any."""
    events = ledger.stream(INTEGRITY_STREAM)
    if events and isinstance(events[0], ev.SigningKeyRecorded):
        return VerifierKey.parse(events[0].verifier_key)
    return None


def ensure_signer(ledger: Any, path: Path) -> SignerKey:
    """The signing key, checked against the ledger's recorded public key; created for older ledgers."""
    key = recorded_key(ledger)
    if key is not None:
        signer = read_key_file(path)
        if signer.verifier != key:
            raise NotAllowed(
                f"密钥文件 {path}（编号 {signer.verifier.key_id_hex}）与账本记录的签名公钥（编号 {key.key_id_hex}）不符"
            )
        return signer
    if ledger.stream(INTEGRITY_STREAM):
        raise NotAllowed("账本的完整性事件流异常（缺少签名公钥记录），请运行 kaoping verify")
    ledger.center()
    staged = stage_key(path)
    ledger._save(key_event(ledger.actor, staged.signer))
    staged.commit()
    return staged.signer


def trusted_key(location: Location, key_file: str | None = None, public_key: str | None = None) -> tuple[VerifierKey | None, str]:
    """The public key to trust, and where it came from: --public-key, else the key file, else none."""
    if public_key:
        if "+" not in public_key and not Path(public_key).exists():
            raise InvalidInput(f"公钥文件不存在：{public_key}")
        try:
            text = Path(public_key).read_text(encoding="utf-8") if Path(public_key).exists() else public_key
            return VerifierKey.parse(text), "public-key"
        except NoteError as exc:
            raise InvalidInput(f"公钥无效：{exc}") from None
        except OSError as exc:
            raise InvalidInput(f"无法读取公钥文件 {public_key}：{exc}") from None
    path = key_path(location, key_file)
    if path.exists():
        return read_key_file(path, private=False).verifier, "key-file"
    if key_file:
        raise InvalidInput(f"签名密钥文件不存在：{path}")
    return None, "ledger"


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint found in the ledger: where it is stored, what it covers, what it says."""

    position: int
    size: int
    root: bytes
    note: str
    timestamp: str


@dataclass
class Report:
    """The outcome of a verification: the tree as it stands and the first broken position, if any."""

    scan: Scan
    key: VerifierKey | None
    key_source: str
    checkpoints: list[StoredCheckpoint] = field(default_factory=list)
    flaws: list[Flaw] = field(default_factory=list)
    external: dict[str, Any] | None = None
    integrity_version: int = 0

    @property
    def tree(self) -> MerkleTree:
        """The Merkle tree over every stored event."""
        return self.scan.tree

    @property
    def size(self) -> int:
        """Number of stored events."""
        return self.scan.size

    @property
    def broken(self) -> Flaw | None:
        """The first broken position, or None when intact.

        A flaw pinned to a position wins over a range that starts earlier; the range's start is
        then reported as `earliest`.
        """
        if not self.flaws:
            return None
        exact = [f for f in self.flaws if f.exact]
        pick = min(exact or self.flaws, key=lambda f: f.position)
        starts = [f.position if f.earliest is None else f.earliest for f in self.flaws if not f.exact]
        earliest = min(starts + [pick.position if pick.earliest is None else pick.earliest])
        return replace(pick, earliest=earliest if earliest < pick.position else pick.earliest)

    @property
    def ok(self) -> bool:
        """True when nothing is broken."""
        return not self.flaws

    @property
    def newer_than_checkpoint(self) -> int:
        """Events after the last stored checkpoint: not yet covered by any signature."""
        return self.size - (self.checkpoints[-1].size if self.checkpoints else 0)

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON document."""
        b = self.broken
        return {
            "ok": self.ok,
            "size": self.size,
            "root": base64.b64encode(self.tree.root()).decode(),
            "key_id": self.key.key_id_hex if self.key else None,
            "origin": self.key.name if self.key else None,
            "key_source": self.key_source,
            "checkpoints": [
                {"position": c.position, "size": c.size, "root": base64.b64encode(c.root).decode(), "time": c.timestamp}
                for c in self.checkpoints
            ],
            "newer_than_checkpoint": self.newer_than_checkpoint,
            "external": self.external,
            "broken": {"position": b.position, "kind": b.kind, "message": b.message,
                       "earliest": b.position if b.earliest is None else b.earliest} if b else None,
            "problems": [{"position": f.position, "kind": f.kind, "message": f.message}
                         for f in sorted(self.flaws, key=lambda f: f.position)],
        }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def leaf_digests(tree: MerkleTree, lo: int, hi: int) -> bytes:
    """The first DIGEST bytes of leaves lo..hi-1, concatenated (what a stored checkpoint keeps)."""
    words = memoryview(tree.leaves_view()).cast("Q")  # 8-byte words, four to a leaf hash
    return words[lo * 4 : hi * 4 : 4].tobytes()


def _locate(
    tree: MerkleTree, digests: bytes, good: int, upto: int, context: str, holes: Sequence[tuple[int, int]] = ()
) -> Flaw:
    """The first position in (good, upto] whose leaf differs from the digest kept at signing time."""
    known = min(upto, len(digests) // DIGEST, len(tree))
    now = leaf_digests(tree, good, known)
    for i in range(good, known):
        if any(lo <= i < hi for lo, hi in holes):
            continue
        if now[(i - good) * DIGEST : (i - good + 1) * DIGEST] != digests[i * DIGEST : (i + 1) * DIGEST]:
            unknown = [lo for lo, hi in holes if good <= lo < i]
            return Flaw(i + 1, "content", f"位置 {i + 1} 的事件与签名时不同（被改动、删除、插入或调换）：{context}",
                        earliest=min(unknown) + 1 if unknown else None)
    if known < upto and known < len(tree):
        return Flaw(known + 1, "content", f"位置 {known + 1}–{upto} 之间有事件被改动、删除或插入（无法精确定位）：{context}",
                    earliest=known + 1, exact=False)
    start = min([lo for lo, _ in holes if good <= lo < upto] + [upto - 1]) if holes else good
    return Flaw(start + 1, "content", f"位置 {start + 1}–{upto} 之间有事件被改动（无法精确定位）：{context}",
                earliest=start + 1, exact=False)


def check(
    ledger: Any,
    *,
    trusted: VerifierKey | None = None,
    key_source: str = "ledger",
    external_note: str | None = None,
    track: UUID | None = None,
) -> Report:
    """Verify the whole ledger from its raw rows; with `external_note`, that it still extends it."""
    s = scan(ledger, KNOWN_TOPICS, INTEGRITY_STREAM.bytes, frozenset({KEY_TOPIC, CHECKPOINT_TOPIC}),
             track.bytes if track else None)
    report = Report(s, trusted, key_source, flaws=list(s.flaws))
    report.integrity_version = max((r[2] for r in s.special if r[1] == INTEGRITY_STREAM.bytes), default=0)
    tree, flaws = s.tree, report.flaws
    digests = bytearray()
    holes: list[tuple[int, int]] = []  # leaf ranges whose digests were lost with a deleted checkpoint
    good = 0  # leaves 1..good match a signed root
    prev_size, prev_root = 0, EMPTY_ROOT
    key: VerifierKey | None = None
    for pos, o, version, topic, state in s.special:
        if o != INTEGRITY_STREAM.bytes:
            flaws.append(Flaw(pos, "integrity", "签名公钥或检查点事件出现在完整性事件流之外"))
            continue
        expected = KEY_TOPIC if version == 1 else CHECKPOINT_TOPIC
        if topic != expected:
            flaws.append(Flaw(pos, "integrity", f"完整性事件流第 {version} 个事件的类型被改动：{topic}"))
            continue
        try:
            data = orjson.loads(state)
        except (orjson.JSONDecodeError, TypeError):
            flaws.append(Flaw(pos, "integrity", "签名公钥或检查点事件无法解析"))
            continue
        if version == 1:
            try:
                key = VerifierKey.parse(data["verifier_key"])
                if data["origin"] != key.name or data["key_id"] != key.key_id_hex:
                    raise NoteError("origin or key id differs")
            except (NoteError, KeyError, TypeError, AttributeError):
                flaws.append(Flaw(pos, "key", "账本记录的签名公钥被改动（无法解析）"))
                key = None
                continue
            if trusted is not None and key != trusted:
                flaws.append(Flaw(pos, "key", f"账本记录的签名公钥（编号 {key.key_id_hex}）与受信任的公钥（编号 {trusted.key_id_hex}）不符"))
            elif report.key is None:
                report.key = key
            continue
        signing = trusted or key
        if signing is None:
            flaws.append(Flaw(pos, "checkpoint", "检查点之前没有可用的签名公钥"))
            continue
        try:
            note = data["note"]
            cp = open_checkpoint(note, signing)
            size, root_text, digest_text = data["size"], data["root"], data["leaf_digests"]
            kept = base64.b64decode(digest_text, validate=True)
        except NoteError as exc:
            flaws.append(Flaw(pos, "signature", f"位置 {pos} 的检查点签名不能验证：{exc}"))
            continue
        except (KeyError, TypeError, ValueError):
            flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点记录格式被改动"))
            continue
        if cp.size != size or cp.root_b64 != root_text:
            flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点记录与其签名正文不一致"))
            continue
        if not prev_size < size < pos:
            # Events before it were deleted, or it was moved: flag it, and still compare the content.
            flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点大小 {size} 不合理（上一个检查点大小 {prev_size}）"))
            if not prev_size < size <= tree.size:
                continue
        if len(kept) % DIGEST or len(kept) > DIGEST * size:
            flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点记录的叶子摘要数量不对"))
            continue
        covers = size - len(kept) // DIGEST  # the previous checkpoint's size when this one was signed
        if covers != prev_size:
            flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点之前缺少检查点（它接在大小 {covers} 之后，"
                                                 f"账本中上一个检查点大小为 {prev_size}）"))
            if covers > prev_size:  # digests of (prev_size, covers] were in the missing checkpoint
                holes.append((prev_size, covers))
                digests += bytes(DIGEST * (covers - prev_size))
            else:
                kept = kept[DIGEST * (prev_size - covers):]
                covers = prev_size
        digests += kept
        timestamp = str(data.get("timestamp", {}).get("_data_", "")) if isinstance(data.get("timestamp"), dict) else ""
        report.checkpoints.append(StoredCheckpoint(pos, size, cp.root, note, timestamp))
        if tree.root(size) != cp.root:
            flaws.append(_locate(tree, bytes(digests), good, size, f"与位置 {pos} 的检查点（大小 {size}）不符", holes))
        else:
            if prev_size and good == prev_size:
                try:
                    verify_consistency(prev_size, size, tree.consistency_proof(prev_size, size), prev_root, cp.root)
                except ProofError as exc:  # pragma: no cover - both roots were recomputed from the same leaves
                    flaws.append(Flaw(pos, "consistency", f"检查点之间不一致：{exc}"))
            if leaf_digests(tree, covers, size) != kept:
                flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点记录中的叶子摘要被改动"))
            good = size  # a matching signed root proves every leaf up to its size
        prev_size, prev_root = size, cp.root
    if report.key is None and trusted is not None and key is not None and key == trusted:
        report.key = trusted
    if external_note is not None:
        report.external = _check_external(report, external_note, trusted or key, bytes(digests), good)
    return report


def _check_external(report: Report, note: str, key: VerifierKey | None, digests: bytes, good: int) -> dict[str, Any]:
    """Prove the ledger still extends a checkpoint kept outside the database."""
    if key is None:
        raise NotAllowed("账本中没有签名公钥，无法核对外部检查点（可用 --public-key 指定公钥）")
    try:
        ext = open_checkpoint(note, key)
    except NoteError as exc:
        raise InvalidInput(f"外部检查点不能用公钥（编号 {key.key_id_hex}）验证：{exc}") from None
    tree = report.tree
    out: dict[str, Any] = {"size": ext.size, "root": ext.root_b64, "extends": False}
    context = f"与外部检查点（大小 {ext.size}）不符"
    if ext.size > tree.size:
        start = good if good <= ext.size else 0
        also = f"（若中间也有删除，最早可能从位置 {start + 1} 起）" if start < tree.size else ""
        report.flaws.append(Flaw(tree.size + 1, "truncated",
                                 f"外部检查点记录了 {ext.size} 个事件，账本现在只有 {tree.size} 个：位置 {tree.size + 1} 起的事件被删除{also}",
                                 earliest=start + 1))
    elif tree.root(ext.size) != ext.root:
        start = good if good <= ext.size else 0
        report.flaws.append(_locate(tree, digests, start, ext.size, context))
    else:
        proof = tree.consistency_proof(ext.size, tree.size)
        verify_consistency(ext.size, tree.size, proof, ext.root, tree.root())
        out.update(extends=True, proof=[_b64(p) for p in proof])
    return out


# --- checkpoints -------------------------------------------------------------------------------


def make_checkpoint(ledger: Any, key_file: str | os.PathLike[str] | None = None) -> str:
    """Verify the ledger, sign a checkpoint of it as it stands, record it, and return the signed note.

    Refuses to sign over a ledger that fails verification (a log must never sign a tree inconsistent
    with one it signed before).
    """
    path = key_path(ledger.location, key_file)
    signer = ensure_signer(ledger, path)
    for attempt in range(RETRIES):
        report = check(ledger, trusted=signer.verifier, key_source="key-file")
        b = report.broken
        if b is not None:
            raise NotAllowed(f"账本校验未通过，拒绝签发检查点：位置 {b.position}：{b.message}（请运行 kaoping verify）")
        tree = report.tree
        prev = report.checkpoints[-1].size if report.checkpoints else 0
        kept = leaf_digests(tree, prev, tree.size)
        note = sign_note(Checkpoint(signer.name, tree.size, tree.root()).body(), signer)
        event = ev.CheckpointRecorded(  # type: ignore[call-arg]
            originator_id=INTEGRITY_STREAM,
            originator_version=report.integrity_version + 1,
            timestamp=datetime.now(timezone.utc),
            actor=ledger.actor,
            size=tree.size,
            root=_b64(tree.root()),
            note=note,
            leaf_digests=_b64(kept),
        )
        try:
            ledger._save(event)
        except Conflict:
            if attempt == RETRIES - 1:
                raise
            continue
        return note
    raise AssertionError("unreachable")  # pragma: no cover


# --- receipts ----------------------------------------------------------------------------------

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
                "state": _b64(state),
                "leaf_hash": _b64(tree.leaf(position - 1)),
                "inclusion_proof": [_b64(p) for p in tree.inclusion_proof(position - 1, cp.size)],
                "content": orjson.loads(state),
            }
        )
    return {
        "format": RECEIPT_FORMAT,
        "fact": str(uid),
        "checkpoint": cp.note,
        "origin": key.name,
        "size": cp.size,
        "root": _b64(cp.root),
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
            if "leaf_hash" in e and e["leaf_hash"] != _b64(leaf):
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
