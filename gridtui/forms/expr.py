"""ODK's expression language, the subset XLSForms use: parsed once when a form is imported,
evaluated at every answer.

Supported: ``${name}``, ``.``, string and number literals, ``= != < <= > >=``, ``+ - * div mod``,
unary minus, ``and or``, parentheses and the functions in :data:`FUNCTIONS`. In a
``choice_filter`` a bare name (``category``) is a column of the choices sheet.

The rules are ODK's (JavaRosa's), which differ from a plain XPath 1.0 library in two places
that matter for skip logic: a reference stands for its answer's value, not a node, so an
unanswered question is the empty string (false, not a number, equal to ``''``); and a date
answer, ``today()`` and ``date()`` are dates, which compare and subtract as days, and beside
which text such as ``'2026-07-14'`` is a date too (XPath libraries compare them as NaN). Otherwise XPath 1.0 holds: ``=`` compares as booleans if
either side is one, else as numbers if either is a number, else as strings; ``<`` and friends
compare numbers, so an empty answer compared as a number is false.

Values are ``str``, ``float``, ``bool`` or :class:`datetime.date`. Parsing raises
:class:`ExpressionError` with the 1-based position of the mistake.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from gridtui.errors import GridError

__all__ = [
    "Env",
    "Expression",
    "ExpressionError",
    "FUNCTIONS",
    "parse",
    "to_bool",
    "to_number",
    "to_string",
]

Value = str | float | bool | date
EPOCH = date(1970, 1, 1)


class ExpressionError(GridError):
    """An expression that cannot be read; ``position`` is 1-based, into the expression's text."""

    def __init__(self, key: str, position: int, **params: object) -> None:
        super().__init__(key, position=position, **params)
        self.position = position


@dataclass
class Env:
    """What an expression is evaluated against: the answers by name, the current item's value
    (``.``), the day for ``today()``, and in a choice filter the choice's columns."""

    lookup: Callable[[str], Value]
    current: Value = ""
    today: date = field(default_factory=date.today)
    choice: dict[str, str] | None = None


# -- conversions (XPath 1.0, with ODK's dates) ----------------------------------------------------

_NUMBER = re.compile(r"\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*\Z")


def to_number(value: Value) -> float:
    """XPath's number(): booleans 1/0, text that is a plain decimal, dates as days since 1970."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float | int):
        return float(value)
    if isinstance(value, date):
        return float((value - EPOCH).days)
    found = _NUMBER.match(value)
    return float(found.group(1)) if found else math.nan


def to_string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | int):
        return _number_text(float(value))
    if isinstance(value, date):
        return value.isoformat()
    return value


def _number_text(number: float) -> str:
    """As XPath writes a number: no exponent, no ``.0`` on whole numbers, NaN and Infinity."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number.is_integer():
        return str(int(number))
    text = repr(number)
    return format(Decimal(text), "f") if "e" in text else text


def to_bool(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, date):
        return True
    return value != ""


