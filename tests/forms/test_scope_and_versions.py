"""Which targets a campaign covers (one rule, read alike by coverage, the walk list and the revisit
list), and a campaign's form versions: visits keep the version they were answered in, a resumed
visit moves on to the new one, reports span every version."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest

from gridtui import i18n
from gridtui.core import store
from gridtui.core.models import Building, Business, Household, RegisterEntry, Resident, Visit
from gridtui.domain import campaigns, visits, walk
from gridtui.domain.campaigns import Scope
from gridtui.forms.model import Form
from gridtui.forms.workbook import starter
from gridtui.io import reports

TODAY = date(2026, 7, 14)


def years_ago(years: int, days: int = 0) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=days)


@pytest.fixture
def street(place):
    """Four households in the place's building and one in a second: children of 9, 15 and just
    16, a chronic patient, an adult only."""
    building = place["building"]
    second = store.create(Building, compound=place["compound"].id, grid=place["grid"].id, number="5")
    homes = (
        [place["household"].id]
        + [store.create(Household, building=building.id, unit=1, floor=n, door=f"{n}01").id for n in (2, 3, 4)]
        + [store.create(Household, building=second.id, unit=1, floor=1, door="101").id]
    )
    for home, age in zip(homes, (9, 15, 16, 40, 70), strict=True):
        store.create(Resident, household=home, name=f"居民{age}", birth_date=years_ago(age))
    patient = Resident.get(Resident.household == homes[4])
    store.create(RegisterEntry, kind="chronic_illness", resident=patient.id)
    return {"homes": homes, "second": second.id, "grid": place["grid"].id}


def campaign(scope: Scope, target: str = "household") -> str:
    return campaigns.create(starter(), name="专项", target=target, scope=scope, activate=True, today=TODAY)


def targets_of(campaign_id: str) -> set[str]:
    return set(walk.source(campaign_id).ids(campaign_id, today=TODAY))


def test_a_scope_by_age_is_every_family_with_a_child_under_16(street):
    homes = street["homes"]
    children = campaign(Scope(ages=(0, 16)))
    assert targets_of(children) == {homes[0], homes[1]}  # 9 and 15; not the one just 16
    assert campaigns.coverage(children, TODAY)[0].total == 2


def test_scopes_combine_and_every_reader_counts_the_same_targets(street):
    homes = street["homes"]
    cases = {
        Scope(): set(homes),
        Scope(registers=("chronic_illness",)): {homes[4]},
        Scope(buildings=(street["second"],)): {homes[4]},
        Scope(buildings=(street["second"],), ages=(0, 16)): set(),
        Scope(grids=(street["grid"],), ages=(60, 120)): {homes[4]},
    }
    for scope, expected in cases.items():
        cid = campaign(scope)
        assert targets_of(cid) == expected, scope
        total = sum(r.total for r in campaigns.coverage(cid, TODAY))
        assert total == len(expected) == campaigns.target_count(cid, TODAY)
        assert walk.HOUSEHOLDS.count(cid, today=TODAY) == total


def test_a_household_found_moved_away_stays_counted_as_such(street):
    cid = campaign(Scope())
    visit = visits.open_visit(cid, street["homes"][3])
    visits.set_outcome(visit, "moved_away", today=TODAY)
    [row] = campaigns.coverage(cid, TODAY)
    assert (row.total, row.moved_away) == (5, 1)
    assert street["homes"][3] in targets_of(cid)


def test_revisit_due_is_one_rule_for_the_walk_list_home_and_coverage(street):
    cid = campaign(Scope())
    homes = street["homes"]
    for home, days in ((homes[0], -2), (homes[1], 3)):  # due two days ago; due in three days
        visits.set_outcome(visits.open_visit(cid, home), "nobody_home", revisit_days=days, today=TODAY)
    late = visits.open_visit(cid, homes[2])  # nobody home, then found in: not due
    visits.set_outcome(late, "nobody_home", revisit_days=-5, today=TODAY)
    again = visits.open_visit(cid, homes[2])
    visits.set_outcome(again, "refused", today=TODAY)
    due = {homes[0]}
    assert set(walk.HOUSEHOLDS.ids(cid, filter="revisit_due", today=TODAY)) == due
    assert {r.household_id for r in walk.HOUSEHOLDS.revisits_due(today=TODAY)} == due
    assert campaigns.coverage(cid, TODAY)[0].revisit_due == len(due)


def test_shops_are_scoped_by_kind_and_grid(place):
    food = store.create(Business, name="面粉厂", kind="flour_mill", grid=place["grid"].id, address="银杏街1号")
    store.create(Business, name="理发店", kind="barber", grid=place["grid"].id, address="银杏街2号")
    cid = campaign(Scope(business_kinds=("flour_mill",)), target="business")
    assert targets_of(cid) == {food.id}
    assert campaigns.coverage(cid, TODAY)[0].total == 1
    with pytest.raises(Exception) as caught:
        campaign(Scope(ages=(0, 16)), target="business")
    assert caught.value.key == "campaigns.scope_not_for_shops"


# -- versions -----------------------------------------------------------------------------------------


def second_version() -> Form:
    """The starter's next version: income no longer asked, pets asked, a care kind removed."""
    definition = copy.deepcopy(starter().definition())
    definition["version"] = "2"
    definition["items"] = [i for i in definition["items"] if i["name"] != "monthly_income"]
    definition["items"].insert(
        2,
        {
            "name": "pets",
            "type": "select_one",
            "list": "yes_no",
            "group": "household",
            "label": {"zh": "是否养宠物", "en": "Any pets?"},
        },
    )
    definition["choices"]["care_kind"] = [c for c in definition["choices"]["care_kind"] if c["name"] != "disabled"]
    return Form.from_definition(definition)


