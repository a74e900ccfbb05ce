"""One household in full: its address, residents, registers, visits and needs; resident edits.

Lists show ID numbers and phones masked; :func:`reveal` gives the full values and writes an
audit entry each time. Every edit goes through the store (validated, stamped, synced), and a
removed resident is tombstoned with their register entries, never erased.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from peewee import Expression, fn

from gridtui.core import store
from gridtui.core.models import (
    Building,
    Compound,
    Grid,
    Household,
    Need,
    NeedItem,
    RegisterEntry,
    RegisterKind,
    Resident,
    database,
    live,
    live_row,
)
from gridtui.core.validate import fold, parse_date
from gridtui.domain import privacy
from gridtui.domain.visits import VisitInfo, visit_history
from gridtui.errors import GridError, ValidationError
from gridtui.i18n import pick

__all__ = [
    "ADDRESS",
    "EDITABLE",
    "HouseholdDetail",
    "NeedInfo",
    "RegisterInfo",
    "ResidentInfo",
    "ResidentRow",
    "add_household",
    "add_resident",
    "age",
    "detail",
    "end_register",
    "find_household",
    "find_resident",
    "register_kind",
    "remove_resident",
    "residents_count",
    "residents_page",
    "reveal",
    "set_register",
    "update_household",
    "update_resident",
]

EDITABLE = ("name", "sex", "birth_date", "id_number", "phone", "relation", "is_head", "party_member", "status", "note")
"""Resident fields a person may set from the household screen (pinyin keys follow the name)."""


@dataclass(frozen=True)
class RegisterInfo:
    """A place on a register (台账) or in a care group."""

    kind: str
    zh: str
    en: str
    since: date | None

    @property
    def label(self) -> str:
        return pick(self.zh, self.en)


@dataclass(frozen=True)
class ResidentInfo:
    id: str
    name: str
    sex: str
    birth_date: date | None
    age: int | None
    relation: str
    is_head: bool
    party_member: bool
    status: str
    id_masked: str
    phone_masked: str
    registers: tuple[RegisterInfo, ...]


@dataclass(frozen=True)
class NeedInfo:
    id: str
    item: str  # catalog key
    zh: str
    en: str
    status: str
    urgency: str
    opened_at: datetime
    due_at: datetime | None
    note: str

    @property
    def label(self) -> str:
        return pick(self.zh, self.en)


@dataclass(frozen=True)
class HouseholdDetail:
    id: str
    address: str
    addr_key: str
    compound: str
    building: str
    unit: int
    floor: int
    door: str
    grid_code: str
    grid_name: str
    status: str
    note: str
    residents: tuple[ResidentInfo, ...]  # those living here: head first, then by age
    registers: tuple[RegisterInfo, ...]  # the household's own (hardship, subsistence)
    visits: tuple[VisitInfo, ...]  # newest first
    needs: tuple[NeedInfo, ...]  # newest first
    former: tuple[ResidentInfo, ...] = ()  # moved out or died: the register keeps them


def find_household(address: str) -> str:
    """A live household by its address as the walk list writes it (九天庄园7栋1单元101); spaces
    and full-width digits do not matter."""
    text = (address or "").strip()
    found: Household | None = Household.get_or_none((Household.address == text) & live(Household))
    if found is not None:
        return found.id
    wanted = fold(text)
    hid: str
    for hid, written in Household.select(Household.id, Household.address).where(live(Household)).tuples():
        if wanted and fold(written) == wanted:
            return hid
    raise GridError("households.no_address", address=text)


ADDRESS = re.compile(
    r"^(?P<compound>.+?)(?P<building>[0-9A-Za-z]+)(?:栋|号楼|幢|#)(?P<unit>\d+)单元(?P<door>[0-9A-Za-z-]+)$"
)
"""An address as the walk list writes it: 九天庄园7栋1单元101."""


def add_household(address: str, *, note: str = "") -> str:
    """A new household (a flat the roster did not list) in a building the community has."""
    from gridtui.domain.places import find_building
    from gridtui.domain.roster import address_of

    match = ADDRESS.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", address or "")))
    if match is None:
        raise GridError("households.bad_address", address=address)
    building = find_building(f"{match['compound']}{match['building']}栋")
    compound = Compound.get_by_id(building.compound_id)
    unit, door = int(match["unit"]), match["door"]
    written = address_of(compound.name, building.number, unit, door)
    if Household.select().where((Household.address == written) & live(Household)).exists():
        raise GridError("households.exists", address=written)
    floor = int(door[:-2]) if door.isdigit() and len(door) >= 3 else 1
    return store.create(
        Household,
        building=building.id,
        unit=unit,
        floor=floor,
        door=door,
        address=written,
        addr_key=f"{building.number}-{unit}-{door}",
        note=note,
    ).id


def update_household(household_id: str, **values: Any) -> list[str]:
    """A household's status (active, vacant, moved away) or note."""
    _household(household_id)
    for name in values:
        if name not in ("status", "note"):
            raise ValidationError(name, "households.not_editable")
    return store.update(Household, household_id, **values)


