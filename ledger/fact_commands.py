"""The ledger's commands on facts: findings, bonus claims and complaints, and the steps on each (retract, verify,
reject, dismiss, erase a complainant). A part of `ledger.app.Ledger` kept in its own module; the decisions are in
ledger/commands/findings.py, claims.py and complaints.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from ledger import ids
from ledger.commands import claims, complaints, findings
from ledger.errors import InvalidInput
from ledger.storage import evidence

if TYPE_CHECKING:
    from ledger import events as ev
    from ledger.catalogue import Catalogue
    from ledger.commands.facts import FactStream
    from ledger.commands.stamp import Stamp
    from ledger.registry import Registry
    from ledger.storage.location import Location

T = TypeVar("T")


class FactCommands:
    """`Ledger`'s commands on facts; every other method named here is the `Ledger`'s own."""

    if TYPE_CHECKING:
        location: Location

        @property
        def catalogue(self) -> Catalogue: ...  # noqa: D102
        def center(self) -> ev.CenterInitialised: ...  # noqa: D102
        def registry_of(self, windows: Iterable[str | None] = (), people: Iterable[str | None] = ()) -> Registry: ...  # noqa: D102
        def fact(self, fact_id: str | UUID) -> FactStream: ...  # noqa: D102
        def stamp(self) -> Stamp: ...  # noqa: D102
        def retrying(self, attempt: Callable[[], T]) -> T: ...  # noqa: D102
        def append_one(self, event: ev.Fact) -> UUID: ...  # noqa: D102

    def _on_fact(self, fact_id: str, decision: Callable[[FactStream, Stamp], ev.Fact]) -> UUID:
        """A step on an existing fact: read its stream, decide, append; again if another writer came first."""
        self.center()
        return self.retrying(lambda: self.append_one(decision(self.fact(fact_id), self.stamp())))

    # --- findings -----------------------------------------------------------------------------

    def record_finding(self, item: str, *, window: str | None = None, staff: str | None = None, day: str,
                       source: str, dq: str | None = None, note: str = "", evidence_file: str | None = None) -> UUID:
        """Record one inspection finding against a window (W-item) or a person (S-item)."""
        self.center()
        registry = self.registry_of(windows=[window], people=[staff])
        with evidence.staging(self.location.evidence_dir, evidence_file) as stage:
            return self.append_one(findings.record_finding(
                registry, self.catalogue, self.stamp(), ids.new_id(), item=item, window=window, staff=staff,
                day=day, source=source, dq=dq, note=note, evidence=stage))

    def retract(self, fact_id: str, reason: str) -> UUID:
        """Withdraw a mistaken finding with a reason; the finding stays in the ledger, marked."""
        return self._on_fact(fact_id, lambda st, stamp: findings.retract_finding(st, reason, stamp))

    # --- bonus claims -------------------------------------------------------------------------

    def claim_bonus(self, kind: str, *, window: str | None = None, staff: str | None = None, day: str,
                    evidence_file: str, level: str | None = None, place: int | None = None,
                    ref: str | None = None) -> UUID:
        """Record a bonus claim with its evidence; it counts only after verification (D5)."""
        self.center()
        registry = self.registry_of(windows=[window], people=[staff])
        with evidence.staging(self.location.evidence_dir, evidence_file) as stage:
            return self.append_one(claims.claim_bonus(
                registry, self.catalogue, self.stamp(), ids.new_id(), kind=kind, window=window, staff=staff,
                day=day, evidence=stage, level=level, place=place, ref=ref))

    def verify_bonus(self, fact_id: str) -> UUID:
        """Accept a claim after checking its evidence."""
        return self._on_fact(fact_id, claims.verify_bonus)

    def reject_bonus(self, fact_id: str, reason: str) -> UUID:
        """Reject a claim, with a reason (a missing reason is refused before the ledger is read)."""
        claims.rejection_reason(reason)
        return self._on_fact(fact_id, lambda st, stamp: claims.reject_bonus(st, reason, stamp))

    # --- complaints ---------------------------------------------------------------------------

    def record_complaint(self, *, window: str | None = None, staff: str | None = None, day: str, channel: str,
                         text: str, complainant: str | None = None, contact: str | None = None,
                         contact_keys: Path | None = None) -> UUID:
        """Record a complaint or 征求意见 response; it counts only once verified (D9). A complainant's name and
        contact are sealed under a fresh data key kept in `contact_keys`, outside the database (D34)."""
        from ledger.privacy import complainants  # here, not at the top: `record` never seals a complainant (issue 15)
        self.center()
        registry = self.registry_of(windows=[window], people=[staff])
        stream = ids.new_id()
        sealed = complainants.sealed_for(stream, complainant, contact)
        if sealed is not None and contact_keys is None:
            raise InvalidInput("登记投诉人信息需要投诉人信息密钥文件（在签名密钥文件旁）")
        event = complaints.record_complaint(
            registry, self.catalogue, self.stamp(), stream, window=window, staff=staff, day=day,
            channel=channel, text=text, complainant=sealed.field() if sealed else None)
        with complainants.key_kept(contact_keys or Path(), sealed):
            return self.append_one(event)

    def erase_complainant(self, fact_id: str, key_id: str, reason: str) -> UUID:
        """Record that a complaint's complainant was erased (its data key is destroyed by ledger/privacy)."""
        return self._on_fact(fact_id, lambda st, stamp: complaints.erase_complainant(st, key_id, reason, stamp))

    def verify_complaint(self, fact_id: str, item: str | None, dq: str | None = None,
                         day: str | None = None) -> UUID:
        """Find a complaint true on a day (default today): name the item it breaches and, where allowed, a
        disqualification; it opens a rectification (D30)."""
        return self._on_fact(fact_id, lambda st, stamp: complaints.verify_complaint(st, self.catalogue, item, dq,
                                                                                    stamp, day))

    def dismiss_complaint(self, fact_id: str, reason: str) -> UUID:
        """Find a complaint untrue, with a reason."""
        return self._on_fact(fact_id, lambda st, stamp: complaints.dismiss_complaint(st, reason, stamp))
