"""The needs board's queries over the demo community: paging in SQL agrees with the count and
with one big page, every filter and sort works, suggestions are stable."""

from __future__ import annotations

from datetime import datetime

import pytest

from gridtui.core.models import Campaign, Household, Need, Visit
from gridtui.domain import dispatch, needs

pytestmark = pytest.mark.demo(seed=7)  # the needs' demo community


def test_pages_add_up_to_the_whole(demo_db):
    total = needs.count_needs()
    whole = [r.id for r in needs.list_needs(limit=1000)]
    assert len(whole) == total == Need.select().count()
    paged = []
    for offset in range(0, total, 7):
        paged += [r.id for r in needs.list_needs(offset=offset, limit=7)]
    assert paged == whole


@pytest.mark.parametrize("sort", needs.SORTS)
def test_every_sort_is_a_total_order(demo_db, sort):
    rows = needs.list_needs(sort=sort, limit=1000)
    assert len({r.id for r in rows}) == len(rows) == needs.count_needs()
    if sort == "urgency":
        ranks = [needs.URGENCY_RANK[r.urgency] for r in rows]
        assert ranks == sorted(ranks)


@pytest.mark.parametrize("field", ["status", "category", "grid_id", "urgency", "source"])
def test_each_filter_matches_its_count(demo_db, field):
    rows = needs.list_needs(limit=1000)
    attr = {"category": "category_key"}.get(field, field)
    for value in {getattr(r, attr) for r in rows}:
        picked = needs.list_needs(**{field: value}, limit=1000)
        assert picked and all(getattr(r, attr) == value for r in picked)
        assert len(picked) == needs.count_needs(**{field: value})
        assert len(picked) == sum(1 for r in rows if getattr(r, attr) == value)


def test_overdue_filter_and_home_list_agree(demo_db):
    now = datetime(2026, 7, 14, 12)
    late = needs.list_needs(overdue=True, now=now, limit=1000)
    assert late and all(r.overdue for r in late)
    assert [r.id for r in needs.overdue(limit=1000, now=now)] == [r.id for r in late]
    assert needs.count_needs(overdue=True, now=now) + needs.count_needs(overdue=False, now=now) == needs.count_needs()


def test_bad_sort_is_one_sentence(demo_db):
    from gridtui.errors import GridError

    with pytest.raises(GridError):
        needs.list_needs(sort="mood")


def test_a_need_recorded_on_a_visit_appears_on_the_board(demo_db):
    campaign = Campaign.select().where(Campaign.active & (Campaign.form_key == "door_to_door")).first()
    visit = Visit.select().where(Visit.campaign == campaign.id).first()
    before = needs.count_needs(status="open")
    nid = needs.open_need(visit.household_id, "daily_living.meal_delivery", visit_id=visit.id, actor="网格员")
    assert needs.count_needs(status="open") == before + 1
    assert nid in [r.id for r in needs.list_needs(status="open", household_id=visit.household_id)]
    assert nid in dispatch.campaign_needs(campaign.id)


def test_suggestions_over_the_demo_are_deterministic(demo_db):
    for row in needs.list_needs(status="open", limit=5):
        first = dispatch.suggest(row.id)
        again = dispatch.suggest(row.id)
        assert [(c.volunteer_id, c.score, c.parts, c.reasons) for c in first] == [
            (c.volunteer_id, c.score, c.parts, c.reasons) for c in again
        ]
        keys = [(-c.score, c.volunteer_id) for c in first]
        assert keys == sorted(keys)


def test_household_needs(demo_db):
    hh = Household.select().first()
    nid = needs.open_need(hh.id, "health.family_doctor")
    rows = needs.list_needs(household_id=hh.id)
    assert nid in [r.id for r in rows] and {r.household_id for r in rows} == {hh.id}
