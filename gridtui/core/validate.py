"""Validation of what people type: ID numbers, phones, dates, required fields, answers.

Every failure is a :class:`ValidationError` naming the field and a catalog key, so the CLI, the
TUI and the roster importer all say the same sentence in the user's language.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from gridtui.errors import ValidationError
from gridtui.forms.model import parse_day

PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
SEXES = ("M", "F", "")
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "in_law", "other")
RESIDENT_STATUSES = ("present", "moved_out", "deceased")
OUTCOMES = ("in_progress", "done", "nobody_home", "refused", "moved_away")
URGENCIES = ("urgent", "high", "normal", "low")
NEED_STATUSES = ("open", "assigned", "in_progress", "done", "followed_up", "closed")
NEED_SOURCES = ("visit", "phone", "platform", "walk_in", "meeting")
SATISFACTION = ("satisfied", "basically", "unsatisfied")
TARGETS = ("household", "business")


def required(field: str, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(field, "validate.required")
    return value.strip() if isinstance(value, str) else value


def one_of(field: str, value: Any, allowed: tuple[str, ...]) -> Any:
    if value not in allowed:
        raise ValidationError(field, "validate.choice", value=value, allowed=" / ".join(a for a in allowed if a))
    return value


def _ric():
    """python-stdnum's module, imported on first use: it pulls in pydoc (~3 MB, ~15 ms),
    which the app's start-up and read-only paths never need."""
    from stdnum.cn import ric

    return ric


def id_number(value: str, field: str = "id_number") -> str:
    """An 18-digit resident ID (GB 11643): length, digits, province, birth date, check digit.

    python-stdnum does the arithmetic; its county check is left out on purpose because it
    rejects real numbers whose county code is younger than the holder (codes are assigned at
    registration, not at birth).
    """
    ric = _ric()
    number = ric.compact(value or "").upper()
    if not number:
        return ""
    if len(number) != 18:
        raise ValidationError(field, "validate.id_length", length=len(number))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(field, "validate.id_format")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(field, "validate.id_region")
    try:
        born = ric.get_birth_date(number)
    except ValueError as exc:  # stdnum's ValidationError is a ValueError
        raise ValidationError(field, "validate.id_birth") from exc
    if born > date.today() or born.year < 1890:
        raise ValidationError(field, "validate.id_birth")
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(field, "validate.id_checksum")
    return number


def id_birth_date(number: str) -> date:
    return _ric().get_birth_date(number)


