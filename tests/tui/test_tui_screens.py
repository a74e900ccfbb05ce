"""Needs from a visit, search, masking and audited reveal, both languages, remapped keys, bad input."""

from __future__ import annotations

import pytest

from gridtui.core.models import Answer, AuditLog, Household, Need, Resident, live
from gridtui.domain import campaigns, walk
from gridtui.domain.privacy import mask_id, mask_phone
from gridtui.tui.screens.dialogs import NeedDialog
from gridtui.tui.screens.household import HouseholdScreen
from gridtui.tui.screens.search import SearchScreen
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.widgets.checklist import Checklist
from gridtui.tui.widgets.paged_list import PagedList

from .tui_helpers import SIZE, screen_text, settle, unvisited_households


def a_resident_with_phone() -> Resident:
    """The head of a household not yet visited in the active campaign, with a phone."""
    return (
        Resident.select()
        .where(
            (Resident.phone != "")
            & (live(Resident))
            & Resident.is_head
            & Resident.household.in_(unvisited_households())
        )
        .order_by(Resident.id)
        .first()
    )


async def visit_household(pilot, household_id: str) -> VisitScreen:
    pilot.app.open_visit([household_id])
    await settle(pilot)
    assert isinstance(pilot.app.screen, VisitScreen)
    return pilot.app.screen


async def test_a_need_recorded_from_a_visit(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        household = a_resident_with_phone().household_id
        screen = await visit_household(pilot, household)
        await pilot.press("down", "space")  # an answer first, so the visit is written and the need points at it
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NeedDialog)
        before = Need.select().count()
        item = next(i for i in app.screen.items if i["key"] == "home_environment.plumbing")
        await pilot.press(*item["en"].split()[0].lower())  # type-ahead over the 31 items
        await pilot.pause()
        await pilot.press("enter")  # pick the first match; the urgency is next
        assert app.screen.chosen == item
        await pilot.press("down", "space", "tab", *"3rd floor, leaking", "enter")  # urgency: one lower
        await settle(pilot)
        assert not isinstance(app.screen, NeedDialog)
        need = Need.select().order_by(Need.opened_at.desc(), Need.id.desc()).first()
        assert Need.select().count() == before + 1
        assert need.item_id == item["key"] and need.household_id == household
        assert need.visit_id == screen.data.visit_id and need.note == "3rd floor, leaking"
        assert item["urgency"] == "high" and need.urgency == "normal"
        assert not app.errors


async def test_need_dialog_refuses_to_save_without_an_item(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await visit_household(pilot, a_resident_with_phone().household_id)
        await pilot.press("n")
        await settle(pilot)
        before = Need.select().count()
        app.screen.query_one("#need-item").value = "zzzz no such need"
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, NeedDialog)
        assert "Choose a need" in screen_text(app)
        assert Need.select().count() == before


@pytest.mark.parametrize("how", ["name", "pinyin", "initials", "address", "address_key", "phone_tail"])
async def test_search_finds_a_resident_every_way(make_app, how):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        person = a_resident_with_phone()
        household = Household.get_by_id(person.household_id)
        query = {
            "name": person.name,
            "pinyin": person.name_pinyin,
            "initials": person.name_initials,
            "address": household.address,
            "address_key": household.addr_key,
            "phone_tail": person.phone[-4:],
        }[how]
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*query)
        await settle(pilot)
        results = app.screen.query_one(PagedList)
        found = [results.row(i) for i in range(results.count)]
        assert any(hit.household_id == household.id for hit in found), (query, found[:5])
        index = next(i for i, hit in enumerate(found) if hit.household_id == household.id)
        results.cursor = index
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdScreen) and app.screen.household_id == household.id


async def test_ids_and_phones_are_masked_until_an_audited_reveal(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        person = a_resident_with_phone()
        app.open_household(person.household_id)
        await settle(pilot)
        text = screen_text(app)
        assert mask_id(person.id_number) in text and mask_phone(person.phone) in text
        assert person.id_number not in text and person.phone not in text
        audits = AuditLog.select().where(AuditLog.action == "reveal").count()
        await pilot.press("r")  # the head is the first resident, under the cursor
        await settle(pilot)
        text = screen_text(app)
        assert person.id_number in text and person.phone in text
        logged = AuditLog.select().where(AuditLog.action == "reveal").order_by(AuditLog.at.desc()).first()
        assert AuditLog.select().where(AuditLog.action == "reveal").count() == audits + 1
        assert logged.target_id == person.id


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("zh", ["当前专项", "我的网格", "逾期需求", "今日待复访", "搜索"]),
        ("en", ["Campaign", "My grids", "Overdue needs", "Revisits due today", "Search"]),
    ],
)
async def test_both_languages(make_app, lang, labels):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for label in labels:
            assert label in text
        for _ in range(2):  # grid, whole grid: the walk list
            await pilot.press("enter")
            await settle(pilot)
        text = screen_text(app)
        assert ("户主" in text) == (lang == "zh") and ("Head" in text) == (lang == "en")


