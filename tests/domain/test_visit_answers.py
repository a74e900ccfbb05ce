"""One visit: resumed or begun, every answer saved the moment it is given, checked by its form
(type, skip logic, constraint), undo, outcomes."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from gridtui import i18n
from gridtui.core.ids import stable_id
from gridtui.core.models import Answer, Household, Visit
from gridtui.domain import visits, walk
from gridtui.errors import GridError, ValidationError
from gridtui.forms.model import display
from tests.conftest import new_campaign

TODAY = date(2026, 7, 14)
DOOR = "door_to_door"
FOLLOWUP = "chronic_followup"


@pytest.fixture
def visit(street):
    return visits.open_visit(street["campaign"], street["h101"], worker="刘敏")


@pytest.fixture
def followup(street):
    """A chronic follow-up visit: its form has every answered type, including a decimal number."""
    campaign = new_campaign(FOLLOWUP, name="慢病随访", target="household", starts=TODAY)
    return visits.open_visit(campaign.id, street["h101"])


def stored(db_path, visit_id):
    """The visit's answers as another process would see them: a fresh connection to the file."""
    conn = sqlite3.connect(db_path)
    try:
        return dict(
            conn.execute("SELECT item, value FROM answer WHERE visit_id = ? AND deleted = 0", (visit_id,)).fetchall()
        )
    finally:
        conn.close()


