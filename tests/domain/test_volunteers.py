"""The volunteer registry: teams with stable ids, 双报到, skills, the hours ledger, pairings."""

from __future__ import annotations

from datetime import date

import pytest

from gridtui import i18n
from gridtui.core.ids import stable_id
from gridtui.core.models import Team, VolunteerSkill
from gridtui.domain import dispatch, needs, resources, volunteers
from gridtui.errors import GridError, ValidationError

REPAIR = stable_id("team", "home_repair")


def test_the_three_teams_have_stable_ids_and_seeding_twice_is_harmless(town):
    assert town["teams"] == [stable_id("team", k) for k in ("home_repair", "silver", "party")]
    assert volunteers.ensure_teams() == town["teams"]
    assert Team.select().count() == 3
    assert volunteers.resolve_team("silver") == stable_id("team", "silver")
    assert volunteers.resolve_team("家政维修志愿队") == REPAIR
    assert volunteers.resolve_team("home repair volunteers") == REPAIR


def test_new_teams(town):
    tid = volunteers.create_team("环保志愿队", name_en="Green volunteers", key="green")
    assert volunteers.resolve_team("green") == tid
    with pytest.raises(GridError):
        volunteers.create_team("又一个", key="green")
    assert {t.key for t in volunteers.list_teams()} == {"home_repair", "silver", "party", "green"}


def test_dual_reporting_needs_a_work_unit(town):
    i18n.set_language("zh")
    with pytest.raises(ValidationError) as err:
        volunteers.register_volunteer("赵在职", kind="in_service_party")
    assert err.value.field == "work_unit"
    vid = volunteers.register_volunteer(
        "赵在职", kind="in_service_party", work_unit="市交通运输局", phone="13900001111", team_id=REPAIR
    )
    row = volunteers.list_volunteers(team_id=REPAIR)[0]
    assert (row.id, row.work_unit, row.phone, row.team) == (vid, "市交通运输局", "139****1111", "家政维修志愿队")
    with pytest.raises(ValidationError):
        volunteers.register_volunteer("钱", kind="astronaut")


def test_skills_are_need_items_and_can_change(town):
    vid = volunteers.register_volunteer("孙", skills=["home_environment.plumbing", "home_environment.lighting"])
    volunteers.set_skills(vid, ["home_environment.lighting", "daily_living.meal_delivery"])
    assert volunteers.volunteer_detail(vid).skills == ("daily_living.meal_delivery", "home_environment.lighting")
    assert VolunteerSkill.select().where(VolunteerSkill.deleted).count() == 1
    with pytest.raises(GridError):
        volunteers.set_skills(vid, ["not.an_item"])


def test_availability(town):
    vid = volunteers.register_volunteer("周")
    volunteers.set_availability(vid, False, "周末")
    detail = volunteers.volunteer_detail(vid)
    assert (detail.available, detail.availability) == (False, "周末")


def test_the_hours_ledger_totals_per_volunteer_and_team(town):
    a = volunteers.register_volunteer("吴", team_id=REPAIR)
    b = volunteers.register_volunteer("郑", team_id=REPAIR)
    c = volunteers.register_volunteer("冯")  # no team
    volunteers.log_service(a, 2, on="2026-07-01", activity="楼道清理")
    volunteers.log_service(a, 1.5, on=date(2026, 7, 2), activity="义诊")
    volunteers.log_service(b, 3, activity="环境整治")
    volunteers.log_service(c, 4, activity="文艺演出")
    need = needs.open_need(town["target"]["household"].id, "home_environment.plumbing")
    dispatch.record_outcome(dispatch.assign(need, b), 0.5)
    assert volunteers.hours_by_volunteer() == {a: 3.5, b: 3.5, c: 4.0}
    assert volunteers.hours_by_team() == {REPAIR: 7.0}
    repair = next(t for t in volunteers.list_teams() if t.id == REPAIR)
    assert (repair.members, repair.hours) == (2, 7.0)
    detail = volunteers.volunteer_detail(a)
    assert [s.hours for s in detail.service] == [1.5, 2.0]
    with pytest.raises(ValidationError):
        volunteers.log_service(a, 30)


def test_pairings_are_visible_from_both_sides(town):
    member = volunteers.register_volunteer("党员老李", kind="party_volunteer", phone="13700002222")
    households = [town[k]["household"].id for k in ("target", "same_grid", "other_grid")]
    pairs = [volunteers.pair(member, h, since="2026-01-01") for h in households]
    assert volunteers.pair(member, households[0]) == pairs[0]  # no duplicate
    mine = volunteers.pairings_of_volunteer(member)
    assert sorted(p.household_id for p in mine) == sorted(households)
    theirs = volunteers.pairings_of_household(households[0])
    assert [(p.volunteer, p.phone) for p in theirs] == [("党员老李", "137****2222")]
    volunteers.end_pairing(pairs[0], on="2026-06-30")
    assert volunteers.pairings_of_household(households[0]) == []
    assert len(volunteers.volunteer_detail(member).pairings) == 2
    from gridtui.core.models import Pairing

    ended = Pairing.get_by_id(pairs[0])
    assert not ended.deleted and str(ended.until) == "2026-06-30"  # the history stays


def test_resources_and_cobuilding_units(town):
    unit = resources.add_cobuilding_unit("市交通运输局", agreement_date="2025-03-01", projects=["public_lecture"])
    assert resources.add_project(unit, "fire_safety") == ["public_lecture", "fire_safety"]
    resources.sign_agreement(unit, "2025-04-01")  # renewed
    with pytest.raises(GridError):
        resources.sign_agreement("nope", "2025-03-01")
    resources.add_resource(
        "volunteer.plumbing", "organization", organization_id=unit, capacity=5, availability="周末", contact="张科长"
    )
    vid = volunteers.register_volunteer("陈")
    resources.add_resource("volunteer.meal_delivery", "volunteer", volunteer_id=vid, capacity=1)
    with pytest.raises(GridError):
        resources.add_resource("volunteer.plumbing", "business")  # no business named
    with pytest.raises(GridError):
        resources.add_resource("no.such", "volunteer", volunteer_id=vid)
    serving = resources.list_resources(serves="home_environment.plumbing")
    assert [(r.provider, r.capacity, r.item_key) for r in serving] == [("市交通运输局", 5, "volunteer.plumbing")]
    assert [r.provider for r in resources.list_resources(provider_kind="volunteer")] == ["陈"]
    units = resources.list_cobuilding_units()
    assert units[0].project_labels == (
        resources.project_label("public_lecture"),
        resources.project_label("fire_safety"),
    )
    assert units[0].resources == 1 and units[0].agreement_date == date(2025, 4, 1)
