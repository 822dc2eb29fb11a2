"""D27 in one module: what text the ledger accepts, and how stored text is shown on a terminal."""

from __future__ import annotations

import re
import sys
import unicodedata

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import text
from ledger.errors import InvalidInput


@pytest.mark.parametrize("value", ["２００８", "٢٠٠٨", "2008.0", "1e3", "", " ", "二"])
def test_a_number_not_in_ascii_digits_is_refused(value: str) -> None:
    with pytest.raises(InvalidInput, match="半角数字"):
        text.number(value)


def test_a_number_in_ascii_digits_is_read_trimmed() -> None:
    assert text.number(" 15 ") == 15 and text.number("-3") == -3


@pytest.mark.parametrize("value, fragment", [
    ("A\u200bB", "U+200B"), ("A\u202eB", "U+202E"), ("A\x1bB", "U+001B"), ("A\u00adB", "U+00AD"),
    ("A B", "空格"), ("A,B", "逗号"), ("A、B", "分隔符"), ("A；B", "分隔符"), ("A\u3000B", "空格"),
    ("ＤＳ", "全角"), ("０１０１", "半角数字"), ("٠١٠١", "半角数字"), ("", "不能为空"), ("A\nB", "空格"),
])
def test_a_code_with_an_invisible_separator_or_twin_character_is_refused(value: str, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(fragment)):
        text.code(value, "窗口代码")


def test_a_printable_code_in_one_spelling_is_kept_trimmed() -> None:
    assert text.code(" 地税-01 ", "窗口代码") == "地税-01"


@pytest.mark.parametrize("value, fragment", [
    ("上班\n迟到", "换行"), ("\x1b[2J清屏", "U+001B"), ("a\rb", "换行"), ("a\u2028b", "U+2028"),
    ("a\u202eb", "方向"), ("a\x7fb", "控制"), ("a\x85b", "控制"), ("a\udc80b", "UTF-8"),
])
def test_a_name_or_note_with_a_line_break_control_or_bidi_character_is_refused(value: str, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(fragment)):
        text.line(value, "备注")


def test_a_one_line_note_is_kept_trimmed_even_with_a_zero_width_joiner() -> None:
    assert text.line(" 上班时间QQ聊天 ", "备注") == "上班时间QQ聊天"
    assert text.line("👩\u200d💻", "备注") == "👩\u200d💻"  # emoji joiners are text, not controls


@pytest.mark.parametrize("variant", ["长兴日报 2008-07-01 第3版", "长兴日报2008-07-01第3版",
                                     "长兴日报\u30002008-07-01第3版",
                                     "长兴日报２００８－０７－０１第３版", "长兴日报\u200b2008-07-01第3版"])
def test_ref_variants_of_one_article_have_one_key(variant: str) -> None:
    assert text.ref_key(variant) == "长兴日报2008-07-01第3版"


def test_no_ref_and_a_ref_of_spaces_have_no_key() -> None:
    assert text.ref_key(None) is None and text.ref_key(" \u3000 ") is None


def test_shown_text_escapes_every_control_and_keeps_chinese() -> None:
    assert text.shown("张三\x1b[2J\n伪造\u202e") == "张三\\x1b[2J\\n伪造\\u202e"
    assert text.shown("长兴县行政服务中心") == "长兴县行政服务中心"
    assert text.shown_all({"a\n": ["b\x07", 1, None]}) == {"a\\n": ["b\\x07", 1, None]}


@given(st.text())
def test_shown_text_holds_nothing_a_terminal_acts_on(value: str) -> None:
    out = text.shown(value)
    assert all(unicodedata.category(ch) not in text.UNSHOWN for ch in out)
    assert "\n" not in out


def test_the_json_candidates_cover_every_unshown_character_outside_ascii() -> None:
    missed = [hex(n) for n in range(0x80, sys.maxunicode + 1)
              if unicodedata.category(chr(n)) in text.UNSHOWN and unicodedata.category(chr(n)) != "Cs"
              and not re.fullmatch(text.JSON_CANDIDATES, chr(n))]
    assert missed == []


@given(st.text())
def test_json_made_safe_is_the_same_document_with_nothing_a_terminal_acts_on(value: str) -> None:
    raw = orjson.dumps({"note": value}, option=orjson.OPT_NON_STR_KEYS).decode()
    safe = text.json_safe(raw)
    assert orjson.loads(safe) == {"note": value}
    assert all(unicodedata.category(ch) not in text.UNSHOWN for ch in safe)


def test_text_that_is_not_utf8_is_told_apart() -> None:
    assert text.is_utf8("考评") and not text.is_utf8("a\udcff")
