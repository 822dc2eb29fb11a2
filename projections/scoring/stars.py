"""Ranks (D12), the shortlist cut (D13) and stars with their reductions (§8, D15–D17)."""

from __future__ import annotations

from ledger.catalogue import Catalogue


def ranks(scores: list[int]) -> list[int]:
    """Competition ranks, highest first, equal scores sharing a rank: 1, 2, 2, 4 (D12)."""
    ordered = sorted(scores, reverse=True)
    first: dict[int, int] = {}
    for i, s in enumerate(ordered):
        first.setdefault(s, i + 1)
    return [first[s] for s in scores]


def select_shortlist(scored: list[tuple[str, int, bool]], n: int) -> list[str]:
    """The top n eligible by score, all those tied at the cut included (D13); input (key, score, eligible)."""
    eligible = sorted((x for x in scored if x[2]), key=lambda x: (-x[1], x[0]))
    if len(eligible) <= n:
        return [x[0] for x in eligible]
    cut = eligible[n - 1][1]
    return [x[0] for x in eligible if x[1] >= cut]


def stars_for(
    cat: Catalogue, decided: int | None, deductions: int, disqualified: bool
) -> tuple[int, int, int, str]:
    """(base, minus, final stars, reason) for a person: §8 with D15–D17."""
    st = cat.stars
    base = decided if decided is not None else st["default"]
    if disqualified:
        final = st["disqualified"]
        return base, base - final, final, "disqualified"
    for red in cat.reductions:
        if deductions >= red.at_least:
            return base, red.minus, max(st["minimum"], base - red.minus), f"at_least_{red.at_least}"
    return base, 0, base, ""
