"""A collective issue from the deliberation meeting to done: "25 days", and its needs moved on."""

from __future__ import annotations

from datetime import date

import pytest

from gridtui.core.models import Assignment, CollectiveIssue, Need, NeedEvent
from gridtui.domain import collective, dispatch, needs, volunteers
from gridtui.errors import GridError

pytestmark = pytest.mark.demo(seed=7)  # the needs' demo community

PARKING = "home_environment.parking"


@pytest.fixture
def parking(town):
    issue = collective.create_issue("凤飞园停车位改造", compound_id=town["compounds"][0].id)
    ids = [
        needs.open_need(town[k]["household"].id, PARKING, source="meeting")
        for k in ("target", "same_building", "same_compound")
    ]
    return issue, ids


def test_from_meeting_to_done_in_25_days(parking):
    issue, ids = parking
    assert collective.attach_needs(issue, ids) == 3
    assert collective.attach_needs(issue, ids) == 0  # already attached
    volunteer = volunteers.register_volunteer("党员志愿者")
    assignment = dispatch.assign(ids[0], volunteer)
    collective.record_meeting(issue, "2026-03-01", "业委会、业主代表、党员、共建单位", "改造现有停车位，增加车位27个")
    assert CollectiveIssue.get_by_id(issue).status == "decided"
    assert collective.days_meeting_to_done(issue) is None
    moved = collective.complete(issue, date(2026, 3, 26), actor="社区", note="新增车位27个")
    assert moved == 3
    assert collective.days_meeting_to_done(issue) == 25
    row = CollectiveIssue.get_by_id(issue)
    assert (row.status, row.done_at) == ("done", date(2026, 3, 26))
    assert {Need.get_by_id(n).status for n in ids} == {"done"}
    last = NeedEvent.select().where(NeedEvent.need == ids[0]).order_by(NeedEvent.seq.desc()).first()
    assert (last.from_status, last.to_status, last.actor, last.note) == ("assigned", "done", "社区", "新增车位27个")
    assert Assignment.get_by_id(assignment).status == "done"
    # then each household's follow-up closes its need as usual
    needs.follow_up(ids[1], "satisfied")
    needs.close(ids[1])
    listed = {i.id: i for i in collective.list_issues()}[issue]
    assert listed.days_meeting_to_done == 25 and listed.needs == 3
    assert listed.needs_by_status == {"done": 2, "closed": 1}
    assert listed.compound == "凤飞园"


def test_volunteers_still_at_work_get_their_hours_logged(parking):
    from gridtui.core.models import ServiceLog
    from gridtui.errors import ValidationError

    issue, ids = parking
    collective.attach_needs(issue, ids)
    first, second = volunteers.register_volunteer("党员甲"), volunteers.register_volunteer("党员乙")
    a1, a2 = dispatch.assign(ids[0], first), dispatch.assign(ids[1], second)
    dispatch.assign(ids[2], second)  # two of the issue's needs in one volunteer's hands: logged once
    collective.record_meeting(issue, "2026-03-01", "业主代表", "改造车位")
    before = volunteers.hours_by_volunteer([first, second])
    with pytest.raises(ValidationError):
        collective.complete(issue, "2026-03-26", hours=30)  # more than a day: refused, nothing done
    assert CollectiveIssue.get_by_id(issue).status == "decided"
    collective.complete(issue, "2026-03-26", hours="2.5")
    assert [Assignment.get_by_id(a).hours for a in (a1, a2)] == [2.5, 2.5]
    assert ServiceLog.select().where(ServiceLog.volunteer == second).count() == 1
    after = volunteers.hours_by_volunteer([first, second])
    assert {v: after.get(v, 0) - before.get(v, 0) for v in (first, second)} == {first: 2.5, second: 2.5}
    log = ServiceLog.get((ServiceLog.volunteer == first) & (ServiceLog.need == ids[0]))
    assert (log.date, log.activity) == (date(2026, 3, 26), "凤飞园停车位改造")


def test_completion_needs_a_meeting_first_and_a_sensible_date(parking):
    issue, _ids = parking
    with pytest.raises(GridError) as err:
        collective.complete(issue, "2026-03-26")
    assert err.value.key == "collective.no_meeting"
    collective.record_meeting(issue, "2026-03-01", "居民代表", "先议")
    with pytest.raises(GridError) as err:
        collective.complete(issue, "2026-02-20")
    assert err.value.key == "collective.done_before_meeting"
    collective.complete(issue, "2026-03-02")
    with pytest.raises(GridError) as err:
        collective.complete(issue, "2026-03-03")
    assert err.value.key == "collective.already_done"
    assert collective.days_meeting_to_done(issue) == 1


def test_closed_needs_are_left_alone_and_others_stay_out(town, parking):
    issue, ids = parking
    collective.attach_needs(issue, ids[:2])
    for step in ("assigned", "in_progress", "done"):
        needs.transition(ids[0], step)
    collective.record_meeting(issue, "2026-03-01", "", "")
    assert collective.complete(issue, "2026-03-10") == 1
    assert Need.get_by_id(ids[2]).status == "open"  # not part of the issue


def test_a_building_issue_knows_its_compound_and_unknown_ids_are_refused(town):
    issue = collective.create_issue("1栋供暖不足", building_id=town["buildings"]["ff1"].id)
    assert CollectiveIssue.get_by_id(issue).compound_id == town["compounds"][0].id
    with pytest.raises(GridError):
        collective.create_issue("x", building_id="nope")
    with pytest.raises(GridError):
        collective.record_meeting("nope", "2026-03-01", "", "")


def test_demo_parking_issue_took_25_days(demo_db):
    parking = next(i for i in collective.list_issues() if i.title == "凤飞园停车位改造")
    assert parking.days_meeting_to_done == 25
    assert collective.days_meeting_to_done(parking.id) == 25
