"""The integrity stream's events: the public signing key and the signed checkpoints."""

from __future__ import annotations

from ledger.events.base import Fact


class SigningKeyRecorded(Fact):
    """The checkpoint signing key was created; its public half is kept here, the private half outside.

    `verifier_key` is the signed-note verifier key text (`origin+keyid+base64`); `origin` is the
    log's name, used as the checkpoints' first line and as the key name.
    """

    origin: str
    key_id: str
    verifier_key: str


class CheckpointRecorded(Fact):
    """A signed checkpoint (C2SP tlog-checkpoint) of the first `size` events was taken.

    `root` is the base64 Merkle root, `note` the signed note as issued; `leaf_digests` holds the
    first 8 bytes of each leaf hash after the previous checkpoint (base64), so `verify` can name the
    exact position that was changed instead of only the range.
    """

    size: int
    root: str
    note: str
    leaf_digests: str