async def test_keys_remapped_in_the_config_file(make_app, tmp_path, monkeypatch):
    config = tmp_path / "remap.toml"
    config.write_text('[keymap]\n"app.search" = "ctrl+f"\n"visit.next" = "ctrl+n"\n', encoding="utf-8")
    monkeypatch.setenv("GRIDTUI_CONFIG", str(config))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # no longer search
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        ids = [Household.select().order_by(Household.id)[i].id for i in range(2)]
        app.open_visit(ids)
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.index == 1
        await pilot.press("question_mark")
        await settle(pilot)
        assert "visit.next" in screen_text(app) and "^n" in screen_text(app)


async def test_bad_number_shows_a_message_keeps_focus_and_writes_nothing(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await visit_household(pilot, a_resident_with_phone().household_id)
        checklist = screen.query_one(Checklist)  # it keeps the focus, its cursor on the first item
        assert checklist.current.type == "integer"
        before = checklist.state.values.get("residents_present")
        answers = Answer.select().count()
        await pilot.press("9", "9", "enter")  # more people than the form's rule allows
        await pilot.pause()
        assert "Between 0 and 20 persons" in screen_text(app)  # the form's own message
        assert app.focused is checklist.input and checklist.input.value == "99"
        await pilot.press("backspace", "backspace", *"abc", "enter")
        await pilot.pause()
        assert "is not a number" in screen_text(app)
        assert Answer.select().count() == answers
        assert checklist.state.values.get("residents_present") == before
        await pilot.press("ctrl+a", "ctrl+k", "4", "enter")  # corrected: saved, and on to the next item
        await pilot.pause()
        assert checklist.state.values.get("residents_present") == 4
        assert "Between 0 and 20" not in screen_text(app)


async def test_campaign_picker_switches_home_and_walk_list(make_app):
    from gridtui.tui.screens.dialogs import CampaignPicker

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.campaign_id
        letter = next(c for c in campaigns.campaigns(active_only=True) if c.form_key == "drowning_prevention")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CampaignPicker)
        options = app.screen.query_one("#campaign-list")
        while options.get_option_at_index(options.highlighted).id != letter.id:
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert app.campaign_id == letter.id != first
        assert campaigns.active_campaign_id() == letter.id
        assert letter.label in screen_text(app)
        for _ in range(2):
            await pilot.press("enter")
            await settle(pilot)
        listed = app.screen.query_one(PagedList)
        assert 0 < listed.count < walk.HOUSEHOLDS.count(first, grid_id=app.screen.grid_id)


async def test_command_palette_offers_the_screens_actions(make_app):
    from gridtui.core.models import Visit

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await visit_household(pilot, a_resident_with_phone().household_id)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Nobody home")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert Visit.get_by_id(screen.data.visit_id).outcome == "nobody_home"


def valid_id(born: str, order: str = "123") -> str:
    from stdnum.cn import ric

    body = f"410402{born}{order}"
    return body + ric.calc_check_digit(body + "0")


async def test_add_a_resident_with_a_register_tag_bad_id_first(make_app):
    from gridtui.tui.screens.dialogs import ResidentDialog

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        household = a_resident_with_phone().household_id
        screen = await visit_household(pilot, household)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ResidentDialog)
        before = Resident.select().where(Resident.household == household).count()
        await pilot.press(*"Zhang Xiaoming", "tab", *"child", "tab", "tab", "tab", *"4104021234", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ResidentDialog)
        assert "18 characters" in screen_text(app)
        assert app.focused.id == "res-id_number"
        assert Resident.select().where(Resident.household == household).count() == before
        app.focused.value = valid_id("20150301")
        registers = app.screen.query_one("#res-registers")
        registers.focus()
        await pilot.press("space")  # the first register kind
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        added = Resident.get((Resident.household == household) & (Resident.name == "Zhang Xiaoming"))
        assert added.relation == "child" and added.birth_date.isoformat() == "2015-03-01" and added.sex == "M"
        assert [e.kind_id for e in added.registers] == [registers.get_option_at_index(0).value]
        assert "Zhang Xi" in screen_text(app)  # the residents panel was read again (names cut at 8 cells)


