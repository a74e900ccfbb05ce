"""Search reads every resident at every key: its reads share one thread and one connection,
page cache and all, while the search screen is open, and give them up when it closes."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from gridtui.core.models import Resident, database
from gridtui.domain import search
from gridtui.tui.screens.search import SearchScreen
from gridtui.tui.widgets.paged_list import PagedList

from .tui_helpers import SIZE, settle


def lane_connection():
    """Run on the lane: which thread, which connection, how large its page cache."""
    conn = database.connection()
    return threading.get_ident(), conn, conn.execute("PRAGMA cache_size").fetchone()[0]


async def test_keystrokes_search_on_one_kept_connection_that_closes_with_the_screen(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        person = Resident.select().where(Resident.is_head).order_by(Resident.id).first()
        await pilot.press("slash")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        before = await screen._lane.run(lane_connection)
        assert before[2] == -search.CACHE_KIB  # readied as the screen opened
        for key in person.name_initials:
            await pilot.press(key)
            await settle(pilot)
        hits = screen.query_one(PagedList)
        assert any(hits.row(i).resident_id == person.id for i in range(hits.count))
        assert await screen._lane.run(lane_connection) == before
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)
        for thread in threading.enumerate():
            if thread.name.startswith("gridtui-search"):
                thread.join(10)
        assert not any(t.name.startswith("gridtui-search") for t in threading.enumerate())
        with pytest.raises(sqlite3.ProgrammingError):
            before[1].execute("SELECT 1")
