"""Household rosters from the office's spreadsheets: ``gridtui roster import``.

Offices keep rosters in Excel with their own headers, in any order, often under a title row.
The header row is the one among the first rows that names the most known columns (Chinese or
English, common variants). Every row is checked before anything is written; rows with problems
are reported (row number as Excel shows it, column, reason) and the good rows are written in ONE
store transaction, so an unexpected failure leaves nothing half-imported.

Re-importing the same file changes nothing: a resident is matched by ID number, else by household
address and name, and :func:`gridtui.core.store.update` writes only fields that really change.
A dry run runs the very same import and rolls the transaction back, so its counts are exact.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gridtui.core import store, validate
from gridtui.core.ids import uuid7
from gridtui.core.models import (
    Building,
    Community,
    Compound,
    Household,
    RegisterEntry,
    RegisterKind,
    Resident,
    live,
)
from gridtui.errors import GridError, ValidationError
from gridtui.i18n import t

HEADER_SCAN_ROWS = 10
"""Offices put a title (and sometimes a blank or a note) above the header: look this far down."""

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "居民姓名", "人员姓名", "成员姓名", "name", "full name", "resident name"),
    "id_number": ("身份证号", "身份证", "身份证号码", "证件号码", "证件号", "公民身份号码", "身份证件号码",
                  "id_number", "id number", "id no", "id", "id card", "id card number", "national id"),
    "phone": ("手机号", "手机", "手机号码", "联系电话", "电话", "电话号码", "联系方式", "phone", "mobile",
              "telephone", "tel", "phone number", "mobile number"),
    "compound": ("小区", "小区名称", "所在小区", "小区名", "院落", "小区/院落", "compound", "estate",
                 "residential compound", "community compound"),
    "building": ("楼栋", "楼号", "栋", "楼栋号", "栋号", "幢", "幢号", "楼", "building", "building no", "bldg"),
    "unit": ("单元", "单元号", "unit", "unit no", "stairwell"),
    "floor": ("楼层", "层", "所在楼层", "层号", "floor"),
    "door": ("门牌号", "房号", "户号", "房间号", "门牌", "室", "房屋号", "门牌号码", "door", "door no",
             "room", "room no", "apartment", "apt"),
    "relation": ("与户主关系", "关系", "与户主的关系", "家庭关系", "户主关系", "relation", "relationship",
                 "relation to head"),
    "sex": ("性别", "sex", "gender"),
    "birth_date": ("出生日期", "出生年月", "生日", "出生年月日", "birth_date", "birth date", "date of birth",
                   "dob", "birthday"),
    "register": ("人员类别", "类别", "人员类型", "台账类别", "台账", "重点人群", "register", "category",
                 "register kind", "registers", "group"),
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
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def _norm(text: Any) -> str:
    """A header or a name as it compares: full-width folded, lower case, no spaces, hints dropped."""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    s = re.sub(r"\(.*?\)|【.*?】|\[.*?\]", "", s)
    return re.sub(r"[\s_\-*:.#/、]", "", s)


HEADER_INDEX = {_norm(alias): name for name, aliases in ALIASES.items() for alias in aliases}
RELATION_INDEX = {_norm(word): key for key, words in RELATIONS.items() for word in words}


@dataclass
class Problem:
    row: int
    column: str
    field: str
    key: str
    reason: str


@dataclass
class Result:
    file: str
    sheet: str
    header_row: int
    mapping: dict[str, str]
    ignored_columns: list[str]
    rows: int = 0
    good_rows: int = 0
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("compounds", "buildings", "households", "residents", "registers"), 0))
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    buildings_without_grid: int = 0
    dry_run: bool = False

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["bad_rows"] = self.bad_rows
        return out


# -- reading the file ----------------------------------------------------------------------------


def read_table(path: Path) -> list[tuple[str, list[tuple[int, list[Any]]]]]:
    """Sheets of the file as (name, [(row number as Excel shows it, cells)]).

    Decides by content, not by name: an encrypted OLE file is a password-protected workbook, an
    old OLE file is .xls, a zip must be a workbook, anything else must be text (CSV).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise GridError("roster.missing", path=str(path)) from exc
    except OSError as exc:
        raise GridError("roster.unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    if data.startswith(OLE_MAGIC):
        if any(marker in data for marker in ENCRYPTED_MARKERS):
            raise GridError("roster.encrypted", path=str(path))
        raise GridError("roster.old_xls", path=str(path))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, data)
    if path.suffix.lower() in (".xlsx", ".xlsm") or b"\x00" in data[:4096]:
        raise GridError("roster.not_spreadsheet", path=str(path))
    return [(path.stem, _read_csv(path, data))]


