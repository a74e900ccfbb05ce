"""The expression evaluator against lxml (libxml2's XPath 1.0) as an oracle.

Generated expressions over answers, literals, arithmetic, comparisons, logic and the XPath 1.0
functions both know. A reference is given to lxml as ODK unpacks it (a number answer as a
number, text or an unanswered question as a string), which is where ODK and plain XPath agree;
dates and ODK's own functions (selected, if, coalesce, today...) are where they must not, and
are tested by example in test_expr.py.
"""

from __future__ import annotations

import math

from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from gridtui.forms.expr import Env, parse

ANSWERS = {"n1": 4.0, "n2": 2.5, "n3": "", "t1": "b c", "t2": "", "t3": "12"}
"""Two numbers, an unanswered question, a text with spaces, an empty text, a text of digits."""

DOCUMENT = etree.fromstring(
    "<data>" + "".join(f"<{k}>{v if isinstance(v, str) else repr(v)}</{k}>" for k, v in ANSWERS.items()) + "</data>"
)


def _xpath_ref(name: str) -> str:
    value = ANSWERS[name]
    return f"number(/data/{name})" if isinstance(value, float) else f"string(/data/{name})"


numbers = st.sampled_from(["0", "1", "2", "3", "7", "10", "0.5", "2.25", "100"]).map(lambda n: (n, n))
texts = st.sampled_from(["''", "'a'", "'b c'", "'1'", "'2.5'", "' 3 '", "'x'"]).map(lambda s: (s, s))
number_refs = st.sampled_from(["n1", "n2", "n3"]).map(lambda n: (f"${{{n}}}", _xpath_ref(n)))
text_refs = st.sampled_from(["t1", "t2", "t3"]).map(lambda n: (f"${{{n}}}", _xpath_ref(n)))


def _both(template: str, *parts: tuple[str, str]) -> tuple[str, str]:
    return template.format(*(p[0] for p in parts)), template.format(*(p[1] for p in parts))


def strings(depth: int):
    base = st.one_of(texts, text_refs)
    if depth == 0:
        return base
    inner = strings(depth - 1)
    return st.one_of(base, st.tuples(inner, inner).map(lambda ab: _both("concat({}, {})", *ab)))


def numerics(depth: int):
    base = st.one_of(numbers, number_refs)
    if depth == 0:
        return base
    inner = numerics(depth - 1)
    binary = st.tuples(st.sampled_from(["+", "-", "*", "div", "mod"]), inner, inner).map(
        lambda t: _both("({} " + t[0] + " {})", t[1], t[2])
    )
    return st.one_of(
        base,
        binary,
        inner.map(lambda a: _both("-{}", a)),
        strings(depth - 1).map(lambda s: _both("number({})", s)),
        strings(depth - 1).map(lambda s: _both("string-length({})", s)),
        booleans(depth - 1).map(lambda b: _both("({} + 0)", b)),
        st.tuples(st.sampled_from(["floor", "ceiling", "round"]), inner).map(lambda t: _both(t[0] + "({})", t[1])),
    )


def booleans(depth: int):
    base = st.sampled_from([("true()", "true()"), ("false()", "false()")])
    if depth == 0:
        return base
    operand = st.one_of(numerics(depth - 1), strings(depth - 1))
    compare = st.tuples(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), operand, operand).map(
        lambda t: _both("({} " + t[0] + " {})", t[1], t[2])
    )
    inner = booleans(depth - 1)
    logic = st.tuples(st.sampled_from(["and", "or"]), inner, inner).map(
        lambda t: _both("({} " + t[0] + " {})", t[1], t[2])
    )
    mixed = st.tuples(inner, operand).map(lambda t: _both("({} = {})", *t))
    return st.one_of(
        base,
        compare,
        logic,
        mixed,
        inner.map(lambda b: _both("not({})", b)),
        operand.map(lambda a: _both("not({})", a)),
        st.tuples(st.sampled_from(["contains", "starts-with"]), strings(depth - 1), strings(depth - 1)).map(
            lambda t: _both(t[0] + "({}, {})", t[1], t[2])
        ),
    )


expressions = st.integers(1, 3).flatmap(lambda d: st.one_of(booleans(d), numerics(d), strings(d)))


def ours(text: str):
    return parse(text)(Env(lookup=ANSWERS.__getitem__))


def oracle(xpath: str):
    return DOCUMENT.xpath(xpath)


def same(a, b) -> bool:
    if isinstance(b, bool) or isinstance(a, bool):
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    if isinstance(b, float):
        return isinstance(a, float) and (
            (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12) or a == b
        )
    return isinstance(a, str) and str(a) == str(b)


@settings(max_examples=400, deadline=None)
@given(expressions)
@example(("${n3} > 1", "string(/data/n3) > 1"))
@example(("${n3} = ''", "string(/data/n3) = ''"))
@example(("${n3} != 1", "string(/data/n3) != 1"))
@example(("not(${t2})", "not(string(/data/t2))"))
@example(("${t3} = 12", "string(/data/t3) = 12"))
@example(("${t3} < '2'", "string(/data/t3) < '2'"))
@example(("-7 mod 3", "-7 mod 3"))
@example(("1 div 0 > 100", "1 div 0 > 100"))
@example(("0 div 0 = 0 div 0", "0 div 0 = 0 div 0"))
@example(("${n1} - -${n2} * 2 div 4", "number(/data/n1) - -number(/data/n2) * 2 div 4"))
@example(("number(' 3 ') = 3", "number(' 3 ') = 3"))
@example(("true() = 'x' or 1 = 0 and 2 = 2", "true() = 'x' or 1 = 0 and 2 = 2"))
def test_the_evaluator_agrees_with_lxml(pair):
    text, xpath = pair
    expected = oracle(xpath)
    got = ours(text)
    assert same(got, expected), (text, xpath, got, expected)
