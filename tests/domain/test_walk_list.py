"""The walk list: households in walking order, paged in SQL, with status, filters and flags."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gridtui.core import store
from gridtui.core.db import meta_get
from gridtui.core.models import Building, Campaign, Household, Need, RegisterEntry, Visit
from gridtui.domain import campaigns, households, visits, walk
from gridtui.errors import GridError, ValidationError
from tests.conftest import new_campaign

TODAY = date(2026, 7, 14)  # the day the fixtures are laid out around (conftest.TODAY)


def ids(rows):
    return [r.household_id for r in rows]


def test_walk_order_is_building_unit_floor_door(street):
    g1 = street["grids"][0].id
    rows = walk.HOUSEHOLDS.page(street["campaign"], grid_id=g1, today=TODAY)
    assert ids(rows) == street["walk"]
    assert [r.addr_key for r in rows] == ["3-1-101", "3-1-102", "3-1-201", "3-2-101", "1-1-101"]
    assert walk.HOUSEHOLDS.ids(street["campaign"], grid_id=g1) == street["walk"]
    assert walk.HOUSEHOLDS.count(street["campaign"], grid_id=g1) == 5


def test_pages_follow_each_other_and_cover_the_list(street):
    cid, g1 = street["campaign"], street["grids"][0].id
    pages = [walk.HOUSEHOLDS.page(cid, grid_id=g1, offset=o, limit=2, today=TODAY) for o in (0, 2, 4, 6)]
    assert [len(p) for p in pages] == [2, 2, 1, 0]
    assert [i for p in pages for i in ids(p)] == street["walk"]


def test_building_and_whole_community_scopes(street):
    cid = street["campaign"]
    b3 = street["buildings"][0].id
    assert ids(walk.HOUSEHOLDS.page(cid, building_id=b3)) == street["walk"][:4]
    everyone = walk.HOUSEHOLDS.ids(cid)
    assert everyone == [*street["walk"], street["hb9"]]
    assert walk.HOUSEHOLDS.count(cid) == 6


def test_row_has_head_size_and_not_visited_status(street):
    rows = {r.household_id: r for r in walk.HOUSEHOLDS.page(street["campaign"], today=TODAY)}
    li = rows[street["h102"]]
    assert (li.head_name, li.size, li.status, li.revisit_due) == ("李国强", 2, "not_visited", None)
    assert li.address == "凤飞园3栋1单元102"
    empty = rows[street["h2101"]]
    assert (empty.head_name, empty.size) == ("", 0)


def test_flags_come_from_registers_residents_and_needs(street):
    rows = {r.household_id: r.flags for r in walk.HOUSEHOLDS.page(street["campaign"], today=TODAY)}
    assert rows[street["h101"]] == {"elderly_alone", "open_needs"}
    assert rows[street["h102"]] == {"party"}
    assert rows[street["h201"]] == {"hardship"}
    assert rows[street["hb1"]] == frozenset()


def test_flags_follow_tombstones_and_closed_needs(street):
    households.set_register("disabled", resident_id=street["zhao"], on=True)
    entry = RegisterEntry.get(RegisterEntry.kind == "elderly_alone")
    store.delete(RegisterEntry, entry.id)
    need = Need.get(Need.household == street["h101"])
    store.update(Need, need.id, status="closed")
    rows = {r.household_id: r.flags for r in walk.HOUSEHOLDS.page(street["campaign"], today=TODAY)}
    assert rows[street["h101"]] == frozenset()
    assert rows[street["hb1"]] == {"disabled"}


def test_ended_register_entry_is_no_flag(street):
    entry = RegisterEntry.get(RegisterEntry.kind == "hardship")
    store.update(RegisterEntry, entry.id, until=TODAY - timedelta(days=1))
    rows = {r.household_id: r.flags for r in walk.HOUSEHOLDS.page(street["campaign"], today=TODAY)}
    assert rows[street["h201"]] == frozenset()


def test_status_after_each_outcome(street):
    cid = street["campaign"]
    outcomes = {"h101": "nobody_home", "h102": "refused", "h201": "moved_away", "h2101": None}
    for key, outcome in outcomes.items():
        visit = visits.open_visit(cid, street[key])
        if outcome:
            visits.set_outcome(visit, outcome, revisit_days=3, today=TODAY)
        else:
            visits.answer(visit, "door_to_door:needs_care", "no")
    hb1 = visits.open_visit(cid, street["hb1"])
    form = visits.checklist(cid)
    for item in form.items:
        if item.required == "yes" and not item.relevant and not form.sections(item)[0].relevant:
            value = 1 if item.type == "integer" else form.choices[item.list][-1].name
            visits.answer(hb1, visits.item_id(form, item), value)
    visits.set_outcome(hb1, "done")
    rows = {r.household_id: r for r in walk.HOUSEHOLDS.page(cid, today=TODAY)}
    assert rows[street["h101"]].status == "nobody_home"
    assert rows[street["h101"]].revisit_due == TODAY + timedelta(days=3)
    assert rows[street["h102"]].status == "refused"
    assert rows[street["h201"]].status == "moved_away"  # stays on the list where it was
    assert rows[street["h2101"]].status == "in_progress"
    assert rows[street["hb1"]].status == "done"
    assert rows[street["hb1"]].visited_at is not None
    assert Household.get_by_id(street["h201"]).status == "moved_away"


def test_filters(street):
    cid, g1 = street["campaign"], street["grids"][0].id
    v101 = visits.open_visit(cid, street["h101"])
    visits.set_outcome(v101, "nobody_home", revisit_days=0, today=TODAY)
    v102 = visits.open_visit(cid, street["h102"])
    visits.set_outcome(v102, "nobody_home", revisit_days=5, today=TODAY)
    kw = {"grid_id": g1, "today": TODAY}
    assert ids(walk.HOUSEHOLDS.page(cid, filter="not_visited", **kw)) == [
        street["h201"],
        street["h2101"],
        street["hb1"],
    ]
    assert walk.HOUSEHOLDS.count(cid, filter="not_visited", grid_id=g1) == 3
    assert ids(walk.HOUSEHOLDS.page(cid, filter="revisit_due", **kw)) == [street["h101"]]
    later = {"grid_id": g1, "today": TODAY + timedelta(days=5)}
    assert ids(walk.HOUSEHOLDS.page(cid, filter="revisit_due", **later)) == [street["h101"], street["h102"]]
    assert ids(walk.HOUSEHOLDS.page(cid, filter="flagged", **kw)) == [street["h101"], street["h102"], street["h201"]]
    assert walk.HOUSEHOLDS.ids(cid, filter="flagged", grid_id=g1) == [street["h101"], street["h102"], street["h201"]]
    with pytest.raises(ValidationError):
        walk.HOUSEHOLDS.page(cid, filter="everything")


def test_resident_need_without_household_flags_its_household(street):
    store.create(Need, resident=street["zhao"], item="health.family_doctor", opened_at=TODAY)
    rows = {r.household_id: r.flags for r in walk.HOUSEHOLDS.page(street["campaign"], filter="flagged")}
    assert rows[street["hb1"]] == {"open_needs"}


def test_campaign_scope_narrows_the_walk(street):
    g2 = street["grids"][1].id
    scoped = new_campaign("door_to_door", name="专项", target="household", starts=TODAY, scope={"grids": [g2]})
    assert walk.HOUSEHOLDS.ids(scoped.id) == [street["hb9"]]
    by_register = new_campaign(
        "door_to_door",
        name="困难户回访",
        target="household",
        starts=TODAY,
        scope={"registers": ["hardship", "elderly_alone"]},
    )
    assert walk.HOUSEHOLDS.ids(by_register.id) == [street["h101"], street["h201"]]


def test_vacant_households_and_deleted_buildings_are_not_walked(street):
    store.update(Household, street["h2101"], status="vacant")
    store.delete(Building, street["buildings"][1].id)
    assert walk.HOUSEHOLDS.ids(street["campaign"], grid_id=street["grids"][0].id) == street["walk"][:3]


def test_business_campaign_has_no_household_walk_list(street):
    shops = new_campaign("business_safety", name="安全检查", target="business", starts=TODAY)
    assert walk.HOUSEHOLDS.page(shops.id) == []
    assert walk.HOUSEHOLDS.count(shops.id) == 0
    with pytest.raises(GridError):
        visits.open_visit(shops.id, street["h101"])


def test_grids_buildings_and_mine(street):
    assert [g.code for g in visits.grids()] == ["01", "02"]
    assert [g.code for g in visits.grids(mine=["第2网格"])] == ["02"]
    assert [g.code for g in visits.grids(mine=["01"])] == ["01"]
    rows = visits.buildings(street["grids"][0].id)
    assert [(b.compound, b.number, b.households) for b in rows] == [("凤飞园", "3", 4), ("凤飞园", "1", 1)]


def test_active_campaign_is_local_choice_with_fallback(street):
    assert campaigns.active_campaign_id() == street["campaign"]
    other = new_campaign("drowning_prevention", name="防溺水", target="household", starts=TODAY - timedelta(days=90))
    assert campaigns.active_campaign_id() == street["campaign"]  # newest active wins
    campaigns.set_active_campaign(other.id)
    assert campaigns.active_campaign_id() == other.id
    assert meta_get("active_campaign") == other.id
    store.delete(Campaign, other.id)
    assert campaigns.active_campaign_id() == street["campaign"]
    with pytest.raises(GridError):
        campaigns.set_active_campaign("no-such-campaign")


def test_campaigns_list_active_first(street):
    new_campaign(
        "door_to_door", name="2025年大走访", target="household", starts=TODAY - timedelta(days=400), active=False
    )
    assert [c.name for c in campaigns.campaigns()] == ["2026年大走访", "2025年大走访"]
    assert [c.name for c in campaigns.campaigns(active_only=True)] == ["2026年大走访"]
    info = campaigns.campaign(street["campaign"])
    assert (info.form_key, info.target, info.active) == ("door_to_door", "household", True)


def test_revisits_due_across_active_campaigns(street):
    cid = street["campaign"]
    for key, days in (("h102", 0), ("h101", -2), ("hb9", 4)):
        visits.set_outcome(visits.open_visit(cid, street[key]), "nobody_home", revisit_days=days, today=TODAY)
    due = walk.HOUSEHOLDS.revisits_due(today=TODAY)
    assert ids(due) == [street["h101"], street["h102"]]  # oldest date first
    assert due[0].campaign_id == cid and due[0].campaign_name and due[0].grid_code == "01"
    assert due[0].flags == {"elderly_alone", "open_needs"}
    assert ids(walk.HOUSEHOLDS.revisits_due(today=TODAY + timedelta(days=4), grid_ids=[street["grids"][1].id])) == [
        street["hb9"]
    ]
    assert len(walk.HOUSEHOLDS.revisits_due(today=TODAY, limit=1)) == 1
    assert walk.HOUSEHOLDS.revisits_due(today=TODAY, grid_ids=[]) == []  # my grids match none: none of theirs
    # the revisit itself takes the household off the list
    visits.set_outcome(visits.open_visit(cid, street["h101"]), "refused")
    assert ids(walk.HOUSEHOLDS.revisits_due(today=TODAY)) == [street["h102"]]
    store.update(Campaign, cid, active=False)
    assert walk.HOUSEHOLDS.revisits_due(today=TODAY) == []


def test_demo_walk_pages_agree_with_coverage(demo_db):
    cid = campaigns.active_campaign_id()
    assert cid is not None
    grid = visits.grids()[0]
    total = walk.HOUSEHOLDS.count(cid, grid_id=grid.id)
    walked = walk.HOUSEHOLDS.ids(cid, grid_id=grid.id)
    assert len(walked) == total and len(set(walked)) == total
    pages = []
    for offset in range(0, total, 100):
        pages += ids(walk.HOUSEHOLDS.page(cid, grid_id=grid.id, offset=offset, limit=100, today=TODAY))
    assert pages == walked
    row = next(r for r in campaigns.coverage(cid, today=TODAY) if r.grid == grid.code)
    assert total == row.total
    assert walk.HOUSEHOLDS.count(cid, grid_id=grid.id, filter="not_visited") == row.not_visited
    assert walk.HOUSEHOLDS.count(cid, grid_id=grid.id, filter="revisit_due", today=TODAY) == row.revisit_due
    order = [
        (b.walk_order, h.unit, h.floor, h.door)
        for h in (Household.get_by_id(i) for i in walked)
        for b in [Building.get_by_id(h.building_id)]
    ]
    assert order == sorted(order)
    statuses = {r.status for r in walk.HOUSEHOLDS.page(cid, grid_id=grid.id, limit=total, today=TODAY)}
    assert {"not_visited", "done", "nobody_home"} <= statuses
    latest = Visit.select().where(Visit.campaign == cid).count()
    assert latest > 0
