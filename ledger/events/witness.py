"""The witnesses' events: a cosignature (C2SP tlog-cosignature) a witness made on one of the ledger's checkpoints."""

from __future__ import annotations

from ledger.events.base import Fact


class CosignatureRecorded(Fact):
    """A witness's cosignature of the ledger's checkpoint of the first `size` events was received and checked.

    `witness_key` is the witness's verifier key text (`name+keyid+base64(0x04 ‖ key)`), `line` the note
    signature line exactly as the witness issued it (`— name base64(keyid ‖ timestamp ‖ signature)`); the
    line is checked again by `verify --witness`, never trusted from the database on its own word.
    """

    witness: str
    key_id: str
    witness_key: str
    size: int
    root: str
    line: str
