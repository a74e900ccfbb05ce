"""Every validation error names its field in both languages and writes nothing; good values
are normalised the way the office writes them."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from stdnum.cn import ric

from gridtui.core import store, stored, validate
from gridtui.core.models import (
    Answer,
    Campaign,
    Community,
    Household,
    Organization,
    Resident,
    Visit,
)
from gridtui.core.stored import columns as stored_columns
from gridtui.errors import ValidationError
from gridtui.i18n import t
from tests.conftest import new_campaign


def valid_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")  # stdnum reads the first 17 of 18


GOOD_ID = valid_id("11010119900307123")  # born 1990-03-07, 17th digit odd: a man
WRONG_CHECK = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
ID_WITH_X = next(
    valid_id(f"41010219850612{n:03d}") for n in range(1000) if valid_id(f"41010219850612{n:03d}").endswith("X")
)


@pytest.fixture
def visit(place):
    campaign = new_campaign("door_to_door", name="2026年大走访", target="household", starts=date(2026, 7, 1))
    return store.create(
        Visit, campaign=campaign.id, household=place["household"].id, visited_at=datetime(2026, 7, 14, 10)
    )


def resident(**values):
    return {"name": "张爱琴", **values}


CASES = [
    # (model, values, field, catalog key)
    (Resident, resident(id_number="11010119900307"), "id_number", "validate.id_length"),
    (Resident, resident(id_number="11010119900307A23X"), "id_number", "validate.id_format"),
    (Resident, resident(id_number=valid_id("99010119900307123")), "id_number", "validate.id_region"),
    (Resident, resident(id_number="11010119900230123X"), "id_number", "validate.id_birth"),
    (Resident, resident(id_number=WRONG_CHECK), "id_number", "validate.id_checksum"),
    (Resident, resident(id_number=GOOD_ID, birth_date="1991-03-07"), "birth_date", "validate.id_birth_mismatch"),
    (Resident, resident(phone="12345"), "phone", "validate.phone"),
    (Resident, resident(birth_date="2020-13-45"), "birth_date", "validate.date"),
    (Resident, resident(name="  "), "name", "validate.required"),
    (Resident, resident(sex="X"), "sex", "validate.choice"),
    (Resident, resident(name="张" * 31), "name", "validate.too_long"),
    (Household, {"unit": 1, "floor": "五楼", "door": "501"}, "floor", "validate.number"),
    (Household, {"unit": 1, "floor": 500, "door": "501"}, "floor", "validate.range"),
    (Answer, {"item": "door_to_door:residents_present", "value": 2.5}, "answer", "validate.integer"),
    (Answer, {"item": "door_to_door:residents_present", "value": "三"}, "answer", "validate.number"),
    (Answer, {"item": "door_to_door:moved_in_out", "value": "maybe"}, "answer", "validate.choice"),
    (Answer, {"item": "door_to_door:no_such_item", "value": "x"}, "item", "validate.unknown_item"),
    (Answer, {"item": "door_to_door:gas_safety", "value": "exploded"}, "answer", "validate.choice"),
    (Answer, {"item": "door_to_door:move_details", "value": "字" * 2001}, "answer", "validate.too_long"),
    (Answer, {"item": "door_to_door:next_visit", "value": "next week"}, "answer", "validate.date"),
    (Resident, resident(name="张\ud800"), "name", "validate.encoding"),
]

GOOD_COMMUNITY = {
    "id": "01900000-0000-7000-8000-000000000001",
    "deleted": 0,
    "origin": "a" * 16,
    "stamp": "0190000000000000-" + "a" * 16,
    "stamps": "{}",
    "name": "光明社区",
    "name_en": "",
    "subdistrict": "",
}
STORED_CASES = [
    # (model, stored values replaced in a good row, column, catalog key): rows another laptop sent
    (Community, {"name": 12345}, "name", "validate.text"),
    (Community, {"name": "  "}, "name", "validate.required"),
    (Community, {"name": None}, "name", "validate.required"),
    (Community, {"deleted": [1]}, "deleted", "validate.yesno"),
    (Community, {"deleted": True}, "deleted", "validate.yesno"),
    (Community, {"stamp": "yesterday"}, "stamp", "validate.stamp"),
    (Community, {"origin": "../../etc"}, "origin", "validate.stamp"),
    (Community, {"stamps": '{"owner":"0190000000000000-aa"}'}, "stamps", "validate.stamp"),
    (Community, {"stamps": "[" * 5000}, "stamps", "validate.json"),
    (Community, {"stamps": '{"name":NaN}'}, "stamps", "validate.json"),
    (Community, {"subdistrict": "\udc80"}, "subdistrict", "validate.encoding"),
    (Community, {"id": "x" * 37}, "id", "validate.too_long"),
    (Community, {"name_en": "x" * (stored.MAX_TEXT + 1)}, "name_en", "validate.too_long"),
    (Household, {"floor": 1 << 64}, "floor", "validate.range"),
    (Household, {"floor": 2.5}, "floor", "validate.integer"),
    (Household, {"floor": 300}, "floor", "validate.range"),
    (Household, {"status": "demolished"}, "status", "validate.choice"),
    (Household, {"door": " 501"}, "door", "validate.not_stored_form"),
    (Household, {"building_id": ["b"]}, "building_id", "validate.text"),
    (Resident, {"phone": "138 1234 5678"}, "phone", "validate.not_stored_form"),
    (Resident, {"birth_date": "20260714"}, "birth_date", "validate.date"),
    (Resident, {"id_number": WRONG_CHECK}, "id_number", "validate.id_checksum"),
    (Answer, {"value": "[1,2]"}, "value", "validate.choice"),
    (Answer, {"value": "1e400"}, "value", "validate.choice"),
    (Answer, {"value": '"true"'}, "value", "validate.choice"),
    (Answer, {"item": "door_to_door:no_such_item"}, "value", "validate.unknown_item"),
    (Answer, {"answered_at": "2026-07-14T10:00:00+08:00"}, "answered_at", "validate.date"),
]
"""The same rules on the stored form: what the merge checks in every row a bundle brings."""


def stored_row(model, **changes) -> tuple[list[str], list[list]]:
    """A good stored row of ``model`` (column by column), with some values replaced."""
    row = {
        **GOOD_COMMUNITY,
        "building_id": "b",
        "unit": 2,
        "floor": 5,
        "door": "501",
        "address": "",
        "addr_key": "",
        "status": "active",
        "note": "",
        "household_id": "h",
        "name_pinyin": "",
        "name_initials": "",
        "sex": "",
        "birth_date": None,
        "id_number": "",
        "phone": "",
        "relation": "head",
        "is_head": 0,
        "party_member": 0,
        "visit_id": "v",
        "item": "door_to_door:moved_in_out",
        "value": '"yes"',
        "answered_at": "2026-07-14 10:00:00",
    }
    if model is Resident:
        row["status"] = "present"
    row.update(changes)
    names = stored_columns(model)
    return names, [[row[n]] for n in names]


def test_every_validation_key_is_covered():
    keys = set()
    for module in (validate, stored):
        keys |= set(re.findall(r'"(validate\.[a-z_]+)"', open(module.__file__, encoding="utf-8").read()))
    covered = {case[3] for case in (*CASES, *STORED_CASES, *SHAPE_CASES)}
    assert keys - {"validate.unknown_type"} <= covered


@pytest.mark.parametrize("model", [Community, Household, Resident, Answer], ids=lambda m: m.__name__)
def test_good_stored_rows_pass(visit, model):
    stored.check_merged(model, *stored_row(model, visit_id=visit.id))


@pytest.mark.parametrize(
    ("model", "changes", "column", "key"), STORED_CASES, ids=lambda v: getattr(v, "__name__", None)
)
def test_a_bad_stored_value_names_its_row_column_and_reason(visit, model, changes, column, key):
    with pytest.raises(stored.BadValue) as err:
        stored.check_merged(model, *stored_row(model, **{"visit_id": visit.id, **changes}))
    bad = err.value
    assert (bad.table, bad.row_id, bad.column, bad.reason.key) == (
        model._meta.table_name,
        changes.get("id", GOOD_COMMUNITY["id"]),
        column,
        key,
    )
    for lang in ("zh", "en"):
        sentence = bad.reason.message(lang)
        assert not re.search(r"\{[a-z_]+\}", sentence) and "validate." not in sentence and sentence.isprintable()


SHAPE_CASES = [
    (
        Campaign,
        {"name": "走访", "target": "household", "starts": date(2026, 7, 1), "scope": {"streets": ["凤凰大道"]}},
        "scope",
        "validate.scope",
    ),
    (
        Campaign,
        {"name": "走访", "target": "household", "starts": date(2026, 7, 1), "scope": {"ages": [16, 0]}},
        "scope",
        "validate.scope",
    ),
    (Campaign, {"name": "走访", "target": "street", "starts": date(2026, 7, 1)}, "target", "validate.choice"),
    (Organization, {"kind": "cobuilding", "name": "消防站", "projects": "消防"}, "projects", "validate.words"),
]
"""JSON values the app reads by their shape (a campaign's scope, a unit's projects)."""


@pytest.mark.parametrize(("model", "values", "field", "key"), SHAPE_CASES, ids=lambda v: getattr(v, "__name__", None))
def test_a_json_value_has_the_shape_the_app_reads(place, model, values, field, key):
    with pytest.raises(ValidationError) as err:
        new_campaign("door_to_door", **values) if model is Campaign else store.create(model, **values)
    assert (err.value.key, err.value.field) == (key, field)
    assert t(f"field.{field}", lang="zh") in err.value.message("zh")


def test_a_lone_surrogate_inside_a_json_value_is_refused(place):
    with pytest.raises(ValidationError) as err:
        new_campaign(
            "door_to_door", name="走访", target="household", starts=date(2026, 7, 1), scope={"grids": ["\ud800"]}
        )
    assert (err.value.key, err.value.field) == ("validate.encoding", "scope")


@pytest.mark.parametrize(("model", "values", "field", "key"), CASES, ids=lambda v: getattr(v, "__name__", None))
def test_bad_value_names_the_field_and_writes_nothing(place, visit, model, values, field, key):
    values = dict(values)
    if model is Resident:
        values["household"] = place["household"].id
    elif model is Household:
        values["building"] = place["building"].id
    else:
        values.update(visit=visit.id, answered_at=datetime(2026, 7, 14, 10))
    rows, seq = model.select().count(), store.current_seq()

    with pytest.raises(ValidationError) as err:
        store.create(model, **values)

    assert (err.value.key, err.value.field) == (key, field)
    for lang in ("zh", "en"):
        message = err.value.message(lang)
        assert t(f"field.{field}", lang=lang) in message
        assert "{" not in message and "validate." not in message
    assert err.value.message("zh") != err.value.message("en")
    assert (model.select().count(), store.current_seq()) == (rows, seq)


def test_a_bad_update_writes_nothing(place):
    row = store.create(Resident, household=place["household"].id, name="李明", phone="13812345678")
    seq = store.current_seq()
    with pytest.raises(ValidationError) as err:
        store.update(Resident, row.id, phone="010-123")
    assert err.value.field == "phone"
    assert Resident.get_by_id(row.id).phone == "13812345678"
    assert store.current_seq() == seq


def test_a_note_or_a_calculation_takes_no_answer():
    from tests.conftest import builtin_form

    form = builtin_form("chronic_followup")
    with pytest.raises(ValidationError) as err:
        form.clean(form.item("blood_pressure_high"), "yes")
    assert err.value.key == "validate.not_answered"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("0375 1234567", "0375-1234567"),
        ("010 12345678", "010-12345678"),
        ("(0371)6666 8888", "0371-66668888"),
        ("", ""),
    ],
)
def test_phone_numbers_are_normalised(raw, stored):
    assert validate.phone(raw) == stored


def test_resident_values_are_normalised_and_derived(place):
    row = store.create(
        Resident,
        household=place["household"].id,
        name=" 王建国 ",
        phone="+86 138-1234-5678",
        id_number=ID_WITH_X.lower(),
    )
    stored = Resident.get_by_id(row.id)
    assert stored.name == "王建国"
    assert (stored.name_pinyin, stored.name_initials) == ("wangjianguo", "wjg")
    assert stored.phone == "13812345678"
    assert stored.id_number == ID_WITH_X
    assert stored.birth_date == date(1985, 6, 12)
    assert stored.sex == ("M" if int(ID_WITH_X[16]) % 2 else "F")

    man = store.create(
        Resident, household=place["household"].id, name="李明", id_number=GOOD_ID, birth_date="1990/03/07"
    )
    assert (man.birth_date, man.sex) == (date(1990, 3, 7), "M")


def test_good_answers_are_stored_in_their_type(visit):
    at = datetime(2026, 7, 14, 10)
    count = store.create(Answer, visit=visit.id, item="door_to_door:residents_present", value="3", answered_at=at)
    when = store.create(Answer, visit=visit.id, item="door_to_door:next_visit", value="2026年8月1日", answered_at=at)
    assert Answer.get_by_id(count.id).value == 3
    assert Answer.get_by_id(when.id).value == "2026-08-01"


PROBES = [
    None,
    "",
    " ",
    "a",
    " a",
    "a ",
    "张" * 30,
    "张" * 31,
    "501",
    "13812345678",
    "138 1234 5678",
    "0375-1234567",
    "03751234567",
    "١٣٨١٢٣٤٥٦٧٨",
    "2026-07-14",
    "20260714",
    "2026-02-30",
    "present",
    "head",
    "M",
    "X",
    "open",
    "active",
    "done",
    "urgent",
    "visit",
    "satisfied",
    "household",
    "birth",
    0,
    1,
    5,
    -5,
    -6,
    200,
    201,
    True,
    2.5,
    GOOD_ID,
    WRONG_CHECK,
]


def rule_cases():
    for table, rules in validate.FIELD_RULES.items():
        for name, (label, rule) in rules.items():
            if rule in validate.KEPT_WHOLE:
                yield pytest.param(table, name, label, rule, id=f"{table}.{name}")


@pytest.mark.parametrize(("table", "name", "label", "rule"), list(rule_cases()))
def test_a_whole_column_test_says_yes_only_where_the_rule_keeps_each_value(table, name, label, rule):
    from gridtui.core.models import SYNCED_BY_TABLE

    field = SYNCED_BY_TABLE[table]._meta.fields[name]
    read = stored._reader(field)
    kept_whole, said_yes = validate.KEPT_WHOLE[rule], 0
    for value in PROBES:
        if not kept_whole([value]):
            continue
        said_yes += 1
        assert rule(label, read(value)) == read(value), value
    assert said_yes  # each test lets some good column through: the quick path is taken


@pytest.mark.parametrize(
    ("column", "good", "bad", "key"),
    [
        ("phone", "13812345678", "138 1234 5678", "validate.not_stored_form"),
        ("id_number", GOOD_ID, WRONG_CHECK, "validate.id_checksum"),
        ("id_number", GOOD_ID, "99" + GOOD_ID[2:], "validate.id_region"),
        ("name", "张爱琴", "张爱琴 ", "validate.not_stored_form"),
        ("status", "present", "gone", "validate.choice"),
        ("birth_date", "1990-03-07", "1990-02-30", "validate.date"),
    ],
)
def test_one_bad_value_among_many_good_ones_is_still_found(visit, column, good, bad, key):
    names, columns = stored_row(Resident, visit_id=visit.id)
    rows = [[*values] * 1500 for values in columns]
    rows[names.index("id")] = [f"r{n}" for n in range(1500)]
    rows[names.index(column)] = [good] * 1499 + [bad]
    with pytest.raises(stored.BadValue) as err:
        stored.check_merged(Resident, names, rows)
    assert (err.value.row_id, err.value.column, err.value.reason.key) == ("r1499", column, key)
