"""Ids as people type and read them: a full id, or a unique prefix of at least 8 hex digits (CLI.md, second release).

A UUID is 36 characters nobody copies by hand from a printed 通报 or a log; a prefix is enough when it names one
stream. Typed prefixes are resolved against the ledger's stream ids (`resolve`); printed ones are the shortest
prefixes, never under 8 digits, that still tell the ids shown apart (`short_forms`). Pure: the ledger passes in
how to list its stream ids between two bounds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import pairwise
from uuid import UUID

from ledger.errors import InvalidInput, NotFound

MIN_DIGITS = 8
"""The shortest prefix accepted and printed (CLI.md): 32 bits, so a prefix rarely needs more."""
SHOWN = 5
"""How many candidates an ambiguous prefix's refusal names."""
_HEX = frozenset("0123456789abcdef")

Between = Callable[[UUID, UUID, int], list[UUID]]
"""(lowest id, highest id, at most how many) → the stream ids stored between them, inclusive, in order."""


def _digits(text: str) -> str:
    """The hex digits of an id as typed, dashes dropped, lowercased."""
    return text.strip().replace("-", "").lower()


def bounds(text: str) -> tuple[UUID, UUID] | None:
    """The lowest and highest ids a typed prefix can stand for; None when the text is no id or prefix at all.

    A prefix shorter than MIN_DIGITS is refused: too short to name one fact for long.
    """
    digits = _digits(text)
    if not digits or len(digits) > 32 or not set(digits) <= _HEX:
        return None
    if len(digits) < MIN_DIGITS:
        raise InvalidInput(f"编号至少要写出前 {MIN_DIGITS} 位：{text.strip()}")
    return UUID(digits.ljust(32, "0")), UUID(digits.ljust(32, "f"))


def resolve(text: str, between: Between) -> UUID | None:
    """The stream a typed id names: a full id as it is, a prefix when exactly one stream starts with it.

    None when the text is not an id at all (the caller refuses its format); a prefix no stream starts with is
    refused as unknown, one that several start with is refused naming them.
    """
    if not text.strip().isascii():
        return None  # UUID() reads ٤ and ４ as digits: an id is ASCII hex (D27)
    try:
        return UUID(text.strip())
    except ValueError:
        pass
    span = bounds(text)
    if span is None:
        return None
    found = between(span[0], span[1], SHOWN + 1)
    if not found:
        raise NotFound(f"账本中没有编号为 {text.strip()} 的记录")
    if len(found) > 1:
        more = "等" if len(found) > SHOWN else ""
        names = "、".join(str(u) for u in found[:SHOWN])
        raise InvalidInput(f"编号 {text.strip()} 不唯一，可能是：{names}{more}（请多写几位）")
    return found[0]


def short_forms(ids: Iterable[str]) -> dict[str, str]:
    """Each id (canonical 8-4-4-4-12 text) with its shortest prefix of at least MIN_DIGITS hex digits that no other
    of these ids shares, cut from the canonical text (so its dashes stay where they were)."""
    # Sorted by digits, an id shares its longest prefix with a neighbour: each neighbouring pair is compared once
    # (a log names ~3,500 streams; tests/ledger/test_short_ids.py holds it to comparing each id with both).
    ordered = sorted({str(i) for i in ids}, key=_digits)
    digits = [_digits(i) for i in ordered]
    shared = [_shared(a, b) for a, b in pairwise(digits)]
    out: dict[str, str] = {}
    for n, full in enumerate(ordered):
        need = MIN_DIGITS
        if n:
            need = max(need, shared[n - 1] + 1)
        if n < len(shared):
            need = max(need, shared[n] + 1)
        out[full] = _cut(full, min(need, 32))
    return out


def _shared(a: str, b: str) -> int:
    """How many leading digits two ids' digit strings share; 32 when neither differs from the other."""
    k, n = 0, min(len(a), len(b))
    while k < n and a[k] == b[k]:
        k += 1
    if k < n:
        return k
    if len(a) != len(b):
        raise ValueError("ids of different lengths")
    return 32


def typeable(ids: Iterable[str], between: Between) -> dict[str, str]:
    """Each id with the shortest prefix of at least MIN_DIGITS hex digits that `resolve` takes back to it against the
    whole ledger (not only among these ids): what a list printed for someone to act on shows (`todo`)."""
    out = short_forms(ids)
    for full, shown in out.items():
        digits = len(_digits(shown))
        while digits < 32:
            span = bounds(shown)
            if span is None or len(between(span[0], span[1], 2)) < 2:
                break
            digits += 1
            shown = _cut(full, digits)
        out[full] = shown
    return out


def _cut(canonical: str, digits: int) -> str:
    """The canonical text up to its `digits`-th hex digit."""
    if digits >= 1 and len(canonical) == 36 and canonical.count("-") == 4 and canonical[8] == canonical[13] \
            == canonical[18] == canonical[23] == "-":
        return canonical[: digits + (digits > 8) + (digits > 12) + (digits > 16) + (digits > 20)]
    seen = 0
    for k, ch in enumerate(canonical):
        if ch != "-":
            seen += 1
            if seen == digits:
                return canonical[: k + 1]
    return canonical