def _household(household_id: str) -> Household:
    return live_row(Household, household_id)


def _resident(resident_id: str) -> Resident:
    return live_row(Resident, resident_id)


def age(born: date | None, today: date | None = None) -> int | None:
    if born is None:
        return None
    today = today or date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def detail(household_id: str, today: date | None = None) -> HouseholdDetail:
    """Everything the household screen shows, with personal numbers masked."""
    h = _household(household_id)
    building = Building.get_by_id(h.building_id)
    compound = Compound.get_by_id(building.compound_id)
    grid = Grid.get_or_none((Grid.id == building.grid_id) & live(Grid)) if building.grid_id else None
    residents = list(
        Resident.select()
        .where((Resident.household == household_id) & live(Resident))
        .order_by(Resident.is_head.desc(), Resident.birth_date, Resident.id)
    )
    by_resident: dict[str, list[RegisterInfo]] = {}
    own: list[RegisterInfo] = []
    entries = (
        RegisterEntry.select(RegisterEntry, RegisterKind)
        .join(RegisterKind)
        .where(
            live(RegisterEntry)
            & (RegisterEntry.until.is_null() | (RegisterEntry.until >= (today or date.today())))
            & ((RegisterEntry.household == household_id) | RegisterEntry.resident.in_([r.id for r in residents]))
        )
        .order_by(RegisterKind.position)
    )
    for e in entries:
        info = RegisterInfo(e.kind.key, e.kind.zh, e.kind.en, e.since)
        if e.resident_id:
            by_resident.setdefault(e.resident_id, []).append(info)
        else:
            own.append(info)
    needs = (
        Need.select(Need, NeedItem)
        .join(NeedItem)
        .where(live(Need) & ((Need.household == household_id) | Need.resident.in_([r.id for r in residents])))
        .order_by(Need.opened_at.desc(), Need.id.desc())
    )
    infos = [
        ResidentInfo(
            id=r.id,
            name=r.name,
            sex=r.sex,
            birth_date=r.birth_date,
            age=age(r.birth_date, today),
            relation=r.relation,
            is_head=r.is_head,
            party_member=r.party_member,
            status=r.status,
            id_masked=privacy.mask_id(r.id_number),
            phone_masked=privacy.mask_phone(r.phone),
            registers=tuple(by_resident.get(r.id, ())),
        )
        for r in residents
    ]
    return HouseholdDetail(
        id=h.id,
        address=h.address,
        addr_key=h.addr_key,
        compound=pick(compound.name, compound.name_en),
        building=building.number,
        unit=h.unit,
        floor=h.floor,
        door=h.door,
        grid_code=grid.code if grid else "",
        grid_name=grid.name if grid else "",
        status=h.status,
        note=h.note,
        residents=tuple(r for r in infos if r.status == "present"),
        former=tuple(r for r in infos if r.status != "present"),
        registers=tuple(own),
        visits=tuple(visit_history(household_id)),
        needs=tuple(
            NeedInfo(n.id, n.item.key, n.item.zh, n.item.en, n.status, n.urgency, n.opened_at, n.due_at, n.note)
            for n in needs
        ),
    )


