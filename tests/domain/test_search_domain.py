"""Search as you type: names, pinyin, initials, addresses (both forms), phone and ID tails."""

from __future__ import annotations

import pytest

from gridtui.core import store
from gridtui.core.models import Household, Resident, live
from gridtui.domain import households
from gridtui.domain.search import search


def residents(hits):
    return [h.title for h in hits if h.kind == "resident"]


def addresses(hits):
    return [h.title for h in hits if h.kind == "household"]


@pytest.mark.parametrize("query", ["张爱琴", "爱琴", "zhangaiqin", "zhangai", "aiqin", "zaq", "ZAQ", "zhang ai qin"])
def test_name_pinyin_and_initials_find_zhang_aiqin(street, query):
    hits = search(query)
    assert residents(hits)[0] == "张爱琴"
    assert hits[0].household_id == street["h101"] and hits[0].resident_id == street["zhang"]
    assert hits[0].subtitle == "凤飞园3栋1单元101"


def test_ranking_exact_name_before_prefix_before_substring(street):
    h = street["h102"]
    households.add_resident(h, name="张爱琴琴", relation="child")
    households.add_resident(h, name="李张爱琴", relation="child")
    assert residents(search("张爱琴")) == ["张爱琴", "张爱琴琴", "李张爱琴"]
    ranks = [hit.rank for hit in search("张爱琴")]
    assert ranks == sorted(ranks)


def test_pinyin_prefix_before_initials_before_substring(street):
    households.add_resident(street["h102"], name="赵安全", relation="child")  # initials zaq
    households.add_resident(street["h102"], name="钱张安", relation="child")  # qianzhangan
    assert residents(search("zaq")) == ["张爱琴", "赵安全"]  # both by initials, then by pinyin
    assert residents(search("zhanga")) == ["张爱琴", "钱张安"]


@pytest.mark.parametrize("query", ["凤飞园3栋1单元101", "3-1-101", "3栋1单元101", "3 1 101", "凤飞园 3栋 1单元 101"])
def test_full_address_in_every_form(street, query):
    hits = search(query)
    assert addresses(hits) == ["凤飞园3栋1单元101"]
    assert hits[0].household_id == street["h101"] and hits[0].resident_id is None
    assert "张爱琴" in hits[0].subtitle


def test_address_fragments(street):
    assert addresses(search("凤飞园3栋")) == [
        "凤飞园3栋1单元101",
        "凤飞园3栋1单元102",
        "凤飞园3栋1单元201",
        "凤飞园3栋2单元101",
    ]
    assert addresses(search("3-1")) == ["凤飞园3栋1单元101", "凤飞园3栋1单元102", "凤飞园3栋1单元201"]
    assert addresses(search("3-2")) == ["凤飞园3栋2单元101"]
    assert len(addresses(search("凤飞园"))) == 6
    assert addresses(search("201")) == ["凤飞园3栋1单元201"]  # a door number


def test_phone_tail(street):
    hits = search("5678")
    assert residents(hits) == ["张爱琴"]
    assert hits[0].phone_masked == "138****5678"
    assert hits[0].id_masked == "4104**********0022"
    assert "13812345678" not in repr(hits) and "410402194803120022" not in repr(hits)


def test_id_tail_with_x(street):
    households.update_resident(street["zhao"], id_number="11010519491231002X")
    hits = search("002x")
    assert residents(hits) == ["赵磊"]
    assert hits[0].id_masked.endswith("002X")
    assert residents(search("120022")) == ["张爱琴"]  # six digits: an ID tail


def test_short_or_empty_queries(street):
    assert search("") == [] and search("   ") == []
    assert residents(search("123")) == []  # three digits are a door, not a tail
    assert search("%") == [] and search("_") == []


def test_tombstoned_and_moved_out_are_not_found(street):
    households.remove_resident(street["zhang"])
    assert residents(search("zaq")) == []
    households.update_resident(street["li"], status="moved_out")
    assert residents(search("李国强")) == []
    store.delete(Household, street["hb9"])
    assert residents(search("陈红")) == []


def test_limit_and_deterministic_order(demo_db):
    common = Resident.select().where(live(Resident)).first()
    surname = common.name[0]
    first = search(surname, limit=10)
    assert len(first) == 10
    assert first == search(surname, limit=10)
    assert search(surname, limit=5) == first[:5]
    assert all(h.title.startswith(surname) for h in first)


def test_demo_resident_found_every_way(demo_db):
    person = Resident.select().where((Resident.phone != "") & (live(Resident))).first()
    home = Household.get_by_id(person.household_id)
    for query in (person.name, person.name_pinyin, person.name_initials, person.phone[-4:], person.id_number[-6:]):
        assert person.id in [h.resident_id for h in search(query, limit=200)], query
    for query in (home.address, home.addr_key):
        assert home.id in [h.household_id for h in search(query, limit=200)], query


def test_one_or_two_characters_find_addresses_by_their_start_in_address_order(street):
    assert addresses(search("凤")) == addresses(search("凤飞")) == sorted(addresses(search("凤飞园")))
    assert len(addresses(search("凤飞"))) == 6
    assert addresses(search("飞园")) == []  # too short for the trigram index: the start only
    assert addresses(search("飞园3栋1")) == ["凤飞园3栋1单元101", "凤飞园3栋1单元102", "凤飞园3栋1单元201"]
    assert addresses(search("凤飞园3栋1")) == ["凤飞园3栋1单元101", "凤飞园3栋1单元102", "凤飞园3栋1单元201"]


def test_a_full_address_typed_from_its_start_is_found_before_one_holding_it(street):
    first = addresses(search("凤飞园3栋1单元1"))
    assert first == ["凤飞园3栋1单元101", "凤飞园3栋1单元102"]


def test_short_queries_read_a_page_through_an_index_never_every_household(demo_db):
    """What each short keystroke asks SQLite, planned: ranges over indexes, no scan of the
    households or the residents (the few tombstoned households are an index of their own)."""
    import re

    from gridtui.core.models import database

    address = Household.select(Household.address).where(live(Household)).first().address
    person = Resident.select().where(live(Resident)).first()
    issued: list[str] = []
    database.connection().set_trace_callback(issued.append)
    try:
        for query in (address[:1], address[:2], person.name[:1], person.name_initials[:2], "5", "50", "501"):
            search(query)
    finally:
        database.connection().set_trace_callback(None)
    plans = {
        sql: [row[-1] for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}").fetchall()]
        for sql in issued
        if sql.lstrip().startswith(("SELECT", "WITH"))
    }
    assert len(plans) > 10
    scans = [
        (sql, line)
        for sql, lines in plans.items()
        for line in lines
        if re.match(r"SCAN (h|r|household|resident)\b", line) and "household_gone" not in line
    ]
    assert scans == []
    assert any("household_address" in line for lines in plans.values() for line in lines)
    assert any("household_door" in line for lines in plans.values() for line in lines)
