"""Signing what a command stores (D32): once any actor exists, every write is checked against the roster and the
roles table and stored with one CommandSigned after its events, in the same transaction; before the first actor a
ledger is written as it always was, unsigned. And the actor commands: add, retire, rotate a key.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ledger import events as ev
from ledger import ids, roles
from ledger.commands import actors as decide
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from ledger.ids import ACTORS_STREAM
from ledger.roster import Actor, Roster, roster_of
from ledger.storage.refusals import storage_refusals

if TYPE_CHECKING:
    from ledger.integrity.note import SignerKey

# cryptography (~80 ms) is imported only where a key is used (ledger/integrity/note.py): a ledger without actors,
# and every question, never load it (tests/cli/test_lazy_commands.py)

KEY_ENV = "KAOPING_ACTOR_KEY"


def roster(ledger: Any) -> tuple[Roster, int]:
    """The roster as it stands, and the actors' stream's version (0: no actor yet)."""
    events = ledger.stream(ACTORS_STREAM)
    return roster_of((e.TOPIC, vars(e)) for e in events), events[-1].originator_version if events else 0


def key_file(ledger: Any) -> Path | None:
    """The acting person's key file: --actor-key, else KAOPING_ACTOR_KEY, else none."""
    given = getattr(ledger, "actor_key", None) or os.environ.get(KEY_ENV, "").strip()
    return Path(given) if given else None


def read_actor_key(path: Path) -> SignerKey:
    """An actor's private key file, refused when missing, malformed or readable by others."""
    from ledger.integrity.note import NoteError, SignerKey, read_private_text

    text = read_private_text(path, what="操作人密钥文件", hint="（用 --actor-key 或 KAOPING_ACTOR_KEY 指定）")
    try:
        return SignerKey.parse(text)
    except NoteError as exc:
        raise InvalidInput(f"操作人密钥文件 {path} 无效：{exc}") from None


def insert(ledger: Any, stored: Sequence[StoredEvent], *, first: tuple[Actor, SignerKey] | None = None) -> list[int]:
    """Store one command's rows atomically — signed once any actor exists (`first`: the first admin and their new
    key, which signs its own registration) — returning the notification ids of the command's rows."""
    if not stored:
        return []
    roster_now, _ = roster(ledger)
    if not roster_now and first is None:
        return list(ledger.recorder.insert_events(stored) or [])
    from ledger.integrity import command_signature

    if first is not None:
        if roster_now or [s.topic for s in stored] != [ev.ActorAdded.TOPIC]:
            raise NotAllowed("只有第一个操作人的登记可以用他自己的新密钥签名")
        actor, signer = first
    else:
        path = key_file(ledger)
        signer_key = read_actor_key(path) if path is not None else None
        acts = [decide.Act(s.topic, decide.recorded_by(s.topic, _first_fields(ledger, s.originator_id),
                                                       ledger.fact_fields))
                for s in stored if s.topic in decide.VERIFYING or s.topic in decide.APPEAL_DECIDING]
        acts += [decide.Act(t) for t in dict.fromkeys(s.topic for s in stored)]
        actor = decide.authorise(roster_now, ledger.actor, signer_key.verifier.text() if signer_key else None, acts)
        assert signer_key is not None
        signer = signer_key
    digest = command_signature.stored_digest(stored)
    signature = ev.CommandSigned(  # type: ignore[call-arg]
        originator_id=ids.new_id(), originator_version=1, timestamp=datetime.now(UTC), actor=actor.name,
        role=actor.role, events=len(stored), digest=command_signature.b64(digest),
        key_id=signer.verifier.key_id_hex,
        signature=command_signature.sign(signer, actor.name, actor.role, len(stored), digest))
    found = ledger.recorder.insert_events([*stored, ledger.mapper.to_stored_event(signature)])
    return list(found or [])[: len(stored)]


def authorise_ahead(ledger: Any, acts: Sequence[str]) -> None:
    """Refuse, before a command stores anything, the acts (stored topics) the acting person may not do — for a
    command that stores in steps (a checkpoint on a ledger that does not yet record the center's key records the key
    first): a refused later step must not leave an earlier one stored. Nothing to check before the first actor."""
    roster_now, _ = roster(ledger)
    if not roster_now:
        return
    path = key_file(ledger)
    signer_key = read_actor_key(path) if path is not None else None
    decide.authorise(roster_now, ledger.actor, signer_key.verifier.text() if signer_key else None,
                     [decide.Act(topic) for topic in acts])


