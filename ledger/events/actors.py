"""Who acts (D32): the actors with their keys and roles, and the one signature each command appends after its events."""

from __future__ import annotations

from ledger.events.base import Fact


class ActorAdded(Fact):
    """A person was registered as an actor with a role and an Ed25519 public key (`public_key`: verifier key text).

    `actor` is the admin who added them; the first actor adds itself, signing with its own new key.
    """

    name: str
    role: str
    public_key: str


class ActorRetired(Fact):
    """An actor may no longer act (left, or their key was lost or stolen): their signatures from here on fail."""

    name: str
    reason: str


class ActorKeyRotated(Fact):
    """An actor's key was replaced by a new one (`public_key`); the old key signs nothing from here on."""

    name: str
    public_key: str


class CommandSigned(Fact):
    """The acting person's signature over the `events` events stored just before this one (one command).

    `digest` is base64 SHA-256 of those events' Merkle leaf hashes, concatenated in ledger order (the leaf hashes
    are recomputed from the stored rows by `verify`, ledger/integrity/command_signature.py); `signature` is the
    Ed25519 signature by the key `key_id` of the message that names the actor, the role, the count and the digest.
    """

    role: str
    events: int
    digest: str
    key_id: str
    signature: str
