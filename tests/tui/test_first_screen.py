"""What the first screen of the day is made of: a one-widget title line, and only home's rules
of the stylesheet until another screen (or a moment's wait) needs the rest."""

from __future__ import annotations

from rich.cells import cell_len
from textual.command import CommandPalette

from gridtui.tui.app import STYLESHEET, stylesheet_parts
from gridtui.tui.screens.search import SearchScreen
from gridtui.tui.widgets.header import ICON, ICON_WIDTH, GridHeader, title_line

from .tui_helpers import SIZE, settle

PAST_HOME = (str(STYLESHEET), "past home")


def test_the_title_is_centred_between_the_icon_and_the_right_end():
    line = title_line("gridtui 网格走访", 120)
    assert cell_len(line) == 120
    assert line.startswith(f" {ICON}")
    start = line.index("gridtui")
    assert start == ICON_WIDTH + (120 - ICON_WIDTH - 10 - cell_len("gridtui 网格走访")) // 2


def test_a_narrow_title_is_cut_with_a_mark_and_never_spills():
    for width in (40, 30, 20, 18, 10, 0):
        line = title_line("gridtui 网格走访", width)
        assert cell_len(line) == max(width, ICON_WIDTH + 10)
    assert "…" in title_line("gridtui 网格走访", 30)
    assert "gridtui" not in title_line("gridtui 网格走访", 18)  # no room left at all


def test_the_stylesheet_is_cut_where_homes_rules_end_and_keeps_its_line_numbers():
    home, rest = stylesheet_parts()
    whole = STYLESHEET.read_text(encoding="utf-8")
    assert "HomeScreen {" in home and "#visit-body" not in home
    assert "#visit-body" in rest and "HomeScreen {" not in rest
    assert rest.lstrip("\n") == whole[len(home) :]
    line = lambda text: text[: text.index("#visit-body")].count("\n")  # noqa: E731
    assert line(rest) == line(whole)  # an error past home's rules names its line in the file


async def test_home_is_drawn_from_its_own_rules_and_the_rest_changes_none_of_it(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert PAST_HOME not in app.stylesheet.source  # a moment has not passed (no timer fired)
        before = {id(node): node.styles.css for node in app.screen.walk_children(with_self=True)}
        app.style_the_rest()
        await pilot.pause()
        assert PAST_HOME in app.stylesheet.source
        after = {id(node): node.styles.css for node in app.screen.walk_children(with_self=True)}
        assert after == before


async def test_any_other_screen_has_the_whole_stylesheet_even_after_a_theme_change(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(SearchScreen())
        await settle(pilot)
        assert tuple(app.screen.query_one("#search-input").styles.margin) == (0, 1, 0, 1)  # a rule past home's
        app.pop_screen()
        app.theme = "textual-light"  # Textual parses every source again
        await settle(pilot)
        app.push_screen(SearchScreen())
        await settle(pilot)
        assert tuple(app.screen.query_one("#search-input").styles.margin) == (0, 1, 0, 1)


async def test_the_header_icon_opens_the_command_palette_and_the_title_does_not(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = app.screen.query_one(GridHeader)
        assert "gridtui grid visits" in header.render_line(0).text
        await pilot.click(GridHeader, offset=(40, 0))
        await settle(pilot)
        assert not isinstance(app.screen, CommandPalette)
        await pilot.hover(GridHeader, offset=(2, 0))
        assert header.tooltip == "Open the command palette (ctrl+p)"
        await pilot.click(GridHeader, offset=(2, 0))
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
