"""The terminal table's fast wrap and padding give exactly the lines the character-by-character walk gave."""

from __future__ import annotations

from itertools import chain
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cli.render import COMMON_BYTES, char_width, pad, table, width, widths, wrap
from ledger.text import shown

TEXT = st.text(alphabet=st.sampled_from("ab S3.,，。、；：）考评窗口 \u00e9"), max_size=120)
CELL_TEXT = st.text(alphabet=st.sampled_from("ab S3.考评 \u00e9\x1b\n\u202e"), max_size=12)
"""Cells as stored text may hold them: ASCII, Chinese, and characters a terminal would act on (shown escaped)."""


def walked(text: str, cols: int) -> list[str]:
    """The wrap before it bisected: one character at a time (the reference)."""
    if width(text) <= cols:
        return [text]
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for ch in text:
        w = char_width(ch)
        if line and used + w > cols:
            cut = max((i for i, c in enumerate(line) if c in " ,，、；：" and i >= len(line) - 12), default=-1)
            if cut < 0 and ch in "，。、；：）":
                cut = len(line) - 2
            rest = line[cut + 1:] if cut >= 0 else []
            lines.append("".join(line[: cut + 1] if cut >= 0 else line).rstrip())
            line, used = rest, sum(map(char_width, rest))
        line.append(ch)
        used += w
    lines.append("".join(line))
    return lines


def padded(headers: list[str], rows: list[list[Any]], align: str = "") -> str:
    """The table before each cell was measured once (the reference)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else shown(str(c)) for c in r] for r in rows]
    cols = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    aligns = [align[i] if i < len(align) else "<" for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(pad(c, cols[i], aligns[i]) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("─" * c for c in cols))
    return "\n".join(lines)


@given(TEXT, st.integers(min_value=1, max_value=40))
def test_wrapping_by_bisection_breaks_every_text_where_the_walk_did(text: str, cols: int) -> None:
    assert wrap(text, cols) == walked(text, cols)


def test_a_long_chinese_summary_breaks_after_a_comma_near_the_end_of_its_line() -> None:
    text = "人员 CX117（窗口 GS）违反 W2.2（每周检查），上班迟到，未佩戴工作牌，服务态度生硬"
    assert wrap(text, 30) == walked(text, 30) == [
        "人员 CX117（窗口 GS）违反", "W2.2（每周检查），上班迟到，", "未佩戴工作牌，服务态度生硬"]


@given(st.lists(st.lists(st.one_of(st.none(), st.integers(), TEXT), min_size=3, max_size=3), max_size=6),
       st.sampled_from(["", "<", ">", "><>", ">>>"]))
def test_a_table_measured_once_pads_every_cell_as_before(rows: list[list[Any]], align: str) -> None:
    headers = ["位置", "类型", "摘要"]
    assert table(headers, rows, align) == padded(headers, rows, align)


@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(), st.booleans(), CELL_TEXT),
                          st.one_of(st.none(), CELL_TEXT), st.integers(min_value=-10**6, max_value=10**6)),
                max_size=8),
       st.sampled_from(["", ">", "<>", ">><", "<<<<"]), st.sampled_from(["a", "窗口", "x\ty"]))
def test_a_table_padded_column_by_column_gives_the_lines_of_padding_each_cell(
    rows: list[tuple[Any, ...]], align: str, head: str,
) -> None:
    headers = [head, "名称", "n"]
    assert table(headers, rows, align) == padded(headers, [list(r) for r in rows], align)


def summed(text: str) -> int:
    """Display width as the sum of each character's (the reference)."""
    return sum(map(char_width, text))


def test_every_character_counted_from_its_utf_8_length_is_one_the_unicode_data_calls_wide() -> None:
    # width's fast path lets through only characters whose UTF-8 lead byte is among COMMON_BYTES: those of
    # U+2000–U+9FFF and U+F000–U+FFFF (every other lead byte goes to the per-character sum) ...
    assert set(COMMON_BYTES) & set(range(0xC0, 0x100)) == {*range(0xE2, 0xEA), 0xEF}
    assert [chr(cp).encode()[0] for cp in (0x2000, 0x9FFF, 0xF000, 0xFFFF)] == [0xE2, 0xE9, 0xEF, 0xEF]
    # ... and of those, each one it counts as two columns must be wide or fullwidth, each as one narrow
    for cp in chain(range(0x2000, 0xA000), range(0xF000, 0x10000)):
        ch = chr(cp)
        assert width(ch) == char_width(ch), hex(cp)
        assert list(widths(ch)) == [char_width(ch)], hex(cp)


WIDE_TEXT = st.text(alphabet=st.one_of(
    st.sampled_from("ab ?S3.,，。、；：）《》「」考评窗口 \u00e9\u2014\u201c\x1b\ud800\U0001f600"),
    st.sampled_from("\u2026\u203f\u2040\u303f\u3240\u4dc0\uf8ff\uf900\uff61\uffe0\uffe7"),  # at the blocks' edges
    st.characters()), max_size=60)


@given(WIDE_TEXT)
def test_a_texts_width_from_its_utf_8_length_is_the_sum_of_its_characters(text: str) -> None:
    assert width(text) == summed(text)
    assert list(widths(text)) == list(map(char_width, text))
