"""A screen that is left lets go of what it drew, and a visit left at once leaves no error.

A day opens hundreds of screens (a visit, a household from search). Textual's Header stayed
watched by the app until its title changes (never, here), and Textual's styles cache keeps every
widget's drawn lines until 1,024 later widgets push them out: each kept a left screen's objects
alive, and the collector's full passes over them grew through the day."""

from __future__ import annotations

import gc
import sqlite3

from gridtui.domain import walk
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader

from .tui_helpers import SIZE, settle


def unvisited(app, count: int) -> list[str]:
    app.ensure_db()
    return walk.HOUSEHOLDS.ids(app.campaign_id, filter="not_visited", today=app.today)[:count]


async def test_a_visit_left_before_it_is_drawn_reports_nothing(make_app, demo_db):
    """The visit's load is held at its first write by another connection's lock, the screen is
    left meanwhile, then the lock goes: the load finishes for a screen no longer there."""
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [household] = unvisited(app, 1)
        other = sqlite3.connect(demo_db, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # the office's import, say
            app.open_visit([household])
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        finally:
            other.execute("ROLLBACK")
            other.close()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.errors == []


async def test_left_screens_keep_neither_their_header_nor_their_lines(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        drawn, headers = [], []
        households = unvisited(app, 8)
        for run in (households[:4], households[4:]):
            for household in run:
                app.open_visit([household])
                await settle(pilot)
                assert isinstance(app.screen, VisitScreen)
                lines = app.screen.query_one(KeyFooter)._styles_cache  # not the widget: it keeps its screen
                assert lines._cache  # drawn
                drawn.append(lines)
                app.pop_screen()
                await settle(pilot)
            gc.collect()
            headers.append(sum(isinstance(o, GridHeader) for o in gc.get_objects()))
        assert all(not lines._cache for lines in drawn)
        assert headers[1] == headers[0] <= 2  # home's, and at most the last one left


async def test_the_collector_held_off_for_a_first_draw_is_let_go(make_app):
    """Home and a visit hold the collector off while they are first drawn, never longer."""
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert gc.isenabled()  # home drawn
        first, second = unvisited(app, 2)
        app.open_visit([first])
        await settle(pilot)
        assert gc.isenabled()  # drawn
        app.pop_screen()
        app.open_visit([second])
        await pilot.pause()
        app.pop_screen()  # left before its checklist was drawn
        await settle(pilot)
        assert gc.isenabled()