async def test_undo_puts_back_the_last_answer(make_app):
    from gridtui.domain import visits

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await visit_household(pilot, a_resident_with_phone().household_id)
        await pilot.press("down", "space", "space")  # yes, then no
        item = "door_to_door:moved_in_out"
        assert visits.answers(screen.data.visit_id)[item] == "no"
        await pilot.press("u")
        assert visits.answers(screen.data.visit_id)[item] == "yes"
        await pilot.press("ctrl+z")
        assert item not in visits.answers(screen.data.visit_id)
        checklist = screen.query_one(Checklist)
        assert checklist.state.values.get("moved_in_out") is None
        line = checklist.span("moved_in_out")[0] + 1
        picked = checklist.view.style("picked")
        assert all(span.style != picked for span in checklist.line_text(line).spans)  # nothing shown picked


async def test_done_with_required_items_missing_is_one_sentence(make_app):
    from gridtui.core.models import Visit

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await visit_household(pilot, a_resident_with_phone().household_id)
        await pilot.press("down", "space", "D")
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert any("A required item is not answered yet" in m for m in notices), notices
        assert Visit.get_by_id(screen.data.visit_id).outcome == "in_progress"
        assert not app.errors


async def test_settings_from_the_config_file_given_to_the_app(make_app, tmp_path):
    from gridtui.core.models import Visit

    config = tmp_path / "worker.toml"
    config.write_text(
        '[general]\nmy_grids = ["no such grid"]\nworker_name = "王芳"\nrevisit_days = 5\n', encoding="utf-8"
    )
    app = make_app(lang="en", config_path=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No grids." in screen_text(app)  # home shows only my grids
        screen = await visit_household(pilot, a_resident_with_phone().household_id)
        await pilot.press("N")
        await settle(pilot)
        assert not app.errors, [n.message for n in app._notifications]
        visit = Visit.get_by_id(screen.data.visit_id)
        assert visit.worker == "王芳" and (visit.revisit_due - app.today).days == 5


async def test_home_overdue_needs_and_revisits_open_their_household(make_app):
    from gridtui.tui.screens.home import DueList

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        due = home.query_one("#home-due", DueList)
        assert len(due.overdue) > 1 and len(due.revisits) > 1
        due.focus()
        # down to the second overdue need; then on, over the revisits' heading, to the second revisit
        for presses, row in ((1, due.overdue[1]), (len(due.overdue), due.revisits[1])):
            await pilot.press(*["down"] * presses, "enter")
            await settle(pilot)
            assert isinstance(app.screen, HouseholdScreen) and app.screen.household_id == row.household_id
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is home


async def test_edit_a_resident_from_the_residents_panel(make_app):
    from gridtui.tui.screens.dialogs import ResidentDialog

    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        head = a_resident_with_phone()
        await visit_household(pilot, head.household_id)
        await pilot.press("p")
        residents = app.screen.query_one("#resident-list", PagedList)
        assert residents.has_focus and residents.current.id == head.id
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ResidentDialog)
        assert app.screen.query_one("#res-id_number").value == ""  # the full number never shown to edit
        await pilot.press("ctrl+a", "ctrl+k", *"Wang Fang", "ctrl+s")
        await settle(pilot)
        renamed = Resident.get_by_id(head.id)
        assert renamed.name == "Wang Fang" and renamed.id_number == head.id_number and renamed.phone == head.phone


async def test_the_resident_dialog_speaks_chinese_for_relation_and_sex(make_app):
    from gridtui.tui.screens.dialogs import ResidentDialog

    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        head = a_resident_with_phone()
        await visit_household(pilot, head.household_id)
        await pilot.press("p", "e")
        await settle(pilot)
        assert isinstance(app.screen, ResidentDialog)
        assert app.screen.query_one("#res-relation").value == "户主"
        assert app.screen.query_one("#res-sex").value == {"M": "男", "F": "女"}[head.sex]
        app.screen.query_one("#res-relation").value = "配偶"
        app.screen.query_one("#res-sex").value = "女"
        await pilot.press("ctrl+s")
        await settle(pilot)
        edited = Resident.get_by_id(head.id)
        assert (edited.relation, edited.sex, edited.is_head) == ("spouse", "F", False)


def test_language_order_flag_then_environment_then_config(make_app, tmp_path, monkeypatch):
    config = tmp_path / "en.toml"
    config.write_text('[general]\nlanguage = "en"\n', encoding="utf-8")
    assert make_app(lang=None, config_path=config).lang == "en"
    monkeypatch.setenv("GRIDTUI_LANG", "zh_CN.UTF-8")
    assert make_app(lang=None, config_path=config).lang == "zh"
    assert make_app(lang="en", config_path=config).lang == "en"
