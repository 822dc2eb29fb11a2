"""A 办件编号 as the ledger compares it (D27, D31): the quick path for plain ASCII is the NFKC path's answer."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.commands.ratings import normal_ref
from ledger.errors import InvalidInput


def by_nfkc(text: str) -> str | None:
    """The 办件编号 the slow path gives (NFKC, spaces removed, then the checks), None where it refuses."""
    ref = "".join(unicodedata.normalize("NFKC", text).split())
    if not ref or not ref.isprintable() or any(c in ref for c in ",，、;") or ref[0] in "=+-@":
        return None
    return ref


def answer(text: str) -> str | None:
    try:
        return normal_ref(text)
    except InvalidInput:
        return None


@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=0x7F))))
def test_a_ref_is_normalised_the_same_whether_or_not_it_is_plain_ascii(text: str) -> None:
    assert answer(text) == by_nfkc(text)


@pytest.mark.parametrize(("typed", "ref"), [
    ("330522-200807-000001", "330522-200807-000001"), (" A 4 ", "A4"), ("ＡＢ１２", "AB12"), ("A\u3000 1", "A1"),
])
def test_a_ref_loses_its_spaces_and_fullwidth_forms(typed: str, ref: str) -> None:
    assert normal_ref(typed) == ref


@pytest.mark.parametrize(("typed", "message"), [
    ("", "缺少办件编号"), ("A,1", "不允许的字符"), ("A\x1b[2J", "不允许的字符"), ("A\u202e1", "不允许的字符"),
    ("=HYPERLINK(1)", "不能以 = 开头"), ("+1+1", r"不能以 \+ 开头"), ("-2+3", "不能以 - 开头"),
    ("@SUM(A1)", "不能以 @ 开头"), ("＝1+1", "不能以 = 开头"),
])
def test_a_ref_that_is_empty_unprintable_or_a_formula_is_refused(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        normal_ref(typed)
