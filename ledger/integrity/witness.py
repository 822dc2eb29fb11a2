"""Witnesses (D33): a witness's state, cosigning only a checkpoint consistent with the last one it cosigned, and the
cosignatures the ledger keeps (CosignatureRecorded events, checked again whenever they are used).

The state file (JSON, `kaoping-witness-state/1`) holds the witness's public key, the log's public key and the last
checkpoint the witness cosigned, verbatim; it is replaced whole (ledger/storage/files.py), and only after the
cosignature was made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import orjson

from ledger import events as ev
from ledger.errors import Conflict, InvalidInput, KaopingError, NotAllowed
from ledger.ids import INTEGRITY_STREAM, NAMESPACE
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint
from ledger.integrity.consistency import ConsistencyProof
from ledger.integrity.cosignature import WitnessSigner, WitnessVerifier, add_lines, split_note
from ledger.integrity.keys import recorded_key
from ledger.integrity.merkle import ProofError, verify_consistency
from ledger.integrity.note import NoteError, VerifierKey
from ledger.storage import files
from ledger.storage.rows import decode_raw
from ledger.topics import COSIGNATURE_TOPIC

STATE_FORMAT = "kaoping-witness-state/1"


class WitnessRefusal(NotAllowed):
    """The witness will not cosign this checkpoint."""


@dataclass(frozen=True)
class WitnessState:
    """What a witness remembers: who it is, whose log it watches, and the last checkpoint it cosigned."""

    witness: str
    log_key: str
    checkpoint: str
    time: int

    def to_json(self) -> bytes:
        """The state file's bytes."""
        return orjson.dumps({"format": STATE_FORMAT, "witness": self.witness, "log_key": self.log_key,
                             "checkpoint": self.checkpoint, "time": self.time}, option=orjson.OPT_INDENT_2) + b"\n"


def read_state(path: Path) -> WitnessState | None:
    """The witness's state, None when the file does not exist yet (the first cosignature); refused when unreadable."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InvalidInput(f"无法读取见证方状态文件 {path}：{exc}") from None
    fields = ("witness", "log_key", "checkpoint")
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT \
            or not all(isinstance(data.get(f), str) for f in fields) or not isinstance(data.get("time"), int):
        raise InvalidInput(f"{path} 不是 kaoping 见证方状态文件（{STATE_FORMAT}）")
    return WitnessState(data["witness"], data["log_key"], data["checkpoint"], data["time"])


def write_state(path: Path, state: WitnessState) -> None:
    """Replace the state file whole (a crash leaves the old state or the new, never half of one)."""
    try:
        files.replace_whole(path, state.to_json(), files.PRIVATE_FILE)
    except OSError as exc:
        raise InvalidInput(f"无法写入见证方状态文件 {path}：{exc.strerror or exc}") from None


@dataclass(frozen=True)
class Cosigned:
    """A cosignature made: the checkpoint, the line, the checkpoint with the line added, and the witness's new state."""

    checkpoint: Checkpoint
    line: str
    note: str
    state: WitnessState
    previous: int | None
    basis: str
    """How consistency was established: first (no earlier checkpoint), same (the same tree), proof (--proof),
    ledger (a proof computed from the ledger)."""


LedgerProof = Callable[[str, str], Sequence[bytes]]
"""(old note, new note) → RFC 9162 consistency proof hashes, computed from a ledger (which is not trusted: the
witness checks the proof itself)."""


