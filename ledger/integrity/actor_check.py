"""`verify` checks who acted (D32): every command's signature over the events stored before it, and that its actor
existed, was not retired, held that key and a role allowing each act at that position — the write-time check's own
rules (ledger/commands/actors.py, ledger/roles.py) applied to the stored rows.

Events before the first actor's registration are unsigned, as they were written; from there every event must be
covered by a CommandSigned. Nothing is read from the database on its own word: the signed digest is recomputed from
the scan's leaf hashes (ledger/integrity/command_signature.py), the roster is folded from the rows as they stand.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson

from ledger import topics
from ledger.commands import actors as decide
from ledger.integrity import command_signature
from ledger.integrity.leaves import Flaw, Row, Scan, originator_bytes, raw_rows
from ledger.integrity.merkle import MerkleTree
from ledger.integrity.note import NoteError, VerifierKey
from ledger.roster import Roster

FIRST_TOPICS = frozenset(topics.topic(n) for n in ("FindingRecorded", "BonusClaimed", "ComplaintReceived",
                                                     "AppealFiled"))
"""The first events of the streams whose recorder separation of duties asks about."""
ADDED = topics.topic("ActorAdded")


class Spans(Mapping[int, tuple[str, str]]):
    """Each verified position's (actor, role), held as runs of consecutive positions with one signer: three
    machine words a run (a signed command, or several in a row by one actor), not a dict entry, a tuple and two
    strings a position (~170 bytes an event at 200k, the most of a verification's memory on a ledger with
    actors). Read as the `{position: (actor, role)}` dict it replaces (tests/ledger/integrity/test_actor_check.py
    holds them equal)."""

    def __init__(self) -> None:
        self._starts, self._ends, self._who = array("q"), array("q"), array("I")
        self._signers: list[tuple[str, str]] = []
        self._index: dict[tuple[str, str], int] = {}

    def add(self, first: int, last: int, signer: tuple[str, str]) -> None:
        """Positions first..last (after every position added so far) verified as `signer`'s."""
        if self._ends and first <= self._ends[-1]:
            raise ValueError(f"positions {first}..{last} are not after {self._ends[-1]}")
        who = self._index.setdefault(signer, len(self._signers))
        if who == len(self._signers):
            self._signers.append(signer)
        if self._ends and self._ends[-1] == first - 1 and self._who[-1] == who:
            self._ends[-1] = last
            return
        self._starts.append(first)
        self._ends.append(last)
        self._who.append(who)

    def __getitem__(self, position: int) -> tuple[str, str]:
        run = bisect_right(self._starts, position) - 1
        if run < 0 or position > self._ends[run]:
            raise KeyError(position)
        return self._signers[self._who[run]]

    def __iter__(self) -> Iterator[int]:
        for first, last in zip(self._starts, self._ends, strict=True):
            yield from range(first, last + 1)

    def __len__(self) -> int:
        return sum(self._ends) - sum(self._starts) + len(self._starts)


@dataclass
class Acted:
    """Who acted, as verified: the position signing starts from, the flaws found, and each signed event's actor and
    role by position."""

    signed_from: int | None = None
    flaws: list[Flaw] = field(default_factory=list)
    by: Spans = field(default_factory=Spans)
    signatures: int = 0


@dataclass(frozen=True)
class _Pending:
    position: int
    originator: bytes
    topic: str
    state: bytes
    first: bool  # its stream's first event, of a stream separation of duties asks about (FIRST_TOPICS)


class _Firsts:
    """What separation of duties needs from each FIRST_TOPICS stream's first stored event: who recorded it, and for
    an appeal the fact it is against — not the whole state, which made a verification's memory grow by a state a
    fact (decide.recorded_by reads these two fields and no other)."""

    def __init__(self) -> None:
        self.recorders: dict[bytes, str | None] = {}
        self.against: dict[bytes, str] = {}
        self._names: dict[str, str] = {}  # one string an actor, however many streams name them

    def note(self, originator: bytes, data: dict[str, Any]) -> None:
        """A stream's first event's fields (a later first of the same stream replaces it, as a state would)."""
        actor, against = data.get("actor"), data.get("against")
        self.recorders[originator] = self._names.setdefault(actor, actor) if isinstance(actor, str) else None
        if isinstance(against, str):
            self.against[originator] = against
        else:
            self.against.pop(originator, None)

    def fields(self, originator: bytes) -> dict[str, Any] | None:
        """The first event's fields that decide.recorded_by reads; None for a stream never seen."""
        if originator not in self.recorders:
            return None
        found: dict[str, Any] = {"actor": self.recorders[originator]}
        if originator in self.against:
            found["against"] = self.against[originator]
        return found


def check(ledger: Any, scan: Scan) -> Acted:
    """Check every command's signature and its actor's right to act; nothing to do on a ledger without actors."""
    actor_rows = [r for r in scan.special if r[3] in topics.ACTOR_TOPICS]
    if not actor_rows:
        return Acted()
    return check_rows(raw_rows(ledger), scan.tree, actor_rows[0][0])


