"""The household screen's data: detail with masked numbers, resident edits, registers, reveal."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from gridtui import i18n
from gridtui.core.db import self_device
from gridtui.core.models import AuditLog, RegisterEntry, Resident, live
from gridtui.domain import campaigns, households, visits, walk
from gridtui.domain.households import age
from gridtui.errors import GridError, ValidationError

TODAY = date(2026, 7, 14)
GOOD_ID = "11010519491231002X"
ZHANG_ID, ZHANG_PHONE = "410402194803120022", "13812345678"  # as in conftest.street


def resident_rows(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT name, deleted FROM resident ORDER BY name").fetchall()
    finally:
        conn.close()


def test_detail_has_address_people_registers_visits_and_needs(street):
    i18n.set_language("zh")
    visit = visits.open_visit(street["campaign"], street["h101"], worker="刘敏")
    visits.set_outcome(visit, "nobody_home", today=TODAY)
    d = households.detail(street["h101"], today=TODAY)
    assert (d.address, d.addr_key, d.compound, d.building, d.unit, d.floor, d.door) == (
        "凤飞园3栋1单元101",
        "3-1-101",
        "凤飞园",
        "3",
        1,
        1,
        "101",
    )
    assert (d.grid_code, d.grid_name, d.status) == ("01", "第1网格", "active")
    [zhang] = d.residents
    assert (zhang.name, zhang.age, zhang.sex, zhang.birth_date) == ("张爱琴", 78, "F", date(1948, 3, 12))
    assert zhang.id_masked == "4104**********0022" and zhang.phone_masked == "138****5678"
    assert [(r.kind, r.zh, r.en) for r in zhang.registers] == [("elderly_alone", "独居老人", "Elderly living alone")]
    assert [v.outcome for v in d.visits] == ["nobody_home"]
    assert [(n.item, n.status, n.zh) for n in d.needs] == [("daily_living.meal_delivery", "open", "助餐送餐")]
    assert households.detail(street["h201"]).registers[0].kind == "hardship"
    assert "410402194803120022" not in repr(d) and "13812345678" not in repr(d)


def test_head_comes_first(street):
    d = households.detail(street["h102"])
    assert [r.name for r in d.residents] == ["李国强", "周梅"]


def test_add_resident_validates_and_writes_nothing_on_bad_input(street, db_path):
    before = resident_rows(db_path)
    bad = [
        {"name": ""},
        {"name": "刘洋", "id_number": "110105194912310021"},  # wrong check digit
        {"name": "刘洋", "phone": "12345"},
        {"name": "刘洋", "relation": "cousin"},
        {"name": "刘洋", "id_number": GOOD_ID, "birth_date": "1950-01-01"},
        {"name": "刘洋", "name_pinyin": "x"},
    ]
    for fields in bad:
        with pytest.raises(ValidationError):
            households.add_resident(street["h102"], **fields)
    assert resident_rows(db_path) == before
    with pytest.raises(GridError):
        households.add_resident("no-such-household", name="刘洋")


def test_add_resident_fills_from_the_id_and_pinyin(street):
    rid = households.add_resident(
        street["h102"], name="刘洋", id_number=GOOD_ID, phone="0375-1234567", relation="parent"
    )
    row = Resident.get_by_id(rid)
    assert (row.birth_date, row.sex, row.phone) == (date(1949, 12, 31), "F", "0375-1234567")
    assert (row.name_pinyin, row.name_initials) == ("liuyang", "ly")
    assert households.detail(street["h102"]).residents[-1].phone_masked == "0375-*****67"


def test_one_id_number_one_person(street):
    with pytest.raises(ValidationError) as caught:
        households.add_resident(street["h102"], name="张爱琴", id_number=ZHANG_ID)
    assert "张爱琴" in caught.value.message("zh")
    assert households.update_resident(street["zhang"], id_number=ZHANG_ID) == []


def test_update_resident_returns_changed_fields_and_keeps_one_head(street):
    assert households.update_resident(street["li_wife"], name="周美", phone="13700002222") == ["name", "phone"]
    assert Resident.get_by_id(street["li_wife"]).name_pinyin == "zhoumei"
    households.update_resident(street["li_wife"], is_head=True)
    heads = [r.name for r in households.detail(street["h102"]).residents if r.is_head]
    assert heads == ["周美"]
    assert {r.relation for r in Resident.select().where(Resident.household == street["h102"], Resident.is_head)} == {
        "head"
    }
    assert Resident.select().where(Resident.household == street["h102"], Resident.relation == "head").count() == 1
    # the relation alone makes a head, too, and still only one
    newcomer = households.add_resident(street["h102"], name="周小", relation="head")
    assert [r.name for r in households.detail(street["h102"]).residents if r.is_head] == ["周小"]
    assert Resident.get_by_id(newcomer).is_head
    with pytest.raises(ValidationError):
        households.update_resident(street["li"], phone="call me")
    with pytest.raises(ValidationError):
        households.update_resident(street["li"], household="elsewhere")
    assert Resident.get_by_id(street["li"]).phone == "13900001111"


def test_remove_resident_is_a_tombstone_with_their_registers(street, db_path):
    households.remove_resident(street["zhang"])
    assert ("张爱琴", 1) in resident_rows(db_path)
    assert households.detail(street["h101"]).residents == ()
    assert not RegisterEntry.select().where(live(RegisterEntry), RegisterEntry.resident == street["zhang"]).exists()
    with pytest.raises(GridError):
        households.update_resident(street["zhang"], name="张爱芹")


def test_set_register_on_and_off_is_idempotent(street):
    households.set_register("party_registered", resident_id=street["zhao"], on=True)
    households.set_register("party_registered", resident_id=street["zhao"], on=True)
    party = RegisterEntry.select().where(live(RegisterEntry), RegisterEntry.kind == "party_registered")
    assert party.count() == 1
    assert "party" in {
        f for r in walk.HOUSEHOLDS.page(street["campaign"]) if r.household_id == street["hb1"] for f in r.flags
    }
    households.set_register("party_registered", resident_id=street["zhao"], on=False)
    households.set_register("party_registered", resident_id=street["zhao"], on=False)
    assert party.count() == 0
    households.set_register("subsistence", household_id=street["hb1"], on=True)
    assert [r.kind for r in households.detail(street["hb1"]).registers] == ["subsistence"]


def test_set_register_refuses_the_wrong_target_or_kind(street):
    with pytest.raises(ValidationError):
        households.set_register("subsistence", resident_id=street["zhao"], on=True)
    with pytest.raises(ValidationError):
        households.set_register("disabled", household_id=street["hb1"], on=True)
    with pytest.raises(ValidationError):
        households.set_register("no_such_register", resident_id=street["zhao"], on=True)


def test_reveal_gives_full_numbers_and_is_audited(street):
    assert households.reveal(street["zhang"], actor="刘敏") == (ZHANG_ID, ZHANG_PHONE)
    [entry] = AuditLog.select()
    assert (entry.actor, entry.action, entry.target_table, entry.target_id) == (
        "刘敏",
        "reveal",
        "resident",
        street["zhang"],
    )
    households.reveal(street["zhang"])  # no worker name set: the laptop and its user instead
    assert AuditLog.select().count() == 2
    unnamed = AuditLog.select().order_by(AuditLog.seq.desc()).first()
    assert unnamed.actor.startswith(self_device().name + "/")


def test_age_counts_birthdays():
    assert age(date(2000, 7, 15), TODAY) == 25
    assert age(date(2000, 7, 14), TODAY) == 26
    assert age(None) is None


def test_demo_household_detail(demo_db):
    hid = walk.HOUSEHOLDS.ids(campaigns.active_campaign_id())[0]
    d = households.detail(hid)
    assert d.residents and d.address
    assert all("*" in r.id_masked for r in d.residents if r.id_masked)
