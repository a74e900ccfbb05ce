"""A need recorded in the TUI is due by the settings of the config file given to GridApp, not
by the default config file's."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from gridtui.core.db import close_database, open_database
from gridtui.core.models import Household, Need, live
from gridtui.domain import needs
from gridtui.tui.screens.dialogs import NeedDialog

from .tui_helpers import settle

pytestmark = pytest.mark.demo(seed=11)
SIZE = (150, 44)  # the registers' wide columns


def test_open_need_takes_the_callers_due_hours(demo_db):
    open_database(demo_db)
    try:
        household = Household.select().where(live(Household)).first()
        at = datetime(2026, 7, 14, 9, 0)
        mine = needs.open_need(
            household.id, "home_environment.plumbing", urgency="normal", at=at, due_hours={"normal": 5}
        )
        default = needs.open_need(household.id, "home_environment.plumbing", urgency="normal", at=at)
        assert Need.get_by_id(mine).due_at == at + timedelta(hours=5)
        assert Need.get_by_id(default).due_at == at + timedelta(hours=168)  # no config file: the default
    finally:
        close_database()


async def test_need_dialog_uses_the_apps_own_config(make_app, tmp_path):
    config = tmp_path / "office.toml"
    config.write_text("[due_hours]\nhigh = 5\n", encoding="utf-8")
    app = make_app(lang="en", config_path=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        household = Household.select().where(live(Household)).first()
        before = {n.id for n in Need.select(Need.id)}
        app.push_screen(NeedDialog(household.id, None))
        await settle(pilot)
        await pilot.press(*"plumb", "enter")  # type-ahead, pick the first match
        assert app.screen.chosen["key"] == "home_environment.plumbing"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NeedDialog)
        (need,) = [n for n in Need.select() if n.id not in before]
        assert need.item_id == "home_environment.plumbing" and need.urgency == "high"  # the item's own
        assert need.due_at - need.opened_at == timedelta(hours=5)
        assert not app.errors