def _check_fields(fields: dict[str, Any]) -> None:
    for name in fields:
        if name not in EDITABLE:
            raise ValidationError(name, "households.not_editable")


def _check_id_unique(number: Any, resident_id: str | None) -> None:
    """One ID number, one person: refuse a number already on a live resident (on this laptop)."""
    from gridtui.core.validate import id_number

    clean = id_number(number or "")
    if not clean:
        return
    query = Resident.select().where((Resident.id_number == clean) & live(Resident))
    if resident_id:
        query = query.where(Resident.id != resident_id)
    other = query.first()
    if other is not None:
        raise ValidationError(
            "id_number",
            "households.id_duplicate",
            name=other.name,
            address=Household.get_by_id(other.household_id).address,
        )


def find_resident(ref: str) -> str:
    """A live resident by ID number, or by address and name (九天庄园7栋1单元101/张三) for someone
    with no ID number yet (a newborn)."""
    text = (ref or "").strip()
    for sep in ("/", "／", ":", "："):
        if sep in text:
            address, _, name = text.rpartition(sep)
            named: Resident | None = Resident.get_or_none(
                (Resident.household == find_household(address)) & (Resident.name == name.strip()) & live(Resident)
            )
            if named is None:
                raise GridError("households.no_resident", ref=text)
            return named.id
    from gridtui.core.validate import id_number

    number = id_number(text)
    found: Resident | None = (
        Resident.select()
        .where((Resident.id_number == number) & live(Resident))
        .order_by(Resident.status != "present", Resident.id)
        .first()
    )
    if found is None:
        raise GridError("households.no_resident", ref=text)
    return found.id


def _one_head(household_id: str, resident_id: str) -> None:
    """A household has one head: making someone head makes the others not (and a former
    head's relation, unknown now, becomes "other")."""
    for other in Resident.select(Resident.id, Resident.relation).where(
        (Resident.household == household_id)
        & (Resident.id != resident_id)
        & (Resident.is_head | (Resident.relation == "head"))
        & live(Resident)
    ):
        store.update(Resident, other.id, is_head=False, **({"relation": "other"} if other.relation == "head" else {}))


def _head_agrees(fields: dict[str, Any]) -> dict[str, Any]:
    """The relation "head" and the head flag say the same thing: either one sets the other."""
    if "relation" in fields and "is_head" not in fields:
        fields["is_head"] = fields["relation"] == "head"
    elif fields.get("is_head") and "relation" not in fields:
        fields["relation"] = "head"
    return fields


def add_resident(household_id: str, **fields: Any) -> str:
    """Add a resident to a household; ValidationError on a bad field, nothing written."""
    _household(household_id)
    _check_fields(_head_agrees(fields))
    _check_id_unique(fields.get("id_number"), None)
    with store.transaction():
        row = store.create(Resident, household=household_id, **fields)
        if row.is_head:
            _one_head(household_id, row.id)
    return row.id


def update_resident(resident_id: str, **fields: Any) -> list[str]:
    """Change a resident's fields; returns the names of the fields that really changed."""
    row = _resident(resident_id)
    _check_fields(_head_agrees(fields))
    if "id_number" in fields:
        _check_id_unique(fields["id_number"], resident_id)
    with store.transaction():
        changed = store.update(Resident, resident_id, **fields)
        if fields.get("is_head"):
            _one_head(row.household_id, resident_id)
    return changed


def remove_resident(resident_id: str) -> None:
    """Tombstone a resident (and their register entries): the removal syncs like any edit."""
    _resident(resident_id)
    with store.transaction():
        for entry in RegisterEntry.select(RegisterEntry.id).where(
            (RegisterEntry.resident == resident_id) & live(RegisterEntry)
        ):
            store.delete(RegisterEntry, entry.id)
        store.delete(Resident, resident_id)


