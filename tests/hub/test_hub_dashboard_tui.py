"""The dashboard on a street office's hub, under Pilot: every community a bar, ``c`` shows each alone."""

from __future__ import annotations

import pytest

from gridtui.core.db import close_database
from tests.tui.tui_helpers import screen_text, settle

from .conftest import TODAY


@pytest.mark.parametrize("backend", ["sqlite"])  # the screen is the same on both; its numbers are tested on both
async def test_the_dashboard_steps_through_the_communities(town, tmp_path):
    from gridtui.tui import GridApp
    from gridtui.tui.screens.dashboard import DashboardScreen

    hub, (a, b) = town
    hub.import_(a.export(tmp_path / "a.bundle", hub), b.export(tmp_path / "b.bundle", hub))
    close_database()
    app = GridApp(db_path=hub.where, lang="en", today=TODAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        text = screen_text(app)
        assert "community: every community" in text
        assert "Huguang Community" in text and "Tianhe Community" in text and "needs open" in text
        assert "Visit coverage per community" in text
        shown = []
        for _ in range(3):
            await pilot.press("c")
            await settle(pilot)
            title = screen_text(app).splitlines()[1]
            shown.append(title[title.index("community: ") :].strip())
        assert sorted(shown[:2]) == ["community: Huguang Community", "community: Tianhe Community"]
        assert shown[2] == "community: every community"
        await pilot.press("c", "r")  # reloading keeps the community shown
        await settle(pilot)
        assert shown[0] in screen_text(app) and "Visit coverage per grid" in screen_text(app)
        assert not app.errors
