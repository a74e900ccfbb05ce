"""The stored form of synced rows: what every value must be as SQLite keeps it, checked before
it is written, whether the store made it or a bundle brought it.

Three layers, each with its rules in one place:

* the **type** of each column as SQLite keeps it (:func:`check_types`): a flag is 0 or 1, an
  integer fits in 64 bits, a number is finite, text is valid UTF-8 (no lone surrogates) and at
  most :data:`MAX_TEXT` characters, a date or time is in the one ISO shape peewee reads back,
  JSON parses. The store runs it on every local write, the merge on every merged row.
* a synced row's **bookkeeping** (id, origin device, version stamps), which only the store makes
  and so only merged rows need checking against;
* each field's **own rule** from :mod:`gridtui.core.validate` (a need's status, a phone, an answer
  against its checklist item). Merged values must already be what the rule would store: the
  rule must accept them and leave them as they are.

Merged rows come column by column (as bundles carry them), so the checks run per column with a
whole-column test in C first and each distinct value looked at only where that is needed: a
full community (170,000 rows) takes a fraction of a second.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from peewee import (
    BooleanField,
    DateField,
    DateTimeField,
    Field,
    FloatField,
    ForeignKeyField,
    IntegerField,
)

from gridtui.core import hlc, validate
from gridtui.core.models import JSONField, Synced
from gridtui.errors import GridError, ValidationError

if TYPE_CHECKING:
    from gridtui.forms.model import Form

MAX_TEXT = 1 << 20
"""Characters in one text value: over a hundred times the longest answer a checklist allows
(500), and small enough that no single value can fill a laptop's memory."""
INT64 = (-(1 << 63), (1 << 63) - 1)
MAX_ID = 36
STORED_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
STORED_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)?")
"""How peewee writes a datetime (``str(value)``) and reads it back; any other shape would come
back as a plain string and break whatever reads it."""
SHAPES = {"date": (STORED_DATE, date.fromisoformat), "datetime": (STORED_DATETIME, datetime.fromisoformat)}
"""Per kind: the one shape it is stored in, and the parse that finds impossible days."""


ColumnValues = Sequence[Any]
"""One column of rows as a bundle carries it: stored values, in row order."""
Found = tuple[int, ValidationError]
"""Where a column breaks a rule: the index of the first row that does, and the rule's sentence."""


def columns(model: type[Synced]) -> list[str]:
    """The stored columns a row travels with between laptops: all but the local ``seq``."""
    return [f.column_name for f in model._meta.sorted_fields if f.name != "seq"]


class BadValue(Exception):
    """A value that breaks a rule: the row and column it is in, and the rule's own sentence."""

    def __init__(self, table: str, row_id: Any, column: str, reason: ValidationError) -> None:
        super().__init__(reason.key)
        self.table, self.row_id, self.column, self.reason = table, row_id, column, reason


# -- types ------------------------------------------------------------------------------------


def kind(field: Field) -> str:
    """What a field's values are in SQLite (a reference has the type of what it points at)."""
    if isinstance(field, ForeignKeyField):
        return kind(field.rel_field)
    for cls, name in (
        (BooleanField, "flag"),
        (IntegerField, "integer"),
        (FloatField, "number"),
        (DateTimeField, "datetime"),
        (DateField, "date"),
        (JSONField, "json"),
    ):
        if isinstance(field, cls):
            return name
    return "text"


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON, whatever Python's parser allows


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def loads(text: str) -> Any:
    """JSON as gridtui writes it: no NaN or Infinity; nesting is bounded by the parser's own
    recursion limit (RecursionError, caught by every caller)."""
    return _DECODER.decode(text)


def _whole_column_ok(sort: str, values: ColumnValues) -> bool:
    """A quick test of a whole column (non-null values) in C. For dates, times and JSON it only
    says the values are valid text; their shape is then looked at once per distinct value."""
    types = set(map(type, values))
    try:
        if sort == "flag":
            return types <= {int} and set(values) <= {0, 1}
        if sort == "integer":
            return types <= {int} and INT64[0] <= min(values) and max(values) <= INT64[1]
        if sort == "number":
            return (
                types <= {int, float}
                and all(map(math.isfinite, values))
                and (int not in types or INT64[0] <= min(values) and max(values) <= INT64[1])
            )
        if not types <= {str}:
            return False
        joined = "".join(values)
        if len(joined) > MAX_TEXT and max(map(len, values)) > MAX_TEXT:
            return False
        joined.encode("utf-8")
    except (UnicodeEncodeError, OverflowError):
        return False
    return True


def _all_shaped(sort: str, values: Sequence[str]) -> bool:
    """Dates or times, all in their stored shape and possible, tested in C over distinct values."""
    shape, parse = SHAPES[sort]
    distinct = list(dict.fromkeys(values))
    try:
        return all(map(shape.fullmatch, distinct)) and all(map(parse, distinct))
    except ValueError:
        return False