def id_sex(number: str) -> str:
    """The 17th digit is odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def phone(value: str, field: str = "phone") -> str:
    """A mainland mobile (13812345678) or landline (0375-1234567); +86, spaces and dashes allowed."""
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

    syllables = lazy_pinyin(name, errors=lambda chars: list(chars.lower()))
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars.lower()))
    return "".join(syllables).lower(), "".join(initials).lower()


# -- per-model rules, applied by the store on every write ----------------------------------------


def _clean_resident(values: dict, row: Any) -> dict:
    if "name" in values or row is None:
        values["name"] = required("name", values.get("name"))
        if len(values["name"]) > 30:
            raise ValidationError("name", "validate.too_long", limit=30)
        values["name_pinyin"], values["name_initials"] = pinyin_keys(values["name"])
    if "id_number" in values:
        values["id_number"] = id_number(values["id_number"])
    if "phone" in values:
        values["phone"] = phone(values["phone"])
    if "birth_date" in values:
        values["birth_date"] = parse_date(values["birth_date"], "birth_date")
    if "sex" in values:
        one_of("sex", values["sex"], SEXES)
    if "relation" in values:
        one_of("relation", values["relation"], RELATIONS)
    if "status" in values:
        one_of("status", values["status"], RESIDENT_STATUSES)
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


def _clean_phone_fields(*names: str):
    def clean(values: dict, row: Any) -> dict:
        for name in names:
            if name in values:
                values[name] = phone(values[name], name)
        return values

    return clean


def _clean_household(values: dict, row: Any) -> dict:
    for name in ("unit", "floor"):
        if name in values:
            values[name] = _bounded_int(name, values[name], -5, 200)
    if "door" in values or row is None:
        values["door"] = str(required("door", values.get("door")))
    if "status" in values:
        one_of("status", values["status"], ("active", "vacant", "moved_away"))
    return values


def _clean_building(values: dict, row: Any) -> dict:
    for name in ("units", "floors"):
        if name in values:
            values[name] = _bounded_int(name, values[name], 1, 200)
    if "number" in values or row is None:
        values["number"] = str(required("number", values.get("number")))
    return values


def _bounded_int(field: str, value: Any, low: int, high: int) -> int:
    try:
        number_ = int(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValidationError(field, "validate.number", value=value) from exc
    if not low <= number_ <= high:
        raise ValidationError(field, "validate.range", low=low, high=high, unit="")
    return number_


def _clean_visit(values: dict, row: Any) -> dict:
    if "outcome" in values:
        one_of("outcome", values["outcome"], OUTCOMES)
    if "revisit_due" in values:
        values["revisit_due"] = parse_date(values["revisit_due"], "revisit_due")
    if row is None and not values.get("household") and not values.get("business"):
        raise ValidationError("household", "validate.required")
    return values


def _clean_need(values: dict, row: Any) -> dict:
    for name, allowed in (
        ("urgency", URGENCIES), ("status", NEED_STATUSES), ("source", NEED_SOURCES),
    ):
        if name in values:
            one_of(name, values[name], allowed)
    if values.get("satisfaction") is not None:
        one_of("satisfaction", values["satisfaction"], SATISFACTION)
    if row is None and not values.get("household") and not values.get("resident"):
        raise ValidationError("household", "validate.required")
    return values


def _clean_answer(values: dict, row: Any) -> dict:
    """An answer is checked against its item in the form version its visit is answered in
    (type and choices; skip logic and constraints are the visit's, in gridtui.domain.visits)."""
    if "value" in values:
        item_id = values.get("item", row.item if row is not None else "")
        visit_id = values.get("visit", row.visit_id if row is not None else None)
        form, item = answer_item(getattr(visit_id, "id", visit_id), item_id)
        values["value"] = form.clean(item, values["value"])
    return values


def answer_item(visit_id: str | None, item_id: str):
    """The form (of the visit's version) and the item an answer's "<form id>:<name>" names."""
    from gridtui.core.models import Campaign, Visit
    from gridtui.core.stored_forms import form_of_version

    found = Visit.select(Visit.form, Campaign.form).join(Campaign, on=(Visit.campaign == Campaign.id)).where(
        Visit.id == visit_id).tuples().first()
    if found is None:
        raise ValidationError("visit", "validate.required")
    form = form_of_version(found[0] or found[1])
    key, _, name = (item_id or "").partition(":")
    item = form.item(name) if key == form.key else None
    if item is None:
        raise ValidationError("item", "validate.unknown_item", item=item_id)
    return form, item


def _clean_campaign(values: dict, row: Any) -> dict:
    if "target" in values or row is None:
        one_of("target", values.get("target"), TARGETS)
    if row is None and not values.get("form"):
        raise ValidationError("form", "validate.required")
    for name in ("starts", "ends"):
        if name in values:
            values[name] = parse_date(values[name], name)
    return values


def _clean_form_version(values: dict, row: Any) -> dict:
    for name in ("form_key", "version", "digest"):
        if name in values or row is None:
            values[name] = required(name, values.get(name))
    if row is None and not isinstance(values.get("definition"), dict):
        raise ValidationError("definition", "validate.required")
    return values


def _named(*fields: str):
    """Required text fields, each labelled in messages by its own field name ("grid_name": 网格名称,
    not a person's 姓名), which the store keeps under ``name`` / ``code``."""
    def clean(values: dict, row: Any) -> dict:
        for field in fields:
            column = field.rpartition("_")[2]
            if column in values or row is None:
                values[column] = required(field, values.get(column))
        return values

    return clean


def _chain(*cleaners):
    def clean(values: dict, row: Any) -> dict:
        for cleaner in cleaners:
            values = cleaner(values, row)
        return values

    return clean


def _cleaners() -> dict[str, Any]:
    return {
        "resident": _clean_resident,
        "household": _clean_household,
        "building": _clean_building,
        "visit": _clean_visit,
        "answer": _clean_answer,
        "need": _clean_need,
        "grid": _chain(_named("grid_code", "grid_name"), _clean_phone_fields("worker_phone")),
        "compound": _named("compound_name"),
        "community": _named("community_name"),
        "business": _chain(_named("business_name"), _clean_phone_fields("phone")),
        "organization": _chain(_named("organization_name"), _clean_phone_fields("phone")),
        "volunteer": _chain(_named("name"), _clean_phone_fields("phone")),
        "team": _named("team_name"),
        "campaign": _chain(_named("campaign_name"), _clean_campaign),
        "form_version": _clean_form_version,
    }


CLEANERS = _cleaners()


def clean(model: type, values: dict, row: Any) -> dict:
    """Apply the model's rules to the values about to be written (row is None on create)."""
    cleaner = CLEANERS.get(model._meta.table_name)
    values = dict(values)
    if cleaner is not None:
        values = cleaner(values, row)
    return values
