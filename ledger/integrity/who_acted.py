"""Who acted at each position, as `verify` confirms it (D32), for the questions that show it (log, explain, audit).

Nothing is taken from an event's own 操作人 field: a role is shown only where the verification's own actor check
(ledger/integrity/actor_check.py over the raw rows, with its signatures) holds it for that position. A ledger
without actors costs one indexed look-up and shows nothing new; with actors the check reads the rows once more —
the price of a role `verify` would confirm rather than one the database merely says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ledger import roles
from ledger.ids import ACTORS_STREAM, INTEGRITY_STREAM

SIGNED, UNSIGNED, UNVERIFIED = "signed", "unsigned", "unverified"
STATUS_NAMES = {SIGNED: "已签名", UNSIGNED: "未签名", UNVERIFIED: "签名未通过校验"}
"""How each position's signature stands, in Chinese: verified, written before the first actor, or refused by
`verify` (an edited 操作人, a moved signature, a role not allowed)."""


@dataclass(frozen=True)
class WhoActed:
    """Each signed position's verified (actor, role); `signed_from` None when the ledger has no actors."""

    signed_from: int | None = None
    by: Mapping[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def has_actors(self) -> bool:
        """Whether any actor was ever registered (the ledger's writes are signed from `signed_from`)."""
        return self.signed_from is not None

    def status(self, position: int) -> str:
        """SIGNED, UNSIGNED (before the first actor) or UNVERIFIED (`verify` does not confirm who acted there)."""
        if position in self.by:
            return SIGNED
        if self.signed_from is None or position < self.signed_from:
            return UNSIGNED
        return UNVERIFIED

    def role(self, position: int) -> str | None:
        """The verified role of whoever stored the event at `position` (None when not verified)."""
        found = self.by.get(position)
        return found[1] if found is not None else None

    def actor(self, position: int) -> str | None:
        """The verified actor of the event at `position` (None when not verified)."""
        found = self.by.get(position)
        return found[0] if found is not None else None

    def fields(self, position: int | None) -> dict[str, Any]:
        """The JSON keys a question adds beside an event's `actor`: its verified role and how its signature
        stands."""
        if position is None:
            return {"role": None, "role_name": None, "signed": None, "signed_name": None}
        role, status = self.role(position), self.status(position)
        return {"role": role, "role_name": roles.role_name(role) if role else None, "signed": status,
                "signed_name": STATUS_NAMES[status]}

    def label(self, position: int | None) -> str:
        """The role as a table shows it: 督查科 when verified, else why not (未签名, 签名未通过校验)."""
        if position is None:
            return ""
        role = self.role(position)
        return roles.role_name(role) if role else STATUS_NAMES[self.status(position)]


def who_acted(ledger: Any) -> WhoActed:
    """Who acted at every position, verified; a ledger without actors answers at once (nothing is signed)."""
    if ledger.fact_fields(ACTORS_STREAM.hex) is None:
        return WhoActed()
    from ledger.integrity import actor_check
    from ledger.integrity.leaves import scan
    from ledger.topics import ACTOR_TOPICS, KNOWN_TOPICS

    acted = actor_check.check(ledger, scan(ledger, KNOWN_TOPICS, INTEGRITY_STREAM.bytes, ACTOR_TOPICS))
    return WhoActed(acted.signed_from, acted.by)