def test_visits_keep_their_version_and_a_resumed_one_moves_to_the_new(street):
    i18n.set_language("zh")
    cid = campaign(Scope())
    home = street["homes"][3]
    visit = visits.open_visit(cid, home)
    for item, value in (
        ("residents_present", 2),
        ("monthly_income", 3200.5),
        ("needs_care", "yes"),
        ("care_kind", "disabled"),
    ):
        visits.answer(visit, f"my_checklist:{item}", value, today=TODAY)
    v1 = Visit.get_by_id(visit).form_id
    assert campaigns.update_form(cid, second_version()) is True
    assert campaigns.update_form(cid, second_version()) is False  # that version already

    [shown] = visits.visit_history(home)  # read in the version it was answered in
    assert shown.version == "1" and Visit.get_by_id(visit).form_id == v1
    assert {a.item_id.partition(":")[2]: a.display for a in shown.answers}["care_kind"] == "残疾人"

    state = visits.form_state(visit, today=TODAY)  # opened again: the new version, answers kept
    assert state.form.version == "2" and state.form.item("pets") is not None
    assert state.values["residents_present"] == 2 and "monthly_income" not in state.values
    visits.answer(visit, "my_checklist:pets", "no", today=TODAY)
    assert Visit.get_by_id(visit).form_id == campaigns.campaign(cid).form_id != v1
    assert visits.answers(visit)["my_checklist:monthly_income"] == 3200.5  # never lost
    assert [v.version for v in campaigns.versions(cid)] == ["1", "2"]


def test_the_visits_report_spans_versions_in_the_readers_language(street):
    i18n.set_language("en")
    cid = campaign(Scope())
    old = visits.open_visit(cid, street["homes"][0])
    for item, value in (
        ("residents_present", 2),
        ("monthly_income", 3200.5),
        ("needs_care", "yes"),
        ("care_kind", "disabled"),
        ("care_help", ["meals", "medical"]),
    ):
        visits.answer(old, f"my_checklist:{item}", value, today=TODAY)
    visits.answer(old, "my_checklist:needs_care", "no", today=TODAY)  # care is not asked after all
    campaigns.update_form(cid, second_version())
    new = visits.open_visit(cid, street["homes"][1])
    visits.answer(new, "my_checklist:pets", "yes", today=TODAY)

    [sheet], _ = reports.build("visits", campaign=cid, today=TODAY)
    headers = [c.header for c in sheet.columns]
    questions = headers[headers.index("Visit note") + 1 :]
    assert questions == [
        "People living here now",
        "Any pets?",
        "Does anyone here need care?",
        "Who needs care",
        "Help they would like",
        "Next visit",
        "Notes",
        "Household income a month (yuan)",
    ]
    rows = {row[1]: dict(zip(headers, row, strict=True)) for row in sheet.rows}
    first, second = (
        rows[Household.get_by_id(street["homes"][0]).address],
        rows[Household.get_by_id(street["homes"][1]).address],
    )
    assert first["Household income a month (yuan)"] == 3200.5  # a question version 2 no longer asks
    assert first["Does anyone here need care?"] == "No"
    assert first["Who needs care"] is None and first["Help they would like"] is None  # not relevant: blank
    assert second["Any pets?"] == "Yes" and second["Household income a month (yuan)"] is None
    i18n.set_language("zh")
    [sheet], _ = reports.build("visits", campaign=cid, today=TODAY)
    assert "是否养宠物" in [c.header for c in sheet.columns]


def test_a_removed_choice_keeps_its_label_in_reports(street):
    i18n.set_language("zh")
    cid = campaign(Scope())
    visit = visits.open_visit(cid, street["homes"][0])
    visits.answer(visit, "my_checklist:residents_present", 2, today=TODAY)  # more than one: every kind offered
    visits.answer(visit, "my_checklist:needs_care", "yes", today=TODAY)
    visits.answer(visit, "my_checklist:care_kind", "disabled", today=TODAY)
    campaigns.update_form(cid, second_version())
    [sheet], _ = reports.build("visits", campaign=cid, today=TODAY)
    headers = [c.header for c in sheet.columns]
    assert dict(zip(headers, sheet.rows[0], strict=True))["需照料人员情况"] == "残疾人"
