"""The registers kept from the screens, by key: volunteers (add, edit, end, pair, reveal), the
needs board (a need from the office, a collective issue from marked needs), units and resources,
residents' life events from the household screen and the visit's residents panel. The real app,
driven by Pilot, on a copy of the demo community."""

from __future__ import annotations

import pytest
from textual.widgets import Input, RadioButton, SelectionList

from gridtui.core.models import (
    AuditLog,
    CollectiveIssue,
    Household,
    Need,
    Organization,
    Pairing,
    Resident,
    ResidentEvent,
    Resource,
    Volunteer,
    VolunteerSkill,
)
from gridtui.tui.screens.collective import IssueScreen
from gridtui.tui.screens.dialogs import LifeEventDialog, NeedDialog, ResidentDialog
from gridtui.tui.screens.forms import ChoiceDialog, FormDialog
from gridtui.tui.screens.household import HouseholdScreen
from gridtui.tui.screens.needs import NeedsBoard
from gridtui.tui.screens.resources import ResourcesScreen
from gridtui.tui.screens.volunteers import VolunteerDialog, VolunteerScreen, VolunteersScreen
from gridtui.tui.widgets.paged_list import PagedList

from .tui_helpers import screen_text, settle

pytestmark = pytest.mark.demo(seed=11)
SIZE = (150, 44)  # the registers' wide columns

NUMBER = "410402199006010317"  # a valid ID number, check digit and all


def choose(dialog, name: str) -> None:
    """Press the dialog's radio button of that name (how a resident came, which life event)."""
    next(b for b in dialog.query(RadioButton) if b.name == name).value = True


def fill(screen, prefix: str, **values: str) -> None:
    for name, value in values.items():
        screen.query_one(f"#{prefix}-{name}", Input).value = value


async def test_a_volunteer_added_edited_paired_revealed_and_ended(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        assert isinstance(app.screen, VolunteersScreen)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, VolunteerDialog)
        fill(
            dialog,
            "vol",
            name="林党员",
            id_number=NUMBER[:-1] + "0",
            phone="13512345678",
            work_unit="区财政局",
            team="Party-member volunteers",
            note="会手语",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "check digit" in screen_text(app)  # refused on the form
        assert not Volunteer.select().where(Volunteer.name == "林党员").exists()
        fill(dialog, "vol", id_number=NUMBER)
        skills = dialog.query_one(SelectionList)
        skills.select("culture_care.policy_consultation")
        await pilot.press("ctrl+s")
        await settle(pilot)
        added = Volunteer.get(Volunteer.name == "林党员")
        assert (added.kind, added.id_number, added.phone) == ("in_service_party", NUMBER, "13512345678")
        assert [s.item_id for s in VolunteerSkill.select().where(VolunteerSkill.volunteer == added.id)] == [
            "culture_care.policy_consultation"
        ]

        app.push_screen(VolunteerScreen(added.id))
        await settle(pilot)
        text = screen_text(app)
        assert NUMBER not in text and "13512345678" not in text and "135****5678" in text
        await pilot.press("r")  # reveal: written to the audit log
        await settle(pilot)
        assert NUMBER in screen_text(app)
        assert AuditLog.get(AuditLog.target_id == added.id).target_table == "volunteer"

        await pilot.press("E")
        await settle(pilot)
        fill(app.screen, "vol", availability="weekends", phone="")  # an empty phone keeps the stored one
        await pilot.press("ctrl+s")
        await settle(pilot)
        edited = Volunteer.get_by_id(added.id)
        assert edited.availability == "weekends" and edited.phone == "13512345678"
        assert edited.note == "会手语"  # what the edit did not touch is kept

        household = Household.select().where(Household.status == "active").order_by(Household.id).first()
        await pilot.press("p")
        await settle(pilot)
        fill(app.screen, "form", household=household.address)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Pairing.get(Pairing.volunteer == added.id).household_id == household.id
        assert household.address in screen_text(app)
        await pilot.press("u")  # the pairing under the cursor ends (kept, with its end date)
        await settle(pilot)
        assert Pairing.get(Pairing.volunteer == added.id).until is not None

        need = Need.select().where(Need.status == "open").order_by(Need.id).first()
        from gridtui.domain import dispatch

        dispatch.assign(need.id, added.id)
        app.pop_screen()
        app.push_screen(VolunteerScreen(added.id))
        await settle(pilot)
        await pilot.press("X")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog) and "still holds 1 need" in screen_text(app)
        await pilot.press("enter")  # the first answer: back to the board
        await settle(pilot)
        assert Volunteer.get_by_id(added.id).ended_on is not None
        assert Need.get_by_id(need.id).status == "open"
        assert isinstance(app.screen, VolunteersScreen)
        assert not app.errors


