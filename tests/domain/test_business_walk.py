"""A business safety campaign: its walk list of shops in street order, filters, flags, one
shop's visit written against the shop, its detail and the audited reveal of the owner's phone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gridtui.core import store
from gridtui.core.models import AuditLog, Business, Visit
from gridtui.domain import businesses, campaigns, visits, walk
from gridtui.errors import GridError, ValidationError
from tests.conftest import new_campaign

from .conftest import TODAY


@pytest.fixture
def shops(street):
    """Four shops of grid 01 added out of street order, one of grid 02, one deleted, and a check."""
    g1, g2 = street["grids"]

    def shop(name, kind, address, grid=g1, food=False):
        return store.create(
            Business,
            name=name,
            kind=kind,
            owner_name="马" + name[:1],
            phone="13700001234",
            address=address,
            license_no="92410400MA00000001",
            food=food,
            grid=grid.id,
        ).id

    ids = {
        "mill": shop("麦香面粉厂", "flour_mill", "湖光路284号", food=True),
        "barber": shop("新潮理发店", "barber", "凤凰大道79号"),
        "grocery": shop("家乐超市", "grocery", "凤凰大道29号", food=True),
        "laundry": shop("洁丽干洗店", "laundry", "湖光路3号"),
        "other_grid": shop("银杏药店", "pharmacy", "银杏街1号", grid=g2),
    }
    gone = shop("已注销小店", "barber", "凤凰大道1号")
    store.delete(Business, gone)
    check = new_campaign(
        "business_safety",
        name="商户安全检查",
        name_en="Business safety checks",
        target="business",
        starts=TODAY - timedelta(days=10),
    )
    return {**street, **ids, "check": check.id, "gone": gone}


def names(rows):
    return [r.name for r in rows]


def test_walk_list_is_the_grids_shops_in_street_order(shops):
    g1 = shops["grids"][0].id
    rows = walk.SHOPS.page(shops["check"], grid_id=g1, today=TODAY)
    # street name, then the house number as a number: 29 before 79, 3 before 284
    assert names(rows) == ["家乐超市", "新潮理发店", "洁丽干洗店", "麦香面粉厂"]
    assert {r.status for r in rows} == {"not_visited"}
    assert walk.SHOPS.count(shops["check"], grid_id=g1) == 4
    assert walk.SHOPS.ids(shops["check"], grid_id=g1) == [r.business_id for r in rows]
    assert walk.SHOPS.count(shops["check"]) == 5  # the whole community; the deleted shop never
    pages = [walk.SHOPS.page(shops["check"], grid_id=g1, offset=o, limit=3) for o in (0, 3, 6)]
    assert [len(p) for p in pages] == [3, 1, 0]


def test_rows_carry_kind_owner_and_flags(shops):
    rows = {r.business_id: r for r in walk.SHOPS.page(shops["check"], today=TODAY)}
    mill = rows[shops["mill"]]
    assert (mill.kind, mill.owner_name, mill.flags) == ("flour_mill", "马麦", {"food"})
    assert mill.kind_label in ("面粉作坊", "Flour mill")
    assert rows[shops["barber"]].flags == frozenset()


def test_scope_by_kind_narrows_walk_and_coverage_alike(shops):
    food_only = new_campaign(
        "business_safety",
        name="食品安全",
        target="business",
        starts=TODAY,
        scope={"business_kinds": ["grocery", "flour_mill"]},
    )
    assert set(walk.SHOPS.ids(food_only.id)) == {shops["mill"], shops["grocery"]}
    assert sum(row.total for row in campaigns.coverage(food_only.id, today=TODAY)) == 2


def test_a_shop_visit_is_written_against_the_shop(shops):
    visit_id = visits.open_visit(shops["check"], shops["grocery"], worker="刘敏")
    state = visits.visit_state(visit_id)
    assert (state.business_id, state.household_id, state.saved) == (shops["grocery"], "", False)
    visits.answer(visit_id, "business_safety:license_displayed", "yes")
    row = Visit.get_by_id(visit_id)
    assert (row.business_id, row.household_id, row.worker) == (shops["grocery"], None, "刘敏")
    assert visits.visit_state(visit_id).business_id == shops["grocery"]
    assert visits.open_visit(shops["check"], shops["grocery"]) == visit_id  # resumed, not a second visit
    visits.set_outcome(visit_id, "refused", today=TODAY)
    status = {r.business_id: r.status for r in walk.SHOPS.page(shops["check"], today=TODAY)}
    assert status[shops["grocery"]] == "refused"
    assert campaigns.coverage(shops["check"], today=TODAY)[0].refused == 1


def test_a_shop_in_a_household_campaign_and_a_door_in_a_shop_campaign_are_not_found(shops):
    with pytest.raises(GridError):
        visits.open_visit(shops["campaign"], shops["grocery"])
    with pytest.raises(GridError):
        visits.open_visit(shops["check"], shops["h101"])
    with pytest.raises(GridError):
        visits.open_visit(shops["check"], shops["gone"])
    assert walk.SHOPS.page(shops["campaign"]) == []  # a household campaign has no shops


def test_filters_not_visited_revisit_due_and_flagged(shops):
    cid, g1 = shops["check"], shops["grids"][0].id
    closed = visits.open_visit(cid, shops["barber"])
    visits.set_outcome(closed, "nobody_home", revisit_days=2, today=TODAY - timedelta(days=3))
    checked = visits.open_visit(cid, shops["laundry"])
    visits.answer(checked, "business_safety:rectification_issued", "yes")

    def listed(name, today=TODAY):
        return set(walk.SHOPS.ids(cid, grid_id=g1, filter=name, today=today))

    assert listed("not_visited") == {shops["mill"], shops["grocery"]}
    assert listed("revisit_due") == {shops["barber"]}
    assert listed("revisit_due", today=TODAY - timedelta(days=2)) == set()  # not due yet then
    assert listed("flagged") == {shops["mill"], shops["grocery"], shops["laundry"]}  # food, or a notice issued
    rows = {r.business_id: r for r in walk.SHOPS.page(cid, grid_id=g1, today=TODAY)}
    assert rows[shops["laundry"]].flags == {"rectification"}
    visits.answer(checked, "business_safety:rectification_issued", "no")  # corrected: no notice
    assert listed("flagged") == {shops["mill"], shops["grocery"]}
    with pytest.raises(ValidationError):
        walk.SHOPS.page(cid, filter="closed")


def test_detail_has_history_and_a_masked_phone_revealed_with_an_audit(shops):
    visit_id = visits.open_visit(shops["check"], shops["mill"])
    visits.answer(visit_id, "business_safety:extinguisher_count", 2)
    visits.answer(visit_id, "business_safety:rectification_issued", "yes")
    found = businesses.detail(shops["mill"])
    assert found.phone_masked == "137****1234" and "13700001234" not in repr(found)
    assert (found.grid_code, found.food, found.rectification) == ("01", True, True)
    assert [v.id for v in found.visits] == [visit_id]
    assert {line.item_id for line in found.visits[0].answers} == {
        "business_safety:extinguisher_count",
        "business_safety:rectification_issued",
    }
    before = AuditLog.select().count()
    assert businesses.reveal(shops["mill"], actor="刘敏") == "13700001234"
    entry = AuditLog.select().order_by(AuditLog.at.desc()).first()
    assert AuditLog.select().count() == before + 1
    assert (entry.target_table, entry.target_id, entry.actor) == ("business", shops["mill"], "刘敏")
    with pytest.raises(GridError):
        businesses.detail(shops["gone"])


def test_search_finds_a_shop_by_name_owner_street_and_phone_tail(shops):
    from gridtui.domain import search

    by_name = search.search("家乐")
    assert [(h.kind, h.business_id) for h in by_name] == [("business", shops["grocery"])]
    assert by_name[0].phone_masked == "137****1234" and by_name[0].household_id == ""
    assert search.search("马家")[0].business_id == shops["grocery"]  # the owner's name
    street = [h.business_id for h in search.search("凤凰大道")]
    assert street == [shops["grocery"], shops["barber"]]  # each shop once, in street order
    assert search.search("凤凰大道29号")[0].business_id == shops["grocery"]
    assert {h.business_id for h in search.search("1234") if h.kind == "business"} == {
        shops["mill"],
        shops["barber"],
        shops["grocery"],
        shops["laundry"],
        shops["other_grid"],
    }
    assert search.search("已注销") == []  # a deleted shop is not found


def test_shops_found_closed_are_due_again_on_their_date(shops):
    cid, g1, g2 = shops["check"], shops["grids"][0].id, shops["grids"][1].id
    closed = visits.open_visit(cid, shops["barber"])
    visits.set_outcome(closed, "nobody_home", revisit_days=2, today=TODAY - timedelta(days=2))
    again = visits.open_visit(cid, shops["mill"])
    visits.set_outcome(again, "nobody_home", revisit_days=1, today=TODAY)  # due tomorrow
    due = walk.SHOPS.revisits_due(today=TODAY)
    assert [(r.business_id, r.address, r.head_name, r.revisit_due) for r in due] == [
        (shops["barber"], "新潮理发店", "马新", TODAY)
    ]
    assert walk.SHOPS.revisits_due(today=TODAY, grid_ids=[g2]) == []
    assert walk.SHOPS.revisits_due(today=TODAY, grid_ids=[]) == []
    assert {r.business_id for r in walk.SHOPS.revisits_due(today=TODAY + timedelta(days=1), grid_ids=[g1])} == {
        shops["barber"],
        shops["mill"],
    }
    visits.set_outcome(visits.open_visit(cid, shops["barber"]), "refused", today=TODAY)
    assert walk.SHOPS.revisits_due(today=TODAY) == []  # the latest call counts
