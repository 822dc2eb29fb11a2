"""What publishing pins (D18) and how a later result differs from the published one (D19). Pure."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from projections.scoring.results import QuarterResult
from projections.scoring.rows import report_rows

WINDOW_FIELDS = ("score", "bonus", "deductions", "rank", "shortlisted", "disqualified", "red_flag")
STAFF_FIELDS = ("window", "score", "bonus", "deductions", "rank", "shortlisted", "disqualified",
                "decided_stars", "stars", "reward_yuan")


def rows_document(quarter: str, position: int, rows: dict[str, Any]) -> dict[str, Any]:
    """The canonical published document: the quarter, the ledger position and every result row."""
    return {"quarter": quarter, "position": position, **rows}


def document(res: QuarterResult) -> dict[str, Any]:
    """The canonical published document of a derived result."""
    return rows_document(res.quarter, res.position, report_rows(res))


def canonical_bytes(doc: dict[str, Any]) -> bytes:
    """The exact bytes hashed at publication: orjson with sorted keys, no whitespace."""
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def digest(res: QuarterResult) -> str:
    """sha256 of the canonical published document."""
    return hashlib.sha256(canonical_bytes(document(res))).hexdigest()


def rows_digest(quarter: str, position: int, rows: dict[str, Any]) -> str:
    """The same digest from report rows already made (`report_rows`, or `rows_of` from cached standings)."""
    return hashlib.sha256(canonical_bytes(rows_document(quarter, position, rows))).hexdigest()


def differences(pub: dict[str, Any], cur: dict[str, Any]) -> list[dict[str, Any]]:
    """Every field of every row where the current report rows differ from the published ones."""
    out: list[dict[str, Any]] = []
    for kind, key, fields in (("window", "code", WINDOW_FIELDS), ("staff", "id", STAFF_FIELDS)):
        table = "windows" if kind == "window" else "staff"
        before = {r[key]: r for r in pub[table]}
        after = {r[key]: r for r in cur[table]}
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
