"""Random keystrokes at the visit screen: the app keeps running, says nothing unexpected, and
the database stays sound.

Hypothesis draws a few dozen keys from what a grid worker's fingers hit at a door (answer keys,
digits, moving, outcomes, undo, dialogs, Escape) and Pilot presses them into a real GridApp on
a copy of the demo community. Ctrl+Q is left out: quitting is not a failure.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridtui.domain import walk

from .checks import integrity

KEYS = [
    "space",
    "enter",
    "up",
    "down",
    "j",
    "k",
    "tab",
    "shift+tab",
    "backspace",
    "delete",
    "0",
    "1",
    "2",
    "3",
    "4",
    "7",
    "9",
    "-",
    ".",
    "x",
    "u",
    "ctrl+z",
    "[",
    "]",
    "D",
    "N",
    "R",
    "M",
    "n",
    "a",
    "e",
    "i",
    "escape",
]


async def press_at_a_visit(db: Path, keys: list[str]) -> list[Exception]:
    from gridtui.tui import GridApp
    from gridtui.tui.screens.visit import VisitScreen
    from gridtui.tui.widgets.checklist import Checklist

    app = GridApp(db_path=db)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        household = walk.HOUSEHOLDS.ids(app.campaign_id)[0]
        app.open_visit([household])
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen) and app.screen.query_one(Checklist).rows
        for key in keys:
            await pilot.press(key)
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        return list(app.errors)


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=st.lists(st.sampled_from(KEYS), min_size=8, max_size=20))
def test_random_keys_at_a_visit_never_break_the_app(community_template, keys):
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "visit.db"
        shutil.copyfile(community_template, db)
        errors = asyncio.run(press_at_a_visit(db, keys))
        assert errors == []
        assert integrity(db) == "ok"
