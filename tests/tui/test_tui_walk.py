"""The day's main path: home -> grid -> building -> walk list -> visit -> next door -> home."""

from __future__ import annotations

from gridtui.core.db import close_database, open_database
from gridtui.core.models import Visit
from gridtui.domain import visits, walk
from gridtui.tui.screens.home import HomeScreen
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.screens.walk import BuildingsScreen, WalkScreen
from gridtui.tui.widgets.checklist import Checklist
from gridtui.tui.widgets.paged_list import PagedList
from tests.conftest import builtin_form

from .tui_helpers import SIZE, TODAY, screen_text, settle

D2D = "door_to_door:"


def choice(item_key: str, n: int) -> str:
    """The key of the n-th choice (1-based) of a door-to-door item."""
    form = builtin_form("door_to_door")
    return form.choices[form.item(item_key).list][n - 1].name


def grid_row(app):
    return app.screen.query_one("#grid-list", PagedList).row(0)


async def open_first_unvisited(pilot) -> VisitScreen:
    app = pilot.app
    await pilot.press("enter")  # the first grid
    await settle(pilot)
    assert isinstance(app.screen, BuildingsScreen)
    await pilot.press("enter")  # the whole grid
    await settle(pilot)
    assert isinstance(app.screen, WalkScreen)
    await pilot.press("v")  # not visited yet
    await settle(pilot)
    walk = app.screen.query_one(PagedList)
    assert walk.count > 0 and all(walk.row(i).status == "not_visited" for i in range(min(walk.count, 5)))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, VisitScreen)
    return app.screen


def focused_item(app) -> str:
    """The item under the checklist's cursor (the checklist keeps the focus; its rows take none)."""
    checklist = app.screen.query_one(Checklist)
    assert checklist.has_focus_within
    return checklist.current.name


async def test_full_walk_answers_every_item_type_and_coverage_follows(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        before = grid_row(app)
        screen = await open_first_unvisited(pilot)
        household = screen.household_id
        assert focused_item(app) == "residents_present"

        await pilot.press("3", "enter")  # number: typing starts editing, Enter saves and moves on
        assert focused_item(app) == "moved_in_out"
        await pilot.press("down")
        assert focused_item(app) == "needs_care"  # the details are asked only if someone moved
        await pilot.press("up", "space")  # yes/no: yes
        await pilot.press("down")
        assert focused_item(app) == "move_details"  # and now they are
        await pilot.press("enter", *"son moved in", "enter")  # text
        assert focused_item(app) == "needs_care"
        await pilot.press("space", "space", "j")  # yes, then no: who needs care is not asked
        assert focused_item(app) == "gas_safety"
        await pilot.press("k", "space", "j")  # yes again: it is
        assert focused_item(app) == "care_situation"
        await pilot.press("2", "j")  # choice: empty nest
        await pilot.press("1", "j")  # gas: no hazard
        await pilot.press("2", "j")  # wiring: old
        await pilot.press("space", "j")  # exit blocked: yes
        await pilot.press("1", "j", "1", "j")  # heating, water
        await pilot.press("1", "3", "j")  # multi: two needs heard
        await pilot.press("5", "5", "6", "j")  # multi: 5 on and off again, then 6
        assert focused_item(app) == "next_visit"
        await pilot.press(*"2026-08-01", "down")  # date, saved by leaving the line
        assert focused_item(app) == "note"
        await pilot.press("D")  # done
        await settle(pilot)

        stored = {k.removeprefix(D2D): v for k, v in visits.answers(screen.data.visit_id).items()}
        assert stored == {
            "residents_present": 3,
            "moved_in_out": "yes",
            "move_details": "son moved in",
            "needs_care": "yes",
            "care_situation": choice("care_situation", 2),
            "gas_safety": choice("gas_safety", 1),
            "electrical_wiring": choice("electrical_wiring", 2),
            "fire_exit_blocked": "yes",
            "heating": choice("heating", 1),
            "water": choice("water", 1),
            "needs_heard": [choice("needs_heard", 1), choice("needs_heard", 3)],
            "policy_explained": [choice("policy_explained", 6)],
            "next_visit": "2026-08-01",
        }
        assert Visit.get_by_id(screen.data.visit_id).outcome == "done"

        await pilot.press("right_square_bracket")  # the next household on the list
        await settle(pilot)
        assert screen.household_id != household
        assert screen.index == 1

        await pilot.press("h")  # home
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        after = grid_row(app)
        assert after.done == before.done + 1
        assert not app.errors


async def test_nobody_home_schedules_a_revisit(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_first_unvisited(pilot)
        await pilot.press("N")
        await settle(pilot)
        visit = Visit.get_by_id(screen.data.visit_id)
        assert visit.outcome == "nobody_home"
        assert (visit.revisit_due - TODAY).days == app.settings.revisit_days
        assert "away" in screen_text(app)  # the outcome in the title
        await pilot.press("escape")
        await settle(pilot)
        row = app.screen.query_one(PagedList)
        assert isinstance(app.screen, WalkScreen)
        assert row.count >= 0
    close_database()
    open_database(app.db_path)
    due = [r.household_id for r in walk.HOUSEHOLDS.revisits_due(today=visit.revisit_due)]
    assert screen.household_id in due
    close_database()


async def test_walk_list_filters(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(2):
            await pilot.press("enter")
            await settle(pilot)
        walk = app.screen.query_one(PagedList)
        total = walk.count
        await pilot.press("f")
        assert 0 < walk.count < total and all(walk.row(i).flags for i in range(walk.count))
        await pilot.press("r")
        assert 0 < walk.count < total
        assert all(
            walk.row(i).status == "nobody_home" and (walk.row(i).revisit_due or TODAY) <= TODAY
            for i in range(walk.count)
        )
        await pilot.press("a")
        assert walk.count == total and "all" in screen_text(app)
