"""The all-residents list: paged in SQL in address order, filters, masking, both languages, and
the household it opens."""

from __future__ import annotations

import pytest

from gridtui.core.db import close_database, open_database
from gridtui.core.models import Building, Household, RegisterEntry, Resident, live
from gridtui.domain import households, visits
from gridtui.errors import ValidationError
from gridtui.tui.screens.household import HouseholdScreen
from gridtui.tui.screens.residents import ResidentsScreen
from gridtui.tui.widgets.paged_list import PagedList

from .tui_helpers import TODAY, screen_text, settle

pytestmark = pytest.mark.demo(seed=11)
SIZE = (150, 44)  # the registers' wide columns


@pytest.fixture
def opened(demo_db):
    open_database(demo_db)
    yield demo_db
    close_database()


def _present():
    return (
        Resident.select(Resident, Household, Building)
        .join(Household)
        .join(Building)
        .where((live(Resident)) & (Resident.status == "present"))
    )


def test_pages_cover_every_present_resident_once_in_address_order(opened):
    total = households.residents_count()
    assert total == _present().count()
    seen = []
    for offset in range(0, total + 70, 70):  # pages that cut households and buildings in two
        seen += households.residents_page(offset, 70, today=TODAY)
    assert len(seen) == total and len({r.id for r in seen}) == total
    order = {b.id: (b.walk_order, b.id) for b in Building.select()}
    by_id = {r.id: r for r in _present()}
    keys = [
        (
            order[by_id[r.id].household.building_id],
            by_id[r.id].household.unit,
            by_id[r.id].household.floor,
            by_id[r.id].household.door,
        )
        for r in seen
    ]
    assert keys == sorted(keys)
    first = seen[0]
    assert "*" in first.id_masked and "*" in first.phone_masked
    assert by_id[first.id].id_number not in first.id_masked


def test_register_and_grid_filters(opened):
    alone = households.residents_page(0, 500, register="elderly_alone", today=TODAY)
    on_register = {
        e.resident_id
        for e in RegisterEntry.select().where((RegisterEntry.kind == "elderly_alone") & (live(RegisterEntry)))
    }
    assert alone and {r.id for r in alone} <= on_register
    assert all("elderly_alone" in r.registers for r in alone)
    # a household register lists every present resident of the households on it
    hardship = households.residents_page(0, 500, register="hardship", today=TODAY)
    assert hardship and all("hardship" in r.registers for r in hardship)
    assert households.residents_count(register="hardship") == len(hardship)
    grid = visits.grids()[0]
    in_grid = households.residents_page(0, 5000, grid_id=grid.id, today=TODAY)
    assert len(in_grid) == households.residents_count(grid_id=grid.id) > 0
    assert {Household.get_by_id(r.household_id).building.grid_id for r in in_grid} == {grid.id}
    with pytest.raises(ValidationError):
        households.residents_count(register="nope")


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", ("身份证号", "台账:全部", "人")), ("en", ("ID number", "Register:all", "residents"))]
)
async def test_residents_screen_filters_pages_and_opens_a_household(make_app, lang, words):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, ResidentsScreen)
        rows = app.screen.query_one("#residents-list", PagedList)
        total = households.residents_count()
        assert rows.count == total
        text = screen_text(app)
        for word in words:
            assert word in text
        first = rows.current
        assert first.name in text and first.id_masked in text
        await pilot.press("pagedown", "pagedown", "end")
        assert rows.cursor == total - 1 and rows.current is not None
        await pilot.press("home")

        await pilot.press("r")  # the first register: registered party members
        await settle(pilot)
        assert rows.count == households.residents_count(register="party_registered") < total
        assert all("party_registered" in rows.row(i).registers for i in range(rows.count))
        await pilot.press("w")  # and the first grid
        await settle(pilot)
        grid = visits.grids()[0]
        assert rows.count == households.residents_count(register="party_registered", grid_id=grid.id)
        assert grid.name in screen_text(app)
        await pilot.press("x")
        await settle(pilot)
        assert rows.count == total

        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdScreen)
        assert app.screen.household_id == rows.row(1).household_id
        assert rows.row(1).name in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ResidentsScreen)
        await pilot.press("question_mark")  # the key map names the screen's keys and their ids
        await settle(pilot)
        assert "residents.register" in screen_text(app) and "app.residents" in screen_text(app)
        assert not app.errors