def set_register(
    kind_key: str,
    *,
    resident_id: str | None = None,
    household_id: str | None = None,
    on: bool,
    since: date | str | None = None,
    note: str | None = None,
) -> None:
    """Put a resident or household on a register (台账) or care group, or take them off (a
    correction: the entry is removed; :func:`end_register` ends one and keeps it).

    Idempotent: on when already on, or off when already off, writes nothing; ``since`` and
    ``note`` given for an entry already there change it.
    """
    where, target = _register_target(kind_key, resident_id, household_id)
    with store.transaction():
        entries = list(RegisterEntry.select().where(where & _current_entry()))
        if on and not entries:
            store.create(
                RegisterEntry,
                kind=kind_key,
                **target,
                note=note or "",
                since=parse_date(since, "since") if since else date.today(),
            )
        elif on:
            changes = {
                k: v
                for k, v in (("since", parse_date(since, "since") if since else None), ("note", note))
                if v is not None
            }
            if changes:
                store.update(RegisterEntry, entries[0].id, **changes)
        else:
            for entry in entries:
                store.delete(RegisterEntry, entry.id)


def end_register(
    kind_key: str, *, resident_id: str | None = None, household_id: str | None = None, on: date | str | None = None
) -> int:
    """Take a resident or household off a register from a day on (today): the entry stays, its
    ``until`` the last day it held (the day before)."""
    where, _target = _register_target(kind_key, resident_id, household_id)
    day = (parse_date(on, "until") or date.today()) - timedelta(days=1)
    with store.transaction():
        entries = list(RegisterEntry.select(RegisterEntry.id).where(where & _current_entry()))
        if not entries:
            raise GridError("households.not_on_register")
        for entry in entries:
            store.update(RegisterEntry, entry.id, until=day)
    return len(entries)


def _current_entry() -> Expression:
    return live(RegisterEntry) & (RegisterEntry.until.is_null() | (RegisterEntry.until >= date.today()))


def _register_target(
    kind_key: str, resident_id: str | None, household_id: str | None
) -> tuple[Expression, dict[str, str]]:
    """The entries' condition and owner for a register kind, checked against what it is kept for."""
    kind = RegisterKind.get_or_none(RegisterKind.key == kind_key)
    if kind is None:
        raise ValidationError("register", "households.unknown_register", kind=kind_key)
    label = pick(kind.zh, kind.en)
    if kind.target == "resident":
        if resident_id is None:
            raise ValidationError("register", "households.register_for_resident", kind=label)
        _resident(resident_id)
        return (RegisterEntry.resident == resident_id) & (RegisterEntry.kind == kind_key), {"resident": resident_id}
    if household_id is None:
        raise ValidationError("register", "households.register_for_household", kind=label)
    _household(household_id)
    return (RegisterEntry.household == household_id) & (RegisterEntry.kind == kind_key), {"household": household_id}


def register_kind(text: str) -> str:
    """A register kind's key from its key or its name in either language (低保户, hardship...)."""
    wanted = fold(text)
    key: str
    for key, zh, en in RegisterKind.select(RegisterKind.key, RegisterKind.zh, RegisterKind.en).tuples():
        if wanted in (fold(key), fold(zh), fold(en)):
            return key
    raise ValidationError("register", "households.unknown_register", kind=text)


def reveal(resident_id: str, actor: str = "") -> tuple[str, str]:
    """The full ID number and phone of a resident; the reveal is written to the audit log."""
    row = _resident(resident_id)
    privacy.record_reveal("resident", resident_id, "id_number,phone", actor=actor, where="household")
    return row.id_number, row.phone


# -- the office's all-residents list -------------------------------------------------------------
#
# Read in raw SQL (writes all go through the store). Sorting every resident of the community by
# address costs a sort of ~18,600 joined rows; instead one grouped query counts each building's
# residents (in walk order), and a page reads only the buildings it spans, each through the
# household (building, unit, floor, door) index with a sort of a few hundred rows.


@dataclass(frozen=True)
class ResidentRow:
    """One line of the all-residents list; ID number and phone masked."""

    id: str
    household_id: str
    name: str
    sex: str
    age: int | None
    id_masked: str
    phone_masked: str
    address: str
    registers: tuple[str, ...]  # register kind keys, the resident's own then the household's


