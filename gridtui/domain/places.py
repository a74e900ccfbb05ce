"""Setting up a community from scratch: its name, its grids, which grid each building is in, and
which worker looks after each grid.

A real office starts from an empty database, imports its rosters (which create compounds,
buildings and households) and then draws its grids here; the demo community is drawn through
these same functions.

A grid's worker is a name, and when the grid was given to a laptop (``grid worker 01 DEVICE``),
that laptop's device id: that laptop then holds the grid as its own (home, walk list, needs
board) without a ``my_grids`` setting, and stops holding it the day the grid goes to someone else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from gridtui.core import store
from gridtui.core.ids import stable_id
from gridtui.core.models import (
    Building,
    Business,
    Community,
    Compound,
    Device,
    Grid,
    Household,
    database,
    live,
)
from gridtui.domain import privacy
from gridtui.errors import GridError

__all__ = [
    "BUILDING_REF",
    "LEGACY_COMMUNITY_ID",
    "Handover",
    "add_grid",
    "assign_buildings",
    "communities",
    "community",
    "device_label",
    "end_grid",
    "find_building",
    "find_community",
    "find_compound",
    "find_grid",
    "grid_devices",
    "handover_detail",
    "match_device",
    "my_grids",
    "own_community_id",
    "own_identity",
    "remove_building",
    "remove_compound",
    "rename_compound",
    "set_community",
    "set_grid_worker",
    "unassigned_buildings",
]

LEGACY_COMMUNITY_ID = stable_id("community", "the community")
"""The id a community starts with, the same on every laptop, so a laptop that names its
community before its first import merges with the office's row instead of holding two. Two
communities holding it would be one at a street office's hub, so a community keeps it only until
its office first sends to a hub: :func:`own_identity` then gives it an id of its own."""


def community() -> Community | None:
    """This database's community (a hub's first by name; :func:`communities` lists them all)."""
    found: Community | None = Community.select().where(live(Community)).order_by(Community.name, Community.id).first()
    return found


def communities() -> list[Community]:
    """Every live community here: one below the hub, many in a street office's hub."""
    return list(Community.select().where(live(Community)).order_by(Community.name, Community.id))


def own_community_id() -> str | None:
    """The one community this database works for; None for none, or a hub's many."""
    ids = [c.id for c in Community.select(Community.id).where(live(Community)).limit(2)]
    return ids[0] if len(ids) == 1 else None


def find_community(ref: str) -> Community:
    """A community by its name (either language) or its id: ``--community`` everywhere."""
    from gridtui.core.validate import fold

    wanted = fold(ref)
    for found in communities():
        if wanted and (wanted in (fold(found.name), fold(found.name_en)) or ref.strip() == found.id):
            return found
    raise GridError("places.no_community_named", community=ref)


def set_community(name: str, name_en: str | None = None, subdistrict: str | None = None) -> str:
    """Create the database's community, or rename the one it has; returns its id."""
    values = {"name": name}
    if name_en is not None:
        values["name_en"] = name_en
    if subdistrict is not None:
        values["subdistrict"] = subdistrict
    found = community()
    if found is None:
        return store.create(Community, id=LEGACY_COMMUNITY_ID, **values).id
    store.update(Community, found.id, **values)
    return found.id


def own_identity() -> str | None:
    """Give a community still holding the legacy shared id one of its own, before its office
    first sends to a hub: a new community row with the same names, every grid and compound
    pointed at it, the old row tombstoned, all one synced change that reaches the community's
    laptops with the next bundles. Returns the community's id (None: no community here)."""
    found = community()
    if found is None or found.id != LEGACY_COMMUNITY_ID:
        return found.id if found else None
    with store.transaction():
        made = store.create(Community, name=found.name, name_en=found.name_en, subdistrict=found.subdistrict).id
        for model in (Grid, Compound):
            for row_id in [r.id for r in model.select(model.id).where(model.community == LEGACY_COMMUNITY_ID)]:
                store.update(model, row_id, community=made)
        store.delete(Community, LEGACY_COMMUNITY_ID)
    return made


