"""What publishing pins (D18, its digest versioned: ledger/digests.py) and how a later result differs from the
published one (D19). Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Protocol

import orjson

from ledger.digests import DIGEST_FIELDS, DIGEST_VERSION
from projections.scoring.results import ReportRows, RulesRef

WINDOW_FIELDS = ("score", "bonus", "deductions", "rank", "shortlisted", "disqualified", "red_flag")
STAFF_FIELDS = ("window", "score", "bonus", "deductions", "rank", "shortlisted", "disqualified",
                "decided_stars", "stars", "reward_yuan")
"""The fields `differences` compares (the published rows' own, beside code/id and name)."""


class Publishable(Protocol):
    """Report rows as of a ledger position: a derived `QuarterResult`, or `RowsAt` (rows kept or cached)."""

    @property
    def quarter(self) -> str: ...  # noqa: D102

    @property
    def position(self) -> int: ...  # noqa: D102

    @property
    def rows(self) -> ReportRows: ...  # noqa: D102

    @property
    def rules(self) -> RulesRef: ...  # noqa: D102


class RowsAt(NamedTuple):
    """A quarter's report rows as the ledger stood at `position`, kept without the result they came from, and the
    rules revision they were scored under."""

    quarter: str
    position: int
    rows: ReportRows
    rules: RulesRef


def known_version(version: int) -> bool:
    """Whether this release knows which fields a digest of this version covers."""
    return version in DIGEST_FIELDS


def document(r: Publishable, version: int = DIGEST_VERSION) -> dict[str, Any]:
    """The canonical published document of a digest version: the quarter, the ledger position and every result row
    with exactly that version's fields (and, from version 2, the rules revision). Version 1 is the first release's
    document byte for byte: its rows held exactly those fields."""
    spec = DIGEST_FIELDS[version]
    doc: dict[str, Any] = {
        "quarter": r.quarter, "position": r.position,
        "windows": [{f: row[f] for f in spec.window} for row in r.rows["windows"]],  # type: ignore[literal-required]
        "staff": [{f: row[f] for f in spec.staff} for row in r.rows["staff"]],  # type: ignore[literal-required]
    }
    if spec.rules:
        doc["rules"] = dict(r.rules)
    return doc


def canonical_bytes(doc: dict[str, Any]) -> bytes:
    """The exact bytes hashed at publication: orjson with sorted keys, no whitespace."""
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def digest(r: Publishable, version: int = DIGEST_VERSION) -> str:
    """sha256 of the canonical published document of a digest version: what `publish` records (under the current
    version) and `report` checks (under the version the publication recorded)."""
    return hashlib.sha256(canonical_bytes(document(r, version))).hexdigest()


def differences(pub: ReportRows, cur: ReportRows) -> list[dict[str, Any]]:
    """Every field of every row where the current report rows differ from the published ones."""
    return (_differences("window", "code", WINDOW_FIELDS, pub["windows"], cur["windows"])
            + _differences("staff", "id", STAFF_FIELDS, pub["staff"], cur["staff"]))


def _differences(kind: str, key: str, fields: tuple[str, ...], pub: Sequence[Mapping[str, Any]],
                 cur: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    before = {r[key]: r for r in pub}
    after = {r[key]: r for r in cur}
    for subject in sorted(set(before) | set(after)):
        b, a = before.get(subject), after.get(subject)
        for f in fields:
            bv = b.get(f) if b else None
            av = a.get(f) if a else None
            if bv != av:
                name = (a or b or {}).get("name", "")
                out.append({"subject_type": kind, "subject": subject, "name": name, "field": f,
                            "published": bv, "current": av})
    return out
