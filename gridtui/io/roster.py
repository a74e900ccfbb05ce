"""Household rosters from the office's spreadsheets: ``gridtui roster import``.

The file is read and its header found as every office list is (:mod:`gridtui.io.sheet_import`);
every row is checked before anything is written, rows with problems are reported (row number as
Excel shows it, column, reason) and the good rows are placed by :class:`gridtui.domain.roster.Roster`
in ONE store transaction, so an unexpected failure leaves nothing half-imported.

Re-importing the same file changes nothing: a resident is matched by ID number, else by household
address and name, and only fields that really change are written. A dry run runs the very same
import and rolls the transaction back, so its counts are exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gridtui.core import validate
from gridtui.core.models import RegisterKind
from gridtui.domain.roster import CREATED, Roster, buildings_without_grid
from gridtui.errors import GridError, ValidationError
from gridtui.i18n import t
from gridtui.io.sheet_import import (
    ImportResult,
    Problem,
    RowCells,
    Rows,
    Table,
    cell_text,
    header_index,
    norm,
    open_table,
    split_list,
    write_rows,
)
from gridtui.io.sheet_import import find_header as find_any_header

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "居民姓名", "人员姓名", "成员姓名", "name", "full name", "resident name"),
    "id_number": (
        "身份证号",
        "身份证",
        "身份证号码",
        "证件号码",
        "证件号",
        "公民身份号码",
        "身份证件号码",
        "id_number",
        "id number",
        "id no",
        "id",
        "id card",
        "id card number",
        "national id",
    ),
    "phone": (
        "手机号",
        "手机",
        "手机号码",
        "联系电话",
        "电话",
        "电话号码",
        "联系方式",
        "phone",
        "mobile",
        "telephone",
        "tel",
        "phone number",
        "mobile number",
    ),
    "compound": (
        "小区",
        "小区名称",
        "所在小区",
        "小区名",
        "院落",
        "小区/院落",
        "compound",
        "estate",
        "residential compound",
        "community compound",
    ),
    "building": ("楼栋", "楼号", "栋", "楼栋号", "栋号", "幢", "幢号", "楼", "building", "building no", "bldg"),
    "unit": ("单元", "单元号", "unit", "unit no", "stairwell"),
    "floor": ("楼层", "层", "所在楼层", "层号", "floor"),
    "door": (
        "门牌号",
        "房号",
        "户号",
        "房间号",
        "门牌",
        "室",
        "房屋号",
        "门牌号码",
        "door",
        "door no",
        "room",
        "room no",
        "apartment",
        "apt",
    ),
    "relation": (
        "与户主关系",
        "关系",
        "与户主的关系",
        "家庭关系",
        "户主关系",
        "relation",
        "relationship",
        "relation to head",
    ),
    "sex": ("性别", "sex", "gender"),
    "birth_date": (
        "出生日期",
        "出生年月",
        "生日",
        "出生年月日",
        "birth_date",
        "birth date",
        "date of birth",
        "dob",
        "birthday",
    ),
    "register": (
        "人员类别",
        "类别",
        "人员类型",
        "台账类别",
        "台账",
        "重点人群",
        "register",
        "category",
        "register kind",
        "registers",
        "group",
    ),
    "note": ("备注", "备注说明", "说明", "note", "notes", "remarks", "remark"),
}
FIELDS = tuple(ALIASES)
MAX_UNIT, MAX_FLOOR = 99, 200
"""Past these a cell is a typo (or a stray number), not a stairwell or a storey."""

REQUIRED_COLUMNS = ("name", "compound", "building", "unit", "door")
"""Without these columns no row could be placed; a file lacking one is refused as a whole."""

SEXES = {"男": "M", "m": "M", "male": "M", "女": "F", "f": "F", "female": "F"}
RELATIONS = {
    "head": ("户主", "本人", "head", "self"),
    "spouse": ("配偶", "妻", "妻子", "夫", "丈夫", "爱人", "spouse", "wife", "husband"),
    "child": ("子", "女", "儿子", "女儿", "子女", "长子", "次子", "长女", "次女", "child", "son", "daughter"),
    "parent": ("父亲", "母亲", "父母", "父", "母", "parent", "father", "mother"),
    "grandchild": ("孙子", "孙女", "外孙", "外孙女", "孙子女", "grandchild", "grandson", "granddaughter"),
    "grandparent": ("祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "姥爷", "姥姥", "grandparent"),
    "sibling": ("兄", "弟", "姐", "妹", "兄弟", "姐妹", "兄弟姐妹", "sibling", "brother", "sister"),
    "in_law": ("儿媳", "女婿", "岳父", "岳母", "公公", "婆婆", "in_law", "in-law"),
    "other": ("其他", "other"),
}
CN_DIGITS = dict(zip("一二三四五六七八九十", range(1, 11), strict=True))
YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")

HEADER_INDEX = header_index(ALIASES)
RELATION_INDEX = {norm(word): key for key, words in RELATIONS.items() for word in words}


@dataclass
class Result(ImportResult):
    """A roster import: what it created by kind, and the buildings still in no grid."""

    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CREATED, 0))
    buildings_without_grid: int = 0


def find_header(rows: Rows) -> tuple[int, dict[int, str], list[str]]:
    """The roster's header among the first rows (see :func:`gridtui.io.sheet_import.find_header`)."""
    return find_any_header(rows, HEADER_INDEX)