async def test_a_need_from_the_office_and_a_collective_issue_from_marked_needs(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, NeedsBoard)
        household = Household.select().where(Household.status == "active").order_by(Household.id).first()
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NeedDialog) and dialog.office
        fill(dialog, "need", where="九天庄园99栋1单元101")
        await pilot.press("enter", *"parking", "enter", "ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "找不到地址" in screen_text(app)
        fill(dialog, "need", where=household.address)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is board
        need = Need.select().order_by(Need.opened_at.desc(), Need.id.desc()).first()
        assert (need.household_id, need.item_id, need.source) == (household.id, "home_environment.parking", "phone")

        rows = board.query_one(PagedList)
        await pilot.press("C")  # nothing marked yet
        await settle(pilot)
        assert isinstance(app.screen, NeedsBoard)
        marked = [rows.row(i).id for i in range(3)]
        await pilot.press("space", "space", "space")
        await settle(pilot)
        assert set(board.marked) == set(marked) and "已标记 3 条" in screen_text(app)
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        fill(app.screen, "form", title="楼道照明统一维修")
        await pilot.press("ctrl+s")
        await settle(pilot)
        issue = CollectiveIssue.get(CollectiveIssue.title == "楼道照明统一维修")
        assert {n.id for n in Need.select().where(Need.collective == issue.id)} == set(marked)
        assert not board.marked

        app.push_screen(IssueScreen(issue.id))
        await settle(pilot)
        await pilot.press("x")  # the first need leaves the issue
        await settle(pilot)
        assert Need.select().where(Need.collective == issue.id).count() == 2
        await pilot.press("a")
        await settle(pilot)
        fill(app.screen, "form", need=need.id[-8:])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Need.get_by_id(need.id).collective_id == issue.id
        await pilot.press("t")
        await settle(pilot)
        fill(app.screen, "form", title="楼道照明和停车")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert CollectiveIssue.get_by_id(issue.id).title == "楼道照明和停车"
        assert not app.errors


async def test_units_and_resources_from_the_screen(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResourcesScreen)
        await pilot.press("u")
        await settle(pilot)
        fill(
            app.screen,
            "form",
            organization_name="湖滨小学",
            kind="resident unit",
            contact="周校长",
            projects="public lecture, 科普进社区",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        unit = Organization.get(Organization.name == "湖滨小学")
        assert (unit.kind, unit.projects) == ("resident_unit", ["public_lecture", "科普进社区"])
        await pilot.press("n")
        await settle(pilot)
        fill(app.screen, "form", item="Multi-function activity room", provider="湖滨小学", capacity="lots")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog) and "number" in screen_text(app)
        fill(app.screen, "form", capacity="40", availability="weekends")
        await pilot.press("ctrl+s")
        await settle(pilot)
        offered = Resource.get(Resource.organization == unit.id)
        assert (offered.item_id, offered.capacity, offered.provider_kind) == (
            "venues.activity_room",
            40,
            "organization",
        )

        units = screen.query_one("#resources-units", PagedList)
        await pilot.press("tab")
        units.cursor = next(i for i in range(units.count) if units.row(i).id == unit.id)
        await pilot.press("E")
        await settle(pilot)
        fill(app.screen, "form", contact="王主任")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Organization.get_by_id(unit.id).contact == "王主任"
        await pilot.press("X")
        await settle(pilot)
        assert "1 resource" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert Organization.get_by_id(unit.id).deleted and Resource.get_by_id(offered.id).deleted
        assert not app.errors


async def test_life_events_from_the_household_screen_and_the_visit(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        household = (
            Household.select()
            .join(Resident, on=(Resident.household == Household.id))
            .where((Household.status == "active") & (Resident.relation == "spouse"))
            .order_by(Household.id)
            .first()
        )
        app.open_household(household.id)
        await settle(pilot)
        assert isinstance(app.screen, HouseholdScreen)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ResidentDialog)
        choose(dialog, "birth")
        fill(dialog, "res", name="小宝", sex="M", birth_date="2026-07-10")
        await pilot.press("ctrl+s")
        await settle(pilot)
        baby = Resident.get(Resident.name == "小宝")
        assert (baby.relation, baby.household_id) == ("child", household.id)
        assert ResidentEvent.get(ResidentEvent.resident == baby.id).kind == "birth"
        assert "born" in screen_text(app)

        residents = app.screen.query_one(PagedList)
        spouse = next(i for i in range(residents.count) if residents.row(i).relation == "spouse")
        residents.cursor = spouse
        person = residents.current
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LifeEventDialog)
        fill(app.screen, "life", to="Zhengzhou")
        await pilot.press("ctrl+s")  # moved out (the first choice)
        await settle(pilot)
        assert Resident.get_by_id(person.id).status == "moved_out"
        assert person.name not in [r.name for r in app.screen.detail.residents]
        assert "moved out" in screen_text(app)

        app.open_visit([household.id])
        await settle(pilot)
        await pilot.press("p")  # to the residents panel
        await pilot.press("l")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LifeEventDialog)
        choose(dialog, "relation")
        fill(dialog, "life", relation="grandparent")
        await pilot.press("ctrl+s")
        await settle(pilot)
        first = Resident.get_by_id(dialog.resident.id)
        assert first.relation == "grandparent"
        assert not app.errors
