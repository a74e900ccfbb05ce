"""The XLSForm adapter: what it reads from pyxform (golden files pin the pinned version's dict,
as it arrives in gridtui's own definition), every problem at once with its place, and the
refusals of what is not a form at all."""

from __future__ import annotations

import json
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pytest
from openpyxl import Workbook

from gridtui.errors import GridError
from gridtui.forms.model import FormErrors
from gridtui.forms.workbook import starter, write_workbook
from gridtui.forms.xlsform import PYXFORM_VERSION, language_of, read_workbook

GOLDEN = Path(__file__).parent / "golden"


def test_the_adapter_is_for_the_pinned_pyxform():
    """A new pyxform needs the golden files looked at again (its parsed dict is no contract)."""
    assert version("pyxform") == PYXFORM_VERSION
    pinned = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text("utf-8")
    assert f'"pyxform=={PYXFORM_VERSION}"' in pinned


def test_the_starter_reads_as_its_golden_definition(tmp_path):
    path = write_workbook(starter(), tmp_path / "starter.xlsx")
    form = read_workbook(path)
    assert form.definition() == json.loads((GOLDEN / "starter.json").read_text("utf-8"))
    assert form.digest == starter().digest  # written and read back: the same form


def sheet(book: Workbook, title: str, rows: list[list]) -> None:
    ws = book.create_sheet(title)
    for row in rows:
        ws.append(row)


def saved(path: Path, survey: list[list], settings: list[list] | None, choices: list[list] | None = None) -> Path:
    """A workbook of these sheets (choices and settings only if given), saved at ``path``."""
    book = Workbook()
    book.remove(book.active)
    sheet(book, "survey", survey)
    if choices is not None:
        sheet(book, "choices", choices)
    if settings is not None:
        sheet(book, "settings", settings)
    book.save(path)
    return path


def test_pyxforms_spellings_read_as_one_definition(tmp_path):
    """What offices write by hand: "select one", "begin group", a label without a language
    beside one in 中文, ``label::中文``, a choices sheet with an extra column."""
    book = Workbook()
    book.remove(book.active)
    sheet(
        book,
        "survey",
        [
            ["type", "name", "label", "label::English (en)", "hint::中文", "relevant", "required", "choice_filter"],
            ["begin group", "home", "家庭", "Home", None, None, None, None],
            ["select one yn", "alone", "独居吗", "Alone?", "问清楚", None, "yes", None],
            ["select all that apply help", "help", "帮助", "Help", None, "${alone} = 'yes'", None, "kind != 'x'"],
            ["end group", None, None, None, None, None, None, None],
            ["int", "age", "年龄", "Age", None, None, "${alone} = 'yes'", None],
            ["string", "note", "备注", None, None, None, None, None],
        ],
    )
    sheet(
        book,
        "choices",
        [
            ["list_name", "name", "label", "label::English (en)", "kind"],
            ["yn", "yes", "是", "Yes", None],
            ["yn", "no", "否", "No", None],
            ["help", "meals", "助餐", "Meals", "food"],
            ["help", "x", "别的", "Other", "x"],
        ],
    )
    sheet(
        book,
        "settings",
        [["form_title", "form_id", "version", "default_language"], ["手写的表", "by_hand", "3", "中文"]],
    )
    book.save(tmp_path / "hand.xlsx")
    form = read_workbook(tmp_path / "hand.xlsx")
    assert form.definition() == json.loads((GOLDEN / "by_hand.json").read_text("utf-8"))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("中文 (zh)", "zh"),
        ("English (en)", "en"),
        ("中文", "zh"),
        ("Chinese", "zh"),
        ("zh", "zh"),
        ("English", "en"),
        ("en", "en"),
        ("Français (fr)", None),
        ("Uyghur", None),
    ],
)
def test_languages_are_read_from_their_usual_names(name, code):
    assert language_of(name) == code


