"""What a disputing person reads beside each counted fact: its note and evidence names, from the fact's first event.

The fold keeps what scoring needs; the note of a finding, the text of a complaint and the names of evidence files
are read from the fact's stored first event only for the few facts one explanation lists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID


def evidence_names(fields: dict[str, Any] | None) -> list[str]:
    """The original names of the evidence files a fact's first event carries."""
    ev = (fields or {}).get("evidence")
    if isinstance(ev, dict) and ev.get("name"):
        return [str(ev["name"])]
    if isinstance(ev, list):
        return [str(e["name"]) for e in ev if isinstance(e, dict) and e.get("name")]
    return []


def add_notes(doc: dict[str, Any], fact_fields: Callable[[str], dict[str, Any] | None]) -> dict[str, Any]:
    """An explanation with `note` and `evidence` on every counted fact and `evidence` on every bonus line.

    `note` is the finding's note or the complaint's text; a bonus line keeps its own `note` (why it counts 0).
    """
    cache: dict[str, dict[str, Any] | None] = {}

    def fields(fact_id: str) -> dict[str, Any] | None:
        if fact_id not in cache:
            cache[fact_id] = fact_fields(UUID(fact_id).hex)
        return cache[fact_id]

    for c in doc["categories"]:
        for f in c["facts"]:
            got = fields(f["id"]) or {}
            f["note"] = str((got.get("text") if f["origin"] == "complaint" else got.get("note")) or "")
            f["evidence"] = evidence_names(got)
    for b in doc["bonus"]["lines"]:
        b["evidence"] = evidence_names(fields(b["id"]))
    return doc
