"""The visit's checklist: a cursor that moves without moving the focus, and typing that starts on
the key that can begin an answer while the screen's keys stay commands on every line."""

from __future__ import annotations

from gridtui.core.models import Answer
from gridtui.domain import visits, walk
from gridtui.tui.screens.dialogs import KeymapScreen, NeedDialog
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.widgets.checklist import Checklist

from .tui_helpers import SIZE, cursor_drawn_on, cursor_to, on_screen, screen_text, settle

D2D = "door_to_door:"


async def open_visit(pilot) -> tuple[VisitScreen, Checklist]:
    """A household the active campaign has not called on yet: a fresh checklist."""
    await settle(pilot)
    pilot.app.ensure_db()
    campaign = pilot.app.campaign_id
    pilot.app.open_visit(walk.HOUSEHOLDS.ids(campaign, filter="not_visited", today=pilot.app.today)[:1])
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, VisitScreen)
    return screen, screen.query_one(Checklist)


def footer_keys(app) -> set[str]:
    return {binding.id for _, binding, enabled, _ in app.screen.active_bindings.values() if binding.show and enabled}


async def test_moving_keeps_the_focus_on_the_checklist_and_draws_the_cursor_on_one_row(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        _, checklist = await open_visit(pilot)
        assert app.focused is checklist and checklist.current.name == "residents_present"
        assert cursor_drawn_on(checklist) == ["residents_present"]
        assert "checklist.toggle" in footer_keys(app)  # a number line: Enter (or space) starts typing

        await pilot.press("down")
        assert app.focused is checklist and checklist.current.name == "moved_in_out"
        assert cursor_drawn_on(checklist) == ["moved_in_out"]
        assert "checklist.toggle" in footer_keys(app)  # a yes/no line: Enter (or space) answers

        await pilot.press("j", "j", "k")  # move_details is asked only if someone moved: not shown
        assert checklist.current.name == "needs_care" and cursor_drawn_on(checklist) == ["needs_care"]
        await pilot.press("up", "up", "up")  # stops at the first item
        assert checklist.current.name == "residents_present"

        for _ in checklist.rows:
            await pilot.press("down")
        await pilot.pause()
        last = checklist.rows[-1]
        assert checklist.current is last and on_screen(checklist, last.name)  # scrolled into view

        await pilot.press("p")  # the residents panel: no cursor left on the checklist
        await pilot.pause()
        assert cursor_drawn_on(checklist) == []
        await pilot.press("p")  # back to the checklist, on its first item
        await pilot.pause()
        assert app.focused is checklist and cursor_drawn_on(checklist) == ["residents_present"]
        assert not app.errors


async def test_a_number_line_types_digits_and_leaves_letters_to_the_screen(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen, checklist = await open_visit(pilot)
        row = await cursor_to(pilot, checklist, "residents_present")

        await pilot.press("x")  # no number begins with a letter: nothing happens
        assert not row.editing and row.input.value == ""
        await pilot.press("4")
        assert row.editing and app.focused is row.input and row.input.value == "4"
        assert cursor_drawn_on(checklist) == ["residents_present"]  # still marked while typing
        await pilot.press("enter")
        await settle(pilot)
        assert visits.answers(screen.data.visit_id)[D2D + "residents_present"] == 4
        assert app.focused is checklist and checklist.current.name == "moved_in_out"

        await cursor_to(pilot, checklist, "residents_present")
        await pilot.press("-")  # a negative number starts too, and is refused inline
        assert row.editing and row.input.value == "-"
        await pilot.press("1", "enter")
        await pilot.pause()
        assert row.editing and visits.answers(screen.data.visit_id)[D2D + "residents_present"] == 4
        await pilot.press("escape")  # puts back the saved answer; a second Escape leaves the visit
        assert not row.editing and row.input.value == "4" and app.screen is screen
        await pilot.press("n")  # a letter on a number line is the screen's key: record a need
        await settle(pilot)
        assert isinstance(app.screen, NeedDialog)
        assert not app.errors


async def test_a_date_line_types_digits_only(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen, checklist = await open_visit(pilot)
        row = await cursor_to(pilot, checklist, "next_visit")
        await pilot.press("-", "x")
        assert not row.editing
        await pilot.press(*"2026-08-01", "down")  # saved by leaving the line
        await settle(pilot)
        assert visits.answers(screen.data.visit_id)[D2D + "next_visit"] == "2026-08-01"
        assert checklist.current.name == "note" and app.focused is checklist


async def test_a_text_line_types_any_key_the_screen_does_not_use(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen, checklist = await open_visit(pilot)
        await cursor_to(pilot, checklist, "moved_in_out")
        await pilot.press("space")  # someone moved: the details are asked now
        await settle(pilot)
        row = await cursor_to(pilot, checklist, "move_details")

        await pilot.press("儿")  # Chinese from the input method starts the answer
        assert row.editing and row.input.value == "儿"
        await pilot.press(*"子搬入", "enter")
        await settle(pilot)
        assert visits.answers(screen.data.visit_id)[D2D + "move_details"] == "儿子搬入"

        row = await cursor_to(pilot, checklist, "note")
        await pilot.press(*"grandson moved in", "enter")  # g is no key of the visit: typed at once
        await settle(pilot)
        assert visits.answers(screen.data.visit_id)[D2D + "note"] == "grandson moved in"

        await cursor_to(pilot, checklist, "note")
        await pilot.press("space")  # starts typing, nothing inserted (Enter does the same)
        assert row.editing and row.input.value == "grandson moved in"
        await pilot.press("ctrl+a", "ctrl+k", *"need a ramp", "enter")  # n typed once typing
        await settle(pilot)
        assert visits.answers(screen.data.visit_id)[D2D + "note"] == "need a ramp"

        await cursor_to(pilot, checklist, "note")
        await pilot.press("n")  # n on a text line that is not being typed into: a need
        await settle(pilot)
        assert isinstance(app.screen, NeedDialog) and not row.editing
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("N")  # and N (nobody home) is an outcome from a text line
        await settle(pilot)
        assert visits.visit_state(screen.data.visit_id).outcome == "nobody_home"
        assert not app.errors


async def test_keys_of_a_yes_no_line_do_not_type_and_digits_pick(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen, checklist = await open_visit(pilot)
        await cursor_to(pilot, checklist, "needs_care")
        await pilot.press("1")  # yes: who needs care is asked now
        await settle(pilot)
        await cursor_to(pilot, checklist, "care_situation")
        await pilot.press("2")
        await pilot.pause()
        answers = visits.answers(screen.data.visit_id)
        assert answers[D2D + "care_situation"] == checklist.state.choices(checklist.current)[1].name
        before = Answer.select().count()
        await pilot.press("9")  # no such choice: said on the line, nothing written
        await pilot.pause()
        assert "There is no choice 9" in screen_text(app) and Answer.select().count() == before


async def test_the_key_map_says_how_typing_starts(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_visit(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeymapScreen)
        text = screen_text(app)
        assert "checklist.toggle" in text and "on a number line a digit" in text


async def test_a_click_puts_the_cursor_on_its_row_and_a_paste_types_into_a_typed_line(make_app):
    from textual import events

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        _, checklist = await open_visit(pilot)
        target = checklist.form.item("gas_safety")
        line = checklist.span("gas_safety")[0] - checklist.view.scroll_offset.y
        await pilot.click(checklist.view, offset=(6, line))
        await pilot.pause()
        assert checklist.current is target and app.focused is checklist
        assert cursor_drawn_on(checklist) == ["gas_safety"]

        await cursor_to(pilot, checklist, "moved_in_out")
        await pilot.press("space")
        await settle(pilot)
        row = await cursor_to(pilot, checklist, "move_details")
        checklist.post_message(events.Paste("son moved in"))
        await pilot.pause()
        assert row.editing and row.input.value == "son moved in"


async def test_a_burst_of_keys_is_typed_whole(make_app):
    """An input method commits 情况良好 as four keys at once, and a fast typist's 123 can arrive
    before the field has the focus: every key must land in the field, in order."""
    from textual import events

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        _, checklist = await open_visit(pilot)
        await cursor_to(pilot, checklist, "moved_in_out")
        await pilot.press("space")
        await settle(pilot)
        for key, burst in (("move_details", "情况良好"), ("residents_present", "123")):
            row = await cursor_to(pilot, checklist, key)
            for character in burst:  # queued together, as a terminal delivers one read
                app.post_message(events.Key(character, character))
            await settle(pilot)
            assert row.editing and row.input.value == burst
            await pilot.press("escape")
            await settle(pilot)


async def test_remapping_the_answer_key_moves_space_and_enter_together(make_app, tmp_path, monkeypatch):
    config = tmp_path / "remap.toml"
    config.write_text('[keymap]\n"checklist.toggle" = "t"\n', encoding="utf-8")
    monkeypatch.setenv("GRIDTUI_CONFIG", str(config))
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        _, checklist = await open_visit(pilot)
        yes_no = await cursor_to(pilot, checklist, "moved_in_out")
        await pilot.press("t")
        await settle(pilot)
        assert yes_no.value == "yes"
        number = await cursor_to(pilot, checklist, "residents_present")
        await pilot.press("t")  # starts typing a number line, as Enter did
        await settle(pilot)
        assert number.editing
        await pilot.press("4", "enter")
        await settle(pilot)
        assert number.value == 4 and not app.errors


async def test_a_visit_lays_its_lines_out_once_at_the_width_they_are_drawn(make_app, monkeypatch):
    """Laid out at a guess before the first layout, the lines were laid out again at the real
    width a frame later, and a horizontal scrollbar took a row under a long checklist."""
    widths: list[int] = []
    lay_out = Checklist._lay_out_lines

    def recorded(self) -> None:
        lay_out(self)
        widths.append(self.width)

    monkeypatch.setattr(Checklist, "_lay_out_lines", recorded)
    for size, lang in (((120, 40), "en"), ((60, 20), "zh"), ((120, 80), "en")):  # 120x80: no scrollbar
        widths.clear()
        app = make_app(lang=lang)
        async with app.run_test(size=size) as pilot:
            _, checklist = await open_visit(pilot)
            view = checklist.view
            drawn = view.scrollable_content_region.width
            assert widths == [drawn], size
            assert not view.show_horizontal_scrollbar
            assert view.show_vertical_scrollbar == (len(checklist.lines) > view.size.height)