def _type_error(sort: str, label: str, value: Any) -> ValidationError | None:
    """Why one non-null value is not of its column's stored type, or None."""
    if sort == "flag":
        return None if type(value) is int and value in (0, 1) else ValidationError(label, "validate.yesno")
    if sort in ("integer", "number"):
        return _number_error(sort, label, value)
    if type(value) is not str:
        return ValidationError(label, "validate.text")
    if len(value) > MAX_TEXT:
        return ValidationError(label, "validate.too_long", limit=MAX_TEXT)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return ValidationError(label, "validate.encoding")
    return _shape_error(sort, label, value)


def _number_error(sort: str, label: str, value: Any) -> ValidationError | None:
    allowed = (int,) if sort == "integer" else (int, float)
    if type(value) not in allowed:
        return ValidationError(label, "validate.integer" if sort == "integer" else "validate.number", value=value)
    if type(value) is float and not math.isfinite(value):
        return ValidationError(label, "validate.number", value=value)
    if type(value) is int and not INT64[0] <= value <= INT64[1]:
        return ValidationError(label, "validate.range", low=INT64[0], high=INT64[1], unit="")
    return None


def _shape_error(sort: str, label: str, value: str) -> ValidationError | None:
    """Dates and times in the shape peewee reads back, JSON that parses into valid text."""
    try:
        if sort == "date" and STORED_DATE.fullmatch(value):
            date.fromisoformat(value)
        elif sort == "datetime" and STORED_DATETIME.fullmatch(value):
            datetime.fromisoformat(value)
        elif sort == "json":
            decoded = loads(value)
            if "\\u" in value:  # only an escape can make a lone surrogate out of valid text
                json.dumps(decoded, ensure_ascii=False).encode("utf-8")
        elif sort != "text":
            raise ValueError(value)
    except (ValueError, RecursionError, UnicodeEncodeError):
        return ValidationError(label, "validate.json" if sort == "json" else "validate.date", value=value)
    return None


def _first_type_error(field: Field, column: ColumnValues) -> Found | None:
    """The first value of a column that is not of its stored type (None: where allowed)."""
    sort = kind(field)
    present = [v for v in column if v is not None] if None in column else column
    if len(present) < len(column) and not field.null:
        return column.index(None), ValidationError(field.name, "validate.required")
    shaped = sort in ("date", "datetime", "json")
    whole_ok = bool(present) and _whole_column_ok(sort, present)
    if not present or whole_ok and (not shaped or sort in SHAPES and _all_shaped(sort, present)):
        return None
    for value in dict.fromkeys(present) if whole_ok else present:
        error = _type_error(sort, field.name, value)
        if error is not None:
            return column.index(value), error
    return None


def check_types(model: type[Synced], names: Sequence[str], columns: Sequence[ColumnValues]) -> None:
    """Every value of these rows (given column by column, by column name) of its stored type."""
    for name, column in zip(names, columns, strict=True):
        found = _first_type_error(model._meta.columns[name], column)
        if found is not None:
            raise _bad(model, names, columns, name, *found)


def _bad(
    model: type[Synced],
    names: Sequence[str],
    columns: Sequence[ColumnValues],
    column: str,
    index: int,
    reason: ValidationError,
) -> BadValue:
    ids = columns[list(names).index("id")] if "id" in names else [None] * (index + 1)
    return BadValue(model._meta.table_name, ids[index], column, reason)


def check_record(model: type[Synced], values: dict[str, Any]) -> None:
    """The store's own values for one row (field name -> Python value), in their stored form;
    a value that fails raises the rule's ValidationError."""
    for name, value in values.items():
        field = model._meta.fields[name]
        try:
            stored = as_stored(field.db_value(value))
        except (TypeError, ValueError, OverflowError) as exc:
            sort = kind(field)
            key = {"integer": "validate.integer", "number": "validate.number"}.get(sort, "validate.json")
            raise ValidationError(name, key, value=value) from exc
        found = _first_type_error(field, [stored])
        if found is not None:
            raise found[1]


