"""The volunteer registry screen: team and kind filters, one volunteer's skills, pairings,
assignments and ledger; availability and an hours line written, bad hours refused on the form."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from gridtui.core.models import Assignment, Pairing, ServiceLog, Volunteer, live
from gridtui.domain import volunteers
from gridtui.tui.screens.forms import FormDialog
from gridtui.tui.screens.household import HouseholdScreen
from gridtui.tui.screens.volunteers import VolunteerScreen, VolunteersScreen
from gridtui.tui.widgets.paged_list import PagedList

from .tui_helpers import screen_text, settle

pytestmark = pytest.mark.demo(seed=11)
SIZE = (150, 44)  # the registers' wide columns


def a_volunteer_with_pairings_and_assignments() -> str:
    paired = {p.volunteer_id for p in Pairing.select().where(live(Pairing))}
    busy = {a.volunteer_id for a in Assignment.select().where(live(Assignment))}
    return sorted(paired & busy)[0]


async def test_registry_filters_and_one_volunteer(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        assert isinstance(app.screen, VolunteersScreen)
        rows = app.screen.query_one("#volunteers-list", PagedList)
        assert rows.count == volunteers.count_volunteers() > 0
        assert "双报到在职党员" in screen_text(app) and "*" in rows.current.phone
        await pilot.press("end")
        assert rows.cursor == rows.count - 1

        teams = volunteers.list_teams()
        await pilot.press("t")  # the first team
        await settle(pilot)
        assert rows.count == volunteers.count_volunteers(teams[0].id) == teams[0].members
        assert {rows.row(i).team_id for i in range(rows.count)} == {teams[0].id}
        assert teams[0].name in screen_text(app)
        await pilot.press("f")  # and in-service party members (双报到) only
        await settle(pilot)
        assert rows.count == volunteers.count_volunteers(teams[0].id, "in_service_party")
        assert all(rows.row(i).work_unit for i in range(rows.count))
        await pilot.press("x")
        await settle(pilot)
        assert rows.count == volunteers.count_volunteers()

        target = a_volunteer_with_pairings_and_assignments()
        rows.cursor = next(i for i in range(rows.count) if rows.row(i).id == target)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, VolunteerScreen)
        detail = volunteers.volunteer_detail(target)
        text = screen_text(app)
        assert detail.name in text and detail.phone in text
        assert detail.pairings[0].address in text
        assignment = volunteers.assignments_of_volunteer(target)[0]
        assert assignment.item in text

        await pilot.press("a")  # available <-> not
        await settle(pilot)
        assert Volunteer.get_by_id(target).available is (not detail.available)

        await pilot.press("enter")  # the first paired household
        await settle(pilot)
        assert isinstance(app.screen, HouseholdScreen)
        assert app.screen.household_id == detail.pairings[0].household_id
        await pilot.press("escape")
        await settle(pilot)
        assert not app.errors


async def test_logging_hours_refuses_bad_hours_on_the_form(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        target = app.screen.query_one(PagedList).current.id
        before = volunteers.hours_by_volunteer([target]).get(target, 0.0)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"30", "enter", "enter", *"stairwell clean-up", "enter")  # 30 h in a day
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)  # still open, nothing written
        assert "between 0 and 24" in screen_text(app)
        assert app.focused is form.query_one("#form-hours", Input)
        assert volunteers.hours_by_volunteer([target]).get(target, 0.0) == before
        app.focused.value = ""
        await pilot.press(*"2.5", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, VolunteerScreen)
        line = ServiceLog.select().where(ServiceLog.volunteer == target).order_by(ServiceLog.seq.desc()).first()
        assert line.hours == 2.5 and line.activity == "stairwell clean-up" and str(line.date) == "2026-07-14"
        assert "stairwell clean-up" in screen_text(app)
        assert not app.errors


async def test_a_new_team_joins_the_team_filter(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await pilot.press("ctrl+s")  # no name
        await settle(pilot)
        assert app.screen is form and "队名不能为空" in screen_text(app)
        await pilot.press(*"助老", "enter", *"Elder care", "enter")
        await settle(pilot)
        assert isinstance(app.screen, VolunteersScreen)
        teams = volunteers.list_teams()
        new = next(tm for tm in teams if tm.name == "助老")
        for _ in range(teams.index(new) + 1):
            await pilot.press("t")
            await settle(pilot)
        assert app.screen.team_id == new.id and "助老 (0)" in screen_text(app)
        assert app.screen.query_one(PagedList).count == 0
        assert not app.errors
