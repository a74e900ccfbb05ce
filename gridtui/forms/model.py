"""A parsed form: items, groups and choice lists, checked once, with its expressions compiled and
the dependency graph between them worked out, so an answer re-evaluates only what depends on it.

A form is stored as its *definition*, a plain JSON dict (:meth:`Form.definition`): the database
keeps it, bundles carry it, and :class:`Form` is built from it again wherever it is needed
(cached by the callers). Nothing here knows about workbooks; :mod:`gridtui.forms.xlsform` turns
a workbook into a definition and maps the problems found here back to rows and columns.

:class:`FormState` is one visit's answers evaluated: which items are relevant (shown), which are
required now, what the calculations give and which choices a ``choice_filter`` offers. After
an answer only the items whose expressions depend on it, directly or through a calculation or a
group, are evaluated again (:meth:`Form.affected`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from gridtui.errors import GridError, ValidationError
from gridtui.forms.expr import Env, Expression, ExpressionError, Value, parse, to_bool, to_string

__all__ = [
    "ANSWERED_TYPES",
    "DATE_FORMATS",
    "ITEM_TYPES",
    "Choice",
    "Form",
    "FormErrors",
    "FormState",
    "Group",
    "Item",
    "Problem",
    "display",
    "expression_value",
    "parse_day",
    "text",
]

FORMAT = 1
"""Version of the definition's shape; a definition of another shape is refused, not misread."""

ITEM_TYPES = ("integer", "decimal", "text", "date", "select_one", "select_multiple", "note", "calculate")
ANSWERED_TYPES = ("integer", "decimal", "text", "date", "select_one", "select_multiple")
SELECTS = ("select_one", "select_multiple")
LANGS = ("zh", "en")
TEXT_LIMIT = 2000
"""The longest text answer (a typed line at a door; XLSForm itself sets no limit)."""

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
"""How people type a date; stored as ISO."""

ALWAYS = ("yes", "true", "true()")
NEVER = ("", "no", "false", "false()")
NAME = re.compile(r"[^\W\d][\w.\-]*\Z")
"""An XML name, as XLSForm's: a letter (a Chinese character is one) or underscore first."""
SHOWN_VALUE = re.compile(r"\$\{\s*([^\W\d][\w.\-]*)\s*\}")
"""``${name}`` in a label or hint: that item's answer, shown where it stands (as ODK shows it)."""

Labels = dict[str, str]


def text(labels: Labels | None, lang: str | None = None) -> str:
    """A label in the reader's language, else the other one."""
    from gridtui.i18n import pick

    labels = labels or {}
    return pick(labels.get("zh"), labels.get("en"), lang)


def parse_day(value: Any) -> date | None:
    """A date as people type it (2026-07-14, 2026/7/14, 2026年7月14日), or None if it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


# -- problems ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form: what (a catalog key and its params), and where: the item or
    group ``name`` (or a choice list), the ``column`` and, in an expression, the ``position``."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    column: str = ""
    position: int = 0
    sheet: str = "survey"
    row: int = 0

    def message(self, lang: str | None = None) -> str:
        from gridtui.i18n import t

        return t(self.key, lang=lang, **self.params)


class FormErrors(GridError):
    """A form that cannot be used, with every problem found (not only the first)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("forms.check.failed", count=len(problems))
        self.problems = problems


# -- the parts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    name: str
    label: Labels
    extra: dict[str, str] = field(default_factory=dict)
    """The choices sheet's other columns, which a choice_filter reads by name."""

    def columns(self) -> dict[str, str]:
        return {**self.extra, "name": self.name, **{f"label::{k}": v for k, v in self.label.items()}}


@dataclass(frozen=True)
class Group:
    name: str
    label: Labels
    relevant: str = ""
    parent: str = ""


@dataclass(frozen=True)
class Item:
    name: str
    type: str
    label: Labels = field(default_factory=dict)
    hint: Labels = field(default_factory=dict)
    required: str = ""
    required_message: Labels = field(default_factory=dict)
    relevant: str = ""
    constraint: str = ""
    constraint_message: Labels = field(default_factory=dict)
    default: str = ""
    choice_filter: str = ""
    calculation: str = ""
    list: str = ""
    group: str = ""

    @property
    def answered(self) -> bool:
        """Whether a person answers it (not a note or a calculation)."""
        return self.type in ANSWERED_TYPES


