"""Type-ahead: keys sent faster than a frame are handled one after another, each where it was
meant, as a terminal does (a burst is queued before the app has handled any of it)."""

from __future__ import annotations

from textual import events

from gridtui.domain import visits, walk
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.widgets.checklist import Checklist

from .tui_helpers import SIZE, settle

D2D = "door_to_door:"

CHARACTERS = {
    "space": " ",
    "enter": "\r",
    "escape": "\x1b",
    "backspace": "\x7f",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
}


def burst(app, *keys: str) -> None:
    """Queue every key at once, as a terminal read of a fast typist's keys delivers them."""
    for key in keys:
        character = CHARACTERS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def open_visit(pilot, index: int = 0) -> VisitScreen:
    """The households the active campaign has not called on yet: fresh checklists."""
    await settle(pilot)
    pilot.app.ensure_db()
    ids = walk.HOUSEHOLDS.ids(pilot.app.campaign_id, filter="not_visited", today=pilot.app.today)
    pilot.app.open_visit(ids, index)
    await settle(pilot)
    assert isinstance(pilot.app.screen, VisitScreen)
    return pilot.app.screen


def saved(screen: VisitScreen) -> dict:
    return visits.answers(screen.data.visit_id)


async def test_a_number_then_enter_then_keys_each_land_where_meant(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_visit(pilot)
        burst(app, "3", "enter", "space", "j", "j")
        await settle(pilot)
        answers = saved(screen)
        assert answers[D2D + "residents_present"] == 3
        assert answers[D2D + "moved_in_out"] == "yes"  # space on the yes/no line after it
        checklist = screen.query_one(Checklist)
        assert checklist.current.name == "needs_care"  # past the details the yes made appear


async def test_keys_right_after_next_household_go_to_the_next_household(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_visit(pilot)
        first = screen.target_id
        burst(app, "right_square_bracket", "3", "enter", "space")
        await settle(pilot)
        assert screen.target_id != first
        answers = saved(screen)
        assert answers[D2D + "residents_present"] == 3
        assert answers[D2D + "moved_in_out"] == "yes"
        assert screen.query_one(Checklist).state.values["residents_present"] == 3
        assert visits.answers(visits.open_visit(screen.campaign_id, first)) == {}


async def cursor_to(pilot, screen: VisitScreen, key: str):
    checklist = screen.query_one(Checklist)
    checklist.focus_item(checklist.form.item(key))
    await pilot.pause()


async def test_every_item_type_takes_a_burst_and_the_keys_after_it(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_visit(pilot)
        await cursor_to(pilot, screen, "moved_in_out")
        # yes/no (which makes the details appear), a text typed by an input method (one commit
        # of several characters), yes/no by digit (which makes who needs care appear), three
        # choices, yes/no, two choices, two multiple choices, a date, an outcome: one burst,
        # with no pause for the screen
        burst(
            app,
            "space",
            "j",
            "张",
            "三",
            "搬",
            "入",
            "enter",
            "1",
            "j",
            "2",
            "j",
            "3",
            "j",
            "4",
            "j",
            "2",
            "j",
            "1",
            "j",
            "1",
            "j",
            "1",
            "3",
            "j",
            "2",
            "j",
            "2",
            "0",
            "2",
            "6",
            "-",
            "0",
            "8",
            "-",
            "0",
            "1",
            "enter",
            "N",
        )
        await settle(pilot)
        answers = saved(screen)
        form = screen.query_one(Checklist).form
        choices = {item.name: [c.name for c in form.choices.get(item.list, ())] for item in form.items}
        assert {key.removeprefix(D2D): value for key, value in answers.items()} == {
            "moved_in_out": "yes",
            "move_details": "张三搬入",
            "needs_care": "yes",
            "care_situation": choices["care_situation"][1],
            "gas_safety": choices["gas_safety"][2],
            "electrical_wiring": choices["electrical_wiring"][3],
            "fire_exit_blocked": "no",
            "heating": choices["heating"][0],
            "water": choices["water"][0],
            "needs_heard": [choices["needs_heard"][0], choices["needs_heard"][2]],
            "policy_explained": [choices["policy_explained"][1]],
            "next_visit": "2026-08-01",
        }
        assert visits.visit_state(screen.data.visit_id).outcome == "nobody_home"


async def test_a_text_then_an_outcome_key_saves_the_text_first(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_visit(pilot)
        await cursor_to(pilot, screen, "note")
        burst(app, "enter", "D", "o", "o", "r", " ", "o", "k", "enter", "R")
        await settle(pilot)
        assert saved(screen)[D2D + "note"] == "Door ok"
        assert visits.visit_state(screen.data.visit_id).outcome == "refused"


async def test_a_bad_number_keeps_the_keys_after_it_out_of_the_answer(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_visit(pilot)
        burst(app, "-", "enter", "backspace", "4", "enter", "space")
        await settle(pilot)
        answers = saved(screen)
        assert answers[D2D + "residents_present"] == 4
        assert answers[D2D + "moved_in_out"] == "yes"


async def test_from_home_to_an_answer_in_one_burst(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # home: open the first grid; its buildings: the whole grid; the walk list: not visited
        # yet, the third household
        burst(app, "enter", "enter", "v", "j", "j", "enter", "5", "enter", "space")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, VisitScreen) and screen.index == 2
        answers = saved(screen)
        assert answers[D2D + "residents_present"] == 5
        assert answers[D2D + "moved_in_out"] == "yes"
