"""A quarter's status, the one rule for it: open → shortlisted → decided → published (RULES.md §9)."""

from __future__ import annotations

from typing import Literal

Status = Literal["open", "shortlisted", "decided", "published"]

STATUS_NAMES: dict[str, str] = {"open": "未确定入围", "shortlisted": "已确定入围", "decided": "党组已决定",
                                "published": "已公布"}
"""Each status as the center says it."""


def status(shortlisted: bool, decided: bool, published: bool) -> Status:
    """The status given which of the quarter's steps have been recorded (the latest step wins)."""
    if published:
        return "published"
    if decided:
        return "decided"
    if shortlisted:
        return "shortlisted"
    return "open"
