"""The Sync screen and the conflict inbox, driven by Pilot over two laptops' real databases."""

from __future__ import annotations

from datetime import date

from textual.widgets import OptionList, Static

from gridtui.core import store
from gridtui.core.db import close_database
from gridtui.core.models import Household

from .conftest import send
from .test_merge_flows import seed


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_import_with_progress_then_take_theirs_in_the_inbox(laptops, tmp_path):
    office, w1 = laptops("office", "w1")
    ids = seed(office)
    send(office, w1, tmp_path)
    w1.become()
    store.update(Household, ids["household"], note="w1 写的备注")
    office.become()
    store.update(Household, ids["household"], note="社区写的备注")
    bundle = w1.export(tmp_path / "w1.bundle", to=[office])
    close_database()

    from gridtui.tui import GridApp
    from gridtui.tui.screens.sync import ConflictInbox, SyncScreen

    app = GridApp(db_path=office.path, lang="en", today=date(2026, 7, 14))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(SyncScreen())
        await settle(pilot)
        screen = app.screen
        screen.query_one("#sync-files").value = str(bundle)
        await pilot.press("ctrl+o")
        await settle(pilot)
        result = str(screen.query_one("#sync-result", Static).render())
        assert "1 new, 0 updated" in result and "1 conflict," in result  # the office wrote last
        # (the one new row: the worker's trust of the office, in the audit log)
        assert screen.query_one("#sync-progress").percentage == 1

        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ConflictInbox)
        listing = app.screen.query_one("#inbox-list", OptionList)
        assert listing.option_count == 1
        assert "w1 写的备注" in str(listing.get_option_at_index(0).prompt)
        listing.highlighted = 0
        await pilot.press("t")
        await settle(pilot)
        assert "No open conflicts" in str(listing.get_option_at_index(0).prompt)

        await pilot.press("escape")  # back on the Sync screen: the answer goes back to w1
        app.screen.query_one("#sync-out").value = str(tmp_path / "back.bundle")
        app.screen.query_one("#sync-to").value = "w1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Exported" in str(app.screen.query_one("#sync-result", Static).render())
        assert not app.errors
    assert w1.import_(tmp_path / "back.bundle").updated == 1
    office.become()
    assert Household.get_by_id(ids["household"]).note == "w1 写的备注"


async def test_a_refused_bundle_is_one_sentence_in_a_notice(laptops, tmp_path):
    [office] = laptops("office")
    junk = tmp_path / "junk.bundle"
    junk.write_text("not a bundle")
    close_database()

    from gridtui.tui import GridApp
    from gridtui.tui.screens.sync import SyncScreen

    app = GridApp(db_path=office.path, lang="zh", today=date(2026, 7, 14))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")  # the Sync screen's key in NAV
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        app.screen.query_one("#sync-files").value = str(junk)
        await pilot.press("ctrl+o")
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert any("不是 gridtui 同步包" in m for m in notices)
        assert not app.errors