def _read_xlsx(path: Path, data: bytes) -> list[tuple[str, list[tuple[int, list[Any]]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, InvalidFileException, XML errors: a foreign zip
        raise GridError("roster.not_spreadsheet", path=str(path)) from exc
    try:
        sheets = []
        order = [wb.active] + [ws for ws in wb.worksheets if ws is not wb.active]
        for ws in order:
            if ws is None:
                continue
            ws.reset_dimensions()  # some writers leave a wrong <dimension>; read every row there is
            sheets.append((ws.title, [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]))
        return sheets
    finally:
        wb.close()


def _read_csv(path: Path, data: bytes) -> list[tuple[int, list[Any]]]:
    """UTF-8 (with or without BOM) or GB18030, which is what Excel on Chinese Windows saves."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise GridError("roster.not_spreadsheet", path=str(path))
    head = text.splitlines()[:HEADER_SCAN_ROWS]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in head))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(i, row) for i, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise GridError("roster.not_spreadsheet", path=str(path)) from exc


def find_header(rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[int, str], list[str]]:
    """The header among the first rows: the one naming the most distinct known columns.

    Returns (its index in ``rows``, column index -> field, header texts). The first column of a
    field wins when a file repeats it.
    """
    best: tuple[int, dict[int, str]] = (-1, {})
    for index, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[int, str] = {}
        for col, cell in enumerate(cells):
            if isinstance(cell, str):
                name = HEADER_INDEX.get(_norm(cell))
                if name and name not in found.values():
                    found[col] = name
        if len(found) > len(best[1]):
            best = (index, found)
    index, mapping = best
    if len(mapping) < 2 or "name" not in mapping.values():
        raise GridError("roster.no_headers")
    headers = ["" if c is None else str(c).strip() for c in rows[index][1]]
    return index, mapping, headers


# -- checking one row ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text: Excel's 501.0 is "501", dates are ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _number(text: str) -> int | None:
    """2, 2单元, 二单元, 5层, 5F -> the number; None when there is none."""
    match = re.match(r"^(\d+)", text)
    if match:
        return int(match.group(1))
    if text[:1] in CN_DIGITS:
        return CN_DIGITS[text[0]]
    return None


def _building_number(text: str) -> str:
    """3, 3栋, 3号楼, 3幢, 3#  -> "3"; letters stay (A座 -> "A")."""
    return re.sub(r"(号楼|栋|幢|号|楼|座|#)$", "", text.replace(" ", "")) or text


def _door(text: str) -> str:
    return re.sub(r"(室|号|户)$", "", text.replace(" ", "")) or text


def _floor_from_door(door: str) -> int:
    """501 -> 5, 1203 -> 12: Chinese door numbers carry the floor before the last two digits."""
    return int(door[:-2]) if door.isdigit() and len(door) >= 3 else 1


class _Checker:
    """Turns the cells of one row into resident values, or into problems."""

    def __init__(self, mapping: dict[int, str], headers: list[str]) -> None:
        self.columns = {name: col for col, name in mapping.items()}
        self.headers = headers
        self.kinds = {}
        for kind in RegisterKind.select():
            for label in (kind.key, kind.zh, kind.en):
                self.kinds[_norm(label)] = kind
        self.seen_ids: dict[str, int] = {}

    def cell(self, cells: list[Any], name: str) -> Any:
        col = self.columns.get(name)
        return cells[col] if col is not None and col < len(cells) else None

    def check(self, number: int, cells: list[Any]) -> tuple[dict[str, Any], list[Problem]]:
        problems: list[Problem] = []
        values: dict[str, Any] = {}

        def bad(name: str, error: GridError) -> None:
            header = self.headers[self.columns[name]] if name in self.columns else ""
            problems.append(Problem(number, header, name, error.key, error.message()))

        name = _text(self.cell(cells, "name"))
        if not name:
            bad("name", ValidationError("name", "validate.required"))
        elif len(name) > 30:
            bad("name", ValidationError("name", "validate.too_long", limit=30))
        values["name"] = name

        for part in ("compound", "building", "unit", "door"):
            text = _text(self.cell(cells, part))
            if not text:
                bad(part, GridError("roster.missing_address", part=t(f"roster.field.{part}")))
            values[part] = text
        if values["building"]:
            values["building"] = _building_number(values["building"])
        if values["door"]:
            values["door"] = _door(values["door"])
        if values["unit"]:
            unit = _number(values["unit"])
            if unit is None or not 1 <= unit <= MAX_UNIT:
                bad("unit", GridError("roster.bad_number", part=t("roster.field.unit"), value=values["unit"]))
                unit = None
            values["unit"] = unit
        floor_text = _text(self.cell(cells, "floor"))
        values["floor"] = _number(floor_text) if floor_text else _floor_from_door(values["door"] or "")
        if values["floor"] is None or not 1 <= values["floor"] <= MAX_FLOOR:
            bad("floor", GridError("roster.bad_number", part=t("roster.field.floor"), value=floor_text or values["door"]))
            values["floor"] = None

        raw_id = self.cell(cells, "id_number")
        id_number = ""
        if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
            bad("id_number", GridError("roster.id_as_number"))
        elif _text(raw_id):
            try:
                id_number = validate.id_number(_text(raw_id))
            except ValidationError as exc:
                bad("id_number", exc)
        if id_number:
            if id_number in self.seen_ids:
                bad("id_number", GridError("roster.duplicate_id", first=self.seen_ids[id_number]))
            else:
                self.seen_ids[id_number] = number
            values["id_number"] = id_number

        born = self.cell(cells, "birth_date")
        if born not in (None, ""):
            self._birth_date(born, id_number, values, bad)

        sex_text = _norm(_text(self.cell(cells, "sex")))
        if sex_text:
            sex = SEXES.get(sex_text)
            if sex is None:
                bad("sex", ValidationError("sex", "validate.choice", value=sex_text, allowed="男 / 女 / M / F"))
            elif id_number and validate.id_sex(id_number) != sex:
                bad("sex", GridError("roster.sex_mismatch"))
            else:
                values["sex"] = sex

        phone_text = _text(self.cell(cells, "phone"))
        if phone_text:
            try:
                values["phone"] = validate.phone(phone_text)
            except ValidationError as exc:
                bad("phone", exc)

        relation = _norm(_text(self.cell(cells, "relation")))
        if relation:
            values["relation"] = RELATION_INDEX.get(relation, "other")

        note = _text(self.cell(cells, "note"))
        if note:
            values["note"] = note

        kinds = []
        for word in re.split(r"[、,，;；/／|]+", _text(self.cell(cells, "register"))):
            if not word.strip():
                continue
            kind = self.kinds.get(_norm(word))
            if kind is None:
                bad("register", GridError("roster.unknown_register", value=word.strip()))
            elif kind not in kinds:
                kinds.append(kind)
        values["registers"] = kinds
        return values, problems

    def _birth_date(self, born: Any, id_number: str, values: dict, bad) -> None:
        text = _text(born)
        match = YEAR_MONTH.match(text) if not isinstance(born, datetime | date) else None
        if match:  # 出生年月: a year and month only; check it against the ID, never invent a day
            year, month = int(match.group(1)), int(match.group(2))
            if not 1 <= month <= 12:
                bad("birth_date", ValidationError("birth_date", "validate.date", value=text))
            elif id_number:
                from_id = validate.id_birth_date(id_number)
                if (from_id.year, from_id.month) != (year, month):
                    bad("birth_date", ValidationError("birth_date", "validate.id_birth_mismatch",
                                                      id_birth=from_id.isoformat()))
            return
        try:
            day = validate.parse_date(born, "birth_date")
        except ValidationError as exc:
            bad("birth_date", exc)
            return
        if day is not None and not date(1890, 1, 1) <= day <= date.today():
            bad("birth_date", ValidationError("birth_date", "validate.date", value=text))
        elif id_number and day != validate.id_birth_date(id_number):
            bad("birth_date", ValidationError("birth_date", "validate.id_birth_mismatch",
                                              id_birth=validate.id_birth_date(id_number).isoformat()))
        else:
            values["birth_date"] = day


# -- writing -------------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised at the end of a dry run to roll the whole transaction back."""



RESIDENT_FIELDS = ("household", "name", "id_number", "phone", "sex", "birth_date", "relation", "is_head",
                   "party_member", "note")


class _Writer:
    """Places good rows: finds or creates compound, building, household, resident, registers."""

    def __init__(self, result: Result) -> None:
        self.result = result
        community = Community.select().where(live(Community)).order_by(Community.id).first()
        if community is None:
            raise GridError("roster.no_community")
        self.community = community.id
        self.compounds: dict[str, str] = {}
        for c in Compound.select().where(live(Compound)).order_by(Compound.id):
            for label in (c.name_en, c.name):
                if label:
                    self.compounds[_norm(label)] = c.id
        self.compound_names = {c.id: c.name for c in Compound.select(Compound.id, Compound.name)}
        self.buildings = {(b.compound_id, _norm(b.number)): b.id
                          for b in Building.select().where(live(Building)).order_by(Building.id)}
        self.building_numbers = {b.id: b.number for b in Building.select(Building.id, Building.number)}
        self.walk = Building.select(Building.walk_order).order_by(Building.walk_order.desc()).scalar() or 0
        self.households = {(h.building_id, h.unit, _norm(h.door)): h.id
                           for h in Household.select().where(live(Household)).order_by(Household.id)}
        self.by_id: dict[str, str] = {}
        self.by_name: dict[tuple[str, str], tuple[str, str]] = {}
        self.current: dict[str, dict[str, Any]] = {}
        """Each live resident's stored values: an unchanged row is recognised without a query."""
        for r in Resident.select(Resident.id, *(getattr(Resident, f) for f in RESIDENT_FIELDS)).where(
                live(Resident)).order_by(Resident.id).dicts():
            if r["id_number"]:
                self.by_id.setdefault(r["id_number"], r["id"])
            self.by_name.setdefault((r["household"], r["name"]), (r["id"], r["id_number"]))
            self.current[r["id"]] = r
        self.entries = {(e.kind_id, e.resident_id or e.household_id) for e in RegisterEntry.select().where(
            live(RegisterEntry) & (RegisterEntry.until.is_null() | (RegisterEntry.until >= date.today())))}
        self.new_households: list[dict[str, Any]] = []
        self.new_residents: list[dict[str, Any]] = []
        self.new_entries: list[dict[str, Any]] = []
        self.updates: list[tuple[int, str, dict[str, Any]]] = []

    def place(self, values: dict[str, Any]) -> None:
        """Find or make the row's place and person. New households, residents and register
        entries are validated here (so a failure names its row) and queued for :meth:`flush`."""
        created = self.result.created
        compound = self.compounds.get(_norm(values["compound"]))
        if compound is None:
            compound = store.create(Compound, community=self.community, name=values["compound"]).id
            self.compounds[_norm(values["compound"])] = compound
            self.compound_names[compound] = values["compound"]
            created["compounds"] += 1
        number = values["building"]
        building = self.buildings.get((compound, _norm(number)))
        if building is None:
            self.walk += 1
            building = store.create(Building, compound=compound, grid=None, number=number,
                                    units=max(1, values["unit"]), floors=max(1, values["floor"]),
                                    walk_order=self.walk).id
            self.buildings[(compound, _norm(number))] = building
            self.building_numbers[building] = number
            created["buildings"] += 1
        key = (building, values["unit"], _norm(values["door"]))
        household = self.households.get(key)
        if household is None:
            number = self.building_numbers[building]
            household = self._queue(self.new_households, Household, {
                "building": building, "unit": values["unit"], "floor": values["floor"], "door": values["door"],
                "address": f"{self.compound_names[compound]}{number}栋{values['unit']}单元{values['door']}",
                "addr_key": f"{number}-{values['unit']}-{values['door']}",
            })
            self.households[key] = household
            created["households"] += 1
        self.resident(household, values)

    def _queue(self, queue: list[dict], model, values: dict[str, Any]) -> str:
        row_id = uuid7()
        queue.append({"id": row_id, **validate.clean(model, values, None)})
        return row_id

    def resident(self, household: str, values: dict[str, Any]) -> None:
        fields = {k: values[k] for k in ("name", "id_number", "phone", "sex", "birth_date", "relation", "note")
                  if k in values}
        if "relation" in fields:
            fields["is_head"] = fields["relation"] == "head"
        if any(kind.flag == "party" for kind in values["registers"]):
            fields["party_member"] = True
        found = self.by_id.get(values.get("id_number", ""))
        if found is None:  # same name at the same door, unless the ID numbers say two people
            by_name, known_id = self.by_name.get((household, values["name"]), (None, ""))
            if not (known_id and values.get("id_number") and known_id != values["id_number"]):
                found = by_name
        fields["household"] = household
        if found is None:
            found = self._queue(self.new_residents, Resident, fields)
            self.current[found] = self.new_residents[-1]
            self.result.created["residents"] += 1
        elif all(self.current[found].get(k) == v for k, v in fields.items()):
            self.result.unchanged += 1  # what store.update would find too, without its query
        else:
            self.updates.append((values["_row"], found, fields))
            self.current[found] = {**self.current[found], **fields}
        if fields.get("id_number"):
            self.by_id[fields["id_number"]] = found
        self.by_name[(household, values["name"])] = (found, fields.get("id_number", ""))
        for kind in values["registers"]:
            target = household if kind.target == "household" else found
            if (kind.key, target) in self.entries:
                continue
            self._queue(self.new_entries, RegisterEntry, {
                "kind": kind.key, "household" if kind.target == "household" else "resident": target})
            self.entries.add((kind.key, target))
            self.result.created["registers"] += 1

    def flush(self) -> None:
        """Write what was queued, parents first, with the store's batch mode (rows validated above)."""
        store.bulk_create(Household, self.new_households, check=False)
        store.bulk_create(Resident, self.new_residents, check=False)
        for number, resident_id, fields in self.updates:
            try:
                changed = store.update(Resident, resident_id, **fields)
            except GridError as exc:
                raise GridError("roster.row_failed", row=number, detail=exc.message()) from exc
            if changed:
                self.result.updated += 1
            else:
                self.result.unchanged += 1
        store.bulk_create(RegisterEntry, self.new_entries, check=False)


# -- the import ----------------------------------------------------------------------------------


def import_roster(path: str | Path, *, dry_run: bool = False) -> Result:
    """Check every row, write the good ones in one transaction (or roll back for a dry run)."""
    path = Path(path).expanduser()
    sheets = read_table(path)
    chosen = None
    for sheet_name, rows in sheets:
        try:
            found = find_header(rows)
        except GridError:
            continue
        if chosen is None or len(found[1]) > len(chosen[2][1]):
            chosen = (sheet_name, rows, found)
    if chosen is None:
        raise GridError("roster.no_headers_in", path=str(path))
    sheet_name, rows, (index, mapping, headers) = chosen
    missing = [name for name in REQUIRED_COLUMNS if name not in mapping.values()]
    if missing:
        raise GridError("roster.missing_columns", columns="、".join(t(f"roster.field.{m}") for m in missing))
    result = Result(
        file=str(path), sheet=sheet_name, header_row=rows[index][0],
        mapping={headers[col]: name for col, name in sorted(mapping.items())},
        ignored_columns=[h for col, h in enumerate(headers) if h and col not in mapping], dry_run=dry_run,
    )
    checker = _Checker(mapping, headers)
    good: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows[index + 1:]:
        if all(_text(cells[col]) == "" for col in mapping if col < len(cells)):
            continue  # blank, or only a pre-printed 序号 in an unrecognised column
        result.rows += 1
        values, problems = checker.check(number, cells)
        if problems:
            result.problems.extend(problems)
        else:
            good.append((number, values))
    result.good_rows = len(good)
    try:
        with store.transaction():
            writer = _Writer(result)
            for number, values in good:
                try:
                    writer.place({**values, "_row": number})
                except GridError as exc:  # a rule the checks above missed: nothing is kept
                    raise GridError("roster.row_failed", row=number, detail=exc.message()) from exc
            writer.flush()
            result.buildings_without_grid = (Building.select().where(live(Building) & Building.grid.is_null())
                                             .count())
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result