def bad_workbook(path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    sheet(
        book,
        "survey",
        [
            ["type", "name", "label::中文 (zh)", "label::English (en)", "relevant", "constraint", "appearance"],
            ["integer", "n", "人数", "People", None, ". >", None],
            ["geopoint", "where", "位置", "Where", None, None, None],
            ["select_one nowhere", "pick", "选", "Pick", "${nobody} = 1", None, None],
            ["text", "n", "重复", "Dup", None, None, "multiline"],
            ["begin_group", "g", "组", "Group", None, None, None],
        ],
    )
    sheet(book, "choices", [["list_name", "name", "label"]])
    sheet(book, "settings", [["form_title", "form_id"], ["x", "bad form"]])
    book.save(path)
    return path


def test_every_problem_is_listed_at_once_with_its_place(tmp_path):
    with pytest.raises(FormErrors) as caught:
        read_workbook(bad_workbook(tmp_path / "bad.xlsx"))
    found = [(p.sheet, p.row, p.column, p.position, p.key) for p in caught.value.problems]
    assert found == [
        ("survey", 1, "appearance", 0, "forms.check.unsupported_column"),
        ("survey", 2, "constraint", 4, "forms.check.expression"),
        ("survey", 3, "type", 0, "forms.check.unsupported_type"),
        ("survey", 4, "relevant", 1, "forms.check.unknown_reference"),
        ("survey", 4, "type", 0, "forms.check.unknown_list"),
        ("survey", 5, "name", 0, "forms.check.duplicate_name"),
        ("survey", 6, "type", 0, "forms.check.unmatched_begin"),
        ("settings", 2, "form_id", 0, "forms.check.bad_form_id"),
        ("settings", 2, "version", 0, "forms.check.missing_setting"),
    ]
    geopoint = caught.value.problems[2]
    assert "geopoint" in geopoint.message("en") and "where" in geopoint.message("zh")


def test_a_bad_name_and_a_missing_settings_sheet_are_said_in_the_users_language(tmp_path):
    """A name Excel wrote as a number is refused with the other problems, in our own sentence (not
    pyxform's English one, which would come alone and later); no settings sheet at all is said so."""
    survey = [["type", "name", "label"], ["integer", 123, "数"], ["text", "t", "名字"], ["text", "年 龄", "年龄"]]
    with pytest.raises(FormErrors) as caught:
        read_workbook(saved(tmp_path / "names.xlsx", survey, None))
    found = [(p.sheet, p.row, p.column, p.key) for p in caught.value.problems]
    assert found == [
        ("survey", 2, "name", "forms.check.bad_name"),
        ("survey", 4, "name", "forms.check.bad_name"),
        ("settings", 0, "", "forms.check.no_settings"),
    ]
    assert "123" in caught.value.problems[0].message("zh") and "settings" in caught.value.problems[2].message("zh")


def test_cells_excel_typed_for_the_office_read_as_written(tmp_path):
    """Excel makes 2024-01-05 a date cell, TRUE a boolean, 3 a number: each reads as the office meant."""
    import datetime

    survey = [
        ["type", "name", "label", "required", "default"],
        ["date", "d", "日期", True, datetime.datetime(2024, 1, 5)],
        ["integer", "n", "数", False, 3],
    ]
    form = read_workbook(saved(tmp_path / "typed.xlsx", survey, [["form_id", "version"], ["typed", 20240101]]))
    day, number = form.items
    assert (day.default, number.default, form.version) == ("2024-01-05", "3", "20240101")
    assert day.required.lower() in ("true", "yes", "true()") and number.required.lower() in ("false", "no", "")


def test_a_problem_the_form_finds_is_placed_on_its_row(tmp_path):
    """A circle of rules is the whole form's problem: it is still named by row and column."""
    survey = [
        ["type", "name", "label", "relevant", "calculation"],
        ["integer", "a", "A", "${b} > 1", None],
        ["calculate", "b", None, None, "${a} + 1"],
    ]
    with pytest.raises(FormErrors) as caught:
        read_workbook(saved(tmp_path / "circle.xlsx", survey, [["form_id", "version"], ["circle", "1"]]))
    [problem] = caught.value.problems
    assert (problem.key, problem.sheet, problem.row, problem.column) == ("forms.check.cycle", "survey", 2, "relevant")


def test_what_is_no_form_at_all_is_one_sentence(tmp_path):
    protected = tmp_path / "locked.xlsx"
    protected.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    )  # how Excel saves a password-protected book
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    plain = Workbook()
    plain.active.title = "Sheet1"
    plain.create_sheet("户籍")
    plain.save(tmp_path / "roster.xlsx")
    for path, key in (
        (protected, "forms.file.protected"),
        (text, "forms.file.not_workbook"),
        (tmp_path / "roster.xlsx", "forms.file.no_survey"),
        (tmp_path / "missing.xlsx", "forms.file.missing"),
    ):
        with pytest.raises(GridError) as caught:
            read_workbook(path)
        assert caught.value.key == key and not isinstance(caught.value, FormErrors)


def test_chinese_names_and_a_full_width_space_read_as_the_office_wrote_them(tmp_path):
    """Questions named in Chinese (XML names may be), referred to in a rule and a label, and a
    type typed with the input method's full-width space."""
    from gridtui.forms.model import FormState

    path = saved(
        tmp_path / "cn.xlsx",
        [
            ["type", "name", "label::中文", "relevant"],
            ["integer", "家庭人数", "家庭人数", None],
            ["select_one\u3000是否", "在家", "在家吗（${家庭人数}人）", None],
            ["text", "原因", "原因", "${在家} = 'no'"],
        ],
        [["form_title", "form_id", "version"], ["中文名", "cn_names", "1"]],
        [["list_name", "name", "label::中文"], ["是否", "yes", "是"], ["是否", "no", "否"]],
    )
    form = read_workbook(path)
    assert [(i.name, i.type, i.list) for i in form.items] == [
        ("家庭人数", "integer", ""),
        ("在家", "select_one", "是否"),
        ("原因", "text", ""),
    ]
    state = FormState(form, {"家庭人数": 3}, date(2026, 7, 14))
    assert not state.relevant["原因"] and state.words(form.item("在家").label, "zh") == "在家吗（3人）"
    state.set("在家", "no")
    assert state.relevant["原因"]


@pytest.mark.parametrize("bad", ["1楼", "门 牌", "a/b"])
def test_a_name_that_is_no_xml_name_is_refused_in_the_users_words(tmp_path, bad):
    path = saved(
        tmp_path / "bad.xlsx",
        [["type", "name", "label"], ["text", bad, "问"]],
        [["form_id", "version"], ["bad_names", "1"]],
    )
    with pytest.raises(FormErrors) as found:
        read_workbook(path)
    assert [p.key for p in found.value.problems] == ["forms.check.bad_name"]


def test_rows_odk_records_by_itself_are_refused_with_why(tmp_path):
    """KoboToolbox puts start and end in every new form: each is named, with why to delete it."""
    path = saved(
        tmp_path / "kobo.xlsx",
        [["type", "name", "label"], ["start", "start", None], ["end", "end", None], ["integer", "n", "人数"]],
        [["form_id", "version"], ["kobo_copy", "1"]],
    )
    with pytest.raises(FormErrors) as found:
        read_workbook(path)
    assert [(p.row, p.key) for p in found.value.problems] == [
        (2, "forms.check.metadata_type"),
        (3, "forms.check.metadata_type"),
    ]
    assert "删掉这一行" in found.value.problems[0].message("zh") and "delete this row" in found.value.problems[
        1
    ].message("en")
