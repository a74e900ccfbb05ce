"""Home's figures from the last start are shown at once, and only while they are still true."""

from __future__ import annotations

import json

from gridtui.core import store
from gridtui.core.db import close_database, meta_get, meta_set, open_database
from gridtui.core.models import Household
from gridtui.tui import home_cache
from gridtui.tui.screens import home
from gridtui.tui.screens.home import HomeScreen
from gridtui.tui.widgets.paged_list import PagedList

from .tui_helpers import SIZE, settle


async def grids_shown(app) -> list:
    grid_list = app.screen.query_one("#grid-list", PagedList)
    return [grid_list.row(i) for i in range(grid_list.count)]


async def test_second_start_shows_the_stored_figures_before_any_query(make_app, demo_db, monkeypatch):
    first = make_app()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        fresh = await grids_shown(first)
    assert fresh and home_cache.read(first) is not None

    def no_queries(app):
        raise RuntimeError("home read the database")

    monkeypatch.setattr(home, "load_home", no_queries)  # only the cache can fill home now
    second = make_app()
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(second.screen, HomeScreen)
        shown = await grids_shown(second)
    assert [str(e) for e in second.errors] == ["home read the database"]
    assert [(g.code, g.done, g.total) for g in shown] == [(g.code, g.done, g.total) for g in fresh]


async def test_any_change_to_the_data_makes_the_stored_figures_unusable(make_app, demo_db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert home_cache.read(app) is not None

    open_database(demo_db)  # another process (an import, the CLI) writes through the store
    household = Household.select().first()
    store.update(Household, household.id, note="楼道堆物已清理")
    close_database()
    assert home_cache.read(make_app()) is None


async def test_another_language_or_day_does_not_reuse_them(make_app, demo_db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert home_cache.read(app) is not None
    assert home_cache.read(make_app(lang="en" if app.lang == "zh" else "zh")) is None


async def test_stored_figures_of_another_shape_do_not_stop_the_start(make_app, demo_db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    open_database(demo_db)  # figures stored by a gridtui whose grid lines had other fields
    stored = json.loads(meta_get(home_cache.META_KEY))
    stored["grids"][0]["finished"] = stored["grids"][0].pop("done")
    meta_set(home_cache.META_KEY, json.dumps(stored, ensure_ascii=False))
    close_database()
    second = make_app()
    assert home_cache.read(second) is not None  # still keyed as current
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await grids_shown(second)  # from the worker's own read
    assert not second.errors


async def test_a_first_start_shows_the_grids_at_once_and_both_lists_with_the_full_read(make_app, monkeypatch):
    """No stored figures: the early read gives the campaign and the grids; overdue needs and
    revisits due come with the full read (read early too, they would be read twice)."""
    from gridtui.i18n import t
    from gridtui.tui.screens.home import DueList

    def no_queries(app):
        raise RuntimeError("home read the database")

    with monkeypatch.context() as patched:
        patched.setattr(home, "load_home", no_queries)  # only the early read can fill home
        app = make_app(lang="en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert [g for g in await grids_shown(app) if g.done]  # coverage, from the early read
            due = app.screen.query_one(DueList)
            assert due._lines.count(t("tui.home.loading", lang="en")) == 2 and not due._rows
    full = make_app(lang="en")
    async with full.run_test(size=SIZE) as pilot:
        await settle(pilot)
        due = full.screen.query_one(DueList)
        assert t("tui.home.loading", lang="en") not in due._lines and due.revisits
