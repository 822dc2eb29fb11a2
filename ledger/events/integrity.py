"""The integrity stream's events: the public signing key, the signed checkpoints, and signed ranges lost."""

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


class SigningKeyRotated(Fact):
    """The center's signing key was replaced (lost, stolen or due): checkpoints from here on are signed by the new key.

    `verifier_key` (`origin`, `key_id`) is the new public key, `previous_key_id` the one it replaces; `note` is a
    signed note (ledger/integrity/key_rotation.py) naming both keys and the tree of the first `size` events (root
    `root`), signed by the old key and by the new one, so either key, trusted, vouches for the other and for the
    history up to `size`; `reason` is why.
    """

    origin: str
    key_id: str
    verifier_key: str
    previous_key_id: str
    size: int
    root: str
    note: str
    reason: str


class SignedRangeLost(Fact):
    """An older backup was restored: events the key had signed (up to `signed_size`) are no longer in the ledger.

    `signed_note` is the last checkpoint the signer kept beside its key (the one the restored ledger does not
    extend); `kept_size` is the size of the last checkpoint the restored ledger still holds, so positions
    `kept_size + 1`…`signed_size` of the signed history are the range lost; `restored_size` is how many events
    the restored ledger held; `reason` is why the operator restored it (`checkpoint --after-restore --reason`).
    """

    signed_size: int
    signed_root: str
    signed_note: str
    kept_size: int
    restored_size: int
    reason: str