def to_date(value: Value) -> date | None:
    """A date, or None: ISO text (a time part is ignored), or a number of days since 1970."""
    if isinstance(value, date):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        return EPOCH + timedelta(days=math.floor(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def equals(a: Value, b: Value) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return to_bool(a) == to_bool(b)
    if isinstance(a, date) or isinstance(b, date):
        left, right = to_date(a), to_date(b)
        return left is not None and left == right
    if isinstance(a, float | int) or isinstance(b, float | int):
        return to_number(a) == to_number(b)
    return a == b


# -- tokens -----------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>\d+(?:\.\d*)?|\.\d+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<ref>\$\{(?P<refname>[^}]*)\})
      | (?P<op>!=|<=|>=|[=<>+\-*(),])
      | (?P<dot>\.\.?)
      | (?P<name>[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_NCNAME = re.compile(r"[^\W\d][\w.\-]*\Z")  # a question's name: Chinese too (家庭人数)
FULL_WIDTH = dict(zip("＝（），‘’“”＞＜！＋－＊／｛｝＄．＇＂", "=(),''\"\"><!+-*/{}$.'\"", strict=True))
"""What a Chinese input method types for an expression's symbols, and the symbol meant."""
CHINESE_WORDS = {"和": "and", "且": "and", "并且": "and", "或": "or", "或者": "or", "非": "not()"}
"""Chinese words written where an expression's operator belongs."""
_WORD_OPERATORS = ("and", "or", "div", "mod")


@dataclass(frozen=True)
class Token:
    kind: str  # number string ref op dot name end
    text: str
    position: int  # 1-based


def _tokens(text: str) -> list[Token]:
    """XPath's lexing rule: after an operand, ``and or div mod`` and ``*`` are operators."""
    tokens: list[Token] = []
    for found in _TOKEN.finditer(text):
        kind = found.lastgroup or ""
        kind = kind if kind != "refname" else "ref"
        position = found.start() + 1
        value = found.group()
        if kind == "space":
            continue
        if kind == "other":
            if value in "'\"":
                raise ExpressionError("forms.expr.unterminated", position)
            if value == "$":
                raise ExpressionError("forms.expr.bad_reference", position)
            if value in FULL_WIDTH:
                raise ExpressionError("forms.expr.full_width", position, text=value, ascii=FULL_WIDTH[value])
            word = next(
                (w for w in sorted(CHINESE_WORDS, key=len, reverse=True) if text.startswith(w, found.start())), ""
            )
            if word:
                raise ExpressionError("forms.expr.chinese_word", position, text=word, ascii=CHINESE_WORDS[word])
            raise ExpressionError("forms.expr.unexpected", position, text=value)
        if kind == "ref":
            name = found.group("refname").strip()
            if not _NCNAME.match(name):
                raise ExpressionError("forms.expr.bad_reference", position)
            value = name
        if kind == "dot" and value == "..":
            raise ExpressionError("forms.expr.unsupported", position, text="..")
        if kind == "name" and value in _WORD_OPERATORS and _after_operand(tokens):
            kind = "op"
        tokens.append(Token(kind, value, position))
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _after_operand(tokens: list[Token]) -> bool:
    if not tokens:
        return False
    last = tokens[-1]
    return last.kind in ("number", "string", "ref", "dot", "name") or last.text == ")"


# -- the functions ----------------------------------------------------------------------------------

Compiled = Callable[[Env], Value]


def _regex(args: list[Value]) -> bool:
    try:
        return re.search(to_string(args[1]), to_string(args[0])) is not None
    except re.error:
        return False


def _int(value: Value) -> float:
    number = to_number(value)
    return float(math.trunc(number)) if math.isfinite(number) else number


def _date(value: Value) -> Value:
    found = to_date(value)
    return found if found is not None else ""


def _round(args: list[Value]) -> float:
    """XPath's round (half up: floor(x + 0.5)); ODK's second argument: that many decimals,
    half away from zero as JavaRosa's BigDecimal rounds."""
    number = to_number(args[0])
    if not math.isfinite(number):
        return number
    if len(args) == 1:
        return float(math.floor(number + 0.5))
    places = to_number(args[1])
    if not math.isfinite(places):
        return math.nan
    try:
        step = Decimal(1).scaleb(-int(places))
        return float(Decimal(repr(number)).quantize(step, rounding=ROUND_HALF_UP))
    except InvalidOperation:  # more digits than a decimal holds: nothing to round
        return number


def _substr(args: list[Value]) -> str:
    """ODK's substr(text, start[, end]): from ``start`` (counted from 0) to before ``end``."""
    text = to_string(args[0])
    bounds = [to_number(a) for a in args[1:]]
    if not all(math.isfinite(b) for b in bounds):
        return ""
    start = max(0, int(bounds[0]))
    end = int(bounds[1]) if len(bounds) > 1 else len(text)
    return text[start:end]


def _extreme(pick: Callable[..., float]) -> Callable[[list[Value]], float]:
    """min() and max() over numbers, as ODK's: NaN if any is not a number (an empty answer)."""

    def found(args: list[Value]) -> float:
        numbers = [to_number(a) for a in args]
        return math.nan if any(math.isnan(n) for n in numbers) else float(pick(numbers))

    return found


DATE_PARTS = ("%Y", "%y", "%m", "%d", "%H", "%M", "%S")
"""format-date's parts that are strftime's own; %n and %e (month and day unpadded) are ODK's."""


def _format_date(args: list[Value]) -> str:
    """ODK's format-date(date, pattern) for its numeric parts; blank for a value that is not
    a date. Any other part is left as written."""
    day = to_date(args[0])
    if day is None:
        return ""

    def part(found: re.Match[str]) -> str:
        code = found.group(0)
        if code == "%n":
            return str(day.month)
        if code == "%e":
            return str(day.day)
        return day.strftime(code) if code in DATE_PARTS else code

    return re.sub(r"%[a-zA-Z]", part, to_string(args[1]))


FUNCTIONS: dict[str, tuple[int, int | None, Callable[[list[Value]], Value]]] = {
    "selected": (2, 2, lambda a: to_string(a[1]).strip() in to_string(a[0]).split()),
    "count-selected": (1, 1, lambda a: float(len(to_string(a[0]).split()))),
    "coalesce": (2, 2, lambda a: a[0] if to_string(a[0]) != "" else a[1]),
    "string-length": (1, 1, lambda a: float(len(to_string(a[0])))),
    "number": (1, 1, lambda a: to_number(a[0])),
    "int": (1, 1, lambda a: _int(a[0])),
    "regex": (2, 2, _regex),
    "date": (1, 1, lambda a: _date(a[0])),
    "not": (1, 1, lambda a: not to_bool(a[0])),
    "concat": (1, None, lambda a: "".join(map(to_string, a))),
    "true": (0, 0, lambda a: True),
    "false": (0, 0, lambda a: False),
    "string": (1, 1, lambda a: to_string(a[0])),
    "boolean": (1, 1, lambda a: to_bool(a[0])),
    "contains": (2, 2, lambda a: to_string(a[1]) in to_string(a[0])),
    "starts-with": (2, 2, lambda a: to_string(a[0]).startswith(to_string(a[1]))),
    "ends-with": (2, 2, lambda a: to_string(a[0]).endswith(to_string(a[1]))),
    "substr": (2, 3, _substr),
    "normalize-space": (1, 1, lambda a: " ".join(to_string(a[0]).split())),
    "round": (1, 2, _round),
    "floor": (1, 1, lambda a: float(math.floor(n)) if math.isfinite(n := to_number(a[0])) else n),
    "ceiling": (1, 1, lambda a: float(math.ceil(n)) if math.isfinite(n := to_number(a[0])) else n),
    "abs": (1, 1, lambda a: abs(to_number(a[0]))),
    "min": (1, None, _extreme(min)),
    "max": (1, None, _extreme(max)),
    "format-date": (2, 2, _format_date),
}
"""name -> (fewest arguments, most (None: any), the function over evaluated arguments).
``if()`` and ``today()`` are handled by the compiler (lazy branches; the day from the Env)."""

SPECIAL = {"if": 3, "today": 0}


# -- parsing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its text, the names it references and the compiled evaluator."""

    text: str
    references: frozenset[str]
    uses_today: bool
    uses_current: bool
    run: Compiled = field(compare=False, repr=False)

    def __call__(self, env: Env) -> Value:
        return self.run(env)

    def boolean(self, env: Env) -> bool:
        return to_bool(self.run(env))


class _Parser:
    """Recursive descent in XPath's precedence: or, and, equality, relational, additive,
    multiplicative, unary minus; each level compiles its operands into closures."""

    def __init__(self, text: str, choice_columns: bool) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.choice_columns = choice_columns
        self.references: set[str] = set()
        self.uses_today = self.uses_current = False

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, text: str) -> None:
        if self.token.text != text or self.token.kind not in ("op",):
            self.fail()
        self.take()

    def fail(self) -> None:
        token = self.token
        if token.kind == "end":
            raise ExpressionError("forms.expr.ended", token.position)
        raise ExpressionError("forms.expr.unexpected", token.position, text=token.text)

    def parse(self) -> Compiled:
        if self.token.kind == "end":
            raise ExpressionError("forms.expr.empty", 1)
        run = self.or_()
        if self.token.kind != "end":
            self.fail()
        return run

    def _binary(
        self,
        operators: tuple[str, ...],
        operand: Callable[[], Compiled],
        combine: Callable[[str, Compiled, Compiled], Compiled],
    ) -> Compiled:
        left = operand()
        while self.token.kind == "op" and self.token.text in operators:
            op = self.take().text
            left = combine(op, left, operand())
        return left

    def or_(self) -> Compiled:
        return self._binary(("or",), self.and_, lambda _op, a, b: lambda env: to_bool(a(env)) or to_bool(b(env)))

    def and_(self) -> Compiled:
        return self._binary(("and",), self.equality, lambda _op, a, b: lambda env: to_bool(a(env)) and to_bool(b(env)))

    def equality(self) -> Compiled:
        def combine(op: str, a: Compiled, b: Compiled) -> Compiled:
            if op == "=":
                return lambda env: equals(a(env), b(env))
            return lambda env: not equals(a(env), b(env))

        return self._binary(("=", "!="), self.relational, combine)

    def relational(self) -> Compiled:
        compare = {
            "<": lambda x, y: x < y,
            "<=": lambda x, y: x <= y,
            ">": lambda x, y: x > y,
            ">=": lambda x, y: x >= y,
        }

        def combine(op: str, a: Compiled, b: Compiled) -> Compiled:
            test = compare[op]
            return lambda env: _ordered(test, a(env), b(env))

        return self._binary(tuple(compare), self.additive, combine)

    def additive(self) -> Compiled:
        def combine(op: str, a: Compiled, b: Compiled) -> Compiled:
            if op == "+":
                return lambda env: to_number(a(env)) + to_number(b(env))
            return lambda env: to_number(a(env)) - to_number(b(env))

        return self._binary(("+", "-"), self.multiplicative, combine)

    def multiplicative(self) -> Compiled:
        def combine(op: str, a: Compiled, b: Compiled) -> Compiled:
            if op == "*":
                return lambda env: to_number(a(env)) * to_number(b(env))
            if op == "div":
                return lambda env: _divide(to_number(a(env)), to_number(b(env)))
            return lambda env: _modulo(to_number(a(env)), to_number(b(env)))

        return self._binary(("*", "div", "mod"), self.unary, combine)

    def unary(self) -> Compiled:
        if self.token.kind == "op" and self.token.text == "-":
            self.take()
            operand = self.unary()
            return lambda env: -to_number(operand(env))
        return self.primary()

    def primary(self) -> Compiled:
        token = self.token
        if token.kind == "number":
            self.take()
            number = float(token.text)
            return lambda env: number
        if token.kind == "string":
            self.take()
            text = token.text[1:-1]
            return lambda env: text
        if token.kind == "ref":
            self.take()
            name = token.text
            self.references.add(name)
            return lambda env: env.lookup(name)
        if token.kind == "dot":
            self.take()
            self.uses_current = True
            return lambda env: env.current
        if token.kind == "op" and token.text == "(":
            self.take()
            inner = self.or_()
            self.expect(")")
            return inner
        if token.kind == "name":
            if self.tokens[self.at + 1].text == "(":
                return self.call()
            return self.column()
        self.fail()
        raise AssertionError  # fail() always raises

    def column(self) -> Compiled:
        token = self.take()
        if not self.choice_columns or ":" in token.text:
            raise ExpressionError("forms.expr.bare_name", token.position, name=token.text)
        name = token.text
        return lambda env: (env.choice or {}).get(name, "")

    def call(self) -> Compiled:
        token = self.take()
        name = token.text
        self.take()  # (
        args: list[Compiled] = []
        starts: list[int] = []
        if not (self.token.kind == "op" and self.token.text == ")"):
            starts.append(self.at)
            args.append(self.or_())
            while self.token.kind == "op" and self.token.text == ",":
                self.take()
                starts.append(self.at)
                args.append(self.or_())
        self.expect(")")
        if name in SPECIAL:
            if len(args) != SPECIAL[name]:
                raise ExpressionError("forms.expr.arguments", token.position, name=name, count=len(args))
            if name == "today":
                self.uses_today = True
                return lambda env: env.today
            condition, then, otherwise = args
            return lambda env: then(env) if to_bool(condition(env)) else otherwise(env)
        if name not in FUNCTIONS:
            raise ExpressionError("forms.expr.unknown_function", token.position, name=name)
        fewest, most, function = FUNCTIONS[name]
        if len(args) < fewest or (most is not None and len(args) > most):
            raise ExpressionError("forms.expr.arguments", token.position, name=name, count=len(args))
        if name == "regex":
            self._check_pattern(starts[1])
        return lambda env: function([arg(env) for arg in args])

    def _check_pattern(self, start: int) -> None:
        """A regex() pattern given as text is compiled now, so a bad one is found at import."""
        string_token = self.tokens[start]
        if string_token.kind == "string" and self.tokens[start + 1].text in (")", ","):
            try:
                re.compile(string_token.text[1:-1])
            except re.error as exc:
                raise ExpressionError("forms.expr.bad_pattern", string_token.position, detail=str(exc)) from exc


def _ordered(test: Callable[[float, float], bool], a: Value, b: Value) -> bool:
    """``<`` and friends compare numbers; beside a date, text is read as a date (both as days)."""
    if isinstance(a, date) or isinstance(b, date):
        left, right = to_date(a), to_date(b)
        return left is not None and right is not None and test(left.toordinal(), right.toordinal())
    return test(to_number(a), to_number(b))


def _divide(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1, b)
    return a / b


def _modulo(a: float, b: float) -> float:
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)


def parse(text: str, *, choice_columns: bool = False) -> Expression:
    """Parse ``text``; ``choice_columns``: bare names are the choice's columns (choice_filter)."""
    parser = _Parser(text, choice_columns)
    run = parser.parse()
    return Expression(text, frozenset(parser.references), parser.uses_today, parser.uses_current, run)