def find_grid(ref: str, community: str | None = None) -> Grid:
    """A grid by its code (01, or 1 for 01), its name (第1网格) or its id: the one lookup every
    command and report uses, so ``--grid`` means the same everywhere (codes are unique within a
    community: on a hub, ``community`` says whose)."""
    ref = ref.strip()
    match = (Grid.code == ref) | (Grid.name == ref) | (Grid.id == ref)
    if ref.isdigit():
        match |= Grid.code == f"{int(ref):02d}"
    query = Grid.select().where(live(Grid) & match)
    if community is not None:
        query = query.where(Grid.community == community)
    grid: Grid | None = query.order_by(Grid.code != ref, Grid.code).first()
    if grid is None:
        raise GridError("places.no_grid", grid=ref)
    return grid


def add_grid(code: str, name: str, worker_name: str = "", worker_phone: str = "") -> str:
    """A new grid; its code must be new (codes are how workers name their grids in config)."""
    found = community()
    if found is None:
        raise GridError("places.no_community")
    code = code.strip()
    if Grid.select().where(live(Grid) & (Grid.code == code) & (Grid.community == found.id)).exists():
        raise GridError("places.grid_exists", grid=code)
    return store.create(
        Grid, community=found.id, code=code, name=name, worker_name=worker_name, worker_phone=worker_phone
    ).id


BUILDING_REF = re.compile(r"^(?P<compound>.+?)[\s:：]*(?P<number>[0-9A-Za-z]+)\s*(号楼|栋|幢|号|#)?$")


def find_building(ref: str) -> Building:
    """A building by compound and number: 凤飞园3栋, 凤飞园 3, 凤飞园:3."""
    match = BUILDING_REF.match(ref.strip())
    if not match:
        raise GridError("places.no_building", building=ref)
    building: Building | None = (
        Building.select()
        .join(Compound, on=(Building.compound == Compound.id))
        .where(live(Building) & (Compound.name == match["compound"].strip()) & (Building.number == match["number"]))
        .first()
    )
    if building is None:
        raise GridError("places.no_building", building=ref)
    return building


def find_compound(ref: str) -> str:
    """A compound by its name (either language) or its id."""
    from gridtui.core.validate import fold

    wanted = fold(ref)
    cid: str
    for cid, zh, en in Compound.select(Compound.id, Compound.name, Compound.name_en).where(live(Compound)).tuples():
        if wanted and (wanted in (fold(zh), fold(en)) or ref.strip() == cid):
            return cid
    raise GridError("places.no_compound", compound=ref)


def assign_buildings(grid_ref: str, building_refs: list[str]) -> int:
    """Put buildings in a grid (all or none: one unknown building refuses the lot)."""
    grid = find_grid(grid_ref)
    buildings = [find_building(ref) for ref in building_refs]
    with store.transaction():
        return sum(1 for b in buildings if store.update(Building, b.id, grid=grid.id))


def unassigned_buildings() -> list[str]:
    """Buildings in no grid yet (a roster import creates them so), as 凤飞园3栋."""
    rows = (
        Building.select(Compound.name, Building.number)
        .join(Compound, on=(Building.compound == Compound.id))
        .where(live(Building) & Building.grid.is_null())
        .order_by(Compound.name, Building.number)
        .tuples()
    )
    return [f"{compound}{number}栋" for compound, number in rows]


# -- a grid's worker -----------------------------------------------------------------------------


def match_device(ref: str) -> Device | None:
    """A laptop this database knows (itself or a trusted peer) by id, a unique start of it, or
    name; None when ``ref`` names no laptop (it is then a person's name)."""
    text = (ref or "").strip()
    found: Device | None = Device.get_or_none(Device.id == text)
    if found is None and len(text) >= 6:
        starts = list(Device.select().where(Device.id.startswith(text.lower())).limit(2))
        found = starts[0] if len(starts) == 1 else None
    if found is None:
        named = [d for d in Device.select() if d.name.lower() == text.lower()]
        if len(named) > 1:
            raise GridError("places.ambiguous_device", name=text, ids=", ".join(d.id for d in named))
        found = named[0] if named else None
    if found is not None and found.revoked:
        raise GridError("places.revoked_device", name=found.name)
    return found