def _residents_scope(register: str | None, grid_id: str | None) -> tuple[str, dict[str, Any]]:
    """FROM ... WHERE of present residents of live households, narrowed by register and grid."""
    where = ["b.deleted = 0", "h.deleted = 0", "r.deleted = 0", "r.status = 'present'"]
    params: dict[str, Any] = {}
    if grid_id:
        where.append("b.grid_id = :grid")
        params["grid"] = grid_id
    if register:
        kind = RegisterKind.get_or_none(RegisterKind.key == register)
        if kind is None:
            raise ValidationError("register", "households.unknown_register", kind=register)
        column = "resident_id" if kind.target == "resident" else "household_id"
        owner = "r.id" if kind.target == "resident" else "h.id"
        where.append(
            f"{owner} IN (SELECT e.{column} FROM register_entry e WHERE e.kind_id = :register "
            f"AND e.deleted = 0 AND e.{column} IS NOT NULL)"
        )
        params["register"] = register
    sql = (
        "FROM building b CROSS JOIN household h ON h.building_id = b.id "
        "CROSS JOIN resident r ON r.household_id = h.id WHERE " + " AND ".join(where)
    )
    return sql, params


def _residents_by_building(register: str | None, grid_id: str | None) -> list[tuple[str, int]]:
    sql, params = _residents_scope(register, grid_id)
    return [
        (bid, n)
        for bid, n in database.execute_sql(
            f"SELECT b.id, COUNT(*) {sql} GROUP BY b.id ORDER BY MIN(b.walk_order), b.id", params
        )
    ]


def residents_count(*, register: str | None = None, grid_id: str | None = None) -> int:
    """How many present residents :func:`residents_page` pages through with the same filters."""
    return sum(n for _, n in _residents_by_building(register, grid_id))


def residents_page(
    offset: int, limit: int, *, register: str | None = None, grid_id: str | None = None, today: date | None = None
) -> list[ResidentRow]:
    """One page of every present resident in address order (building walk order, unit, floor,
    door; head first in a household), filtered by a register kind and a grid."""
    offset, limit = max(0, int(offset)), max(0, int(limit))
    sql, params = _residents_scope(register, grid_id)
    rows: list[tuple[Any, ...]] = []
    for building_id, n in _residents_by_building(register, grid_id):
        if len(rows) >= limit:
            break
        if offset >= n:
            offset -= n
            continue
        rows += database.execute_sql(
            "SELECT r.id, r.household_id, r.name, r.sex, r.birth_date, r.id_number, r.phone, h.address "
            f"{sql} AND b.id = :building ORDER BY h.unit, h.floor, h.door, h.rowid, "
            "r.is_head DESC, r.birth_date IS NULL, r.birth_date, r.id LIMIT :limit OFFSET :offset",
            {**params, "building": building_id, "limit": limit - len(rows), "offset": offset},
        ).fetchall()
        offset = 0
    registers = _registers_of([r[0] for r in rows], list({r[1] for r in rows}))
    return [
        ResidentRow(
            id=rid,
            household_id=hid,
            name=name,
            sex=sex or "",
            age=age(date.fromisoformat(born) if born else None, today),
            id_masked=privacy.mask_id(number),
            phone_masked=privacy.mask_phone(phone),
            address=address,
            registers=tuple(registers.get(rid, [])) + tuple(registers.get(hid, [])),
        )
        for rid, hid, name, sex, born, number, phone, address in rows
    ]


def _registers_of(resident_ids: list[str], household_ids: list[str]) -> dict[str, list[str]]:
    """resident or household id -> its live register kind keys, in the registers' order."""
    if not resident_ids:
        return {}
    found: dict[str, list[str]] = {}
    for owner, kind in (
        RegisterEntry.select(fn.COALESCE(RegisterEntry.resident, RegisterEntry.household), RegisterEntry.kind)
        .join(RegisterKind)
        .where(
            live(RegisterEntry)
            & (RegisterEntry.resident.in_(resident_ids) | RegisterEntry.household.in_(household_ids))
        )
        .order_by(RegisterKind.position)
        .tuples()
    ):
        if kind not in found.setdefault(owner, []):
            found[owner].append(kind)
    return found
