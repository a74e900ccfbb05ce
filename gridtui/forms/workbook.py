"""A form written back as an XLSForm workbook (openpyxl only; pyxform is for reading).

``gridtui campaign form`` gives the office a campaign's form to edit for its next version, and
``gridtui form template`` a starter with an example of every supported type. What is written
reads back to the same form (same digest): the golden tests hold the two directions together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridtui.forms.model import Form, Group, Item

__all__ = ["LANGUAGE_COLUMNS", "starter", "write_workbook"]

LANGUAGE_COLUMNS = {"zh": "中文 (zh)", "en": "English (en)"}
SURVEY = (
    ("type", None),
    ("name", None),
    ("label", "zh"),
    ("label", "en"),
    ("hint", "zh"),
    ("hint", "en"),
    ("required", None),
    ("required_message", "zh"),
    ("required_message", "en"),
    ("relevant", None),
    ("constraint", None),
    ("constraint_message", "zh"),
    ("constraint_message", "en"),
    ("default", None),
    ("choice_filter", None),
    ("calculation", None),
)
WIDTHS = {"type": 24, "name": 20, "label": 36, "hint": 24, "relevant": 28, "constraint": 24, "calculation": 24}


def _header(column: str, lang: str | None) -> str:
    return f"{column}::{LANGUAGE_COLUMNS[lang]}" if lang else column


def _cell(part: Item | Group, column: str, lang: str | None) -> Any:
    value: Any = getattr(part, column, "")
    if lang:
        return (value or {}).get(lang) or None
    return value or None


def _survey_rows(form: Form) -> list[list[Any]]:
    """Items in order, each group opened before its first item and closed after its last."""
    rows: list[list[Any]] = []
    open_groups: list[Group] = []

    def group_row(kind: str, group: Group | None) -> list[Any]:
        if group is None:
            return [kind] + [None] * (len(SURVEY) - 1)
        row: list[Any] = [kind, group.name]
        for column, lang in SURVEY[2:]:
            row.append(_cell(group, column, lang) if column in ("label", "relevant") else None)
        return row

    for item in form.items:
        path = form.sections(item)
        while open_groups and open_groups != path[: len(open_groups)]:
            open_groups.pop()
            rows.append(group_row("end_group", None))
        for group in path[len(open_groups) :]:
            open_groups.append(group)
            rows.append(group_row("begin_group", group))
        kind = f"{item.type} {item.list}" if item.list else item.type
        rows.append([kind, item.name, *(_cell(item, column, lang) for column, lang in SURVEY[2:])])
    rows += [group_row("end_group", None) for _ in open_groups]
    return rows


def write_workbook(form: Form, path: str | Path) -> Path:
    """Write ``form`` as survey, choices and settings sheets (header row frozen, columns wide
    enough to read), to a temporary name beside ``path`` that takes its name when complete."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append([_header(c, lang) for c, lang in SURVEY])
    for row in _survey_rows(form):
        survey.append(row)
    extra = sorted({k for found in form.choices.values() for c in found for k in c.extra})
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", _header("label", "zh"), _header("label", "en"), *extra])
    for name, found in form.choices.items():
        for choice in found:
            choices.append(
                [
                    name,
                    choice.name,
                    choice.label.get("zh"),
                    choice.label.get("en"),
                    *(choice.extra.get(k) for k in extra),
                ]
            )
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(
        [
            form.title.get(form.default_language) or form.label,
            form.key,
            form.version,
            LANGUAGE_COLUMNS.get(form.default_language, form.default_language),
        ]
    )
    for sheet in (survey, choices, settings):
        sheet.freeze_panes = "A2"
        for cells in sheet.iter_cols(min_row=1, max_row=1):
            head = str(cells[0].value or "")
            sheet.column_dimensions[cells[0].column_letter].width = WIDTHS.get(head.partition("::")[0], 16)
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        book.save(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def starter() -> Form:
    """The form ``gridtui form template`` writes: every supported type, a group with a skip
    rule, a required rule, a constraint with its message, a choice filter, a default and a
    calculation (shown in a hint by ``${care_count}``), in Chinese and English."""

    def labels(zh: str, en: str) -> dict[str, str]:
        return {"zh": zh, "en": en}

    yes_no = [{"name": "yes", "label": labels("是", "Yes")}, {"name": "no", "label": labels("否", "No")}]
    return Form.from_definition(
        {
            "format": 1,
            "form_key": "my_checklist",
            "version": "1",
            "default_language": "zh",
            "title": {"zh": "我的走访清单"},
            "groups": [
                {"name": "household", "label": labels("家庭情况", "The household")},
                {"name": "care", "label": labels("照料情况", "Care"), "relevant": "${needs_care} = 'yes'"},
            ],
            "items": [
                {
                    "name": "intro",
                    "type": "note",
                    "group": "household",
                    "label": labels(
                        "请核对家庭成员并询问以下问题。", "Check the residents, then ask the questions below."
                    ),
                },
                {
                    "name": "residents_present",
                    "type": "integer",
                    "group": "household",
                    "required": "yes",
                    "default": "1",
                    "label": labels("目前实际居住人数", "People living here now"),
                    "constraint": ". >= 0 and . <= 20",
                    "constraint_message": labels("人数应在0到20之间", "Between 0 and 20 people"),
                },
                {
                    "name": "monthly_income",
                    "type": "decimal",
                    "group": "household",
                    "label": labels("家庭月收入（元）", "Household income a month (yuan)"),
                    "hint": labels("不愿透露可不填", "Leave empty if they prefer not to say"),
                },
                {
                    "name": "needs_care",
                    "type": "select_one",
                    "list": "yes_no",
                    "group": "household",
                    "required": "yes",
                    "label": labels("家中是否有需要照料的人", "Does anyone here need care?"),
                },
                {
                    "name": "care_kind",
                    "type": "select_one",
                    "list": "care_kind",
                    "group": "care",
                    "required": "${needs_care} = 'yes'",
                    "required_message": labels("请选择照料情况", "Say what kind of care"),
                    "label": labels("需照料人员情况", "Who needs care"),
                    "choice_filter": "${residents_present} > 1 or alone = 'yes'",
                },
                {
                    "name": "care_help",
                    "type": "select_multiple",
                    "list": "care_help",
                    "group": "care",
                    "label": labels("希望得到的帮助", "Help they would like"),
                    "hint": labels("已选 ${care_count} 项", "${care_count} chosen"),
                },
                {"name": "care_count", "type": "calculate", "calculation": "count-selected(${care_help})"},
                {
                    "name": "next_visit",
                    "type": "date",
                    "default": "today()",
                    "label": labels("下次走访日期", "Next visit"),
                    "constraint": ". >= today()",
                    "constraint_message": labels("不能早于今天", "Not before today"),
                },
                {
                    "name": "note",
                    "type": "text",
                    "label": labels("备注", "Notes"),
                    "constraint": "string-length(.) <= 200",
                    "constraint_message": labels("不超过200字", "At most 200 characters"),
                },
            ],
            "choices": {
                "yes_no": yes_no,
                "care_kind": [
                    {
                        "name": "elderly_alone",
                        "label": labels("独居老人", "Elderly living alone"),
                        "extra": {"alone": "yes"},
                    },
                    {"name": "bedridden", "label": labels("卧床或失能", "Bedridden"), "extra": {"alone": "no"}},
                    {"name": "disabled", "label": labels("残疾人", "Disability"), "extra": {"alone": "no"}},
                ],
                "care_help": [
                    {"name": "meals", "label": labels("助餐", "Meals")},
                    {"name": "cleaning", "label": labels("家政保洁", "Cleaning")},
                    {"name": "medical", "label": labels("上门医疗", "Home medical visits")},
                ],
            },
        }
    )
