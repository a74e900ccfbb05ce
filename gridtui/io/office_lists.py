"""The office's other lists from Excel or CSV: volunteers and party members, partner units, shops.

``gridtui volunteers import``, ``units import`` and ``business import`` read the lists the office
already keeps (the 双报到 list of in-service party members with their work unit, the volunteer
teams' rosters, the co-building units with their agreements, the market office's list of
individual businesses) exactly as the household roster is read (:mod:`gridtui.io.sheet_import`):
headers in either language and their usual variants, every bad row listed with its Excel row,
column and reason, the good rows written in one transaction, ``--dry-run`` writing nothing, and
the same file imported again changing nothing (each row is matched to what it describes and only
real changes are written, through the same domain functions as ``add`` and ``edit``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridtui.core.validate import fold, parse_date
from gridtui.domain import business_list, needs, places, resources, volunteers
from gridtui.errors import GridError, ValidationError
from gridtui.i18n import t
from gridtui.io.roster import ALIASES as ROSTER_ALIASES
from gridtui.io.roster import check_id_number, check_phone
from gridtui.io.sheet_import import (
    ImportResult,
    RowCells,
    header_index,
    open_table,
    split_list,
    write_rows,
)

YES = {fold(w) for w in ("是", "有", "y", "yes", "true", "1", "√", "✓", "食品", "food")}
NO = {fold(w) for w in ("否", "无", "n", "no", "false", "0", "×", "")}


@dataclass
class ListSpec:
    """One kind of list: its columns (with their header variants), the ones it cannot do
    without, how a row is checked and how a good row is written."""

    name: str  # volunteers | units | businesses: the catalog keys' middle part
    aliases: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    check: Callable[[RowCells, dict[str, Any]], dict[str, Any]]
    write: Callable[[dict[str, Any]], str]
    """Returns "created", "updated" or "unchanged"."""


def import_list(
    spec: ListSpec, path: str | Path, *, dry_run: bool = False, defaults: dict[str, Any] | None = None
) -> ImportResult:
    """Check every row of the file, write the good ones in one transaction (or roll back)."""
    path = Path(path).expanduser()
    table = open_table(path, header_index(spec.aliases), spec.required, field_label=lambda f: field_label(spec, f))
    result = table.result(path, dry_run)
    result.created = {spec.name: 0}
    context: dict[str, Any] = {"seen": {}, **(defaults or {})}
    good = []
    for number, cells in table.data():
        result.rows += 1
        row = RowCells(table, number, cells)
        values = spec.check(row, context)
        if row.problems:
            result.problems.extend(row.problems)
        else:
            good.append((number, values))
    result.good_rows = len(good)

    def place(_number: int, values: dict[str, Any]) -> None:
        done = spec.write(values)
        if done == "created":
            result.created[spec.name] += 1
        elif done == "updated":
            result.updated += 1
        else:
            result.unchanged += 1

    write_rows(good, place, dry_run=dry_run)
    return result


def field_label(spec: ListSpec, name: str) -> str:
    return t(f"lists.{spec.name}.field.{name}", default=t(f"roster.field.{name}", default=name))


def _name(row: RowCells, values: dict[str, Any], limit: int = 60) -> None:
    name = row.text("name")
    if not name:
        row.bad("name", ValidationError("name", "validate.required"))
    elif len(name) > limit:
        row.bad("name", ValidationError("name", "validate.too_long", limit=limit))
    values["name"] = name


def _texts(row: RowCells, values: dict[str, Any], *names: str) -> None:
    """Plain text columns, taken as written when the file has them (so an edit in the file is
    an edit in the database, and a column the file lacks leaves the field alone)."""
    for name in names:
        if name in row.columns:
            values[name] = row.text(name)


def _yes_no(row: RowCells, name: str) -> bool | None:
    word = fold(row.text(name))
    if word in YES:
        return True
    if word in NO:
        return False
    row.bad(name, ValidationError(name, "validate.choice", value=row.text(name), allowed="是 / 否 / yes / no"))
    return None


# -- volunteers and party members (双报到) ---------------------------------------------------------

VOLUNTEER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "志愿者姓名", "党员姓名", "name", "full name", "volunteer", "volunteer name"),
    "id_number": ROSTER_ALIASES["id_number"],
    "phone": ROSTER_ALIASES["phone"],
    "kind": ("身份", "人员类别", "类别", "类型", "志愿者类型", "人员身份", "kind", "type", "category"),
    "work_unit": (
        "工作单位",
        "所在单位",
        "单位",
        "报到单位",
        "单位名称",
        "工作单位及职务",
        "work unit",
        "employer",
        "workplace",
        "organisation",
        "organization",
    ),
    "team": ("志愿服务队", "服务队", "所属服务队", "志愿队", "队伍", "所属队伍", "team", "volunteer team"),
    "skills": (
        "技能",
        "特长",
        "技能特长",
        "服务技能",
        "专长",
        "服务项目",
        "可提供服务",
        "擅长",
        "skills",
        "skill",
        "services",
    ),
    "availability": ("服务时间", "可服务时间", "空闲时间", "时间", "availability", "available time", "available"),
    "note": ROSTER_ALIASES["note"],
}
VOLUNTEER_KINDS = {
    "in_service_party": (
        "在职党员",
        "双报到",
        "双报到党员",
        "报到党员",
        "机关在职党员",
        "in-service party member",
        "in_service_party",
        "in service",
    ),
    "party_volunteer": ("党员志愿者", "党员", "party volunteer", "party_volunteer", "party member"),
    "resident": ("居民志愿者", "志愿者", "居民", "resident volunteer", "resident", "volunteer"),
    "unit_staff": ("单位职工", "共建单位职工", "职工", "unit staff", "unit_staff", "staff"),
}
VOLUNTEER_KIND_INDEX = {fold(word): key for key, words in VOLUNTEER_KINDS.items() for word in words}


def check_volunteer(row: RowCells, context: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    _name(row, values, 30)
    number = check_id_number(row, context["seen"])
    if number:
        values["id_number"] = number
    phone = check_phone(row)
    if phone:
        values["phone"] = phone
    _texts(row, values, "work_unit", "availability", "note")
    kind_text = row.text("kind")
    if kind_text:
        kind = VOLUNTEER_KIND_INDEX.get(fold(kind_text))
        if kind is None:
            row.bad("kind", GridError("lists.volunteers.unknown_kind", value=kind_text))
        else:
            values["kind"] = kind
    else:  # the 双报到 list names a work unit and no kind: the kind of someone new
        kind = context.get("kind") or ("in_service_party" if values.get("work_unit") else "resident")
        values["_new_kind"] = kind
    if kind == "in_service_party" and not values.get("work_unit"):
        row.bad("work_unit", ValidationError("work_unit", "validate.required"))
    team_text = row.text("team")
    if team_text:
        team = volunteers.match_team(team_text)
        if team is None:
            row.bad("team", GridError("volunteers.unknown_team", team=team_text))
        values["_team"] = team_text
    if "skills" in row.columns:
        skills = []
        for word in split_list(row.text("skills")):
            try:
                skills.append(needs.find_item(word))
            except GridError as exc:
                row.bad("skills", exc)
        values["_skills"] = list(dict.fromkeys(skills))
    return values


def write_volunteer(values: dict[str, Any]) -> str:
    values = dict(values)
    team = values.pop("_team", None)
    if team is not None:
        values["team"] = volunteers.resolve_team(team)  # the catalog's teams are made on first mention
    return volunteers.upsert_volunteer(values, values.pop("_skills", None), new_kind=values.pop("_new_kind", None))


VOLUNTEERS = ListSpec("volunteers", VOLUNTEER_ALIASES, ("name",), check_volunteer, write_volunteer)


# -- partner units -------------------------------------------------------------------------------

UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "单位名称",
        "名称",
        "单位",
        "组织名称",
        "共建单位",
        "共建单位名称",
        "社会组织",
        "驻区单位",
        "name",
        "unit",
        "unit name",
        "organisation",
        "organization",
    ),
    "kind": ("类别", "类型", "单位类型", "单位类别", "kind", "type", "category"),
    "name_en": ("英文名称", "英文名", "english name", "name_en", "name (english)"),
    "contact": ("联系人", "负责人", "对接人", "contact", "contact person"),
    "phone": ROSTER_ALIASES["phone"],
    "agreement_date": (
        "签约日期",
        "协议日期",
        "签订日期",
        "共建协议签订日期",
        "协议签订日期",
        "agreement date",
        "agreement",
        "signed",
        "signed on",
    ),
    "projects": ("共建项目", "项目", "服务项目", "合作项目", "projects", "project"),
    "members": ("成员数", "人数", "成员人数", "会员人数", "members", "member count"),
}
UNIT_KINDS = {
    "cobuilding": ("共建单位", "共建", "cobuilding", "co-building unit", "co-building"),
    "resident_unit": ("驻区单位", "驻区企业", "驻区单位和企业", "企业", "resident unit", "resident_unit", "enterprise"),
    "social_org": ("社会组织", "社团", "social organisation", "social organization", "social_org"),
}
UNIT_KIND_INDEX = {fold(word): key for key, words in UNIT_KINDS.items() for word in words}


def check_unit(row: RowCells, context: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    _name(row, values)
    _texts(row, values, "name_en", "contact")
    kind_text = row.text("kind")
    kind = UNIT_KIND_INDEX.get(fold(kind_text)) if kind_text else context.get("kind")
    if kind is None:
        row.bad("kind", GridError("lists.units.unknown_kind", value=kind_text))
    else:
        values["kind"] = kind
    if "phone" in row.columns:
        values["phone"] = check_phone(row)
    if "agreement_date" in row.columns:
        try:
            values["agreement_date"] = parse_date(row.raw("agreement_date"), "agreement_date")
        except ValidationError as exc:
            row.bad("agreement_date", exc)
    if "projects" in row.columns:
        values["projects"] = split_list(row.text("projects"))
    if "members" in row.columns and row.text("members"):
        try:
            values["members"] = int(float(row.text("members")))
        except ValueError:
            row.bad("members", ValidationError("members", "validate.number", value=row.text("members")))
    return values


UNITS = ListSpec("units", UNIT_ALIASES, ("name",), check_unit, resources.upsert_unit)


# -- individual businesses -----------------------------------------------------------------------

BUSINESS_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "名称",
        "店名",
        "商户名称",
        "个体工商户名称",
        "字号",
        "字号名称",
        "店铺名称",
        "name",
        "business",
        "business name",
        "shop",
        "shop name",
    ),
    "kind": ("类型", "经营类别", "经营类型", "行业", "行业类别", "类别", "kind", "type", "category", "trade"),
    "owner_name": ("经营者", "经营者姓名", "负责人", "业主", "店主", "法定代表人", "owner", "owner name", "operator"),
    "phone": ROSTER_ALIASES["phone"],
    "address": ("经营地址", "地址", "经营场所", "门牌地址", "address", "business address"),
    "license_no": (
        "统一社会信用代码",
        "营业执照号",
        "营业执照注册号",
        "注册号",
        "执照号",
        "信用代码",
        "license",
        "licence",
        "license no",
        "licence no",
        "credit code",
    ),
    "food": ("食品经营", "是否食品经营", "食品", "涉及食品", "food", "food business"),
    "grid": ("网格", "所属网格", "网格编号", "grid"),
}


def check_business(row: RowCells, context: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    _name(row, values)
    _texts(row, values, "kind", "owner_name", "address", "license_no")
    if "phone" in row.columns:
        values["phone"] = check_phone(row)
    if "food" in row.columns:
        food = _yes_no(row, "food")
        if food is not None:
            values["food"] = food
    licence = (values.get("license_no") or "").upper()
    if licence:
        seen = context["seen"]
        if licence in seen:
            row.bad("license_no", GridError("roster.duplicate_id", first=seen[licence]))
        seen.setdefault(licence, row.number)
    grid = row.text("grid")
    if grid:
        try:
            values["grid"] = places.find_grid(grid).id
        except GridError as exc:
            row.bad("grid", exc)
    return values


BUSINESSES = ListSpec("businesses", BUSINESS_ALIASES, ("name",), check_business, business_list.upsert_business)

SPECS = {spec.name: spec for spec in (VOLUNTEERS, UNITS, BUSINESSES)}
