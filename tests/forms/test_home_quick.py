"""Home with no figures kept from an earlier start (the first start of a day, after an import):
its figures come from the file by the campaign rules alone (domain/coverage.py on a plain
sqlite3 connection, read while Textual is imported), before Peewee and the models are loaded,
and they are the very figures the full read gives."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from gridtui.core.db import close_database, open_database
from gridtui.tui import home_cache
from gridtui.tui.screens.home import load_home
from tests.conftest import ROOT, gridtui_env

TODAY = date(2026, 7, 14)


class App:
    """What home_cache and load_home read of the app."""

    def __init__(self, db, campaign_id: str = "", my_grids=()) -> None:
        from gridtui.config import Settings

        self.db_path, self.today, self.campaign_id = db, TODAY, campaign_id
        self.settings = Settings(my_grids=list(my_grids))


def test_the_quick_figures_are_the_full_reads(demo_copy):
    db = demo_copy(seed=3)
    for mine in ((), ("01",)):
        quick = home_cache.quick(App(db, my_grids=mine))
        open_database(db)
        try:
            full = load_home(App(db, quick["campaign_id"], mine))
        finally:
            close_database()
        assert quick["campaign"] == full.campaign and quick["campaign_id"]
        assert [(g[1], g[2]) for g in quick["grids"]] == [(g.code, g.name) for g in full.grids]
        for grid in full.grids:
            assert quick["coverage"][grid.code]["done"] == grid.done
            assert quick["coverage"][grid.code]["revisit_due"] == grid.revisit_due
        assert "revisits" not in quick  # the lists beside the grids come with the full read


PROBE = """
import asyncio, json, sys
from datetime import date
from gridtui.tui import launch

async def main():
    app = launch(db_path=sys.argv[1], today=date(2026, 7, 14))  # as the gridtui command makes it
    async with app.run_test(headless=True) as pilot:
        grid = None
        while grid is None or not grid.count:
            await asyncio.sleep(0.001)
            found = app.screen.query("#grid-list")
            grid = found.first() if found else None
        before = "peewee" in sys.modules
        await app.workers.wait_for_complete()
        print(json.dumps({"peewee_before_figures": before, "rows": grid.count, "errors": len(app.errors)}))

asyncio.run(main())
"""


def test_home_shows_its_figures_before_the_models_are_loaded(demo_copy, tmp_path):
    db = demo_copy(seed=3)  # never opened by the app: no figures kept
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(db)],
        env=gridtui_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"peewee_before_figures": False, "rows": found["rows"], "errors": 0} and found["rows"] > 0


def test_a_laptop_given_a_grid_shows_that_grid_from_the_first_frame(demo_copy):
    """No ``my_grids`` setting: the grids given to this laptop (``grid worker``) are its grids in
    the quick figures as in the full read, not every grid for a moment."""
    from gridtui.core.models import Device
    from gridtui.domain import places

    db = demo_copy(seed=3)
    open_database(db)
    try:
        places.add_grid("99", "第99网格")
        places.set_grid_worker("99", Device.get(Device.is_self).id)
    finally:
        close_database()
    quick = home_cache.quick(App(db))
    open_database(db)
    try:
        full = load_home(App(db, quick["campaign_id"]))
    finally:
        close_database()
    assert [g[1] for g in quick["grids"]] == [g.code for g in full.grids] == ["99"]
    assert full.revisits == []
