"""What publishing pins (D18) and how a later result differs from the published one (D19). Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from projections.scoring.results import ReportRows

WINDOW_FIELDS = ("score", "bonus", "deductions", "rank", "shortlisted", "disqualified", "red_flag")
STAFF_FIELDS = ("window", "score", "bonus", "deductions", "rank", "shortlisted", "disqualified",
                "decided_stars", "stars", "reward_yuan")


class Publishable(Protocol):
    """Report rows as of a ledger position: a derived `QuarterResult`, or `RowsAt` (rows kept or cached)."""

    @property
    def quarter(self) -> str: ...  # noqa: D102

    @property
    def position(self) -> int: ...  # noqa: D102

    @property
    def rows(self) -> ReportRows: ...  # noqa: D102


@dataclass(frozen=True)
class RowsAt:
    """A quarter's report rows as the ledger stood at `position`, kept without the result they came from."""

    quarter: str
    position: int
    rows: ReportRows


PUBLISHED_WINDOW_KEYS = ("code", "name", *WINDOW_FIELDS)
PUBLISHED_STAFF_KEYS = ("id", "name", *STAFF_FIELDS)
"""The row fields a publication pins (those of the first release's publications): a report key added later, such
as `left` (D21, D22), never changes the digest of what was published (D18)."""


def document(r: Publishable) -> dict[str, Any]:
    """The canonical published document: the quarter, the ledger position and every result row's pinned fields."""
    return {"quarter": r.quarter, "position": r.position,
            "windows": [{k: w[k] for k in PUBLISHED_WINDOW_KEYS} for w in r.rows["windows"]],  # type: ignore[literal-required]
            "staff": [{k: p[k] for k in PUBLISHED_STAFF_KEYS} for p in r.rows["staff"]]}  # type: ignore[literal-required]


def canonical_bytes(doc: dict[str, Any]) -> bytes:
    """The exact bytes hashed at publication: orjson with sorted keys, no whitespace."""
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def digest(r: Publishable) -> str:
    """sha256 of the canonical published document: what `publish` records and `report` checks."""
    return hashlib.sha256(canonical_bytes(document(r))).hexdigest()


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
