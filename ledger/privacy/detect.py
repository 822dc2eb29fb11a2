"""Spotting personal information typed into a complaint's free text (a phone or 身份证 number), to warn."""

from __future__ import annotations

import re

_PATTERNS = (
    ("身份证号码", re.compile(r"(?<!\d)\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                         r"\d{3}[\dXx](?!\d)")),
    ("手机号码", re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")),
    ("电话号码", re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")),
)


def personal_numbers(text: str) -> list[str]:
    """The kinds of personal number the text seems to hold (身份证号码, 手机号码, 电话号码), in that order."""
    return [kind for kind, pattern in _PATTERNS if pattern.search(text)]