# -- checking one row ----------------------------------------------------------------------------


def _number(text: str) -> int | None:
    """2, 2单元, 二单元, 5层, 5F -> the number; None when there is none."""
    match = re.match(r"^(\d+)", text)
    if match:
        return int(match.group(1))
    if text[:1] in CN_DIGITS:
        return CN_DIGITS[text[0]]
    return None


def building_number(text: str) -> str:
    """3, 3栋, 3号楼, 3幢, 3#  -> "3"; letters stay (A座 -> "A")."""
    return re.sub(r"(号楼|栋|幢|号|楼|座|#)$", "", text.replace(" ", "")) or text


def door_number(text: str, unit: int | None = None) -> str:
    """501, 501室, 501号 -> "501"; the unit written before a door number that carries its floor
    (1-501, 1单元501 in unit 1) -> "501", so the door is found by its number and its floor read
    from it. 2-1 stays: it may be the second floor's first door."""
    door = re.sub(r"(室|号|户)$", "", text.replace(" ", "")) or text
    if unit is not None:
        found = re.fullmatch(rf"0*{unit}(?:-|－|—|单元)(\d{{3,}}[A-Za-z]?)", door)
        if found:
            door = found.group(1)
    return door


def _floor_from_door(door: str) -> int:
    """501 -> 5, 1203 -> 12: Chinese door numbers carry the floor before the last two digits."""
    return int(door[:-2]) if door.isdigit() and len(door) >= 3 else 1


