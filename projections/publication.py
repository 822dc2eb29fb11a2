"""What publishing pins (D18) and how a later result differs from the published one (D19). Pure."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from projections.scoring import QuarterResult, report_rows

WINDOW_FIELDS = ("score", "bonus", "deductions", "rank", "shortlisted", "disqualified", "red_flag")
STAFF_FIELDS = ("window", "score", "bonus", "deductions", "rank", "shortlisted", "disqualified",
                "decided_stars", "stars", "reward_yuan")


def document(res: QuarterResult) -> dict[str, Any]:
    """The canonical published document: the quarter, the ledger position and every result row."""
    return {"quarter": res.quarter, "position": res.position, **report_rows(res)}


def canonical_bytes(res: QuarterResult) -> bytes:
    """The exact bytes hashed at publication: orjson with sorted keys, no whitespace."""
    return orjson.dumps(document(res), option=orjson.OPT_SORT_KEYS)


def digest(res: QuarterResult) -> str:
    """sha256 of the canonical published document."""
    return hashlib.sha256(canonical_bytes(res)).hexdigest()


def differences(published: QuarterResult, current: QuarterResult) -> list[dict[str, Any]]:
    """Every field of every row where the current result differs from the published one."""
    out: list[dict[str, Any]] = []
    pub, cur = report_rows(published), report_rows(current)
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