def check_rows(batches: Iterable[Sequence[Row]], leaves: MerkleTree, signed_from: int) -> Acted:
    """The check over the stored rows in ledger order (`leaves`: the scan's tree, whose leaves are signed).

    Memory: what separation of duties needs of each fact's first event (_Firsts), the rows since the last
    signature (one command's), and the verified signers as runs (Spans)."""
    acted = Acted(signed_from)
    roster = Roster()
    firsts = _Firsts()
    pending: list[_Pending] = []
    position = 0
    for batch in batches:
        for _nid, oid, version, topic, state in batch:
            position += 1
            try:
                o = originator_bytes(oid) if not (type(oid) is str and len(oid) == 32) else bytes.fromhex(oid)
            except ValueError:
                o = b""
            first = version == 1 and topic in FIRST_TOPICS
            if position < signed_from:
                if first:
                    firsts.note(o, _decoded(state))
                continue
            if topic != topics.SIGNATURE_TOPIC:
                pending.append(_Pending(position, o, topic, state, first))
                continue
            _command(acted, roster, firsts, pending, position, state, leaves)
            pending = []
    if pending:
        acted.flaws.append(Flaw(pending[0].position, "actor", f"位置 {pending[0].position} 起的 {len(pending)} 个事件"
                                                              "没有操作人签名（登记操作人之后每次写入都应签名）"))
    return acted


def _decoded(state: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(state)
    except (orjson.JSONDecodeError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _command(acted: Acted, roster: Roster, firsts: _Firsts, pending: list[_Pending], position: int,
             state: bytes, leaves: MerkleTree) -> None:
    """One CommandSigned at `position`, over the events pending before it (each stream's first noted first, as
    the rows stand before the signature, whatever it says)."""
    flaws = acted.flaws
    decoded: dict[int, dict[str, Any]] = {}
    for p in pending:
        if p.first:
            decoded[p.position] = _decoded(p.state)
            firsts.note(p.originator, decoded[p.position])
    data = _decoded(state)
    name, role, count = data.get("actor"), data.get("role"), data.get("events")
    if not (isinstance(name, str) and isinstance(role, str) and type(count) is int and count >= 1
            and isinstance(data.get("signature"), str) and isinstance(data.get("digest"), str)):
        flaws.append(Flaw(position, "actor-signature", f"位置 {position} 的操作人签名记录格式被改动"))
        return
    if count > len(pending):
        flaws.append(Flaw(position, "actor-signature", f"位置 {position} 的签名声称覆盖 {count} 个事件，"
                                                 f"但它之前只有 {len(pending)} 个未签名的事件（签名被移动或调换）"))
        return
    if count < len(pending):
        first = pending[0].position
        flaws.append(Flaw(first, "actor", f"位置 {first} 起的 {len(pending) - count} 个事件没有操作人签名"
                                          "（被插入，或签名被删除）"))
        pending = pending[len(pending) - count:]
    start = position - count  # 1-based position of the command's first event
    digest = command_signature.digest_of(leaves.leaves_between(start - 1, position - 1))
    events = [(p, decoded.get(p.position) or _decoded(p.state)) for p in pending]
    bootstrap = not roster
    actor = roster.get(name)
    key_text = actor.public_key if actor is not None else None
    if bootstrap and count == 1 and pending[0].topic == ADDED and events[0][1].get("name") == name:
        key_text = events[0][1].get("public_key")
        if events[0][1].get("role") != "admin" or role != "admin":
            flaws.append(Flaw(start, "actor", f"位置 {start}：第一个操作人必须是管理员"))
    elif bootstrap:
        flaws.append(Flaw(position, "actor", f"位置 {position} 的签名之前没有登记任何操作人（操作人登记被删除？）"))
        return
    if command_signature.b64(digest) != data["digest"] or not _verifies(key_text, name, role, count, digest,
                                                                         data["signature"]):
        flaws.append(Flaw(position, "actor-signature", f"位置 {position} 的操作人签名不能验证（位置 {start}–"
                                                       f"{position - 1} 的事件被改动、签名被调换，或不是 {name} "
                                                       "当时的密钥签的）"))
        return
    ok = True
    for p, fields in events:
        if fields.get("actor") != name:
            flaws.append(Flaw(p.position, "actor", f"位置 {p.position} 的操作人（{fields.get('actor')}）"
                                                   f"与签名人 {name} 不符"))
            ok = False
    if not bootstrap:
        assert actor is not None
        if actor.role != role:
            flaws.append(Flaw(position, "actor", f"位置 {position} 的签名记录的角色 {role} 与 {name} 当时的角色"
                                                 f"{actor.role} 不符"))
            ok = False
        why = decide.refusal(roster, name, actor.public_key, _acts(pending, events, firsts))
        if why is not None:
            flaws.append(Flaw(start, "actor", f"位置 {start}–{position - 1}：{why}"))
            ok = False
    for p, fields in events:
        roster.apply(p.topic, fields)
    if ok:
        acted.signatures += 1
        acted.by.add(start, position, (name, role))


def _verifies(key_text: Any, name: str, role: str, count: int, digest: bytes, signature: str) -> bool:
    key = _key(key_text) if isinstance(key_text, str) else None
    return key is not None and command_signature.verifies(key, name, role, count, digest, signature)


@lru_cache(maxsize=256)
def _key(key_text: str) -> VerifierKey | None:
    """An actor's public key parsed once, not once a command (None when malformed): a roster holds a few."""
    try:
        return VerifierKey.parse(key_text)
    except NoteError:
        return None


def _acts(pending: Sequence[_Pending], events: Sequence[tuple[_Pending, dict[str, Any]]],
          firsts: _Firsts) -> list[decide.Act]:
    """The command's acts as the write-time check saw them: each topic, and who recorded what it verifies."""
    def first_of_fact(fact_id: str) -> dict[str, Any] | None:
        try:
            return firsts.fields(UUID(fact_id).bytes)
        except ValueError:
            return None

    acts = [decide.Act(p.topic, decide.recorded_by(p.topic, firsts.fields(p.originator), first_of_fact))
            for p, _ in events if p.topic in decide.VERIFYING or p.topic in decide.APPEAL_DECIDING]
    return acts + [decide.Act(t) for t in dict.fromkeys(p.topic for p in pending)]