def cosign(note: str, signer: WitnessSigner, state: WitnessState | None, log_key: VerifierKey | None,
           proof: ConsistencyProof | None, ledger_proof: LedgerProof | None, now: int) -> Cosigned:
    """Cosign `note` if it is the log's checkpoint and extends (or equals) the last one this witness cosigned."""
    me = signer.verifier.text()
    if state is not None:
        if state.witness != me:
            raise WitnessRefusal(f"状态文件属于另一个见证方（{state.witness.split('+')[0]}），不是 {signer.name}")
        known = VerifierKey.parse(state.log_key)
        if log_key is not None and log_key != known:
            raise WitnessRefusal(f"指定的账本公钥（编号 {log_key.key_id_hex}）与见证方一直核验的账本公钥"
                                 f"（编号 {known.key_id_hex}）不同：拒绝副署")
        log_key = known
    if log_key is None:
        raise InvalidInput("第一次副署需要账本的公钥：请用 --public-key 指定通报上公布的完整公钥（或用 --db 指定账本）")
    try:
        cp = open_checkpoint(note, log_key)
        body, _ = split_note(note)
    except NoteError as exc:
        raise WitnessRefusal(f"不是该账本（公钥编号 {log_key.key_id_hex}）签发的有效检查点：{exc}") from None
    previous, basis = None, "first"
    if state is not None:
        old = open_checkpoint(state.checkpoint, log_key)
        previous = old.size
        if cp.size < old.size:
            raise WitnessRefusal(f"检查点（大小 {cp.size}）比本见证方上次副署的（大小 {old.size}）还旧："
                                 "账本被回退，拒绝副署")
        if cp.size == old.size:
            if cp.root != old.root:
                raise WitnessRefusal(f"检查点与本见证方上次副署的大小相同（{cp.size}）而根哈希不同："
                                     "账本出现分叉，拒绝副署")
            basis = "same"
        else:
            basis = _consistent(old, cp, state.checkpoint, note, proof, ledger_proof)
    line = signer.cosign(body, now)
    return Cosigned(cp, line, add_lines(note, [line]), WitnessState(me, log_key.text(), note, now), previous, basis)


def _consistent(old: Checkpoint, new: Checkpoint, old_note: str, new_note: str, proof: ConsistencyProof | None,
                ledger_proof: LedgerProof | None) -> str:
    """Check that `new` extends `old`, by the proof given or one computed from the ledger; the basis used."""
    if proof is not None:
        if proof.origin != new.origin or (proof.old, proof.new) != (old.size, new.size):
            raise WitnessRefusal(f"一致性证明（{proof.origin}，大小 {proof.old} → {proof.new}）不是从本见证方上次副署的"
                                 f"检查点（大小 {old.size}）到此检查点（大小 {new.size}）的")
        hashes, basis = proof.hashes, "proof"
    elif ledger_proof is not None:
        try:
            hashes, basis = tuple(ledger_proof(old_note, new_note)), "ledger"
        except KaopingError as exc:
            raise WitnessRefusal(f"拒绝副署：账本不能证明此检查点延续本见证方上次副署的检查点（大小 {old.size}）："
                                 f"{exc}") from None
    else:
        raise InvalidInput(f"需要从大小 {old.size} 到 {new.size} 的一致性证明：请用 --proof 给出 kaoping prove "
                           "的证明文件，或用 --db 指定账本")
    try:
        verify_consistency(old.size, new.size, hashes, old.root, new.root)
    except ProofError as exc:
        raise WitnessRefusal(f"此检查点与本见证方上次副署的检查点（大小 {old.size}）不一致，拒绝副署：{exc}") from None
    return basis


# --- the cosignatures the ledger keeps ---------------------------------------------------------------------


def cosignature_stream(witness: WitnessVerifier, size: int) -> UUID:
    """One stream per witness and checkpoint size: a witness's cosignature of a checkpoint is recorded once."""
    return uuid5(NAMESPACE, f"cosignature:{witness.text()}:{size}")


def record_cosignature(ledger: Any, cosigned_note: str, witness: WitnessVerifier) -> ev.CosignatureRecorded:
    """Record the witness's cosignature found in `cosigned_note`, a checkpoint this ledger recorded."""
    key = recorded_key(ledger)
    if key is None:
        raise NotAllowed("账本还没有签名公钥，也就没有检查点可以副署")
    try:
        cp = open_checkpoint(cosigned_note, key)
        body, lines = split_note(cosigned_note)
    except NoteError as exc:
        raise InvalidInput(f"副署文件不是本账本签发的检查点（公钥编号 {key.key_id_hex}）：{exc}") from None
    roots = {(e.size, e.root) for e in ledger.stream(INTEGRITY_STREAM) if isinstance(e, ev.CheckpointRecorded)}
    if (cp.size, cp.root_b64) not in roots:
        raise NotAllowed(f"账本中没有大小 {cp.size}、根哈希 {cp.root_b64} 的检查点：副署的不是本账本的检查点")
    line = _line_of(witness, body, lines)
    if line is None:
        raise InvalidInput(f"副署文件中没有见证方 {witness.name}（编号 {witness.key_id_hex}）的副署")
    event = ev.CosignatureRecorded(  # type: ignore[call-arg]
        originator_id=cosignature_stream(witness, cp.size), originator_version=1, timestamp=datetime.now(UTC),
        actor=ledger.actor, witness=witness.name, key_id=witness.key_id_hex, witness_key=witness.text(),
        size=cp.size, root=cp.root_b64, line=line)
    try:
        ledger.append(event)
    except Conflict:
        raise Conflict(f"见证方 {witness.name} 对大小 {cp.size} 的检查点的副署已经登记过") from None
    return event


