"""Resources by catalog category and provider, co-building units, an agreement date recorded."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from gridtui.core.catalogs import resource_categories
from gridtui.core.models import Organization
from gridtui.domain import resources
from gridtui.tui.screens.forms import FormDialog
from gridtui.tui.screens.resources import ResourcesScreen
from gridtui.tui.widgets.paged_list import PagedList

from .tui_helpers import screen_text, settle

pytestmark = pytest.mark.demo(seed=11)
SIZE = (150, 44)  # the registers' wide columns


async def test_resources_filters_and_an_agreement_date(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        assert isinstance(app.screen, ResourcesScreen)
        offered = app.screen.query_one("#resources-list", PagedList)
        units = app.screen.query_one("#resources-units", PagedList)
        assert offered.count == len(resources.list_resources()) > 0
        assert units.count == len(resources.list_units()) > 0
        first = offered.current
        assert first.item in screen_text(app) and "共建单位" in screen_text(app)

        category = next(c for c in resource_categories() if resources.list_resources(category=c["key"]))
        for _ in range(resource_categories().index(category) + 1):
            await pilot.press("t")
            await settle(pilot)
        assert offered.count == len(resources.list_resources(category=category["key"]))
        assert category["zh"] in screen_text(app)
        await pilot.press("p")  # co-building units' offers only
        await settle(pilot)
        assert offered.count == len(resources.list_resources(category=category["key"], provider_kind="organization"))
        assert {offered.row(i).provider_kind for i in range(offered.count)} <= {"organization"}

        await pilot.press("tab")
        assert app.focused is units
        unit = units.current
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-agreement_date", Input).value = "明年"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "不是有效日期" in screen_text(app)
        assert Organization.get_by_id(unit.id).agreement_date == unit.agreement_date
        form.query_one("#form-agreement_date", Input).value = "2026-07-01"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResourcesScreen)
        assert Organization.get_by_id(unit.id).agreement_date == date(2026, 7, 1)
        assert "2026-07-01" in screen_text(app)
        assert not app.errors
