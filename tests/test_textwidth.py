"""Line breaking by cell width: Chinese breaks between characters, English between words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gridtui.textwidth import display_width, wrap_spans


def lines(text: str, width: int, first: int | None = None) -> list[str]:
    return [text[a:b] for a, b in wrap_spans(text, width, first)]


def test_chinese_breaks_between_characters_and_keeps_punctuation_with_its_word():
    assert lines("迁入迁出情况说明（姓名、时间、去向）", 28) == ["迁入迁出情况说明（姓名、时", "间、去向）"]
    assert lines("一二三四（五六）", 10) == ["一二三四", "（五六）"]  # an opening bracket goes down with what it opens


def test_english_breaks_at_spaces_and_cuts_only_a_word_longer_than_the_line():
    assert lines("Move details (name, date, where from/to)", 28) == ["Move details (name, date,", "where from/to)"]
    assert lines("Subsistence allowance", 8) == ["Subsiste", "nce", "allowanc", "e"]


def test_a_no_break_space_holds_the_required_mark_to_its_word():
    assert lines("Has anyone moved in or out recently?\u00a0*", 34) == [
        "Has anyone moved in or out",
        "recently?\u00a0*",
    ]
    assert lines("家中是否有需要照料的老人或病人\u00a0*", 28) == ["家中是否有需要照料的老人或病", "人\u00a0*"]


def test_mixed_text_first_line_and_newlines():
    assert lines("还有 3 条回答在等数据库", 12) == ["还有 3 条回", "答在等数据库"]
    assert lines("一二三四五六", 4, first=2) == ["一", "二三", "四五", "六"]
    assert lines("a\n\nb", 10) == ["a", "", "b"]
    assert wrap_spans("", 10) == [(0, 0)]


@given(st.text(alphabet="ab 一二，（）\u00a0", max_size=40), st.integers(2, 12))
def test_no_line_is_wider_than_asked_and_nothing_is_lost(text, width):
    got = lines(text, width)
    assert all(display_width(line) <= width for line in got)
    assert "".join(got).replace(" ", "") == text.replace(" ", "")