def as_stored(value: Any) -> Any:
    """A value peewee hands to SQLite as SQLite keeps it: flags as 0/1, dates and times as text
    (what the sqlite3 module's own adapters would make of them)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):  # a datetime too: str() is the adapter's isoformat(" ")
        return str(value)
    return value


# -- bookkeeping and each field's rule: rows merged from other laptops ------------------------


def check_merged(model: type[Synced], names: Sequence[str], columns: Sequence[ColumnValues]) -> None:
    """Rows from another laptop, as stored values: types, bookkeeping, each field's rule and an
    answer against its item. Raises :class:`BadValue` for the first value that fails."""
    check_types(model, names, columns)
    by_name = dict(zip(names, columns, strict=True))
    for column, error in _bookkeeping_errors(model, by_name):
        raise _bad(model, names, columns, column, *error)
    for column, error in _rule_errors(model, by_name):
        raise _bad(model, names, columns, column, *error)
    if model._meta.table_name == "answer":
        found = _answer_error(by_name["visit_id"], by_name["item"], by_name["value"])
        if found is not None:
            raise _bad(model, names, columns, "value", *found)


def _bookkeeping_errors(model: type[Synced], by_name: dict[str, ColumnValues]) -> Iterator[tuple[str, Found]]:
    """Ids, origins and stamps as the store makes them; overrides name the row's own fields."""
    ids = by_name["id"]
    if ids and not 0 < min(map(len, ids)) <= max(map(len, ids)) <= MAX_ID:
        i = next(i for i, row_id in enumerate(ids) if not 0 < len(row_id) <= MAX_ID)
        yield "id", (i, ValidationError("id", "validate.too_long", limit=MAX_ID))
    for name, test in (("origin", hlc.is_device_id), ("stamp", hlc.is_stamp)):
        for value in set(by_name[name]):
            if not test(value):
                yield name, (by_name[name].index(value), ValidationError(name, "validate.stamp", value=value))
    fields = {*model.data_fields(), "deleted"}
    for text in set(by_name["stamps"]) - {"{}"}:
        stamps = loads(text)
        if not (isinstance(stamps, dict) and set(stamps) <= fields and all(map(hlc.is_stamp, stamps.values()))):
            yield "stamps", (by_name["stamps"].index(text), ValidationError("stamps", "validate.stamp", value=text))


def _rule_errors(model: type[Synced], by_name: dict[str, ColumnValues]) -> Iterator[tuple[str, Found]]:
    """Each field's rule from validate must accept its stored value and leave it as it is."""
    for field_name, (label, rule) in validate.FIELD_RULES.get(model._meta.table_name, {}).items():
        field = model._meta.fields[field_name]
        column = by_name[field.column_name]
        as_python = _reader(field)
        distinct = set(column)
        kept_whole = validate.KEPT_WHOLE.get(rule)
        if kept_whole is not None and kept_whole(list(distinct)):
            continue
        for value in distinct:
            wanted = as_python(value)
            try:
                kept = rule(label, wanted)
            except ValidationError as error:
                yield field.column_name, (column.index(value), error)
                continue
            if kept != wanted:
                yield (
                    field.column_name,
                    (column.index(value), ValidationError(label, "validate.not_stored_form", value=value)),
                )


def _reader(field: Field) -> Callable[[Any], Any]:
    """A stored value as the field's Python value (a date without peewee's strptime)."""
    if kind(field) == "date":
        return lambda value: None if value is None else date.fromisoformat(value)
    read: Callable[[Any], Any] = field.python_value
    return read


def _answer_error(visits: ColumnValues, items: ColumnValues, values: ColumnValues) -> Found | None:
    """Each distinct (form version, item, answer) checked as the store checks a typed answer,
    against the version the answer's visit is answered in (visits come before answers). An
    answer whose visit is not here is the merge's to judge by its reference: held with a visit
    held back, left for later or refused as dangling (gridtui.sync.merge), and checked here when
    its visit arrives."""
    versions = _visit_versions(set(visits))
    triples = [(versions.get(visit), item, value) for visit, item, value in zip(visits, items, values, strict=True)]
    forms: dict[str, Form | None] = {}  # each version's form read once a chunk, not once an answer
    for triple in set(triples):
        version = triple[0]
        if version is None:
            continue
        if version not in forms:
            forms[version] = _form_or_none(version)
        error = _answer_verdict(version, triple[1], triple[2], forms[version])
        if error is not None:
            return triples.index(triple), error
    return None


def _form_or_none(version: str) -> Form | None:
    from gridtui.core.stored_forms import form_of_version

    try:
        return form_of_version(version)
    except GridError:  # no such form version here
        return None


VISIT_VERSIONS = (
    'SELECT v."id", v."form_id", c."form_id" FROM "visit" AS v JOIN "campaign" AS c '
    'ON c."id" = v."campaign_id" WHERE v."id" IN ({})'
)


def _visit_versions(visit_ids: set[str]) -> dict[str, str]:
    """visit id -> the form version it is answered in (its campaign's where it names none).
    Plain SQL: a full bundle asks this of every visit, and peewee's query building and row
    making cost several times what SQLite's lookups do."""
    from gridtui.core.models import database

    found: dict[str, str] = {}
    ids = sorted(i for i in visit_ids if isinstance(i, str))
    cursor = database.cursor()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = cursor.execute(VISIT_VERSIONS.format(", ".join("?" * len(chunk))), chunk)
        found.update((visit, own or campaign) for visit, own, campaign in rows)
    return found


@lru_cache(maxsize=16_384)
def _answer_verdict(version: str, item: str, text: str | None, form: Form | None) -> ValidationError | None:
    """Why a stored answer is not what the store would keep for its item, or None. A visit's
    answers repeat (yes, no, a choice), so each is judged once."""
    if form is None:
        return ValidationError("form", "validate.required")
    given = None if text is None else loads(text)
    try:
        found = validate.item_of(form, item)
        kept = form.clean(found, given)
    except ValidationError as error:
        return error
    return None if kept == given else ValidationError("answer", "validate.not_stored_form", value=text)
