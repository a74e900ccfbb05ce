"""ODK's rules where a plain XPath library differs (lxml can be no oracle here), and every
mistake found at parse time with its position."""

from __future__ import annotations

import math
from datetime import date

import pytest

from gridtui.forms.expr import Env, ExpressionError, parse

TODAY = date(2026, 7, 14)
ANSWERS = {
    "age": 7.0,
    "none": "",
    "born": date(2019, 3, 1),
    "due": date(2026, 7, 20),
    "help": "meals cleaning",
    "name": "王芳",
    "code": "ab12",
    "care": "yes",
}


def run(text: str, current="", choice=None):
    return parse(text, choice_columns=choice is not None)(Env(ANSWERS.__getitem__, current, TODAY, choice))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an unanswered question is the empty string: false as a number, equal to ''
        ("${none} > 3", False),
        ("${none} < 3", False),
        ("${none} = 0", False),
        ("${none} = ''", True),
        ("not(${none})", True),
        ("${none} != ''", False),
        ("${age} > 6 and ${none} = ''", True),
        # dates compare and subtract as days (lxml compares them as NaN)
        ("${born} < today()", True),
        ("${due} > today()", True),
        ("today() - ${born}", float((TODAY - date(2019, 3, 1)).days)),
        ("${due} = date('2026-07-20')", True),
        ("${born} < '2020-01-01'", True),
        ("date('2026-07-14') = today()", True),
        ("today() - ${born} < 16 * 365", True),
        # ODK's functions
        ("selected(${help}, 'meals')", True),
        ("selected(${help}, 'meal')", False),
        ("selected(${none}, 'meals')", False),
        ("count-selected(${help})", 2.0),
        ("count-selected(${none})", 0.0),
        ("if(${age} >= 6, 'school', 'home')", "school"),
        ("if(${none} = '', 1, 2)", 1.0),
        ("coalesce(${none}, 'n/a')", "n/a"),
        ("coalesce(${name}, 'n/a')", "王芳"),
        ("string-length(${name})", 2.0),
        ("string-length(${none})", 0.0),
        ("int(7.9)", 7.0),
        ("int(-7.9)", -7.0),
        ("number('12')", 12.0),
        ("number('1e3') = number('1e3')", False),
        ("regex(${code}, '^[a-z]+[0-9]+$')", True),
        ("regex(${name}, '^[a-z]')", False),
        ("concat(${name}, '-', ${age})", "王芳-7"),
        ("true() and not(false())", True),
        ("7 div 2", 3.5),
        ("7 mod 2", 1.0),
        ("-7 mod 2", -1.0),
        ("1 - -1", 2.0),
        ("${age}-1", 6.0),
        ("${care} = 'yes' or ${care} = 'no'", True),
        # more of ODK's: text, rounding, extremes, dates written out
        ("string(${age})", "7"),
        ("boolean(${none})", False),
        ("contains(${name}, '芳')", True),
        ("starts-with(${code}, 'ab')", True),
        ("ends-with(${code}, '12')", True),
        ("substr('3-2-501', 4)", "501"),
        ("substr('3-2-501', 0, 1)", "3"),
        ("normalize-space('  湖滨  新村 ')", "湖滨 新村"),
        ("round(2.5)", 3.0),
        ("round(-2.5)", -2.0),
        ("round(2.675, 2)", 2.68),
        ("round(1234.5, -2)", 1200.0),
        ("floor(-1.5)", -2.0),
        ("ceiling(1.2)", 2.0),
        ("abs(-3)", 3.0),
        ("min(3, ${age}, 9)", 3.0),
        ("max(3, ${age}, 9)", 9.0),
        ("max(${none}, 1) = max(${none}, 1)", False),  # NaN: an empty answer among them
        ("format-date(${born}, '%Y年%n月%e日')", "2019年3月1日"),
        ("format-date(${born}, '%d/%m/%y')", "01/03/19"),
        ("format-date(${none}, '%Y')", ""),
    ],
)
def test_odk_rules(text, expected):
    got = run(text)
    assert got == expected and type(got) is type(expected)


def test_the_current_answer_is_the_dot():
    assert run(". >= 0 and . <= 20", current=5.0) is True
    assert run(". >= 0 and . <= 20", current=21.0) is False
    assert run("string-length(.) <= 3", current="网格员们") is False


def test_a_choice_filter_reads_the_choices_columns():
    assert run("kind = 'food' and ${age} > 3", choice={"kind": "food", "name": "a"}) is True
    assert run("kind = 'food'", choice={"kind": "shop"}) is False
    assert run("missing = ''", choice={}) is True  # a column the choice does not fill is empty


def test_division_by_zero_is_infinite_or_nan_as_in_xpath():
    assert run("1 div 0") == math.inf and run("-1 div 0") == -math.inf
    assert math.isnan(run("0 div 0")) and math.isnan(run("5 mod 0"))


def test_references_and_today_are_known_after_parsing():
    found = parse("${a} > 1 and selected(${b}, 'x') or today() > ${c}")
    assert found.references == {"a", "b", "c"} and found.uses_today and not found.uses_current
    assert parse(". > 1").uses_current


@pytest.mark.parametrize(
    ("text", "key", "position"),
    [
        (". >", "forms.expr.ended", 4),
        ("${age} > > 3", "forms.expr.unexpected", 10),
        ("${age} = yes", "forms.expr.bare_name", 10),
        ("foo(1)", "forms.expr.unknown_function", 1),
        ("1 + if(1, 2)", "forms.expr.arguments", 5),
        ("selected(${a})", "forms.expr.arguments", 1),
        ("'open", "forms.expr.unterminated", 1),
        ("regex(., '[a-')", "forms.expr.bad_pattern", 10),
        ("${a b} = 1", "forms.expr.bad_reference", 1),
        ("${a} | ${b}", "forms.expr.unexpected", 6),
        ("../a", "forms.expr.unsupported", 1),
        ("(1 + 2", "forms.expr.ended", 7),
        ("", "forms.expr.empty", 1),
        # what a Chinese input method types: each named, with what to type instead
        ("${a} ＝ 'yes'", "forms.expr.full_width", 6),
        ("${a} = ‘yes’", "forms.expr.full_width", 8),
        ("selected(${a}，'x')", "forms.expr.full_width", 14),
        ("${a} = 'yes' 和 ${b} > 1", "forms.expr.chinese_word", 14),
        ("${a} = 1 或者 ${b} > 1", "forms.expr.chinese_word", 10),
    ],
)
def test_mistakes_are_found_at_parse_time_with_their_position(text, key, position):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert (caught.value.key, caught.value.position) == (key, position)
    for lang in ("zh", "en"):
        assert "{" not in caught.value.message(lang) or "${" in caught.value.message(lang)


def test_a_full_width_symbol_is_named_with_the_one_to_type():
    with pytest.raises(ExpressionError) as found:
        parse("${a} ＞ 1")
    assert "“＞”" in found.value.message("zh") and "“>”" in found.value.message("zh")
    assert "“>”" in found.value.message("en")
    with pytest.raises(ExpressionError) as found:
        parse("${a} > 1 或 ${b} > 1")
    assert "or" in found.value.message("zh") and "“或”" in found.value.message("zh")
