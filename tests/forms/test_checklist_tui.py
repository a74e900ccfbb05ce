"""The office's forms at the door, in the real app: groups as titled sections, notes as lines,
calculations never shown, skip logic that shows and hides questions as answers are given (in
Chinese and in English), required rules, a choice filter, defaults; a 300-question form opens;
the office's campaigns screen; and no dead end when there is no campaign."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridtui.core.db import close_database
from gridtui.domain import campaigns
from gridtui.domain.campaigns import Scope
from gridtui.forms.workbook import starter
from gridtui.forms.xlsform import read_workbook
from gridtui.tui import GridApp
from gridtui.tui.screens.campaigns import CampaignsScreen
from gridtui.tui.screens.dialogs import CampaignPicker
from gridtui.tui.screens.home import HomeScreen
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.widgets.checklist import Checklist
from tests.tui.tui_helpers import SIZE, TODAY, settle
from tests.tui.tui_helpers import screen_text as text_of


@pytest.fixture
def with_campaign(place, db_path) -> Path:
    campaigns.create(starter(), name="入户走访", name_en="Home visits", scope=Scope(), activate=True, today=TODAY)
    close_database()
    return db_path


async def open_visit(pilot, household: str) -> tuple[VisitScreen, Checklist]:
    await settle(pilot)
    pilot.app.open_visit([household])
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, VisitScreen)
    return screen, screen.query_one(Checklist)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "zh",
            {
                "section": "家庭情况",
                "note": "请核对家庭成员",
                "care": "照料情况",
                "kind": "需照料人员情况",
                "person": "目前实际居住人数",
                "yes": "是",
            },
        ),
        (
            "en",
            {
                "section": "The household",
                "note": "Check the residents",
                "care": "Care",
                "kind": "Who needs care",
                "person": "People living here now",
                "yes": "Yes",
            },
        ),
    ],
)
async def test_skip_logic_shows_and_hides_questions_in_both_languages(with_campaign, place, lang, words):
    app = GridApp(db_path=with_campaign, lang=lang, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen, checklist = await open_visit(pilot, place["household"].id)
        shown = text_of(app)
        assert words["section"] in shown and words["note"] in shown and words["person"] in shown
        assert words["care"] not in shown and "care_count" not in shown  # a skipped group; a calculation
        assert checklist.state.values["residents_present"] == 1  # the form's default, shown at once
        assert checklist.current.name == "residents_present"
        await pilot.press("j", "j", "space")  # income skipped; does anyone need care: yes
        await settle(pilot)
        shown = text_of(app)
        assert words["care"] in shown and words["kind"] in shown
        assert f"{words['kind']} *" in shown  # required, by the rule "${needs_care} = 'yes'"
        await pilot.press("j")
        assert checklist.current.name == "care_kind"
        assert [c.name for c in checklist.state.choices(checklist.current)] == ["elderly_alone"]  # one person
        await pilot.press("2")  # the filter offers one kind only: there is no second
        await settle(pilot)
        assert "care_kind" not in checklist.state.values
        await pilot.press("1")
        await settle(pilot)
        assert checklist.state.values["care_kind"] == "elderly_alone"
        await pilot.press("k", "space")  # needs care: no; the whole group goes
        await settle(pilot)
        assert words["care"] not in text_of(app) and checklist.current.name == "needs_care"
        assert not app.errors


async def test_a_300_question_form_opens_and_an_answer_changes_what_follows(place, db_path, tmp_path):
    from bench.forms_steps import write_big_form

    form = read_workbook(write_big_form(tmp_path / "big.xlsx"))
    campaigns.create(form, name="大表", activate=True, today=TODAY)
    close_database()
    app = GridApp(db_path=db_path, lang="en", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        _, checklist = await open_visit(pilot, place["household"].id)
        names = {i.name for i in checklist.rows}
        assert checklist.current.name == "q0" and "q1" not in names and "q10" in names
        await pilot.press("2", "enter")  # a long list: its number typed; q0 = c1, so the question
        await settle(pilot)  # after it is asked, the next part is not
        names = {i.name for i in checklist.rows}
        assert "q1" in names and "q10" not in names and "Question 1" in text_of(app)
        await pilot.press("k", "1", "enter")  # c0: the next part is back
        await settle(pilot)
        assert "q10" in {i.name for i in checklist.rows} and not app.errors


async def test_the_campaigns_screen_shows_opens_closes_and_chooses(with_campaign):
    app = GridApp(db_path=with_campaign, lang="en", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, CampaignsScreen)
        shown = text_of(app)
        assert "Home visits" in shown and "my_checklist 1" in shown and "every one" in shown
        await pilot.press("x")
        await settle(pilot)
        assert "not active" in text_of(app) and not campaigns.campaigns(active_only=True)
        await pilot.press("a")
        await settle(pilot)
        assert campaigns.campaigns(active_only=True)
        await pilot.press("enter")
        await settle(pilot)
        assert app.campaign_id == campaigns.campaigns()[0].id and not app.errors


async def test_with_no_campaign_every_screen_says_what_to_do(place, db_path):
    close_database()
    app = GridApp(db_path=db_path, lang="en", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and "gridtui campaign new" in text_of(app)
        await pilot.press("enter")  # a grid: there is nothing to walk, and no crash
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert any("gridtui campaign new" in n.message for n in app._notifications)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CampaignPicker) and "No campaign is open yet" in text_of(app)
        await pilot.press("escape", "C")
        await settle(pilot)
        assert isinstance(app.screen, CampaignsScreen) and "No campaigns yet" in text_of(app)
        await pilot.press("escape")
        await settle(pilot)
        app.open_visit([place["household"].id])
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and not app.errors


@pytest.mark.parametrize(("lang", "none", "two"), [("zh", "已选 0 项", "已选 2 项"), ("en", "0 chosen", "2 chosen")])
async def test_a_hint_shows_the_answer_it_names_as_answers_are_given(with_campaign, place, lang, none, two):
    """The starter's ``${care_count}`` (a calculation over the help chosen) in a hint, drawn
    again as each choice is ticked."""
    app = GridApp(db_path=with_campaign, lang=lang, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        _, checklist = await open_visit(pilot, place["household"].id)
        await pilot.press("j", "j", "space", "j", "1", "j")  # needs care: yes; a kind; on to the help
        await settle(pilot)
        assert checklist.current.name == "care_help" and none in text_of(app)
        await pilot.press("1", "3")
        await settle(pilot)
        assert checklist.state.values["care_help"] == ["meals", "medical"]
        assert two in text_of(app) and not app.errors
