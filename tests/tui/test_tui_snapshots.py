"""Snapshots of the main screens: fixed demo seed, fixed today, fixed terminal size."""

from __future__ import annotations

import pytest

from gridtui.core.models import Household, Resident
from gridtui.domain import campaigns

from .tui_helpers import SIZE, settle


async def walk_list(pilot) -> None:
    await settle(pilot)
    for _ in range(2):  # first grid, whole grid
        await pilot.press("enter")
        await settle(pilot)


async def visit_opened(pilot) -> None:
    await walk_list(pilot)
    await pilot.press("v")  # a household not visited yet: a visit begins
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def visit(pilot) -> None:
    await visit_opened(pilot)
    await pilot.press("3", "enter", "space", "j", "j", "space", "space", "j", "2", "j")
    await settle(pilot)


async def search(pilot) -> None:
    await settle(pilot)
    person = Resident.select().where(Resident.is_head).order_by(Resident.id).first()
    await pilot.press("slash")
    await settle(pilot)
    await pilot.press(*person.name_initials)
    await settle(pilot)


def test_home(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=settle, terminal_size=SIZE)


NARROW = pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
BOTH_LANGUAGES = pytest.mark.parametrize("lang", ["zh", "en"])


@BOTH_LANGUAGES
@NARROW
def test_home_narrow(snap_compare, make_app, size, lang):
    """The figures a narrow terminal leaves out, counted on the "My grids" line."""
    assert snap_compare(make_app(lang=lang), run_before=settle, terminal_size=size)


@BOTH_LANGUAGES
@NARROW
def test_visit_narrow(snap_compare, make_app, size, lang):
    """Long questions and choices wrapped under their text."""
    assert snap_compare(make_app(lang=lang), run_before=visit_opened, terminal_size=size)


def test_walk_list(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=walk_list, terminal_size=SIZE)


def test_visit(snap_compare, make_app):
    assert snap_compare(make_app(), run_before=visit, terminal_size=SIZE)


def test_search_en(snap_compare, make_app):
    assert snap_compare(make_app(lang="en"), run_before=search, terminal_size=SIZE)


def test_household_en(snap_compare, make_app):
    async def household(pilot) -> None:
        await settle(pilot)
        pilot.app.open_household(Household.select().order_by(Household.id).first().id)
        await settle(pilot)

    assert snap_compare(make_app(lang="en"), run_before=household, terminal_size=SIZE)


def test_shop_visit_en(snap_compare, make_app):
    async def shop_visit(pilot) -> None:

        await settle(pilot)
        pilot.app.campaign_id = next(c.id for c in campaigns.campaigns() if c.target == "business")
        await settle(pilot)
        for _ in range(2):  # the first grid's shops, the first shop
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press("space", "j", "space", "j", "1", "j")
        await settle(pilot)

    assert snap_compare(make_app(lang="en"), run_before=shop_visit, terminal_size=SIZE)


# -- every screen, in both languages and at the size a small terminal has ---------------------


async def _push(pilot, screen) -> None:
    await settle(pilot)
    pilot.app.push_screen(screen)
    await settle(pilot)


def _nav(name: str):
    async def opened(pilot) -> None:
        await settle(pilot)
        pilot.app.action_nav(name)
        await settle(pilot)

    return opened


def _first(model):
    return model.select().order_by(model.id).first().id


def _screen(factory):
    """Run ``factory()`` once the demo is open (screens take ids read from it), then show it."""

    async def opened(pilot) -> None:
        await settle(pilot)
        await _push(pilot, factory())

    return opened


def _screens() -> dict:
    from gridtui.core.models import Business, CollectiveIssue, Need, Volunteer
    from gridtui.tui.screens.business import BusinessScreen
    from gridtui.tui.screens.collective import IssueScreen
    from gridtui.tui.screens.household import HouseholdScreen
    from gridtui.tui.screens.needs import NeedScreen
    from gridtui.tui.screens.sync import ConflictInbox
    from gridtui.tui.screens.unlock import UnlockScreen
    from gridtui.tui.screens.volunteers import VolunteerScreen

    opened = {
        name: _nav(name)
        for name in (
            "search",
            "campaigns",
            "campaign_admin",
            "needs",
            "dashboard",
            "reports",
            "sync",
            "residents",
            "volunteers",
            "collective",
            "resources",
            "audit",
        )
    }
    opened.update(
        {
            "home": settle,
            "buildings": _walk_to(1),
            "walk": walk_list,
            "visit": visit_opened,
            "household": _screen(lambda: HouseholdScreen(_first(Household))),
            "business": _screen(lambda: BusinessScreen(_first(Business))),
            "need": _screen(lambda: NeedScreen(_first(Need))),
            "volunteer": _screen(lambda: VolunteerScreen(_first(Volunteer))),
            "issue": _screen(lambda: IssueScreen(_first(CollectiveIssue))),
            "conflicts": _screen(ConflictInbox),
            "keys": _keys,
            "unlock": _screen(lambda: UnlockScreen(locking=True)),
        }
    )
    return opened


async def _keys(pilot) -> None:
    await settle(pilot)
    pilot.app.action_keys()
    await settle(pilot)


def _walk_to(depth: int):
    async def opened(pilot) -> None:
        await settle(pilot)
        for _ in range(depth):
            await pilot.press("enter")
            await settle(pilot)

    return opened


SCREENS = sorted(
    [
        "search",
        "campaigns",
        "campaign_admin",
        "needs",
        "dashboard",
        "reports",
        "sync",
        "residents",
        "volunteers",
        "collective",
        "resources",
        "home",
        "buildings",
        "walk",
        "visit",
        "household",
        "business",
        "need",
        "volunteer",
        "issue",
        "conflicts",
        "keys",
        "unlock",
        "audit",
    ]
)


@BOTH_LANGUAGES
@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen(snap_compare, make_app, screen, lang):
    assert snap_compare(make_app(lang=lang), run_before=_screens()[screen], terminal_size=SIZE)


@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_80x24(snap_compare, make_app, screen):
    assert snap_compare(make_app(), run_before=_screens()[screen], terminal_size=(80, 24))
