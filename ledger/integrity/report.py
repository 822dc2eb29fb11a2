"""What a verification found: the tree as it stands, the checkpoints stored in the ledger, every flaw (and its JSON)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from typing import Any

from ledger.integrity import actor_check
from ledger.integrity.leaves import Flaw, Scan
from ledger.integrity.merkle import MerkleTree
from ledger.integrity.note import VerifierKey


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
    kept: dict[str, Any] | None = None  # the last checkpoint the signer kept beside its key, and how it stands
    lost: list[dict[str, Any]] = field(default_factory=list)  # signed ranges lost to a restored backup
    integrity_version: int = 0
    acted: actor_check.Acted = field(default_factory=actor_check.Acted)  # who acted, checked (D32)

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
            "kept_checkpoint": self.kept,
            "lost_ranges": self.lost,
            "signed_from": self.acted.signed_from,
            "signed_commands": self.acted.signatures,
            "broken": {"position": b.position, "kind": b.kind, "message": b.message,
                       "earliest": b.position if b.earliest is None else b.earliest} if b else None,
            "problems": [{"position": f.position, "kind": f.kind, "message": f.message}
                         for f in sorted(self.flaws, key=lambda f: f.position)],
        }