ITEM_FIELDS = tuple(Item.__dataclass_fields__)
GROUP_FIELDS = tuple(Group.__dataclass_fields__)
EXPRESSIONS = ("relevant", "required", "constraint", "calculation", "choice_filter", "default")
"""The item columns that may hold an expression (required: or yes/no; default: or a value)."""


def _labels(value: Any) -> Labels:
    return {k: str(v) for k, v in (value or {}).items() if k in LANGS and v}


# -- the form ---------------------------------------------------------------------------------------


class Form:
    """A checked form (see the module's docstring). Build it with :meth:`from_definition`."""

    def __init__(
        self,
        key: str,
        version: str,
        title: Labels,
        default_language: str,
        groups: list[Group],
        items: list[Item],
        choices: dict[str, list[Choice]],
    ) -> None:
        self.key, self.version, self.title = key, version, title
        self.default_language = default_language
        self.groups = {g.name: g for g in groups}
        self.items = tuple(items)
        self.choices = {name: tuple(found) for name, found in choices.items()}
        self.by_name = {i.name: i for i in self.items}
        self.expressions: dict[tuple[str, str], Expression] = {}
        problems = self._check(groups)
        if problems:
            raise FormErrors(problems)
        self.order = self._order()
        self._affected: dict[str, tuple[str, ...]] = {}
        self.label_readers = self._label_readers()
        """name -> the items whose label or hint show its answer (``${name}``)."""

    # -- definitions --------------------------------------------------------------------------
    @classmethod
    def from_definition(cls, definition: dict[str, Any]) -> Form:
        """The form a stored definition describes (raises FormErrors if it does not hold)."""
        if definition.get("format") != FORMAT:
            raise FormErrors([Problem("forms.check.format", {"found": definition.get("format")})])
        return cls(
            key=str(definition.get("form_key", "")),
            version=str(definition.get("version", "")),
            title=_labels(definition.get("title")),
            default_language=definition.get("default_language", "zh"),
            groups=[
                Group(**{k: _field(k, g.get(k)) for k in GROUP_FIELDS if k in g}) for g in definition.get("groups", [])
            ],
            items=[
                Item(**{k: _field(k, i.get(k)) for k in ITEM_FIELDS if k in i}) for i in definition.get("items", [])
            ],
            choices={
                name: [Choice(str(c["name"]), _labels(c.get("label")), dict(c.get("extra") or {})) for c in found]
                for name, found in (definition.get("choices") or {}).items()
            },
        )

    def definition(self) -> dict[str, Any]:
        """The plain dict that is stored and synced: empty fields left out."""

        def compact(part: Any, names: tuple[str, ...]) -> dict[str, Any]:
            return {n: getattr(part, n) for n in names if getattr(part, n)}

        return {
            "format": FORMAT,
            "form_key": self.key,
            "version": self.version,
            "title": self.title,
            "default_language": self.default_language,
            "groups": [compact(g, GROUP_FIELDS) for g in self.groups.values()],
            "items": [compact(i, ITEM_FIELDS) for i in self.items],
            "choices": {
                name: [{"name": c.name, "label": c.label, **({"extra": c.extra} if c.extra else {})} for c in found]
                for name, found in self.choices.items()
            },
        }

    @cached_property
    def digest(self) -> str:
        """The content's hash: everything but the version string, so that a changed form with an
        unchanged version is caught, and a workbook saved again unchanged is the same form."""
        content = {k: v for k, v in self.definition().items() if k != "version"}
        canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def label(self) -> str:
        return text(self.title) or self.key

    def item(self, name: str) -> Item | None:
        return self.by_name.get(name)

    def sections(self, item: Item) -> list[Group]:
        """The groups an item sits in, outermost first."""
        path, name = [], item.group
        while name:
            group = self.groups[name]
            path.append(group)
            name = group.parent
        return path[::-1]

    # -- checks -------------------------------------------------------------------------------
    def _check(self, groups: list[Group]) -> list[Problem]:
        problems: list[Problem] = []
        seen: set[str] = set()
        parts: list[Group | Item] = [*groups, *self.items]
        for part in parts:
            if not NAME.match(part.name):
                problems.append(Problem("forms.check.bad_name", {"name": part.name}, part.name, "name"))
            elif part.name in seen:
                problems.append(Problem("forms.check.duplicate_name", {"name": part.name}, part.name, "name"))
            seen.add(part.name)
        for group in groups:
            self._compile(group.name, "relevant", group.relevant, problems)
        for item in self.items:
            problems += self._check_item(item)
        for name, found in self.choices.items():
            names = [c.name for c in found]
            for dup in sorted({n for n in names if names.count(n) > 1}):
                problems.append(
                    Problem(
                        "forms.check.duplicate_choice", {"list": name, "choice": dup}, name, "name", sheet="choices"
                    )
                )
        if not any(i.answered for i in self.items):
            problems.append(Problem("forms.check.no_questions"))
        problems += self._check_references()
        if not problems:
            problems += self._check_cycles()
        return problems

    def _check_item(self, item: Item) -> list[Problem]:
        problems: list[Problem] = []

        def say(key: str, where: str, **params: Any) -> None:
            problems.append(Problem(key, {"name": item.name, **params}, item.name, where))

        if item.type not in ITEM_TYPES:
            say("forms.check.unsupported_type", "type", type=item.type)
            return problems
        if item.type != "calculate" and not item.label:
            say("forms.check.no_label", "label")
        if item.type in SELECTS:
            if item.list not in self.choices:
                say("forms.check.unknown_list", "type", list=item.list)
            elif not self.choices[item.list]:
                say("forms.check.empty_list", "type", list=item.list)
        for column in ("choice_filter",):
            if getattr(item, column) and item.type not in SELECTS:
                say("forms.check.column_not_here", column, column=column, type=item.type)
        if item.type == "calculate" and not item.calculation:
            say("forms.check.no_calculation", "calculation")
        if item.calculation and item.type != "calculate":
            say("forms.check.column_not_here", "calculation", column="calculation", type=item.type)
        if not item.answered:
            for column in ("required", "constraint", "default"):
                if getattr(item, column).strip().lower() not in NEVER:
                    say("forms.check.column_not_here", column, column=column, type=item.type)
        self._compile(item.name, "relevant", item.relevant, problems)
        self._compile(item.name, "calculation", item.calculation, problems)
        self._compile(item.name, "constraint", item.constraint, problems)
        self._compile(item.name, "choice_filter", item.choice_filter, problems)
        if item.required.strip().lower() not in (*ALWAYS, *NEVER):
            self._compile(item.name, "required", item.required, problems)
        if item.default and item.answered:
            if _is_expression(item.default):
                self._compile(item.name, "default", item.default, problems)
            else:
                try:
                    self.clean(item, item.default)
                except ValidationError as exc:
                    say("forms.check.bad_default", "default", detail=exc.message())
        return problems

    def _compile(self, name: str, column: str, source: str, problems: list[Problem]) -> None:
        if not source.strip():
            return
        try:
            found = parse(source, choice_columns=column == "choice_filter")
        except ExpressionError as exc:
            problems.append(
                Problem(
                    "forms.check.expression",
                    {"name": name, "column": column, "position": exc.position, "detail": exc.message()},
                    name,
                    column,
                    exc.position,
                )
            )
            return
        if found.uses_current and column in ("relevant", "calculation", "default"):
            problems.append(
                Problem(
                    "forms.check.current_here", {"name": name, "column": column}, name, column, source.index(".") + 1
                )
            )
            return
        self.expressions[(name, column)] = found

    def _check_references(self) -> list[Problem]:
        problems = []
        for (name, column), found in self.expressions.items():
            for ref in sorted(found.references):
                position = found.text.find("${") + 1
                marker = re.search(r"\$\{\s*" + re.escape(ref) + r"\s*\}", found.text)
                position = marker.start() + 1 if marker else position
                target = self.by_name.get(ref)
                if ref in self.groups or target is None:
                    key = "forms.check.group_reference" if ref in self.groups else "forms.check.unknown_reference"
                    problems.append(
                        Problem(
                            key,
                            {"name": name, "column": column, "ref": ref, "position": position},
                            name,
                            column,
                            position,
                        )
                    )
                elif target.type == "note":
                    problems.append(
                        Problem(
                            "forms.check.note_reference",
                            {"name": name, "column": column, "ref": ref, "position": position},
                            name,
                            column,
                            position,
                        )
                    )
        return problems

    # -- the dependency graph -----------------------------------------------------------------
    def _value_inputs(self, name: str) -> set[str]:
        """What a node's relevance or value is computed from: its relevant and calculation
        references, and the group it sits in."""
        part = self.by_name.get(name) or self.groups[name]
        inputs: set[str] = set()
        for column in ("relevant", "calculation"):
            found = self.expressions.get((name, column))
            if found is not None:
                inputs |= found.references
        parent = part.group if isinstance(part, Item) else part.parent
        if parent:
            inputs.add(parent)
        return inputs

    def _label_readers(self) -> dict[str, tuple[str, ...]]:
        readers: dict[str, list[str]] = {}
        parts: list[Group | Item] = [*self.groups.values(), *self.items]
        for part in parts:
            hint = part.hint.values() if isinstance(part, Item) else ()
            words = " ".join([*part.label.values(), *hint])  # messages are worded when raised
            for ref in dict.fromkeys(SHOWN_VALUE.findall(words)):
                if ref in self.by_name:  # a workbook's unknown names are refused by its reader
                    readers.setdefault(ref, []).append(part.name)
        return {name: tuple(found) for name, found in readers.items()}

    def _check_cycles(self) -> list[Problem]:
        try:
            self._order()
        except _Cycle as cycle:
            return [Problem("forms.check.cycle", {"names": " → ".join(cycle.names)}, cycle.names[0], "relevant")]
        return []

    def _order(self) -> tuple[str, ...]:
        """Groups and items, each after everything its relevance or value is computed from."""
        nodes = [*self.groups, *(i.name for i in self.items)]
        inputs = {n: self._value_inputs(n) for n in nodes}
        done: list[str] = []
        state: dict[str, int] = {}

        def visit(node: str, path: list[str]) -> None:
            if state.get(node) == 2:
                return
            if state.get(node) == 1:
                raise _Cycle([*path[path.index(node) :], node])
            state[node] = 1
            for before in sorted(inputs[node]):
                visit(before, [*path, node])
            state[node] = 2
            done.append(node)

        for node in nodes:
            visit(node, [])
        return tuple(done)

    @cached_property
    def _dependents(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """name -> nodes whose relevance or value it feeds; name -> items whose required or
        choice_filter reads it (those change nothing further)."""
        feeds: dict[str, set[str]] = {}
        checks: dict[str, set[str]] = {}
        for node in self.order:
            for source in self._value_inputs(node):
                feeds.setdefault(source, set()).add(node)
        for (name, column), found in self.expressions.items():
            if column in ("required", "choice_filter"):
                for source in found.references | ({name} if found.uses_current else set()):
                    checks.setdefault(source, set()).add(name)
        return feeds, checks

    def affected(self, name: str) -> tuple[str, ...]:
        """The nodes to evaluate again after ``name``'s answer changed, in evaluation order."""
        found = self._affected.get(name)
        if found is None:
            feeds, checks = self._dependents
            reached, stack = set(), [name]
            while stack:
                for node in feeds.get(stack.pop(), ()):
                    if node not in reached:
                        reached.add(node)
                        stack.append(node)
            for node in [name, *reached]:
                reached |= checks.get(node, set())
            rank = self._rank
            found = self._affected[name] = tuple(sorted(reached, key=rank.__getitem__))
        return found

    @cached_property
    def _rank(self) -> dict[str, int]:
        return {node: n for n, node in enumerate(self.order)}

    # -- answers ------------------------------------------------------------------------------
    def clean(self, item: Item, value: Any) -> Any:
        """An answer as stored (JSON), checked against the item's type and choices; None clears.

        Raises ValidationError (field ``answer``) for a value of the wrong kind. Skip logic and
        constraints are :class:`FormState`'s, which knows the other answers.
        """
        if value is None or value == "" or value == []:
            return None
        kind = item.type
        if kind == "integer":
            number = _number(value)
            if not number.is_integer():
                raise ValidationError("answer", "validate.integer", value=value)
            return int(number)
        if kind == "decimal":
            return _number(value)
        if kind == "date":
            day = parse_day(value) if not isinstance(value, bool) else None
            if day is None:
                raise ValidationError("answer", "validate.date", value=value)
            return day.isoformat()
        if kind == "text":
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise ValidationError("answer", "validate.text", value=value)
            found = str(value).strip()
            if len(found) > TEXT_LIMIT:
                raise ValidationError("answer", "validate.too_long", limit=TEXT_LIMIT)
            return found or None
        if kind in SELECTS:
            names = [c.name for c in self.choices.get(item.list, ())]
            given = value.split() if isinstance(value, str) and kind == "select_multiple" else value
            if kind == "select_one":
                if not isinstance(given, str) or given not in names:
                    raise ValidationError("answer", "validate.choice", value=value, allowed=" / ".join(names))
                return given
            if not isinstance(given, list) or not all(isinstance(v, str) and v in names for v in given):
                raise ValidationError("answer", "validate.choice", value=value, allowed=" / ".join(names))
            return sorted(set(given), key=names.index) or None
        raise ValidationError("answer", "validate.not_answered", value=item.type)

    def yes_no(self, item: Item) -> bool:
        """A single choice between "yes" and "no" (answered with one key, like a switch)."""
        return item.type == "select_one" and [c.name for c in self.choices.get(item.list, ())] in (
            ["yes", "no"],
            ["no", "yes"],
        )

    def choice_label(self, item: Item, name: str, lang: str | None = None) -> str:
        for choice in self.choices.get(item.list, ()):
            if choice.name == name:
                return text(choice.label, lang) or name
        return name


class _Cycle(Exception):
    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self.names = names


def _field(name: str, value: Any) -> Any:
    if name in ("label", "hint", "required_message", "constraint_message"):
        return _labels(value)
    return "" if value is None else str(value)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValidationError("answer", "validate.number", value=value)
    try:
        number = float(str(value).strip())
    except ValueError as exc:
        raise ValidationError("answer", "validate.number", value=value) from exc
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError("answer", "validate.number", value=value)
    return number


def _is_expression(default: str) -> bool:
    """A default that is computed (``today()``, ``${other}``) rather than a value."""
    return "(" in default or "${" in default


def expression_value(item: Item | None, value: Any) -> Value:
    """A stored answer as expressions see it: numbers, dates, a multiple choice as "a b"."""
    if value is None or item is None:
        return ""
    if item.type in ("integer", "decimal"):
        return float(value)
    if item.type == "date":
        day = parse_day(value)
        return day if day is not None else ""
    if isinstance(value, list):
        return " ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def display(form: Form, item: Item, value: Any, lang: str | None = None) -> str:
    """An answer as a person reads it: choice labels, numbers without a needless ``.0``."""
    from gridtui.i18n import t

    if value is None:
        return ""
    if item.type in SELECTS:
        names = value if isinstance(value, list) else [value]
        return t("visits.list_separator", lang=lang).join(form.choice_label(item, str(n), lang) for n in names)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- one visit's state ------------------------------------------------------------------------------


class FormState:
    """A visit's answers evaluated against its form (see the module's docstring).

    ``values`` holds the stored answers by item name; ``relevant``, ``required``, ``calculated``
    and ``offered`` are kept for every node and updated by :meth:`set`.
    """

    def __init__(self, form: Form, answers: dict[str, Any], today: date | None = None) -> None:
        self.form = form
        self.today = today or date.today()
        self.values: dict[str, Any] = {k: v for k, v in answers.items() if v is not None}
        self.relevant: dict[str, bool] = {}
        self.required: dict[str, bool] = {}
        self.calculated: dict[str, Value] = {}
        self.offered: dict[str, tuple[Any, ...]] = {}
        for node in form.order:
            self._evaluate(node)

    def lookup(self, name: str) -> Value:
        """The value expressions see: empty while the item is not relevant."""
        if not self.relevant.get(name, True):
            return ""
        item = self.form.by_name.get(name)
        if item is not None and item.type == "calculate":
            return self.calculated.get(name, "")
        return expression_value(item, self.values.get(name))

    def _env(self, current: Value = "") -> Env:
        return Env(self.lookup, current, self.today)

    def _evaluate(self, node: str) -> bool:
        """Work out one node again; whether anything a screen shows of it changed."""
        form = self.form
        group = form.groups.get(node)
        item = form.by_name.get(node)
        parent = group.parent if group is not None else item.group if item is not None else ""
        relevant = self.relevant.get(parent, True) if parent else True
        rule = form.expressions.get((node, "relevant"))
        if relevant and rule is not None:
            relevant = rule.boolean(self._env())
        before = (self.relevant.get(node), self.required.get(node), self.calculated.get(node), self.offered.get(node))
        self.relevant[node] = relevant
        if item is not None:
            self._evaluate_item(item, relevant)
        return before != (
            self.relevant.get(node),
            self.required.get(node),
            self.calculated.get(node),
            self.offered.get(node),
        )

    def _evaluate_item(self, item: Item, relevant: bool) -> None:
        form = self.form
        if item.type == "calculate":
            found = form.expressions.get((item.name, "calculation"))
            self.calculated[item.name] = found(self._env()) if relevant and found is not None else ""
            return
        rule = item.required.strip().lower()
        if not relevant or rule in NEVER:
            self.required[item.name] = False
        elif rule in ALWAYS:
            self.required[item.name] = True
        else:
            current = expression_value(item, self.values.get(item.name))
            self.required[item.name] = form.expressions[(item.name, "required")].boolean(self._env(current))
        choice_filter = form.expressions.get((item.name, "choice_filter"))
        if choice_filter is not None:
            env = self._env()
            offered = []
            for choice in form.choices.get(item.list, ()):
                env.choice = choice.columns()
                if choice_filter.boolean(env):
                    offered.append(choice)
            self.offered[item.name] = tuple(offered)

    def set(self, name: str, value: Any) -> list[str]:
        """Record ``name``'s new stored value; returns the names whose state changed (the item
        itself first), evaluating only what depends on it."""
        if value is None:
            self.values.pop(name, None)
        else:
            self.values[name] = value
        changed = [name]
        for node in self.form.affected(name):
            if self._evaluate(node):
                changed.append(node)
        readers = self.form.label_readers
        for node in changed[:] if readers else ():
            changed += [reader for reader in readers.get(node, ()) if reader not in changed]
        return changed

    def words(self, labels: Labels, lang: str | None = None) -> str:
        """A label or hint in the reader's language, each ``${name}`` in it shown as that
        item's answer now: choices by their labels, blank while unanswered or not asked."""
        found = text(labels, lang)
        if "${" not in found:
            return found
        return SHOWN_VALUE.sub(
            lambda m: self._shown(m.group(1), lang) if m.group(1) in self.form.by_name else m.group(0), found
        )

    def worded(self, labels: Labels) -> Labels:
        """:meth:`words` in each language the labels have (a message shown later, in the
        language its reader chooses then)."""
        return {lang: self.words(labels, lang) for lang in labels}

    def _shown(self, name: str, lang: str | None) -> str:
        if not self.relevant.get(name, True):
            return ""
        item = self.form.by_name[name]
        if item.type != "calculate":
            return display(self.form, item, self.values.get(name), lang)
        value = self.calculated.get(name, "")
        if isinstance(value, float) and not math.isfinite(value):
            return ""  # a sum over blank answers is NaN: shown blank, not "NaN"
        return to_string(value)  # as XPath writes it: 3, 2.5, true, 2026-07-14

    def choices(self, item: Item) -> tuple[Any, ...]:
        """The choices offered now: all of the list, or those its choice_filter lets through."""
        if item.name in self.offered:
            return self.offered[item.name]
        return self.form.choices.get(item.list, ())

    def default(self, item: Item) -> Any:
        """The item's default as a stored value (None if it has none), evaluated now."""
        if not item.default or not item.answered:
            return None
        source: Any = item.default
        found = self.form.expressions.get((item.name, "default"))
        if found is not None:
            source = found(self._env())
            if isinstance(source, float) and item.type not in ("integer", "decimal"):
                source = str(source)
        try:
            return self.form.clean(item, source)
        except ValidationError:
            return None

    def check(self, item: Item, value: Any) -> Any:
        """The stored form of a new answer, or ValidationError: its type, that it is asked at
        all (relevant), that a choice is offered, and its constraint with its message."""
        clean = self.form.clean(item, value)
        if not self.relevant.get(item.name, True):
            raise ValidationError("answer", "validate.not_relevant")
        if clean is None:
            return None
        if item.type in SELECTS and item.name in self.offered:
            offered = {c.name for c in self.offered[item.name]}
            for name in clean if isinstance(clean, list) else [clean]:
                if name not in offered:
                    raise ValidationError(
                        "answer",
                        "validate.choice",
                        value=name,
                        allowed=" / ".join(c.name for c in self.offered[item.name]),
                    )
        rule = self.form.expressions.get((item.name, "constraint"))
        if rule is not None and not to_bool(rule(self._env(expression_value(item, clean)))):
            if item.constraint_message:
                raise ValidationError(
                    "answer", "validate.constraint_message", message=self.worded(item.constraint_message)
                )
            raise ValidationError("answer", "validate.constraint", rule=item.constraint)
        return clean

    def missing(self) -> list[Item]:
        """Required items (relevant and required now) still without an answer, in form order."""
        return [i for i in self.form.items if self.required.get(i.name) and i.name not in self.values]

    def shown(self, item: Item) -> bool:
        """Whether the item is on the checklist now: relevant, and not a hidden calculation."""
        return self.relevant.get(item.name, True) and item.type != "calculate"
