"""Every validation error names its field in both languages and writes nothing; good values
are normalised the way the office writes them."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from conftest import new_campaign
from stdnum.cn import ric

from gridtui.core import store, validate
from gridtui.core.models import Answer, Household, Resident, Visit
from gridtui.errors import ValidationError
from gridtui.i18n import t


def valid_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")  # stdnum reads the first 17 of 18


GOOD_ID = valid_id("11010119900307123")  # born 1990-03-07, 17th digit odd: a man
WRONG_CHECK = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
ID_WITH_X = next(valid_id(f"41010219850612{n:03d}") for n in range(1000) if valid_id(f"41010219850612{n:03d}").endswith("X"))


@pytest.fixture
def visit(place):
    campaign = new_campaign("door_to_door", name="2026年大走访",  target="household", starts=date(2026, 7, 1))
    return store.create(Visit, campaign=campaign.id, household=place["household"].id, visited_at=datetime(2026, 7, 14, 10))


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
]


def test_every_validation_key_is_covered():
    source = open(validate.__file__, encoding="utf-8").read()
    keys = set(re.findall(r'"(validate\.[a-z_]+)"', source)) - {"validate.unknown_type"}
    assert keys <= {case[3] for case in CASES}


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
    from conftest import builtin_form

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
        Resident, household=place["household"].id, name=" 王建国 ", phone="+86 138-1234-5678",
        id_number=ID_WITH_X.lower(),
    )
    stored = Resident.get_by_id(row.id)
    assert stored.name == "王建国"
    assert (stored.name_pinyin, stored.name_initials) == ("wangjianguo", "wjg")
    assert stored.phone == "13812345678"
    assert stored.id_number == ID_WITH_X
    assert stored.birth_date == date(1985, 6, 12)
    assert stored.sex == ("M" if int(ID_WITH_X[16]) % 2 else "F")

    man = store.create(Resident, household=place["household"].id, name="李明", id_number=GOOD_ID,
                       birth_date="1990/03/07")
    assert (man.birth_date, man.sex) == (date(1990, 3, 7), "M")


def test_good_answers_are_stored_in_their_type(visit):
    at = datetime(2026, 7, 14, 10)
    count = store.create(Answer, visit=visit.id, item="door_to_door:residents_present", value="3", answered_at=at)
    when = store.create(Answer, visit=visit.id, item="door_to_door:next_visit", value="2026年8月1日", answered_at=at)
    assert Answer.get_by_id(count.id).value == 3
    assert Answer.get_by_id(when.id).value == "2026-08-01"