class _Checker:
    """Turns the cells of one row into resident values, or into problems."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.kinds = {}
        for kind in RegisterKind.select():
            for label in (kind.key, kind.zh, kind.en):
                self.kinds[norm(label)] = kind.key
        self.seen_ids: dict[str, int] = {}

    def check(self, number: int, cells: list[Any]) -> tuple[dict[str, Any], list[Problem]]:
        row = RowCells(self.table, number, cells)
        values: dict[str, Any] = {}
        bad = row.bad

        name = row.text("name")
        if not name:
            bad("name", ValidationError("name", "validate.required"))
        elif len(name) > 30:
            bad("name", ValidationError("name", "validate.too_long", limit=30))
        values["name"] = name

        for part in ("compound", "building", "unit", "door"):
            text = row.text(part)
            if not text:
                bad(part, GridError("roster.missing_address", part=t(f"roster.field.{part}")))
            values[part] = text
        if values["building"]:
            values["building"] = building_number(values["building"])
        if values["unit"]:
            unit = _number(values["unit"])
            if unit is None or not 1 <= unit <= MAX_UNIT:
                bad("unit", GridError("roster.bad_number", part=t("roster.field.unit"), value=values["unit"]))
                unit = None
            values["unit"] = unit
        if values["door"]:
            values["door"] = door_number(values["door"], values["unit"])
        floor_text = row.text("floor")
        values["floor"] = _number(floor_text) if floor_text else _floor_from_door(values["door"] or "")
        if values["floor"] is None or not 1 <= values["floor"] <= MAX_FLOOR:
            bad(
                "floor",
                GridError("roster.bad_number", part=t("roster.field.floor"), value=floor_text or values["door"]),
            )
            values["floor"] = None

        id_number = check_id_number(row, self.seen_ids)
        if id_number:
            values["id_number"] = id_number

        born = row.raw("birth_date")
        if born not in (None, ""):
            self._birth_date(born, id_number, values, bad)

        sex_text = norm(row.text("sex"))
        if sex_text:
            sex = SEXES.get(sex_text)
            if sex is None:
                bad("sex", ValidationError("sex", "validate.choice", value=sex_text, allowed="男 / 女 / M / F"))
            elif id_number and validate.id_sex(id_number) != sex:
                bad("sex", GridError("roster.sex_mismatch"))
            else:
                values["sex"] = sex

        phone = check_phone(row)
        if phone:
            values["phone"] = phone

        relation = norm(row.text("relation"))
        if relation:
            values["relation"] = RELATION_INDEX.get(relation, "other")

        note = row.text("note")
        if note:
            values["note"] = note

        kinds = []
        for word in split_list(row.text("register")):
            kind = self.kinds.get(norm(word))
            if kind is None:
                bad("register", GridError("roster.unknown_register", value=word))
            elif kind not in kinds:
                kinds.append(kind)
        values["registers"] = kinds
        return values, row.problems

    def _birth_date(self, born: Any, id_number: str, values: dict, bad) -> None:
        text = cell_text(born)
        match = YEAR_MONTH.match(text) if not isinstance(born, datetime | date) else None
        if match:  # 出生年月: a year and month only; check it against the ID, never invent a day
            year, month = int(match.group(1)), int(match.group(2))
            if not 1 <= month <= 12:
                bad("birth_date", ValidationError("birth_date", "validate.date", value=text))
            elif id_number:
                from_id = validate.id_birth_date(id_number)
                if (from_id.year, from_id.month) != (year, month):
                    bad(
                        "birth_date",
                        ValidationError("birth_date", "validate.id_birth_mismatch", id_birth=from_id.isoformat()),
                    )
            return
        try:
            day = validate.parse_date(born, "birth_date")
        except ValidationError as exc:
            bad("birth_date", exc)
            return
        if day is not None and not date(1890, 1, 1) <= day <= date.today():
            bad("birth_date", ValidationError("birth_date", "validate.date", value=text))
        elif id_number and day != validate.id_birth_date(id_number):
            bad(
                "birth_date",
                ValidationError(
                    "birth_date", "validate.id_birth_mismatch", id_birth=validate.id_birth_date(id_number).isoformat()
                ),
            )
        else:
            values["birth_date"] = day


def check_id_number(row: RowCells, seen: dict[str, int], name: str = "id_number") -> str:
    """The row's ID number, validated (GB 11643), or "" with the problem noted: a number Excel
    stored as a number has lost its last digits; the same number twice in one file is a mistake."""
    raw = row.raw(name)
    number = ""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        row.bad(name, GridError("roster.id_as_number"))
    elif cell_text(raw):
        try:
            number = validate.id_number(cell_text(raw))
        except ValidationError as exc:
            row.bad(name, exc)
    if number:
        if number in seen:
            row.bad(name, GridError("roster.duplicate_id", first=seen[number]))
            return ""
        seen[number] = row.number
    return number


def check_phone(row: RowCells, name: str = "phone") -> str:
    """The row's phone, validated and in its stored form, or "" with the problem noted."""
    text = row.text(name)
    if not text:
        return ""
    try:
        return validate.phone(text)
    except ValidationError as exc:
        row.bad(name, exc)
        return ""


# -- the import ----------------------------------------------------------------------------------


def import_roster(path: str | Path, *, dry_run: bool = False) -> Result:
    """Check every row, place the good ones in one transaction (or roll back for a dry run)."""
    path = Path(path).expanduser()
    table = open_table(path, HEADER_INDEX, REQUIRED_COLUMNS, field_label=lambda f: t(f"roster.field.{f}"))
    result = table.result(path, dry_run, Result)
    checker = _Checker(table)
    good: list[tuple[int, dict[str, Any]]] = []
    for number, cells in table.data():
        result.rows += 1
        values, problems = checker.check(number, cells)
        if problems:
            result.problems.extend(problems)
        else:
            good.append((number, values))
    result.good_rows = len(good)
    roster: list[Roster] = []

    def finish() -> None:
        placed = roster[0]
        placed.flush()
        result.created, result.updated, result.unchanged = placed.created, placed.updated, placed.unchanged
        result.buildings_without_grid = buildings_without_grid()
        column = next((header for header, field in result.mapping.items() if field == "name"), "")
        for number, name, status in placed.left:
            reason = GridError(f"roster.{status}", name=name)
            result.problems.append(Problem(number, column, "name", reason.key, reason.message()))
        result.good_rows -= len(placed.left)

    write_rows(
        good,
        lambda number, values: roster[0].place(values, number),
        dry_run=dry_run,
        before=lambda: roster.append(Roster()),
        after=finish,
    )
    return result
