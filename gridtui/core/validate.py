"""Validation of what people type: ID numbers, phones, dates, required fields, answers.

Every failure is a :class:`ValidationError` naming the field and a catalog key, so the CLI, the
TUI and the roster importer all say the same sentence in the user's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache, lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard

from gridtui.errors import ValidationError
from gridtui.forms.model import Form, Item, parse_day

if TYPE_CHECKING:
    from gridtui.core.models import Synced

PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
STORED_PHONE = re.compile(r"1[3-9]\d{9}|0[12]\d-\d{7,8}|0[3-9]\d\d-\d{7,8}")
"""A phone as :func:`phone` leaves it: a mobile, or a landline with its area code split off."""
SEXES = ("M", "F", "")
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "in_law", "other")
RESIDENT_STATUSES = ("present", "moved_out", "deceased")
OUTCOMES = ("in_progress", "done", "nobody_home", "refused", "moved_away")
URGENCIES = ("urgent", "high", "normal", "low")
HOUSEHOLD_STATUSES = ("active", "vacant", "moved_away")
TARGETS = ("household", "business")
NEED_STATUSES = ("open", "assigned", "in_progress", "done", "followed_up", "closed")
NEED_SOURCES = ("visit", "phone", "walk_in", "hotline", "platform", "meeting")
"""Where a need came from: a visit, a phone call, a walk-in at the office, the 12345 hotline,
the online 民呼我应 platform, a meeting."""
LIFE_EVENTS = ("birth", "arrival", "move", "move_out", "death", "relation")
SATISFACTION = ("satisfied", "basically", "unsatisfied")


def fold(text: Any) -> str:
    """A header, a name or a place as it compares: full-width folded, lower case, no spaces,
    hints in brackets dropped: 姓名（必填） and 姓 名 are 姓名, ３＃ is 3."""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    s = re.sub(r"\(.*?\)|【.*?】|\[.*?\]", "", s)
    return re.sub(r"[\s_\-*:.#/、]", "", s)


def required(field: str, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(field, "validate.required")
    return value.strip() if isinstance(value, str) else value


def one_of(field: str, value: Any, allowed: tuple[str, ...]) -> Any:
    if value not in allowed:
        raise ValidationError(field, "validate.choice", value=value, allowed=" / ".join(a for a in allowed if a))
    return value


class _Ric(Protocol):
    """What is used of python-stdnum's ``stdnum.cn.ric``, which has no types of its own."""

    def compact(self, number: str) -> str: ...
    def calc_check_digit(self, number: str) -> str: ...


@cache
def _ric() -> _Ric:
    """python-stdnum's module, imported on first use: it pulls in pydoc (~3 MB, ~15 ms),
    which the app's start-up and read-only paths never need. Kept once found: an import
    statement run for each of a bundle's 19,000 numbers cost more than checking them."""
    from stdnum.cn import ric

    module: _Ric = ric
    return module


COMPACT_ID = re.compile(r"\d{17}[\dX]")


def id_number(value: str, field: str = "id_number") -> str:
    """An 18-digit resident ID (GB 11643): length, digits, province, birth date, check digit.

    python-stdnum does the arithmetic; its county check is left out on purpose because it
    rejects real numbers whose county code is younger than the holder (codes are assigned at
    registration, not at birth). A number already in its stored form skips stdnum's clean-up,
    which costs most of the time when a bundle brings thousands of them.
    """
    ric = _ric()
    compact = isinstance(value, str) and COMPACT_ID.fullmatch(value)
    number = value if compact else ric.compact(value or "").upper()
    if not number:
        return ""
    if len(number) != 18:
        raise ValidationError(field, "validate.id_length", length=len(number))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(field, "validate.id_format")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(field, "validate.id_region")
    try:
        born = id_birth_date(number)
    except ValueError as exc:
        raise ValidationError(field, "validate.id_birth") from exc
    if born > date.today() or born.year < 1890:
        raise ValidationError(field, "validate.id_birth")
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(field, "validate.id_checksum")
    return number


def _id_numbers_kept(values: list[Any]) -> bool:
    """A column of ID numbers all valid and already as :func:`id_number` keeps them (or empty),
    held to the same checks a column at a time, in C where they can be: a bundle brings
    thousands, and the rule's own way, number by number, cost more than the rest of a resident."""
    numbers = list(filter(None, values))
    if set(map(type, values)) != {str} or not all(map(COMPACT_ID.fullmatch, numbers)):
        return False
    if not numbers:
        return True
    if not PROVINCE_CODES.issuperset(map(itemgetter(slice(0, 2)), numbers)):
        return False
    try:
        born = list(map(id_birth_date, numbers))
    except ValueError:
        return False
    if max(born) > date.today() or min(born).year < 1890:
        return False
    return list(map(_ric().calc_check_digit, numbers)) == list(map(itemgetter(17), numbers))


