"""Placing a roster's people: the households and residents of a community, as the office lists them.

One row of a roster names a person and their address (compound, building, unit, floor, door) and
the registers they are on. :class:`Roster` finds or makes each place and person: a resident is
matched by ID number, else by household and name (unless the ID numbers say they are two
people), and :func:`gridtui.core.store.update` writes only fields that really change, so placing
the same rows again changes nothing. A known resident found at another address moves there.

``gridtui roster import`` reads the file and hands each good row here; the demo community is
placed through this very class, so a real community and the demo are built alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gridtui.core import store, validate
from gridtui.core.ids import new_id
from gridtui.core.models import (
    Building,
    Community,
    Compound,
    Household,
    RegisterEntry,
    RegisterKind,
    Resident,
    Synced,
    live,
)
from gridtui.core.validate import fold
from gridtui.errors import GridError

__all__ = [
    "CREATED",
    "PERSON_FIELDS",
    "RESIDENT_FIELDS",
    "Roster",
    "address_of",
    "buildings_without_grid",
]

RESIDENT_FIELDS = (
    "household",
    "name",
    "id_number",
    "phone",
    "sex",
    "birth_date",
    "relation",
    "is_head",
    "party_member",
    "note",
)
PERSON_FIELDS = ("name", "id_number", "phone", "sex", "birth_date", "relation", "note")
CREATED = ("compounds", "buildings", "households", "residents", "registers")


def address_of(compound: str, building: str, unit: int | str, door: str) -> str:
    """A household's address as the walk list writes it: 九天庄园7栋1单元101."""
    return f"{compound}{building}栋{unit}单元{door}"


