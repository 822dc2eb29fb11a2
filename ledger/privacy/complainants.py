"""A complaint's complainant: sealed when the complaint is recorded, shown on request, erased by destroying its key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from ledger import events as ev
from ledger.commands.facts import known
from ledger.errors import InvalidInput, NotAllowed
from ledger.privacy import keystore
from ledger.privacy.sealing import Complainant, seal, unseal
from ledger.text import line

MAX_LENGTH = 200


@dataclass(frozen=True)
class Sealed:
    """A complainant sealed for one complaint: what the event keeps, and the data key that stays outside."""

    key_id: str
    key: bytes
    sealed: str

    def field(self) -> dict[str, str]:
        """The event's `complainant` field: the key id and the sealed text, never the clear text."""
        return {"key_id": self.key_id, "sealed": self.sealed}


def sealed_for(complaint: UUID, name: str | None, contact: str | None) -> Sealed | None:
    """The complainant given on the command line, sealed for this complaint (None when neither was given)."""
    name, contact = line(name, "投诉人姓名（--complainant）"), line(contact, "投诉人联系方式（--contact）")
    if not name and not contact:
        return None
    for value, option in ((name, "--complainant"), (contact, "--contact")):
        if len(value) > MAX_LENGTH:
            raise InvalidInput(f"{option} 过长（至多 {MAX_LENGTH} 字）")
    key, text = seal(complaint, Complainant(name, contact))
    return Sealed(uuid4().hex[:16], key, text)


@contextmanager
def key_kept(store: Path, sealed: Sealed | None) -> Iterator[None]:
    """Keep the data key in the store while the block appends the complaint; destroy it again if that fails."""
    if sealed is None:
        yield
        return
    existed = store.exists()
    keystore.add_key(store, sealed.key_id, sealed.key)
    try:
        yield
    except BaseException:
        keystore.destroy_key(store, sealed.key_id)
        if not existed and not keystore.read_keys(store):
            store.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Shown:
    """What `complaint show` reveals: the complainant, or why there is none to show."""

    complaint: str
    complainant: Complainant | None
    state: str
    """given (shown), none (no complainant recorded), erased (its key destroyed)."""


def _first(ledger: Any, fact_id: str) -> tuple[ev.ComplaintReceived, list[ev.Fact]]:
    fact = ledger.fact(fact_id)
    first = known(fact)
    if not isinstance(first, ev.ComplaintReceived):
        raise NotAllowed(f"{fact_id} 不是投诉记录")
    return first, list(fact.events)


def show(ledger: Any, fact_id: str, store: Path) -> Shown:
    """The complainant of a complaint, opened with its data key from the store."""
    first, events = _first(ledger, fact_id)
    field = first.complainant
    if not field:
        return Shown(str(first.originator_id), None, "none")
    if any(isinstance(e, ev.ComplainantErased) for e in events):
        return Shown(str(first.originator_id), None, "erased")
    key = keystore.read_keys(store).get(str(field.get("key_id")))
    if key is None:
        raise NotAllowed(f"投诉人信息的密钥（编号 {field.get('key_id')}）不在密钥文件 {store} 中："
                         "请用 --key 指定与账本一起保管的签名密钥文件（密钥文件在它旁边）")
    return Shown(str(first.originator_id), unseal(first.originator_id, key, str(field.get("sealed"))), "given")


@dataclass(frozen=True)
class Erased:
    """What `complaint erase-contact` did: the complaint (its full id), the key destroyed, whether an event was
    recorded now (False when an earlier run recorded it and only the key was left to destroy)."""

    complaint: str
    key_id: str
    recorded: bool


def erase(ledger: Any, fact_id: str, reason: str, store: Path) -> Erased:
    """Record that the complainant was erased, then destroy the data key.

    The event comes first: a key destroyed without its event would be an erasure nobody can account for. When the
    event was recorded but destroying the key failed, running the command again destroys it.
    """
    first, events = _first(ledger, fact_id)
    field = first.complainant
    if not field:
        raise NotAllowed(f"投诉 {fact_id} 没有登记投诉人信息，无需删除")
    key_id = str(field.get("key_id"))
    keys = keystore.read_keys(store)
    if any(isinstance(e, ev.ComplainantErased) for e in events):
        if key_id not in keys:
            raise NotAllowed(f"投诉 {fact_id} 的投诉人信息已经删除（密钥已销毁）")
        keystore.destroy_key(store, key_id)
        return Erased(str(first.originator_id), key_id, False)
    ledger.erase_complainant(fact_id, key_id, reason)
    keystore.destroy_key(store, key_id)
    return Erased(str(first.originator_id), key_id, True)

