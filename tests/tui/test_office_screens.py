"""Pilot tests of the dashboard and the Reports screen, in both languages."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from textual.widgets import Checkbox, Input, Select

from gridtui.core.models import AuditLog, Grid
from gridtui.tui.screens.dashboard import DashboardScreen
from gridtui.tui.screens.reports import ReportsScreen

from .tui_helpers import screen_text, settle

TODAY = date(2026, 7, 14)  # the demo fixture's today (tests/conftest.py)
SIZE = (140, 45)


@pytest.fixture
def make_app(office_path):
    from gridtui.tui import GridApp

    def make(lang: str):
        return GridApp(db_path=office_path, lang=lang, today=TODAY)

    return make


@pytest.mark.parametrize(
    "lang, words",
    [
        ("zh", ("各网格走访覆盖率", "需求（按类别和状态）", "天", "家政维修志愿队")),
        ("en", ("Visit coverage per grid", "Needs by category and status", "days", "Home repair volunteers")),
    ],
)
async def test_dashboard_draws_every_panel(make_app, lang, words):
    app = make_app(lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        text = screen_text(app)
        for word in words:
            assert word in text
        grid = Grid.select().order_by(Grid.code).first()
        assert grid.name in text and "%" in text
        assert "█" in text and any(ch in text for ch in "▁▂▃▄▅▆▇")
        await pilot.press("r")
        await settle(pilot)
        assert not app.errors
        await pilot.press("escape")
        assert not isinstance(app.screen, DashboardScreen)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_reports_screen_writes_the_file_and_shows_its_path(make_app, tmp_path, lang):
    app = make_app(lang)
    out = tmp_path / "needs.xlsx"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        screen.query_one("#report-kind", Select).value = "needs"
        await pilot.pause()
        assert screen.query_one("#report-campaign", Select).disabled
        assert not screen.query_one("#report-grid", Select).disabled
        assert screen.query_one("#report-out", Input).value.endswith(f"gridtui-needs-{TODAY.isoformat()}.xlsx")
        screen.query_one("#report-out", Input).value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert out.exists()
        assert str(out) in screen_text(app)
        ws = load_workbook(out).worksheets[0]
        assert ws.cell(2, 1).value == ("登记时间" if lang == "zh" else "Opened")
        assert not app.errors


async def test_reports_screen_reveal_is_audited_and_errors_are_one_sentence(make_app, tmp_path):
    app = make_app("en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#report-out", Input).value = str(tmp_path / "nowhere" / "r.xlsx")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.errors  # a GridError: shown as a notice, not kept as unexpected
        assert any("does not exist" in n.message for n in app._notifications)
        assert "does not exist" in screen_text(app)

        before = AuditLog.select().count()
        screen.query_one("#report-reveal", Checkbox).value = True
        screen.query_one("#report-out", Input).value = str(tmp_path / "registers.csv")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (tmp_path / "registers.csv").exists()
        assert AuditLog.select().count() == before + 1
        assert "audit log" in screen_text(app)