class Roster:
    """Places rows of people (see the module's docstring); call :meth:`flush` at the end.

    New households, residents and register entries are validated when placed (so a failure
    names its row) and written together by :meth:`flush` with the store's batch mode.
    """

    def __init__(self) -> None:
        community = Community.select().where(live(Community)).order_by(Community.id).first()
        if community is None:
            raise GridError("roster.no_community")
        self.community = community.id
        self.created = dict.fromkeys(CREATED, 0)
        self.updated = self.unchanged = 0
        self.moved: list[tuple[str, str | None, str]] = []  # resident, from household, to household
        """(resident, from household, to household) of known residents placed at a new address."""
        self.left: list[tuple[int, str, str]] = []
        """(row, name, status) of rows naming someone recorded as moved out or deceased: not
        applied (a stale roster must not bring them back; ``resident move`` does, deliberately)."""
        self.kinds = {k.key: k for k in RegisterKind.select()}
        self.compounds: dict[str, str] = {}
        for c in Compound.select().where(live(Compound)).order_by(Compound.id):
            for label in (c.name_en, c.name):
                if label:
                    self.compounds[fold(label)] = c.id
        self.compound_names = {c.id: c.name for c in Compound.select(Compound.id, Compound.name)}
        self.buildings = {
            (b.compound_id, fold(b.number)): b.id for b in Building.select().where(live(Building)).order_by(Building.id)
        }
        self.building_numbers = {b.id: b.number for b in Building.select(Building.id, Building.number)}
        self.walk = Building.select(Building.walk_order).order_by(Building.walk_order.desc()).scalar() or 0
        self.households = {
            (h.building_id, h.unit, fold(h.door)): h.id
            for h in Household.select().where(live(Household)).order_by(Household.id)
        }
        self.by_id: dict[str, str] = {}
        self.by_name: dict[tuple[str, str], tuple[str, str]] = {}
        self.current: dict[str, dict[str, Any]] = {}
        """Each live resident's stored values: an unchanged row is recognised without a query."""
        for r in (
            Resident.select(Resident.id, Resident.status, *(getattr(Resident, f) for f in RESIDENT_FIELDS))
            .where(live(Resident))
            .order_by(Resident.id)
            .dicts()
        ):
            if r["id_number"]:
                self.by_id.setdefault(r["id_number"], r["id"])
            self.by_name.setdefault((r["household"], r["name"]), (r["id"], r["id_number"]))
            self.current[r["id"]] = r
        self.entries = {
            (e.kind_id, e.resident_id or e.household_id)
            for e in RegisterEntry.select().where(
                live(RegisterEntry) & (RegisterEntry.until.is_null() | (RegisterEntry.until >= date.today()))
            )
        }
        self.new_buildings: dict[str, dict[str, Any]] = {}
        self.new_households: list[dict[str, Any]] = []
        self.new_residents: list[dict[str, Any]] = []
        self.new_entries: list[dict[str, Any]] = []
        self.updates: list[tuple[int, str, dict[str, Any]]] = []

    # -- places ----------------------------------------------------------------------------------
    def compound(self, name: str) -> str:
        found = self.compounds.get(fold(name))
        if found is None:
            found = store.create(Compound, community=self.community, name=name).id
            self.compounds[fold(name)] = found
            self.compound_names[found] = name
            self.created["compounds"] += 1
        return found

    def building(self, compound: str, number: str, unit: int, floor: int) -> str:
        found = self.buildings.get((compound, fold(number)))
        if found is None:
            self.walk += 1
            found = new_id()
            self.new_buildings[found] = validate.clean(
                Building,
                {
                    "compound": compound,
                    "grid": None,
                    "number": number,
                    "units": 1,
                    "floors": 1,
                    "walk_order": self.walk,
                },
                None,
            )
            self.buildings[(compound, fold(number))] = found
            self.building_numbers[found] = number
            self.created["buildings"] += 1
        new = self.new_buildings.get(found)
        if new is not None:  # as many stairwells and storeys as the roster shows
            new["units"], new["floors"] = max(new["units"], unit), max(new["floors"], floor)
        return found

    def household(self, values: dict[str, Any]) -> str:
        """The household at the row's address (made if new)."""
        compound = self.compound(values["compound"])
        building = self.building(compound, values["building"], values["unit"], values["floor"])
        key = (building, values["unit"], fold(values["door"]))
        found = self.households.get(key)
        if found is None:
            number = self.building_numbers[building]
            found = self._queue(
                self.new_households,
                Household,
                {
                    "building": building,
                    "unit": values["unit"],
                    "floor": values["floor"],
                    "door": values["door"],
                    "address": address_of(self.compound_names[compound], number, values["unit"], values["door"]),
                    "addr_key": f"{number}-{values['unit']}-{values['door']}",
                },
            )
            self.households[key] = found
            self.created["households"] += 1
        return found

    def _queue(self, queue: list[dict[str, Any]], model: type[Synced], values: dict[str, Any]) -> str:
        row_id = new_id()
        queue.append({"id": row_id, **validate.clean(model, values, None)})
        return row_id

    # -- people ----------------------------------------------------------------------------------
    def place(self, values: dict[str, Any], row: int = 0) -> str | None:
        """Find or make the row's place and person, and put them on its registers; returns the
        resident's id (None for someone who has left, see :attr:`left`). ``values["registers"]``
        lists register kind keys, or (key, since) pairs."""
        household = self.household(values)
        resident = self.resident(household, values, row)
        if resident is None:
            return None
        for entry in values.get("registers", ()):
            key, since = entry if isinstance(entry, tuple) else (entry, None)
            self.register(key, household, resident, since)
        return resident

    def resident(self, household: str, values: dict[str, Any], row: int) -> str | None:
        fields = {k: values[k] for k in PERSON_FIELDS if k in values}
        if "relation" in fields:
            fields["is_head"] = fields["relation"] == "head"
        if any(self.kinds[_register_key(e)].flag == "party" for e in values.get("registers", ())):
            fields["party_member"] = True
        found = self.by_id.get(values.get("id_number", ""))
        if found is None:  # same name at the same door, unless the ID numbers say two people
            by_name, known_id = self.by_name.get((household, values["name"]), (None, ""))
            if not (known_id and values.get("id_number") and known_id != values["id_number"]):
                found = by_name
        fields["household"] = household
        if found is not None and self.current[found].get("status", "present") != "present":
            self.left.append((row, values["name"], self.current[found]["status"]))
            return None
        if found is None:
            found = self._queue(self.new_residents, Resident, fields)
            self.current[found] = self.new_residents[-1]
            self.created["residents"] += 1
        elif all(self.current[found].get(k) == v for k, v in fields.items()):
            self.unchanged += 1  # what store.update would find too, without its query
        else:
            before = self.current[found].get("household")
            if before != household and not any(found == r["id"] for r in self.new_residents):
                self.moved.append((found, before, household))
            self.updates.append((row, found, fields))
            self.current[found] = {**self.current[found], **fields}
        if fields.get("id_number"):
            self.by_id[fields["id_number"]] = found
        self.by_name[(household, values["name"])] = (found, fields.get("id_number", ""))
        return found

    def register(self, key: str, household: str, resident: str, since: date | None = None) -> None:
        kind = self.kinds[key]
        target = household if kind.target == "household" else resident
        if (key, target) in self.entries:
            return
        self._queue(
            self.new_entries,
            RegisterEntry,
            {"kind": key, "household" if kind.target == "household" else "resident": target, "since": since},
        )
        self.entries.add((key, target))
        self.created["registers"] += 1

    def flush(self) -> None:
        """Write what was queued, parents first, with the store's batch mode (rows validated above)."""
        store.bulk_create(Building, [{"id": bid, **v} for bid, v in self.new_buildings.items()], check=False)
        self.new_buildings.clear()
        store.bulk_create(Household, self.new_households, check=False)
        store.bulk_create(Resident, self.new_residents, check=False)
        for number, resident_id, fields in self.updates:
            try:
                changed = store.update(Resident, resident_id, **fields)
            except GridError as exc:
                raise GridError("roster.row_failed", row=number, detail=exc.message()) from exc
            if changed:
                self.updated += 1
            else:
                self.unchanged += 1
        store.bulk_create(RegisterEntry, self.new_entries, check=False)
        if self.moved:
            from gridtui.domain.life_events import record

            for resident_id, before, after in self.moved:  # the register's history says so
                record(resident_id, "move", date.today(), from_household=before, to_household=after, note="roster")
        self.new_households, self.new_residents, self.new_entries, self.updates = [], [], [], []
        self.moved = []


def _register_key(entry: str | tuple[str, Any]) -> str:
    return entry[0] if isinstance(entry, tuple) else entry


def buildings_without_grid() -> int:
    """Buildings in no grid yet (a roster makes them so, until ``grid assign``)."""
    count: int = Building.select().where(live(Building) & Building.grid.is_null()).count()
    return count
