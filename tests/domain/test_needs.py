"""A need's life: every legal move leaves an event, illegal moves are refused in one sentence,
due times follow urgency (and the config file), overdue needs surface."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from gridtui.core.models import Need, NeedEvent
from gridtui.domain import needs
from gridtui.errors import GridError, ValidationError

ITEM = "home_environment.plumbing"  # urgency "high" in the catalog
T0 = datetime(2026, 7, 1, 9, 0)


def events(need_id):
    return [
        (e.from_status, e.to_status, e.actor, e.note)
        for e in NeedEvent.select().where(NeedEvent.need == need_id).order_by(NeedEvent.seq)
    ]


def status(need_id):
    return Need.get_by_id(need_id).status


@pytest.fixture
def need(town):
    return needs.open_need(town["target"]["household"].id, ITEM, actor="李网格员", note="厨房漏水", at=T0)


def test_open_need_writes_the_need_and_its_first_event(town, need):
    row = Need.get_by_id(need)
    assert (row.status, row.urgency, row.source, row.item_id) == ("open", "high", "visit", ITEM)
    assert row.resident_id == town["target"]["resident"].id  # head of household by default
    assert row.opened_at == T0
    assert row.due_at == T0 + timedelta(hours=72)
    assert events(need) == [(None, "open", "李网格员", "厨房漏水")]


@pytest.mark.parametrize(("urgency", "hours"), [("urgent", 24), ("high", 72), ("normal", 168), ("low", 336)])
def test_due_time_follows_urgency(town, urgency, hours):
    nid = needs.open_need(town["target"]["household"].id, ITEM, urgency=urgency, at=T0)
    assert Need.get_by_id(nid).due_at == T0 + timedelta(hours=hours)


def test_due_hours_come_from_the_config_file(town, tmp_path):
    (tmp_path / "config.toml").write_text("[due_hours]\nurgent = 4\n", encoding="utf-8")
    nid = needs.open_need(town["target"]["household"].id, ITEM, urgency="urgent", at=T0)
    assert Need.get_by_id(nid).due_at == T0 + timedelta(hours=4)


def test_the_whole_life_of_a_need(need):
    needs.transition(need, "assigned", actor="a", note="派给张师傅")
    needs.start(need, actor="b")
    needs.mark_done(need, actor="c", note="换了接头")
    assert needs.follow_up(need, "satisfied", actor="d", note="居民很满意") == "followed_up"
    needs.close(need, actor="e")
    row = Need.get_by_id(need)
    assert (row.status, row.satisfaction) == ("closed", "satisfied")
    assert row.closed_at is not None
    assert events(need) == [
        (None, "open", "李网格员", "厨房漏水"),
        ("open", "assigned", "a", "派给张师傅"),
        ("assigned", "in_progress", "b", ""),
        ("in_progress", "done", "c", "换了接头"),
        ("done", "followed_up", "d", "居民很满意"),
        ("followed_up", "closed", "e", ""),
    ]
    at = [e.at for e in NeedEvent.select().where(NeedEvent.need == need).order_by(NeedEvent.seq)]
    assert at == sorted(at)


def test_done_straight_from_assigned_passes_through_in_progress(need):
    needs.transition(need, "assigned")
    needs.mark_done(need)
    assert [e[1] for e in events(need)] == ["open", "assigned", "in_progress", "done"]


def test_unsatisfied_follow_up_reopens_with_a_new_due_time(need):
    for step in ("assigned", "in_progress", "done"):
        needs.transition(need, step)
    assert needs.follow_up(need, "unsatisfied", actor="回访人", note="还在漏") == "open"
    row = Need.get_by_id(need)
    assert (row.status, row.satisfaction) == ("open", "unsatisfied")
    assert row.due_at > datetime.now()
    assert events(need)[-2:] == [
        ("done", "followed_up", "回访人", "还在漏"),
        ("followed_up", "open", "回访人", "还在漏"),
    ]


def test_a_reopened_need_is_due_by_the_callers_hours(need):
    for step in ("assigned", "in_progress", "done"):
        needs.transition(need, step)
    before = datetime.now().replace(microsecond=0)
    needs.follow_up(need, "unsatisfied", due_hours={"urgent": 2, "high": 2, "normal": 2, "low": 2})
    due = Need.get_by_id(need).due_at
    assert before + timedelta(hours=2) <= due <= datetime.now() + timedelta(hours=2)


@pytest.mark.parametrize("satisfaction", ["satisfied", "basically"])
def test_a_content_resident_leaves_it_followed_up_until_closed(need, satisfaction):
    for step in ("assigned", "in_progress", "done"):
        needs.transition(need, step)
    assert needs.follow_up(need, satisfaction) == "followed_up"
    with pytest.raises(GridError) as err:
        needs.reopen(need)
    assert err.value.key == "needs.reopen_only_unsatisfied"


def test_assigned_can_go_back_to_open(need):
    needs.transition(need, "assigned")
    needs.reopen(need, note="志愿者临时有事")
    assert status(need) == "open"


LEGAL = [(a, b) for a, targets in needs.TRANSITIONS.items() for b in targets]
PATH = {
    "open": [],
    "assigned": ["assigned"],
    "in_progress": ["assigned", "in_progress"],
    "done": ["assigned", "in_progress", "done"],
    "followed_up": ["assigned", "in_progress", "done", "followed_up"],
    "closed": ["assigned", "in_progress", "done", "followed_up", "closed"],
}


def _bring_to(need_id, target, satisfaction="unsatisfied"):
    for step in PATH[target]:
        extra = {"satisfaction": satisfaction} if step == "followed_up" else {}
        needs.transition(need_id, step, **extra)


@pytest.mark.parametrize(("start", "end"), LEGAL)
def test_every_legal_transition_is_an_event(need, start, end):
    _bring_to(need, start)
    needs.transition(need, end, actor="x", note="n")
    assert status(need) == end
    assert events(need)[-1] == (start, end, "x", "n")


ILLEGAL = [
    ("open", "done"),
    ("open", "closed"),
    ("open", "followed_up"),
    ("open", "in_progress"),
    ("assigned", "closed"),
    ("in_progress", "open"),
    ("in_progress", "followed_up"),
    ("done", "closed"),
    ("done", "open"),
    ("followed_up", "done"),
    ("closed", "open"),
    ("closed", "assigned"),
]


@pytest.mark.parametrize(("start", "end"), ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(need, start, end):
    _bring_to(need, start)
    before = events(need)
    with pytest.raises(GridError) as err:
        needs.transition(need, end)
    assert err.value.key == "needs.illegal_transition"
    assert status(need) == start and events(need) == before
    assert "\n" not in err.value.message("en") and "Traceback" not in err.value.message("zh")


def test_illegal_transition_sentence_in_both_languages(need):
    with pytest.raises(GridError) as err:
        needs.close(need)
    assert err.value.message("en") == "This need is 'open' and cannot be moved to 'closed'."
    assert err.value.message("zh") == "需求当前为“待处理”，不能直接改为“已关闭”。"


def test_bad_inputs_are_refused(town):
    hh = town["target"]["household"].id
    with pytest.raises(GridError, match="needs catalog"):
        needs.open_need(hh, "nothing.like_this")
    with pytest.raises(ValidationError):
        needs.open_need(hh, ITEM, source="carrier_pigeon")
    with pytest.raises(ValidationError):
        needs.open_need(hh, ITEM, urgency="whenever")
    with pytest.raises(GridError):
        needs.open_need("no-such-household", ITEM)
    with pytest.raises(GridError):
        needs.open_need(None, ITEM, resident_id="no-such-resident")
    with pytest.raises(GridError):
        needs.open_need(hh, ITEM, collective_id="no-such-issue")
    with pytest.raises(GridError):
        needs.transition("no-such-need", "assigned")
    assert Need.select().count() == 0


def test_a_need_from_a_resident_finds_the_household(town):
    resident = town["same_grid"]["resident"]
    nid = needs.open_need(None, ITEM, resident_id=resident.id, source="phone")
    assert Need.get_by_id(nid).household_id == resident.household_id


@pytest.mark.parametrize("source", ["visit", "phone", "platform", "walk_in", "meeting"])
def test_every_source(town, source):
    nid = needs.open_need(town["target"]["household"].id, ITEM, source=source)
    assert needs.need_detail(nid).source == source


def test_overdue_lists_waiting_needs_past_due_most_overdue_first(town):
    hh = town["target"]["household"].id
    late_urgent = needs.open_need(hh, ITEM, urgency="urgent", at=T0)  # due T0+24h
    late_normal = needs.open_need(hh, ITEM, urgency="normal", at=T0)  # due T0+168h
    not_yet = needs.open_need(hh, ITEM, urgency="low", at=T0)  # due T0+336h
    finished = needs.open_need(hh, ITEM, urgency="urgent", at=T0)
    for step in ("assigned", "in_progress", "done"):
        needs.transition(finished, step)
    now = T0 + timedelta(days=10)
    assert [r.id for r in needs.overdue(now=now)] == [late_urgent, late_normal]
    assert all(r.overdue for r in needs.overdue(now=now))
    assert needs.count_needs(overdue=True, now=now) == 2
    assert needs.count_needs(overdue=False, now=now) == 2
    assert needs.overdue(now=now, grid_ids=[town["grids"][1].id]) == []
    assert [r.id for r in needs.overdue(now=now, grid_ids=[town["grids"][0].id], limit=1)] == [late_urgent]
    assert not_yet not in [r.id for r in needs.overdue(now=now)]
    # exactly at the due time it is not late yet
    assert needs.overdue(now=T0 + timedelta(hours=24)) == []


def test_need_detail_masks_the_phone_unless_revealed(town, need):
    detail = needs.need_detail(need)
    assert detail.phone == "138****5678"
    assert needs.need_detail(need, reveal=True).phone == "13812345678"
    assert detail.compound == "凤飞园" and detail.grid == "第1网格"
    assert detail.next == ("assigned",)


def test_resolve_id_by_unique_start_or_end(need):
    assert needs.resolve_id(need[-8:]) == need
    assert needs.resolve_id(need[:13]) == need
    with pytest.raises(GridError):
        needs.resolve_id("abc")


def test_lists_narrow_to_my_grids(town):
    mine = needs.open_need(town["other_grid"]["household"].id, ITEM)
    needs.open_need(town["target"]["household"].id, ITEM)
    g2 = [town["grids"][1].id]
    assert [r.id for r in needs.list_needs(grid_ids=g2)] == [mine]
    assert needs.count_needs(grid_ids=g2) == 1 and needs.count_needs() == 2
