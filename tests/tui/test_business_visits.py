"""A business safety campaign in the app: grid -> its shops -> a shop's checklist -> next shop,
the shop's detail with an audited reveal, and home's coverage following along."""

from __future__ import annotations

from gridtui.core.models import Answer, AuditLog, Business, Visit
from gridtui.domain import campaigns, walk
from gridtui.tui.screens.business import BusinessScreen
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.screens.walk import WalkScreen
from gridtui.tui.widgets.checklist import Checklist
from gridtui.tui.widgets.paged_list import PagedList

from .tui_helpers import SIZE, TODAY, screen_text, settle


def shop_campaign():
    """The demo's active business safety campaign."""

    return next(c for c in campaigns.campaigns(active_only=True) if c.target == "business")


async def open_shops_of_first_grid(app, pilot):
    shops = shop_campaign()
    app.campaign_id = shops.id
    await settle(pilot)
    await pilot.press("enter")  # the first grid: its shops at once (shops have no stairwells)
    await settle(pilot)
    assert isinstance(app.screen, WalkScreen)
    return shops


async def test_walk_a_grids_shops_check_one_and_move_on(make_app):

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shops = await open_shops_of_first_grid(app, pilot)
        listed = app.screen.query_one(PagedList)
        grid_id = app.screen.grid_id
        assert listed.count == walk.SHOPS.count(shops.id, grid_id=grid_id) > 1
        first = listed.current
        text = screen_text(app)
        assert "Business" in text and "Owner" in text and first.name in text
        order = walk.SHOPS.ids(shops.id, grid_id=grid_id)
        assert first.business_id == order[0]

        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, VisitScreen) and screen.shop
        text = screen_text(app)
        shop = Business.get_by_id(order[0])
        assert shop.name in text and "Licence" in text
        assert shop.phone not in text and shop.phone[-4:] in text  # masked: 138****5678
        assert "Residents" not in text
        assert screen.query_one(Checklist).rows[0].name == "license_displayed"
        await pilot.press("space")  # licence displayed: yes, saved at once
        await settle(pilot)
        visit = Visit.get_by_id(screen.data.visit_id)
        assert (visit.business_id, visit.household_id) == (order[0], None)
        assert (
            Answer.get((Answer.visit == visit.id) & (Answer.item == "business_safety:license_displayed")).value == "yes"
        )

        await pilot.press("n", "p")  # household matters (a need, the residents) are not offered at a shop
        await settle(pilot)
        assert app.screen is screen

        await pilot.press("N")  # closed: nobody there, come back
        await settle(pilot)
        assert Visit.get_by_id(visit.id).outcome == "nobody_home"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.target_id == order[1]
        assert Business.get_by_id(order[1]).name in screen_text(app)

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one(PagedList).current.status == "nobody_home"
        await pilot.press("r")  # the revisit-due filter: nothing is due before its date
        await settle(pilot)
        assert app.screen.query_one(PagedList).count == len(
            walk.SHOPS.ids(shops.id, grid_id=grid_id, filter="revisit_due", today=TODAY)
        )

        await pilot.press("escape")
        await settle(pilot)
        home = {r.grid: r for r in campaigns.coverage(shops.id, today=TODAY)}
        grid_code = app.screen.query_one("#grid-list", PagedList).current.code
        assert str(home[grid_code].total) in screen_text(app)
        assert not app.errors


async def test_shop_detail_reveals_the_owners_phone_with_an_audit(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_shops_of_first_grid(app, pilot)
        shop = Business.get_by_id(app.screen.query_one(PagedList).current.business_id)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, BusinessScreen)
        assert shop.name in screen_text(app) and shop.phone not in screen_text(app)
        before = AuditLog.select().count()
        await pilot.press("r")
        await settle(pilot)
        assert shop.phone in screen_text(app)
        assert AuditLog.select().count() == before + 1
        assert AuditLog.select().order_by(AuditLog.at.desc()).first().target_id == shop.id
        await pilot.press("v")  # check it now: the visit screen for this shop
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen) and app.screen.target_id == shop.id
        assert not app.errors


async def test_shop_walk_list_and_visit_speak_chinese(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_shops_of_first_grid(app, pilot)
        text = screen_text(app)
        assert "商户" in text and "经营者" in text
        await pilot.press("enter")
        await settle(pilot)
        assert "执照号" in screen_text(app)
        assert not app.errors


async def test_search_finds_a_shop_and_opens_or_checks_it(make_app):

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shop = Business.select().order_by(Business.id).first()
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*shop.name)
        await settle(pilot)
        hits = app.screen.query_one(PagedList)
        assert hits.current.business_id == shop.id and "shop" in screen_text(app)
        await pilot.press("ctrl+o")  # a household campaign is active: it says so and stays
        await settle(pilot)
        assert not isinstance(app.screen, VisitScreen)
        app.campaign_id = shop_campaign().id
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen) and app.screen.target_id == shop.id
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessScreen) and app.screen.business_id == shop.id
        assert not app.errors


async def test_a_shop_found_closed_is_on_homes_revisits_and_opens(demo_db):
    from gridtui.core.db import close_database, open_database
    from gridtui.domain import visits
    from gridtui.tui import GridApp
    from gridtui.tui.screens.home import DueList

    open_database(demo_db)
    shops = shop_campaign()
    shop = Business.select().order_by(Business.id).first()
    closed = visits.open_visit(shops.id, shop.id)
    visits.set_outcome(closed, "nobody_home", revisit_days=-3650, today=TODAY)  # long overdue: listed first
    close_database()
    app = GridApp(db_path=demo_db, lang="en", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        due = app.screen.query_one("#home-due", DueList)
        assert due.revisits[0].business_id == shop.id and shop.name in screen_text(app)
        due.focus()
        await pilot.press(*["down"] * len(due.overdue), "enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessScreen) and app.screen.business_id == shop.id
        assert not app.errors


async def test_visiting_a_household_while_shops_are_checked_says_which_campaign(make_app):
    from gridtui.core.models import Household
    from gridtui.tui.screens.household import HouseholdScreen

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.campaign_id = shop_campaign().id
        app.open_household(Household.select().order_by(Household.id).first().id)
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdScreen)  # no visit screen stuck loading a shop that is a door
        assert any("checks individual businesses" in n.message for n in app._notifications)
        assert not app.errors


async def test_a_buildings_walk_list_turned_to_shops_says_they_are_the_grids(make_app):

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "down", "enter")  # the first grid, its first building
        await settle(pilot)
        assert isinstance(app.screen, WalkScreen) and app.screen.building_id is not None
        app.campaign_id = shop_campaign().id
        await settle(pilot)
        assert "shops have no buildings" in screen_text(app)
        assert app.screen.query_one(PagedList).current.business_id
