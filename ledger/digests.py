"""What a publication's digest covers, by version (RULES.md D18 note): a fixed set of report row fields per version.

A publication records the version its digest was made under, so report keys added later never change what an
existing publication pins: its digest is recomputed over exactly its version's fields. Publications stored without
a version (the first release's) are version 1, exactly the document that release hashed. A new version is added
here, never an old one changed.
"""

from typing import NamedTuple


class DigestFields(NamedTuple):
    """The fields one digest version covers: each window row's, each staff row's, and whether the rules are pinned."""

    window: tuple[str, ...]
    staff: tuple[str, ...]
    rules: bool


_WINDOW_1 = ("code", "name", "score", "bonus", "deductions", "rank", "shortlisted", "disqualified", "red_flag")
_STAFF_1 = ("id", "name", "window", "score", "bonus", "deductions", "rank", "shortlisted", "disqualified",
            "decided_stars", "stars", "reward_yuan")

DIGEST_FIELDS: dict[int, DigestFields] = {
    1: DigestFields(_WINDOW_1, _STAFF_1, rules=False),
    2: DigestFields(_WINDOW_1, _STAFF_1, rules=True),
}
"""1: the first release's document (quarter, position, the rows). 2: the same rows, and the rules revision the
quarter was scored under (D36: id, revision and the file's sha256)."""

FIRST_VERSION = 1
"""The version of a publication stored without one."""
DIGEST_VERSION = max(DIGEST_FIELDS)
"""The version a new publication records."""
