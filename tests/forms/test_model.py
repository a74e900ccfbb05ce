"""A form's skip logic, required rules, constraints, choice filters, defaults and calculations,
and the dependency graph that re-evaluates only what an answer feeds."""

from __future__ import annotations

from datetime import date

import pytest

from gridtui.errors import ValidationError
from gridtui.forms.model import Form, FormErrors, FormState

TODAY = date(2026, 7, 14)
YES_NO = [{"name": "yes", "label": {"zh": "是", "en": "Yes"}}, {"name": "no", "label": {"zh": "否", "en": "No"}}]


def label(zh: str, en: str = "") -> dict:
    return {"zh": zh, "en": en or zh}


def make(items: list[dict], groups: list[dict] | None = None, choices: dict | None = None) -> Form:
    for item in items:
        item.setdefault("label", label(item["name"]))
    return Form.from_definition(
        {
            "format": 1,
            "form_key": "t",
            "version": "1",
            "title": label("测试"),
            "groups": groups or [],
            "items": items,
            "choices": {"yes_no": YES_NO, **(choices or {})},
        }
    )


@pytest.fixture
def household_form() -> Form:
    return make(
        [
            {
                "name": "people",
                "type": "integer",
                "required": "yes",
                "constraint": ". >= 1 and . <= 20",
                "constraint_message": label("人数应在1到20之间", "Between 1 and 20 people"),
            },
            {"name": "child", "type": "select_one", "list": "yes_no"},
            {"name": "school", "type": "text", "group": "children", "required": "${people} > 2"},
            {"name": "age", "type": "integer", "group": "children"},
            {
                "name": "grade",
                "type": "select_one",
                "list": "grade",
                "group": "children",
                "choice_filter": "min_age <= ${age}",
            },
            {"name": "note", "type": "note", "group": "children", "label": label("请核对户口本")},
            {"name": "older", "type": "calculate", "calculation": "if(${age} >= 12, 'yes', 'no')"},
            {"name": "help", "type": "select_multiple", "list": "help", "relevant": "${older} = 'yes'"},
            {"name": "next", "type": "date", "default": "today()", "constraint": ". >= today()"},
            {"name": "town", "type": "text", "default": "湖光"},
        ],
        groups=[{"name": "children", "label": label("孩子", "Children"), "relevant": "${child} = 'yes'"}],
        choices={
            "grade": [
                {"name": "g1", "label": label("一年级"), "extra": {"min_age": "6"}},
                {"name": "g7", "label": label("七年级"), "extra": {"min_age": "12"}},
            ],
            "help": [{"name": "meals", "label": label("助餐")}, {"name": "tutor", "label": label("辅导")}],
        },
    )


def test_a_group_and_its_items_follow_the_groups_rule(household_form):
    state = FormState(household_form, {}, TODAY)
    assert not state.relevant["children"] and not state.shown(household_form.item("school"))
    changed = state.set("child", "yes")
    assert {"children", "school", "age", "grade", "note"} <= set(changed)
    assert state.shown(household_form.item("age"))
    state.set("child", "no")
    assert not state.shown(household_form.item("age"))


def test_a_non_relevant_answer_is_empty_to_the_rules_that_read_it(household_form):
    state = FormState(household_form, {"child": "yes", "age": 13}, TODAY)
    assert state.calculated["older"] == "yes" and state.shown(household_form.item("help"))
    state.set("child", "no")  # the age is not asked now: the calculation sees it empty
    assert state.calculated["older"] == "no" and not state.shown(household_form.item("help"))


def test_required_can_be_a_rule_and_is_skipped_where_not_asked(household_form):
    state = FormState(household_form, {"people": 3}, TODAY)
    assert [i.name for i in state.missing()] == []  # school is in a group not asked
    state.set("child", "yes")
    assert [i.name for i in state.missing()] == ["school"]
    state.set("people", 2)  # required only in a household of more than two
    assert state.missing() == []


def test_a_choice_filter_offers_only_the_matching_choices(household_form):
    state = FormState(household_form, {"child": "yes", "age": 8}, TODAY)
    grade = household_form.item("grade")
    assert [c.name for c in state.choices(grade)] == ["g1"]
    with pytest.raises(ValidationError):
        state.check(grade, "g7")  # not offered at 8
    assert "grade" in state.set("age", 13)
    assert [c.name for c in state.choices(grade)] == ["g1", "g7"]
    assert state.check(grade, "g7") == "g7"


def test_constraints_carry_the_forms_own_message(household_form):
    state = FormState(household_form, {}, TODAY)
    with pytest.raises(ValidationError) as caught:
        state.check(household_form.item("people"), 25)
    assert caught.value.key == "validate.constraint_message"
    assert caught.value.params["message"] == label("人数应在1到20之间", "Between 1 and 20 people")
    assert state.check(household_form.item("people"), "4") == 4
    with pytest.raises(ValidationError):
        state.check(household_form.item("next"), "2026-07-01")  # not before today
    assert state.check(household_form.item("next"), "2026年8月1日") == "2026-08-01"


def test_a_question_not_asked_takes_no_answer(household_form):
    state = FormState(household_form, {}, TODAY)
    with pytest.raises(ValidationError) as caught:
        state.check(household_form.item("school"), "第一小学")
    assert caught.value.key == "validate.not_relevant"


def test_defaults_are_values_and_expressions(household_form):
    state = FormState(household_form, {}, TODAY)
    assert state.default(household_form.item("next")) == "2026-07-14"
    assert state.default(household_form.item("town")) == "湖光"
    assert state.default(household_form.item("people")) is None


