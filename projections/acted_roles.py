"""Who acted, verified (D32), beside the actors the questions already name: explain's recorders and verifiers, the
audit's event chains. Each shown role is one `verify` confirms for that position (ledger/integrity/who_acted.py),
never the 操作人 an event says of itself."""

from __future__ import annotations

from typing import Any

from ledger.integrity.who_acted import WhoActed


def _prefixed(who: WhoActed, prefix: str, position: int | None) -> dict[str, Any]:
    return {f"{prefix}_{k}": v for k, v in who.fields(position).items()}


def explained(doc: dict[str, Any], who: WhoActed) -> dict[str, Any]:
    """An explain document with each counted fact's recorder (and each bonus line's claimant and verifier) verified:
    `recorder_role`, `recorder_signed`, … beside `recorder` (a complaint's recorder is its verifier, at `position`)."""
    for c in doc.get("categories", []):
        for f in c["facts"]:
            f.update(_prefixed(who, "recorder", f["position"]))
    for b in doc.get("bonus", {}).get("lines", []):
        b.update(_prefixed(who, "recorder", b["claimed_at"]))
        b.update(_prefixed(who, "verifier", b["position"]))
    for x in doc.get("not_counted", []):
        x.update(_prefixed(who, "by", x.get("at")))
    return doc


def chained(items: list[dict[str, Any]], who: WhoActed) -> list[dict[str, Any]]:
    """Audit items with every event of every chain carrying its verified `role` and `signed` beside `actor`."""
    for item in items:
        for chain in item.get("chain", []):
            for e in chain["events"]:
                e.update(who.fields(e.get("position")))
    return items

