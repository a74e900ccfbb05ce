"""Answers given while another program writes to the database: the screen never freezes, the
worker is told in one sentence, and every answer is stored, in order, once the lock is gone."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from gridtui.domain import visits, walk
from gridtui.i18n import t
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.widgets.checklist import Checklist

from .tui_helpers import SIZE, settle, unvisited_households

D2D = "door_to_door:"

HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE meta SET value = value WHERE key = 'seq'")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
"""


class AnotherProgram:
    """A second process holding the database's write lock, as an import does, until released."""

    def __init__(self, db_path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        self.process.communicate("\n", timeout=30)
        assert self.process.returncode == 0


async def open_visit(pilot) -> VisitScreen:
    await settle(pilot)
    pilot.app.ensure_db()
    pilot.app.open_visit(walk.HOUSEHOLDS.ids(pilot.app.campaign_id, filter="not_visited", today=pilot.app.today)[:1])
    await settle(pilot)
    assert isinstance(pilot.app.screen, VisitScreen)
    return pilot.app.screen


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_answers_given_during_another_programs_write_wait_and_are_saved_in_order(make_app, demo_db):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_visit(pilot)
        visit_id = screen.data.visit_id
        other = AnotherProgram(demo_db)
        try:
            await pilot.press("3", "enter", "space", "j", "j", "1")
            # the screen went on: each key was handled (the yes made the details appear, the
            # cursor went past them), the lines show what was given
            checklist = screen.query_one(Checklist)
            assert checklist.current.name == "needs_care"
            assert checklist.state.values == {"residents_present": 3, "moved_in_out": "yes", "needs_care": "yes"}
            assert t("tui.writes.queued", lang="en") in notices(app)
            assert app.writes.waiting == 3 and visits.answers(visit_id) == {}
        finally:
            other.release()
        await asyncio.to_thread(app.writes.join, 30)
        await settle(pilot)
        assert app.writes.waiting == 0
        answers = visits.answers(visit_id)
        assert answers == {D2D + "residents_present": 3, D2D + "moved_in_out": "yes", D2D + "needs_care": "yes"}
        assert t("tui.writes.saved", lang="en") in notices(app)
        # once the queue is empty, answers are written at once again
        await pilot.press("u")
        assert D2D + "needs_care" not in visits.answers(visit_id)


async def test_quitting_with_answers_waiting_quits_once_they_are_saved(make_app, demo_db):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_visit(pilot)
        visit_id = screen.data.visit_id
        other = AnotherProgram(demo_db)
        try:
            await pilot.press("j", "space", "ctrl+q")
            assert app.return_code is None  # still open: one answer waits
            assert t("tui.writes.quit_waits", lang="en", count=1) in notices(app)
        finally:
            other.release()
        await asyncio.to_thread(app.writes.join, 30)
        await pilot.pause()
        assert app.return_code == 0
    assert visits.answers(visit_id) == {D2D + "moved_in_out": "yes"}


async def test_a_full_disk_is_said_in_its_own_sentence_and_the_screen_goes_on(make_app, demo_db, monkeypatch):
    import sqlite3

    from gridtui.core import db as core_db

    conn = sqlite3.connect(demo_db)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    monkeypatch.setitem(core_db.PRAGMAS, "max_page_count", pages)  # no room to grow: SQLITE_FULL
    full = t("db.disk_full", lang="en", path=demo_db)
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = [h.id for h in unvisited_households()]
        app.open_visit(ids)
        await settle(pilot)
        screen = app.screen
        for _ in range(120):  # answers fill the last free room in their pages, then the next one fails
            await pilot.press("j", "space", "j", "j", "1", "j", "1", "j", "1", "right_square_bracket")
            await settle(pilot)
            if full in notices(app):
                break
        assert full in notices(app)
        assert not app.errors  # no generic "something went wrong"
        assert isinstance(app.screen, VisitScreen) and screen.data is not None  # the day goes on