def authorise_reading(ledger: Any, allowed: Sequence[str], what: str) -> Actor | None:
    """The actor asking to read something only `allowed` roles may see (`what`, in Chinese), checked like a write:
    --as must name a registered actor not retired, and --actor-key must hold that actor's key. None before the
    first actor (no one is known then: the ledger reads as it always did)."""
    roster_now, _ = roster(ledger)
    if not roster_now:
        return None
    path = key_file(ledger)
    signer_key = read_actor_key(path) if path is not None else None
    why = decide.refusal(roster_now, ledger.actor, signer_key.verifier.text() if signer_key else None, ())
    if why is not None:
        raise NotAllowed(why)
    actor = roster_now.get(ledger.actor)
    assert actor is not None
    if actor.role not in allowed:
        names = "、".join(roles.role_name(r) for r in allowed)
        raise NotAllowed(f"{actor.name} 的角色（{roles.role_name(actor.role)}）不能{what}（只有{names}可以）")
    return actor


def _first_fields(ledger: Any, originator: Any) -> dict[str, Any] | None:
    stream = originator if isinstance(originator, UUID) else UUID(str(originator))
    found: dict[str, Any] | None = ledger.fact_fields(str(stream))
    return found


def key_name(name: str) -> str:
    """The signed-note name of an actor's key (no blanks or plus signs there)."""
    return "kaoping-actor/" + "".join("_" if c.isspace() or c == "+" else c for c in name)


def new_key_file(path_text: str, name: str) -> tuple[Path, SignerKey]:
    """A fresh key for `name`, written first to a new owner-only file (never over another)."""
    from ledger.integrity.note import SignerKey, write_key_file

    path = Path(path_text)
    if not path_text.strip() or path.is_dir():
        raise InvalidInput(f"密钥文件名无效：{path_text!r}")
    if path.exists():
        raise InvalidInput(f"密钥文件已存在：{path}（不会覆盖，请换一个文件名）")
    if path.parent != Path("") and not path.parent.is_dir():
        raise InvalidInput(f"密钥文件所在目录不存在：{path.parent}")
    signer = SignerKey.generate(key_name(name))
    try:
        write_key_file(path, signer)
    except OSError as exc:
        raise InvalidInput(f"无法写入密钥文件 {path}：{exc.strerror or exc}（什么也没有写入）") from None
    return path, signer


def _with_new_key(ledger: Any, key_out: str, name: str, make: Any, *, first: bool = False) -> Actor:
    """Write a new key file, then store the event `make(public key text)` decides; the file is removed again
    when the event is refused."""
    path, signer = new_key_file(key_out, name)
    try:
        event = make(signer.verifier.text())
        added = Actor(event.name, getattr(event, "role", ""), signer.verifier.text())
        with storage_refusals():
            insert(ledger, [ledger.mapper.to_stored_event(event)], first=(added, signer) if first else None)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return added


def add_actor(ledger: Any, name: str, role: str, key_out: str) -> Actor:
    """`actor add`: the first actor (an admin) signs its own registration; later ones are signed by an admin."""
    ledger.center()
    current, version = roster(ledger)
    stamp = ledger.stamp()
    if not current:
        stamp = Stamp(name.strip(), stamp.at, stamp.today)
    decide.add_actor(current, version, name, role, "", stamp)  # refuse bad input before a key file is written
    return _with_new_key(ledger, key_out, name.strip(),
                         lambda key: decide.add_actor(current, version, name, role, key, stamp), first=not current)


def retire_actor(ledger: Any, name: str, reason: str) -> None:
    """`actor retire`: an admin stops an actor from acting."""
    ledger.center()
    current, version = roster(ledger)
    ledger.append(decide.retire_actor(current, version, name, reason, ledger.stamp()))


def rotate_key(ledger: Any, name: str, key_out: str) -> Actor:
    """`actor rotate-key`: an admin gives an actor a new key, written to a new file."""
    ledger.center()
    current, version = roster(ledger)
    decide.rotate_key(current, version, name, "", ledger.stamp())
    return _with_new_key(ledger, key_out, name.strip(),
                         lambda key: decide.rotate_key(current, version, name, key, ledger.stamp()))