def visit_rows(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT id, outcome FROM visit").fetchall()
    finally:
        conn.close()


def test_the_checklist_is_the_campaigns_form_in_order(street):
    form = visits.checklist(street["campaign"])
    first = form.items[0]
    assert (form.key, first.name, first.type, first.required) == (DOOR, "residents_present", "integer", "yes")
    assert first.constraint == ". >= 0 and . <= 20"
    assert {i.type for i in form.items} == {"integer", "select_one", "select_multiple", "text", "date"}
    assert visits.item_id(form, first) == f"{DOOR}:residents_present"


def test_opening_writes_nothing_until_the_first_answer(street, db_path, visit):
    assert visit_rows(db_path) == []
    assert visits.visit_state(visit).saved is False
    assert visits.open_visit(street["campaign"], street["h101"]) == visit  # same door, same visit
    assert walk.HOUSEHOLDS.page(street["campaign"])[0].status == "not_visited"
    visits.answer(visit, f"{DOOR}:needs_care", "yes")
    assert visit_rows(db_path) == [(visit, "in_progress")]
    state = visits.visit_state(visit)
    assert (state.saved, state.outcome, state.household_id) == (True, "in_progress", street["h101"])
    assert Visit.get_by_id(visit).worker == "刘敏"


def test_open_visit_resumes_in_progress_and_done_but_not_others(street, visit):
    cid = street["campaign"]
    visits.answer(visit, f"{DOOR}:needs_care", "yes")
    visits._pending.clear()  # as after a restart: only the database remembers
    assert visits.open_visit(cid, street["h101"]) == visit
    _complete(visit)
    visits.set_outcome(visit, "done")
    assert visits.open_visit(cid, street["h101"]) == visit  # a done visit is corrected, not redone
    other = visits.open_visit(cid, street["h102"])
    visits.set_outcome(other, "nobody_home", today=TODAY)
    again = visits.open_visit(cid, street["h102"])
    assert again != other  # the revisit is a new visit
    with pytest.raises(GridError):
        visits.open_visit(cid, "no-such-household")


def _complete(visit_id):
    """Answer whatever the form still requires (each answer may make another item required)."""
    values = {"integer": 1, "decimal": 1.5, "date": "2026-08-01", "text": "ok"}
    while missing := visits.missing_required(visit_id, today=TODAY):
        item = missing[0]
        form = visits.visit_form(visit_id)
        if item.type.startswith("select"):
            first = form.choices[item.list][-1].name  # "no" on a yes/no: nothing further to ask
            value = first if item.type == "select_one" else [first]
        else:
            value = values[item.type]
        visits.answer(visit_id, visits.item_id(form, item), value, today=TODAY)


@pytest.mark.parametrize(
    ("key", "good", "stored_as", "bad"),
    [
        ("on_medication", "yes", "yes", [True, 1, "maybe"]),
        ("adherence_issues", ["cost", "forgets", "cost"], ["forgets", "cost"], [["cost", "nope"], 3, "cost nope"]),
        ("systolic", "135", 135, ["high", 300, 59, "120.5"]),
        ("fasting_glucose", 6.25, 6.25, [0.5, 40, "x"]),
        ("doctor_advice", "  低盐饮食  ", "低盐饮食", ["长" * 301]),
        ("next_appointment", "2026/08/01", "2026-08-01", ["next week", "2026-13-01"]),
    ],
)
def test_every_item_type_validates_and_bad_values_write_nothing(db_path, followup, key, good, stored_as, bad):
    """Its type, its choices, its constraint (the form's own range and length rules)."""
    condition = f"{FOLLOWUP}:condition"
    for value in ("flu", 3):
        with pytest.raises(ValidationError):
            visits.answer(followup, condition, value)
    assert visit_rows(db_path) == []  # not even the visit row
    visits.answer(followup, condition, "both")  # blood pressure and sugar are asked
    visits.answer(followup, f"{FOLLOWUP}:on_medication", "yes")  # and adherence
    item_id = f"{FOLLOWUP}:{key}"
    before = visits.answers(followup)
    for value in bad:
        with pytest.raises(ValidationError):
            visits.answer(followup, item_id, value)
    assert visits.answers(followup) == before
    visits.answer(followup, item_id, good)
    assert visits.answers(followup)[item_id] == stored_as
    for value in bad:
        with pytest.raises(ValidationError):
            visits.answer(followup, item_id, value)
    assert visits.answers(followup)[item_id] == stored_as


def test_an_item_the_skip_logic_leaves_out_is_not_asked(db_path, followup):
    visits.answer(followup, f"{FOLLOWUP}:condition", "diabetes")
    with pytest.raises(ValidationError) as caught:
        visits.answer(followup, f"{FOLLOWUP}:systolic", 135)  # blood pressure: hypertension only
    assert caught.value.key == "validate.not_relevant"
    assert f"{FOLLOWUP}:systolic" not in visits.answers(followup)
    visits.answer(followup, f"{FOLLOWUP}:fasting_glucose", 7.1)
    assert visits.answers(followup)[f"{FOLLOWUP}:fasting_glucose"] == 7.1


def test_bad_answer_message_names_the_item_and_the_forms_own_message(followup):
    visits.answer(followup, f"{FOLLOWUP}:condition", "hypertension")
    with pytest.raises(ValidationError) as caught:
        visits.answer(followup, f"{FOLLOWUP}:systolic", 300)
    assert "收缩压" in caught.value.message("zh") and "60到260" in caught.value.message("zh")
    assert "systolic" in caught.value.message("en") and "Between 60 and 260 mmHg" in caught.value.message("en")
    assert caught.value.field == f"{FOLLOWUP}:systolic"


def test_answers_are_in_the_file_at_once_and_one_row_per_item(db_path, visit):
    item = f"{DOOR}:residents_present"
    visits.answer(visit, item, 3)
    assert stored(db_path, visit) == {item: "3"}
    visits.answer(visit, item, 4)
    visits.answer(visit, f"{DOOR}:gas_safety", "old_hose")
    assert stored(db_path, visit) == {item: "4", f"{DOOR}:gas_safety": '"old_hose"'}
    rows = Answer.select().where(Answer.visit == visit)
    assert {r.id for r in rows} == {
        stable_id("answer", f"{visit}:{item}"),
        stable_id("answer", f"{visit}:{DOOR}:gas_safety"),
    }


def test_none_clears_an_answer(db_path, visit):
    item = f"{DOOR}:note"
    visits.answer(visit, item, "看望")
    visits.answer(visit, item, None)
    assert visits.answers(visit) == {}
    assert stored(db_path, visit) == {item: None}


def test_clearing_an_unanswered_item_writes_nothing(db_path, visit):
    visits.answer(visit, f"{DOOR}:note", None)
    assert visit_rows(db_path) == []


def test_items_of_another_checklist_or_unknown_are_refused(visit):
    with pytest.raises(GridError):
        visits.answer(visit, f"{FOLLOWUP}:condition", "diabetes")
    with pytest.raises(GridError):
        visits.answer(visit, f"{DOOR}:no_such_item", 1)
    with pytest.raises(GridError):
        visits.answer("no-such-visit", f"{DOOR}:note", "x")


def test_undo_restores_the_previous_values_in_turn(visit):
    a, b = f"{DOOR}:residents_present", f"{DOOR}:gas_safety"
    log = visits.UndoLog()
    visits.answer(visit, a, 3, undo=log)
    visits.answer(visit, b, "none", undo=log)
    visits.answer(visit, a, 5, undo=log)
    visits.answer(visit, a, 5, undo=log)  # no change: nothing to undo
    assert len(log) == 3
    assert visits.undo_last(visit, log) == a
    assert visits.answers(visit) == {a: 3, b: "none"}
    assert visits.undo_last(visit, log) == b
    assert visits.answers(visit) == {a: 3}
    assert visits.undo_last(visit, log) == a
    assert visits.answers(visit) == {}
    assert visits.undo_last(visit, log) is None


def test_undo_without_a_log_of_ones_own(visit):
    item = f"{DOOR}:needs_care"
    visits.answer(visit, item, "yes")
    visits.answer(visit, item, "no")
    assert visits.undo_last(visit) == item
    assert visits.answers(visit) == {item: "yes"}


def test_done_needs_every_required_item(street, visit):
    visits.answer(visit, f"{DOOR}:residents_present", 1)
    with pytest.raises(GridError) as caught:
        visits.set_outcome(visit, "done")
    assert "近期是否有人员迁入或迁出" in caught.value.message("zh")
    assert visits.visit_state(visit).outcome == "in_progress"
    assert [i.name for i in visits.missing_required(visit)][:2] == ["moved_in_out", "needs_care"]
    visits.answer(visit, f"{DOOR}:needs_care", "yes")  # who needs care is required now
    assert "care_situation" in [i.name for i in visits.missing_required(visit)]
    with pytest.raises(GridError) as caught:
        visits.set_outcome(visit, "done")
    visits.answer(visit, f"{DOOR}:needs_care", "no")  # and not any more
    assert "care_situation" not in [i.name for i in visits.missing_required(visit)]
    _complete(visit)
    visits.set_outcome(visit, "done", note="家中整洁")
    state = visits.visit_state(visit)
    assert (state.outcome, state.revisit_due, state.note) == ("done", None, "家中整洁")


def test_nobody_home_schedules_a_revisit_without_any_answer(db_path, visit):
    visits.set_outcome(visit, "nobody_home", revisit_days=2, today=TODAY)
    state = visits.visit_state(visit)
    assert (state.saved, state.outcome, state.revisit_due) == (True, "nobody_home", TODAY + timedelta(days=2))
    assert visit_rows(db_path) == [(visit, "nobody_home")]


def test_moved_away_marks_the_household_and_a_correction_undoes_it(street, visit):
    visits.set_outcome(visit, "moved_away")
    assert Household.get_by_id(street["h101"]).status == "moved_away"
    visits.set_outcome(visit, "refused")
    assert Household.get_by_id(street["h101"]).status == "active"
    with pytest.raises(ValidationError):
        visits.set_outcome(visit, "in_progress")


def test_visit_history_with_display_values(street, visit, followup):
    i18n.set_language("zh")
    visits.answer(followup, f"{FOLLOWUP}:condition", "hypertension")
    visits.answer(followup, f"{FOLLOWUP}:systolic", 135)
    visits.answer(followup, f"{FOLLOWUP}:on_medication", "yes")
    visits.answer(followup, f"{FOLLOWUP}:adherence_issues", ["forgets", "cost"])
    visits.answer(visit, f"{DOOR}:needs_care", "yes")
    visits.answer(visit, f"{DOOR}:gas_safety", "old_hose")
    visits.set_outcome(visit, "nobody_home", today=TODAY)
    history = visits.visit_history(street["h101"])
    assert len(history) == 2
    by_campaign = {h.campaign_name: h for h in history}
    door = by_campaign["2026年大走访"]
    assert (door.outcome, door.worker, door.campaign_id) == ("nobody_home", "刘敏", street["campaign"])
    assert [(a.item_zh, a.display) for a in door.answers] == [
        ("家中是否有需要照料的老人或病人", "是"),
        ("燃气安全情况", "燃气软管老化或超期"),
    ]
    shown = {a.item_id.split(":")[1]: a.display for a in by_campaign["慢病随访"].answers}
    assert shown == {
        "condition": "高血压",
        "systolic": "135",
        "on_medication": "是",
        "adherence_issues": "经常忘记服药、药费负担重",
    }
    form = visits.checklist(street["campaign"])
    assert display(form, form.item("residents_present"), 3.0, lang="en") == "3"
    assert visits.visit_history(street["h102"]) == []
