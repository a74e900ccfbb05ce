"""The conflict inbox: concurrent edits kept for a person, and possible duplicate residents.

The merge has already applied the last writer everywhere, so every laptop shows the same
value; a conflict says a second value was written without sight of the first. Resolving writes
through the store like any edit (a new stamp, so it wins everywhere) and marks the conflict,
and that status syncs too, so the office and the workers see the same inbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from peewee import BooleanField, FloatField, IntegerField, fn

from gridtui.core import hlc, store
from gridtui.core.db import meta_get
from gridtui.core.models import SYNCED_BY_TABLE, Conflict, Household, Resident, live
from gridtui.domain.privacy import mask_id, mask_phone
from gridtui.errors import GridError

HOW = ("mine", "theirs", "edit")
MASKS = {"id_number": mask_id, "phone": mask_phone, "worker_phone": mask_phone}
"""Personal numbers stay masked in the inbox, as everywhere."""
STATUS = {"mine": "kept", "theirs": "taken", "edit": "edited"}


@dataclass(frozen=True)
class ConflictRow:
    """One conflict for a list: which record and field, this laptop's value and the other one
    (personal numbers masked), and which of the two is in force."""

    id: str
    table: str
    row: str
    field: str
    status: str
    mine: Any
    mine_device: str
    theirs: Any
    theirs_device: str
    in_force: str  # "mine" or "theirs"


@dataclass(frozen=True)
class SameResident:
    """One of the residents sharing an ID number."""

    id: str
    name: str
    address: str


@dataclass(frozen=True)
class Duplicate:
    """Live residents sharing one ID number (shown masked)."""

    id_number: str
    residents: tuple[SameResident, ...]


def _current(conflict: Conflict) -> Any:
    """The field's stored value as this laptop holds it now (None if the row is gone)."""
    model = SYNCED_BY_TABLE.get(conflict.target_table)
    if model is None or conflict.target_field not in model._meta.fields:
        return None
    field = model._meta.fields[conflict.target_field]
    row = model.select(field).where(model.id == conflict.target_id).tuples().first()
    return row[0] if row else None


def _sides(conflict: Conflict, current: Any) -> tuple[tuple[Any, str], tuple[Any, str]]:
    """(mine, theirs) as (stored value, stamp): mine is what this laptop wrote, if it wrote one
    of the two; on a laptop that wrote neither (the office between two workers), the value in force."""
    a = (json.loads(conflict.value_a or "null"), conflict.stamp_a)
    b = (json.loads(conflict.value_b or "null"), conflict.stamp_b)
    me = meta_get("device_id")
    if hlc.stamp_device(a[1]) == me:
        return a, b
    if hlc.stamp_device(b[1]) == me:
        return b, a
    return (a, b) if current == a[0] else (b, a)


def describe(conflict: Conflict) -> ConflictRow:
    """One conflict for a list: which record and field, this laptop's value and the other one."""
    current = _current(conflict)
    (mine, mine_stamp), (theirs, theirs_stamp) = _sides(conflict, current)
    mask = MASKS.get(conflict.target_field, lambda value: value)
    return ConflictRow(
        id=conflict.id,
        table=conflict.target_table,
        row=conflict.target_id,
        field=conflict.target_field,
        status=conflict.status,
        mine=mask(mine),
        mine_device=hlc.stamp_device(mine_stamp),
        theirs=mask(theirs),
        theirs_device=hlc.stamp_device(theirs_stamp),
        in_force="mine" if current == mine else "theirs",
    )


def open_conflicts(include_resolved: bool = False) -> list[ConflictRow]:
    query = Conflict.select().where(live(Conflict))
    if not include_resolved:
        query = query.where(Conflict.status == "open")
    return [describe(c) for c in query.order_by(Conflict.stamp, Conflict.id)]


def duplicates() -> list[Duplicate]:
    """Live residents sharing one ID number (two laptops registered the same person offline)."""
    known = live(Resident) & (Resident.id_number != "")
    shared = (
        Resident.select(Resident.id_number).where(known).group_by(Resident.id_number).having(fn.COUNT(Resident.id) > 1)
    )
    rows = (
        Resident.select(Resident.id, Resident.name, Resident.id_number, Household.address)
        .join(Household)
        .where(known & Resident.id_number.in_(shared))
        .order_by(Resident.id_number, Resident.id)
        .tuples()
    )
    groups: dict[str, list[SameResident]] = {}
    for row_id, name, number, address in rows:
        groups.setdefault(number, []).append(SameResident(id=row_id, name=name, address=address))
    return [
        Duplicate(id_number=mask_id(number), residents=tuple(people))
        for number, people in groups.items()
        if len(people) > 1
    ]


def find(conflict_id: str) -> Conflict:
    """A conflict by id or by the first characters of its id (at least 4, as the list shows 8)."""
    found = []
    if len(conflict_id) >= 4:
        found = list(Conflict.select().where(Conflict.id.startswith(conflict_id)).limit(2))
    if len(found) != 1:
        raise GridError("sync.conflict_not_found", id=conflict_id)
    return found[0]


def _typed(field, text: str) -> Any:
    """A value typed by a person, as the field's type (the store validates the rest)."""
    try:
        if isinstance(field, BooleanField):
            return text.strip().lower() in ("1", "y", "yes", "true", "是")
        if isinstance(field, IntegerField):
            return int(text)
        if isinstance(field, FloatField):
            return float(text)
    except ValueError as exc:
        raise GridError("sync.bad_edit_value", value=text) from exc
    return text


def resolve(conflict_id: str, how: str, value: str | None = None) -> Conflict:
    """Keep this laptop's value, take the other one, or write a new one; a synced change."""
    if how not in HOW or (how == "edit") != (value is not None):
        raise GridError("sync.resolve_how")
    with store.transaction():
        conflict = find(conflict_id)
        model = SYNCED_BY_TABLE.get(conflict.target_table)
        if model is None or conflict.target_field not in model._meta.fields:
            raise GridError("sync.conflict_not_found", id=conflict_id)
        field = model._meta.fields[conflict.target_field]
        if how in ("mine", "theirs"):
            current = _current(conflict)
            (mine, _), (theirs, _) = _sides(conflict, current)
            stored = mine if how == "mine" else theirs
            if stored != current:
                _write(model, conflict.target_id, field, field.python_value(stored))
        elif how == "edit":
            _write(model, conflict.target_id, field, _typed(field, value or ""))
        for same in Conflict.select().where(
            (Conflict.target_table == conflict.target_table)
            & (Conflict.target_id == conflict.target_id)
            & (Conflict.target_field == conflict.target_field)
            & (Conflict.status == "open")
        ):
            store.update(Conflict, same.id, status=STATUS[how])
    return Conflict.get(Conflict.id == conflict.id)


def _write(model, row_id: str, field, value: Any) -> None:
    if field.name == "deleted":
        if not value:
            raise GridError("sync.cannot_undelete")
        store.delete(model, row_id)
    else:
        store.update(model, row_id, **{field.name: value})