@dataclass(frozen=True, slots=True)
class Handover:
    """A grid given to a worker: its code, the worker's name and their laptop ("" for none known)."""

    grid: str
    worker: str
    device: str


def set_grid_worker(grid_ref: str, who: str, *, name: str | None = None, phone: str | None = None) -> Handover:
    """The grid goes to another worker: ``who`` is their laptop (a device id or name) or, for a
    worker with no laptop known here yet, their name. The old worker's laptop no longer holds
    the grid once this change reaches it. Returns the grid's code, worker name and device."""
    grid = find_grid(grid_ref)
    device = match_device(who)
    worker = (name or (device.name if device else who)).strip()
    if not worker:
        raise GridError("places.no_worker")
    values = {"worker_name": worker, "worker_device": device.id if device else ""}
    if phone is not None:
        values["worker_phone"] = phone
    with store.transaction():
        store.update(Grid, grid.id, **values)
        if values["worker_device"] != grid.worker_device or worker != grid.worker_name:
            privacy.record("handover", "grid", grid.id, handover_detail(grid, worker, values["worker_device"]))
    return Handover(grid=grid.code, worker=worker, device=device.id if device else "")


def handover_detail(grid: Grid, worker: str, device: str) -> str:
    """A handover as the audit log keeps it: JSON with the laptops it went from and to (which
    the office's import reads: a worker's late work in a grid it held is still its own)."""
    return json.dumps(
        {"grid": grid.code, "from": grid.worker_device, "to": device, "from_name": grid.worker_name, "to_name": worker},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def grid_devices() -> dict[str, str]:
    """Grid id -> the device id of its worker's laptop (grids given to a laptop only)."""
    return dict(Grid.select(Grid.id, Grid.worker_device).where(live(Grid) & (Grid.worker_device != "")).tuples())


def device_label(device_id: str) -> str:
    """A laptop as people know it: its name and the start of its id; "-" for none."""
    if not device_id:
        return "-"
    found = Device.get_or_none(Device.id == device_id)
    return f"{found.name} ({device_id[:8]})" if found else device_id[:8]


def my_grids(configured: list[str] | None = None) -> list[str]:
    """The grids this laptop holds (see :func:`gridtui.domain.coverage.held_grids`)."""
    from gridtui.domain import coverage

    return coverage.held_grids(lambda sql, params: database.execute_sql(sql, params).fetchall(), configured)


def end_grid(grid_ref: str) -> str:
    """A grid is given up (merged into others); refused while buildings or shops are in it."""
    grid = find_grid(grid_ref)
    held = (
        Building.select().where(live(Building) & (Building.grid == grid.id)).count()
        + Business.select().where(live(Business) & (Business.grid == grid.id)).count()
    )
    if held:
        raise GridError("places.grid_not_empty", grid=grid.code, count=held)
    store.delete(Grid, grid.id)
    code: str = grid.code
    return code


def rename_compound(ref: str, name: str, name_en: str | None = None) -> None:
    """Correct a compound's name (the walk list's addresses follow it)."""
    from gridtui.domain.roster import address_of

    compound_id = find_compound(ref)
    name = name.strip()
    with store.transaction():
        store.update(Compound, compound_id, name=name, **({"name_en": name_en} if name_en is not None else {}))
        for hid, number, unit, door in (
            Household.select(Household.id, Building.number, Household.unit, Household.door)
            .join(Building, on=(Household.building == Building.id))
            .where((Building.compound == compound_id) & live(Household))
            .tuples()
        ):
            store.update(Household, hid, address=address_of(name, number, unit, door))


def remove_compound(ref: str) -> None:
    """A compound entered by mistake (or pulled down) goes; refused while it has buildings."""
    compound_id = find_compound(ref)
    if Building.select().where(live(Building) & (Building.compound == compound_id)).exists():
        raise GridError("places.compound_not_empty", compound=ref)
    store.delete(Compound, compound_id)


def remove_building(ref: str) -> None:
    """A building entered by mistake (or pulled down) goes; refused while it has households."""
    building = find_building(ref)
    if Household.select().where(live(Household) & (Household.building == building.id)).exists():
        raise GridError("places.building_not_empty", building=ref)
    store.delete(Building, building.id)
