"""Actors for bench/generate.py (`--actors`, D32): a generated ledger whose commands are signed as the real ones are.

At init, after the center's key (as on a live ledger: `kaoping init`, then `kaoping actor add`), the CAST is
registered — the first admin signing its own ActorAdded, the admin the others' — and from there every generated
event is one command: its stored row and a CommandSigned over its leaf hash (ledger/integrity/command_signature.py,
the very message `ledger/acting.py` signs), by an actor whose role may store it (ledger/roles.py) and, for a
verification or rejection, never the one who recorded the claim or complaint (separation of duties). One command an
event is the heaviest signature load a ledger can carry (a sheet import signs once for all its rows): a million
rows are half facts, half signatures. Each actor's private key is written beside the ledger's key (`key_path`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import StoredEvent

from ledger import events as ev
from ledger import ids, roles
from ledger.acting import key_name
from ledger.commands import actors as decide
from ledger.integrity import command_signature
from ledger.integrity.note import SignerKey, read_key_file, write_key_file

CAST: tuple[tuple[str, str], ...] = (
    ("督查科 姚建华", "admin"),  # who ran `init`: the first admin
    ("值周组 钱志强", "clerk"), ("中心值班室 陆晓峰", "clerk"), ("督查科 沈红梅", "clerk"),
    ("党组 周卫东", "party"),
)
"""(name, role) of every generated actor, the first admin first."""

ADMIN = CAST[0][0]
CLERKS = tuple(n for n, r in CAST if r == "clerk")


def key_path(ledger_key: Path, name: str) -> Path:
    """Where the private key of the CAST member `name` is written: beside the ledger's key."""
    index = [n for n, _ in CAST].index(name)
    return ledger_key.with_name(f"{ledger_key.stem}.actor{index}.key")


@dataclass
class _Signer:
    """One actor's key, held open: signing 500,000 commands through SignerKey would derive the key three times
    each (the signature is the same bytes: Ed25519 is deterministic)."""

    name: str
    role: str
    key: SignerKey
    private: Ed25519PrivateKey = field(init=False)
    key_id: str = field(init=False)

    def __post_init__(self) -> None:
        self.private = Ed25519PrivateKey.from_private_bytes(self.key.seed)
        self.key_id = self.key.verifier.key_id_hex

    def sign(self, count: int, digest: bytes) -> str:
        """command_signature.sign's base64 signature, from the held key."""
        message = command_signature.message(self.name, self.role, self.key_id, count, digest)
        return command_signature.b64(self.private.sign(message))


class Cast:
    """The generated actors: who acts for each event, and each command's rows with its signature."""

    def __init__(self, ledger_key: Path, seed: int) -> None:
        self.signers: dict[str, _Signer] = {}
        for name, role in CAST:
            path = key_path(ledger_key, name)
            if path.exists():
                key = read_key_file(path)
            else:
                key = SignerKey.generate(key_name(name))
                write_key_file(path, key)
            self.signers[name] = _Signer(name, role, key)
        self.rng = random.Random(seed + 1)
        self.recorders: dict[UUID, str] = {}  # open claim or complaint → who recorded it

    def actor(self, cls: type[ev.Fact], stream: UUID, rng: random.Random) -> str:
        """Who stores an event of `cls` on `stream`: an actor whose role may, another clerk than its recorder for a
        verification or rejection."""
        topic = cls.TOPIC
        if roles.may("clerk", topic):
            if topic in decide.VERIFYING:
                recorder = self.recorders.pop(stream, None)
                return rng.choice([c for c in CLERKS if c != recorder])
            who = rng.choice(CLERKS)
            if cls in (ev.BonusClaimed, ev.ComplaintReceived):
                self.recorders[stream] = who
            return who
        return next(n for n, r in CAST if roles.may(r, topic))

    def init_events(self, at: datetime) -> list[ev.Fact]:
        """The actors' registrations, the first admin's first (each its own command)."""
        return [ev.ActorAdded(  # type: ignore[call-arg]
            originator_id=ids.ACTORS_STREAM, originator_version=i + 1, timestamp=at + timedelta(seconds=i),
            actor=ADMIN, name=s.name, role=s.role, public_key=s.key.verifier.text())
            for i, s in enumerate(self.signers.values())]

    def command(self, mapper: Any, events: Sequence[ev.Fact]) -> list[StoredEvent]:
        """One command's stored rows and its CommandSigned, signed by the events' actor (all the same)."""
        stored = [mapper.to_stored_event(e) for e in events]
        signer = self.signers[events[0].actor]
        digest = command_signature.stored_digest(stored)
        signature = ev.CommandSigned(  # type: ignore[call-arg]
            originator_id=UUID(int=self.rng.getrandbits(128), version=4), originator_version=1,
            timestamp=events[-1].timestamp, actor=signer.name, role=signer.role, events=len(stored),
            digest=command_signature.b64(digest), key_id=signer.key_id, signature=signer.sign(len(stored), digest))
        return [*stored, mapper.to_stored_event(signature)]