def id_birth_date(number: str) -> date:
    """The birth date in a compact 18-digit number (digits 7-14); ValueError if impossible."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_sex(number: str) -> str:
    """The 17th digit is odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def phone(value: str, field: str = "phone") -> str:
    """A mainland mobile (13812345678) or landline (0375-1234567); +86, spaces and dashes allowed."""
    if isinstance(value, str) and STORED_PHONE.fullmatch(value):
        return value  # already as stored: the common case when a bundle brings thousands
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = re.sub(r"[\s\-()（）]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if MOBILE.match(digits):
        return digits
    if LANDLINE.match(digits):
        area = 3 if digits[1] in "12" else 4
        return f"{digits[:area]}-{digits[area:]}"
    raise ValidationError(field, "validate.phone", value=raw)


def parse_date(value: Any, field: str = "date") -> date | None:
    """A date as people type it (the forms' rule: 2026-07-14, 2026/7/14, 2026年7月14日...)."""
    if value is None or value == "":
        return None
    found = parse_day(value)
    if found is None:
        raise ValidationError(field, "validate.date", value=str(value).strip())
    return found


def parse_datetime(value: Any, field: str = "datetime") -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationError(field, "validate.date", value=value) from exc


@lru_cache(maxsize=50_000)
def pinyin_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name (张爱琴 -> zhangaiqin, zaq), computed when it is written.

    pypinyin costs ~0.4 s to import, so it is imported here, on the first write, never at start-up.
    """
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, errors=lambda chars: chars.lower())
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: chars.lower())
    return "".join(syllables).lower(), "".join(initials).lower()


# -- per-field rules: one place each, applied to every write, local or merged ---------------------

Rule = Callable[[str, Any], Any]
"""``rule(label, value)``: the value as the store keeps it, or a ValidationError naming ``label``."""

KEPT_WHOLE: dict[Rule, Callable[[list[Any]], bool]] = {}
"""Per rule, a test of a whole column of stored values (as SQLite keeps them, after their type
check) run in C: yes means the rule accepts every one and keeps it as it is, so a merged
column need not be taken value by value; no says nothing (each value is then judged alone)."""


def _kept_whole(rule: Rule, test: Callable[[list[Any]], bool]) -> Rule:
    KEPT_WHOLE[rule] = test
    return rule


def choice(*allowed: str, null: bool = False) -> Rule:
    """A word from a fixed list (a need's status): any other word breaks every screen showing it."""

    def rule(label: str, value: Any) -> Any:
        return None if value is None and null else one_of(label, value, allowed)

    words = {*allowed, None} if null else set(allowed)
    return _kept_whole(rule, lambda values: words.issuperset(values))


def whole(low: int, high: int) -> Rule:
    return _kept_whole(
        lambda label, value: _bounded_int(label, value, low, high),
        lambda values: set(map(type, values)) == {int} and low <= min(values) and max(values) <= high,
    )


def text(limit: int | None = None) -> Rule:
    """Required text, trimmed, at most ``limit`` characters."""

    def rule(label: str, value: Any) -> Any:
        value = required(label, value)
        if limit is not None and len(value) > limit:
            raise ValidationError(label, "validate.too_long", limit=limit)
        return value

    def kept(values: list[Any]) -> bool:  # all text, none empty or too long, none with spaces to trim
        return (
            bool(values)
            and set(map(type, values)) == {str}
            and min(map(len, values)) > 0
            and (limit is None or max(map(len, values)) <= limit)
            and list(map(str.strip, values)) == values
        )

    return _kept_whole(rule, kept)


SCOPE_KEYS = ("grids", "buildings", "registers", "ages", "business_kinds", "households")
"""What a campaign's scope may narrow it by (see gridtui.domain.coverage.Scope); {} is all."""


def _scope(label: str, value: Any) -> dict[str, Any]:
    """Lists of ids or keys, and ages as [low, high] whole years: anything else would break every
    screen that reads the scope."""
    if (
        not isinstance(value, dict)
        or not set(value) <= set(SCOPE_KEYS)
        or not all(_ages(v) if k == "ages" else _words(v) for k, v in value.items())
    ):
        raise ValidationError(label, "validate.scope", allowed=" / ".join(SCOPE_KEYS))
    scope: dict[str, Any] = value
    return scope


def _ages(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(type(v) is int for v in value)
        and 0 <= value[0] < value[1] <= 150
    )


def _word_list(label: str, value: Any) -> list[str]:
    if not _words(value):
        raise ValidationError(label, "validate.words")
    return value


def _words(value: Any) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _door(label: str, value: Any) -> str:
    return str(required(label, value))


def _phone(label: str, value: Any) -> str:
    return phone(value, label)


def _phones_kept(values: list[Any]) -> bool:
    """No phone left out (None would be kept as ""), every other one already as stored."""
    return set(map(type, values)) == {str} and all(map(STORED_PHONE.fullmatch, filter(None, values)))


def _id_number(label: str, value: Any) -> str:
    return id_number(value, label)


def _date(label: str, value: Any) -> date | None:
    return parse_date(value, label)


def _dates_kept(values: list[Any]) -> bool:
    """Stored dates read back as dates, which the rule keeps as they are (a bad one raises)."""
    try:
        return (
            set(map(type, values)) <= {str, type(None)}
            and "" not in values
            and all(map(date.fromisoformat, filter(None, values)))
        )
    except (TypeError, ValueError):
        return False


_kept_whole(_phone, _phones_kept)
_kept_whole(_id_number, _id_numbers_kept)
_kept_whole(_date, _dates_kept)


def _day(label: str, value: Any) -> date:
    """A date that must be given (a life event's day)."""
    day = parse_date(value, label)
    if day is None:
        raise ValidationError(label, "validate.required")
    return day


def _bounded_int(field: str, value: Any, low: int, high: int) -> int:
    try:
        number_ = int(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValidationError(field, "validate.number", value=value) from exc
    if not low <= number_ <= high:
        raise ValidationError(field, "validate.range", low=low, high=high, unit="")
    return number_


def _field_rules() -> dict[str, dict[str, tuple[str, Rule]]]:
    """table -> field -> (the label messages name it by, its rule). A named text is labelled by
    what it names ("grid_name": 网格名称, not a person's 姓名)."""
    phone_ = ("phone", _phone)
    return {
        "resident": {
            "name": ("name", text(30)),
            "id_number": ("id_number", _id_number),
            "phone": phone_,
            "birth_date": ("birth_date", _date),
            "sex": ("sex", choice(*SEXES)),
            "relation": ("relation", choice(*RELATIONS)),
            "status": ("status", choice(*RESIDENT_STATUSES)),
        },
        "household": {
            "unit": ("unit", whole(-5, 200)),
            "floor": ("floor", whole(-5, 200)),
            "door": ("door", _door),
            "status": ("status", choice(*HOUSEHOLD_STATUSES)),
        },
        "building": {
            "units": ("units", whole(1, 200)),
            "floors": ("floors", whole(1, 200)),
            "number": ("number", _door),
        },
        "visit": {"outcome": ("outcome", choice(*OUTCOMES)), "revisit_due": ("revisit_due", _date)},
        "need": {
            "urgency": ("urgency", choice(*URGENCIES)),
            "status": ("status", choice(*NEED_STATUSES)),
            "source": ("source", choice(*NEED_SOURCES)),
            "satisfaction": ("satisfaction", choice(*SATISFACTION, null=True)),
        },
        "grid": {
            "code": ("grid_code", text()),
            "name": ("grid_name", text()),
            "worker_phone": ("worker_phone", _phone),
        },
        "compound": {"name": ("compound_name", text())},
        "community": {"name": ("community_name", text())},
        "business": {"name": ("business_name", text()), "phone": phone_},
        "organization": {"name": ("organization_name", text()), "phone": phone_, "projects": ("projects", _word_list)},
        "volunteer": {
            "name": ("name", text()),
            "phone": phone_,
            "id_number": ("id_number", _id_number),
            "ended_on": ("ended_on", _date),
        },
        "resident_event": {"kind": ("kind", choice(*LIFE_EVENTS)), "happened_on": ("happened_on", _day)},
        "team": {"name": ("team_name", text())},
        "campaign": {
            "name": ("campaign_name", text()),
            "scope": ("scope", _scope),
            "target": ("target", choice(*TARGETS)),
            "form_key": ("form", text()),
            "starts": ("starts", _date),
            "ends": ("ends", _date),
            "versions": ("versions", _word_list),
        },
        "form_version": {
            "form_key": ("form_key", text()),
            "version": ("version", text()),
            "digest": ("digest", text()),
        },
    }


FIELD_RULES = _field_rules()
REQUIRED_ON_CREATE = {
    "resident": ("name",),
    "household": ("door",),
    "building": ("number",),
    "grid": ("code", "name"),
    "compound": ("name",),
    "community": ("name",),
    "business": ("name",),
    "organization": ("name",),
    "volunteer": ("name",),
    "team": ("name",),
    "campaign": ("name", "target", "form"),
    "resident_event": ("happened_on",),
    "form_version": ("form_key", "version", "digest", "definition"),
}
"""Fields a new row must have; a change leaves out what it does not change."""


Values = dict[str, Any]
"""A row's field values on their way to the store, by field name."""
RowRule = Callable[[Values, "Synced | None"], Values]
"""``rule(values, row)``: the values with what they derive, or a ValidationError (row is None on create)."""


# -- rules across fields of one row (local writes; a per-field merge of two good edits may not
# keep them, so merged rows are not held to them) ----------------------------------------------


def _derive_resident(values: Values, row: Synced | None) -> Values:
    """Pinyin keys from the name; birth date and sex from the ID number, which must agree."""
    if "name" in values:
        values["name_pinyin"], values["name_initials"] = pinyin_keys(values["name"])
    number_ = values.get("id_number", row.id_number if row is not None else "")
    if number_:
        born = id_birth_date(number_)
        given = values.get("birth_date", row.birth_date if row is not None else None)
        if given is None:
            values["birth_date"] = born
        elif given != born:
            raise ValidationError("birth_date", "validate.id_birth_mismatch", id_birth=born.isoformat())
        if not values.get("sex", row.sex if row is not None else ""):
            values["sex"] = id_sex(number_)
    return values


def _visit_target(values: Values, row: Synced | None) -> Values:
    if row is None and not values.get("household") and not values.get("business"):
        raise ValidationError("household", "validate.required")
    return values


def _need_subject(values: Values, row: Synced | None) -> Values:
    if row is None and not values.get("household") and not values.get("resident"):
        raise ValidationError("household", "validate.required")
    return values


def _clean_answer(values: Values, row: Synced | None) -> Values:
    """An answer is checked against its item in the form version its visit is answered in
    (type and choices; skip logic and constraints are the visit's, in gridtui.domain.visits)."""
    if "value" in values:
        item_id = values.get("item", row.item if row is not None else "")
        visit_id = values.get("visit", row.visit_id if row is not None else None)
        form, item = answer_item(getattr(visit_id, "id", visit_id), item_id)
        values["value"] = form.clean(item, values["value"])
    return values


def answer_item(visit_id: str | None, item_id: Any) -> tuple[Form, Item]:
    """The form (of the visit's version) and the item an answer's "<form id>:<name>" names."""
    from gridtui.core.models import Campaign, Visit

    found = (
        Visit.select(Visit.form, Campaign.form)
        .join(Campaign, on=(Visit.campaign == Campaign.id))
        .where(Visit.id == visit_id)
        .tuples()
        .first()
    )
    if found is None:
        raise ValidationError("visit", "validate.required")
    return form_item(found[0] or found[1], item_id)


def form_item(version_id: str, item_id: Any) -> tuple[Form, Item]:
    """The form of a stored version and its item named "<form id>:<name>" (ValidationError if none)."""
    from gridtui.core.stored_forms import form_of_version

    form = form_of_version(version_id)
    return form, item_of(form, item_id)


def item_of(form: Form, item_id: Any) -> Item:
    """The form's item an answer's "<form id>:<name>" names (ValidationError if none)."""
    key, _, name = (item_id if isinstance(item_id, str) else "").partition(":")
    item = form.item(name) if key == form.key else None
    if item is None:
        raise ValidationError("item", "validate.unknown_item", item=item_id)
    return item


def _definition(values: Values, row: Synced | None) -> Values:
    if "definition" in values and not isinstance(values["definition"], dict):
        raise ValidationError("definition", "validate.required")
    return values


ROW_RULES: dict[str, RowRule] = {
    "resident": _derive_resident,
    "visit": _visit_target,
    "need": _need_subject,
    "answer": _clean_answer,
    "form_version": _definition,
}


def _cleaner(table: str) -> RowRule:
    """The store's rules for one table: each field's rule, the required fields, then the row's."""
    rules, needed, whole_row = FIELD_RULES.get(table, {}), REQUIRED_ON_CREATE.get(table, ()), ROW_RULES.get(table)

    def clean(values: Values, row: Synced | None) -> Values:
        for name in needed:
            if row is None and name not in values:
                required(rules.get(name, (name,))[0], None)
        for name, (label, rule) in rules.items():
            if name in values:
                values[name] = rule(label, values[name])
        return whole_row(values, row) if whole_row else values

    return clean


CLEANERS = {table: _cleaner(table) for table in {*FIELD_RULES, *ROW_RULES}}


def clean(model: type[Synced], values: Mapping[str, Any], row: Synced | None) -> Values:
    """Apply the model's rules to the values about to be written (row is None on create)."""
    cleaner = CLEANERS.get(model._meta.table_name)
    cleaned = dict(values)
    return cleaned if cleaner is None else cleaner(cleaned, row)