def test_an_answer_reevaluates_only_what_depends_on_it(household_form):
    assert household_form.affected("town") == ()
    assert set(household_form.affected("age")) == {"older", "help", "grade"}
    assert set(household_form.affected("child")) >= {"children", "school", "age", "grade", "note", "older", "help"}
    order = household_form.order
    affected = household_form.affected("child")
    assert list(affected) == sorted(affected, key=order.index)  # in evaluation order


def test_every_problem_of_a_form_is_found_at_once():
    with pytest.raises(FormErrors) as caught:
        make(
            [
                {"name": "a", "type": "integer", "relevant": "${b} > 1"},
                {"name": "b", "type": "integer", "relevant": "${a} > 1"},  # a circle
                {"name": "c", "type": "select_one", "list": "nowhere"},
                {"name": "d", "type": "integer", "constraint": ". >"},
                {"name": "e", "type": "text", "relevant": "${nobody} = 1"},
                {"name": "f", "type": "geopoint"},
                {"name": "a", "type": "text"},
            ]
        )
    keys = sorted(p.key for p in caught.value.problems)
    assert keys == [
        "forms.check.duplicate_name",
        "forms.check.expression",
        "forms.check.unknown_list",
        "forms.check.unknown_reference",
        "forms.check.unsupported_type",
    ]
    expression = next(p for p in caught.value.problems if p.key == "forms.check.expression")
    assert (expression.name, expression.column, expression.position) == ("d", "constraint", 4)


def test_a_circle_of_rules_is_refused():
    with pytest.raises(FormErrors) as caught:
        make(
            [
                {"name": "a", "type": "integer", "relevant": "${b} > 1"},
                {"name": "b", "type": "calculate", "calculation": "${a} + 1"},
            ]
        )
    assert [p.key for p in caught.value.problems] == ["forms.check.cycle"]
    assert "a" in caught.value.problems[0].params["names"] and "b" in caught.value.problems[0].params["names"]


def test_types_are_checked_as_stored(household_form):
    clean = household_form.clean
    assert clean(household_form.item("people"), "3") == 3
    assert clean(household_form.item("help"), "tutor meals") == ["meals", "tutor"]  # in the list's order
    assert clean(household_form.item("help"), []) is None
    for item, bad in (("people", "2.5"), ("people", True), ("child", "maybe"), ("help", ["x"]), ("next", "soon")):
        with pytest.raises(ValidationError):
            clean(household_form.item(item), bad)
    with pytest.raises(ValidationError):
        clean(household_form.item("older"), "yes")  # a calculation is nobody's answer


def test_the_definition_round_trips_and_the_digest_ignores_the_version(household_form):
    again = Form.from_definition(household_form.definition())
    assert again.definition() == household_form.definition() and again.digest == household_form.digest
    newer = Form.from_definition({**household_form.definition(), "version": "2"})
    assert newer.digest == household_form.digest
    changed = household_form.definition()
    changed["items"][0]["constraint"] = ". >= 1"
    assert Form.from_definition(changed).digest != household_form.digest


def test_a_label_or_hint_shows_the_answers_it_names_and_follows_them():
    """``${name}`` in a label or hint, as ODK shows it: the answer (choices by their labels, in
    the reader's language), a calculation's value, blank while unanswered or not asked."""
    form = make(
        [
            {"name": "kids", "type": "integer"},
            {"name": "home", "type": "select_one", "list": "yes_no", "label": label("在家吗（${kids}个孩子）")},
            {"name": "twice", "type": "calculate", "calculation": "${kids} * 2"},
            {"name": "total", "type": "note", "label": label("共 ${twice} 份", "${twice} in all")},
            {"name": "why", "type": "text", "relevant": "${home} = 'no'", "hint": label("答：${home}", "said ${home}")},
            {"name": "echo", "type": "text", "label": label("${why}|${ nothing }")},
        ]
    )
    state = FormState(form, {}, TODAY)
    home, total, why, echo = (form.item(n) for n in ("home", "total", "why", "echo"))
    assert state.words(home.label, "zh") == "在家吗（个孩子）"
    assert state.words(total.label, "en") == " in all"
    changed = state.set("kids", 3)
    assert {"home", "total"} <= set(changed) and changed[0] == "kids"  # repainted with the new value
    assert state.words(home.label, "zh") == "在家吗（3个孩子）"
    assert state.words(total.label, "zh") == "共 6 份" and state.words(total.label, "en") == "6 in all"
    assert "why" in state.set("home", "no")
    assert state.words(why.hint, "zh") == "答：否" and state.words(why.hint, "en") == "said No"
    state.set("why", "上班")
    assert state.words(echo.label) == "上班|${ nothing }"  # a name the form lacks stays as written
    state.set("home", "yes")
    assert state.words(echo.label) == "|${ nothing }"  # not asked now: blank


def test_the_forms_own_messages_show_the_answers_they_name():
    form = make(
        [
            {"name": "people", "type": "integer"},
            {
                "name": "rooms",
                "type": "integer",
                "constraint": ". <= ${people}",
                "constraint_message": label("不能多于 ${people} 间", "At most ${people}"),
            },
        ]
    )
    state = FormState(form, {"people": 2}, TODAY)
    with pytest.raises(ValidationError) as refused:
        state.check(form.item("rooms"), 5)
    assert "不能多于 2 间" in refused.value.message("zh") and "At most 2" in refused.value.message("en")


def test_a_sections_title_shows_the_answer_it_names():
    form = make(
        [{"name": "kids", "type": "integer"}, {"name": "school", "type": "text", "group": "each"}],
        groups=[{"name": "each", "label": label("孩子（${kids}个）", "Children (${kids})")}],
    )
    state = FormState(form, {}, TODAY)
    assert "each" in state.set("kids", 2)  # the section is drawn again
    assert state.words(form.groups["each"].label, "zh") == "孩子（2个）"