def _line_of(witness: WitnessVerifier, body: str, lines: Iterable[str]) -> str | None:
    """The first of `lines` that is this witness's valid cosignature of `body` (NoteError for its invalid one)."""
    for line in lines:
        if witness.check(body, line) is not None:
            return line
    return None


@dataclass(frozen=True)
class KnownCosignature:
    """A cosignature the ledger holds that verifies on the checkpoint it is for."""

    witness: WitnessVerifier
    line: str
    timestamp: int


def cosignatures_of(ledger: Any, checkpoint: Checkpoint) -> list[KnownCosignature]:
    """Every recorded cosignature of this checkpoint that verifies, checked again now, one per witness key."""
    body = checkpoint.body()
    found: dict[str, KnownCosignature] = {}
    for page in ledger.pages(topics={COSIGNATURE_TOPIC}):
        for _, _, _, _, state in page:
            try:
                e = decode_raw(state)
                if e.get("size") != checkpoint.size or e.get("root") != checkpoint.root_b64:
                    continue
                witness = WitnessVerifier.parse(e["witness_key"])
                stamp = witness.check(body, e["line"])
            except (KaopingError, KeyError, TypeError, AttributeError, ValueError):
                continue  # a stored key or line that no longer reads (or names a witness hostilely) counts for nothing
            if stamp is not None and witness.text() not in found:
                found[witness.text()] = KnownCosignature(witness, e["line"], stamp)
    return sorted(found.values(), key=lambda c: (c.witness.name, c.witness.key_id))


def recorded_witnesses(ledger: Any) -> list[WitnessVerifier]:
    """The witness keys of every cosignature the ledger recorded (any checkpoint), each once: keys this center
    already took a witness's cosignature with, so a cosigned checkpoint added to a bundle later can be checked."""
    found: dict[str, WitnessVerifier] = {}
    for page in ledger.pages(topics={COSIGNATURE_TOPIC}):
        for _, _, _, _, state in page:
            try:
                w = WitnessVerifier.parse(decode_raw(state)["witness_key"])
            except (KaopingError, KeyError, TypeError, AttributeError, ValueError):
                continue
            found.setdefault(w.text(), w)
    return sorted(found.values(), key=lambda w: (w.name, w.key_id))


@dataclass(frozen=True)
class WitnessCheck:
    """Whether a named witness cosigned the latest checkpoint."""

    witness: WitnessVerifier
    ok: bool
    message: str
    timestamp: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The check as `verify --json` reports it."""
        return {"witness": self.witness.name, "key_id": self.witness.key_id_hex, "ok": self.ok,
                "time": self.timestamp, "message": self.message}


def check_witnesses(ledger: Any, origin: str | None, latest: tuple[int, bytes] | None,
                    witnesses: Sequence[WitnessVerifier], external_note: str | None = None) -> list[WitnessCheck]:
    """Each named witness's valid cosignature on the latest checkpoint (size, root), from the ledger or the
    `--checkpoint` file when that file is the same checkpoint."""
    if latest is None or origin is None:
        return [WitnessCheck(w, False, "账本内还没有检查点，无从副署") for w in witnesses]
    cp = Checkpoint(origin, latest[0], latest[1])
    known = {c.witness.text(): c for c in cosignatures_of(ledger, cp)}
    extra: list[str] = []
    if external_note is not None:
        try:
            body, extra = split_note(external_note)
        except NoteError:
            body = ""
        if body != cp.body():
            extra = []
    results = []
    for w in witnesses:
        stamp = known[w.text()].timestamp if w.text() in known else None
        problem = ""
        for line in extra if stamp is None else ():
            try:
                stamp = w.check(cp.body(), line)
            except NoteError as exc:
                problem = str(exc)
            if stamp is not None:
                break
        if stamp is not None:
            when = datetime.fromtimestamp(stamp, UTC).isoformat()
            results.append(WitnessCheck(w, True, f"见证方 {w.name}（编号 {w.key_id_hex}）已副署最近的检查点（{when}）",
                                        stamp))
        else:
            results.append(WitnessCheck(w, False, problem or f"缺少见证方 {w.name}（编号 {w.key_id_hex}）对最近检查点"
                                        f"（大小 {cp.size}）的有效副署"))
    return results
