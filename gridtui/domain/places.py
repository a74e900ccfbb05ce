"""Setting up a community from scratch: its name, its grids, and which grid each building is in.

The demo builds all of this itself; a real office starts from an empty database, imports its
rosters (which create compounds, buildings and households) and then draws its grids here.
"""

from __future__ import annotations

import re

from gridtui.core import store
from gridtui.core.ids import stable_id
from gridtui.core.models import Building, Community, Compound, Grid, live
from gridtui.errors import GridError

COMMUNITY_ID = stable_id("community", "the community")
"""Every laptop's community row has this id, so a laptop that named its community before its
first import merges with the office's row instead of holding two communities."""



def community() -> Community | None:
    return Community.select().where(live(Community)).order_by(Community.id).first()


def set_community(name: str, name_en: str | None = None, subdistrict: str | None = None) -> str:
    """Create the database's community, or rename the one it has; returns its id."""
    values = {"name": name}
    if name_en is not None:
        values["name_en"] = name_en
    if subdistrict is not None:
        values["subdistrict"] = subdistrict
    found = community()
    if found is None:
        return store.create(Community, id=COMMUNITY_ID, **values).id
    store.update(Community, found.id, **values)
    return found.id


def find_grid(ref: str) -> Grid:
    """A grid by its code (01, or 1 for 01), its name (第1网格) or its id: the one lookup every
    command and report uses, so ``--grid`` means the same everywhere."""
    ref = ref.strip()
    match = (Grid.code == ref) | (Grid.name == ref) | (Grid.id == ref)
    if ref.isdigit():
        match |= Grid.code == f"{int(ref):02d}"
    grid = Grid.select().where(live(Grid) & match).order_by(Grid.code != ref, Grid.code).first()
    if grid is None:
        raise GridError("places.no_grid", grid=ref)
    return grid


def add_grid(code: str, name: str, worker_name: str = "", worker_phone: str = "") -> str:
    """A new grid; its code must be new (codes are how workers name their grids in config)."""
    found = community()
    if found is None:
        raise GridError("places.no_community")
    code = code.strip()
    if Grid.select().where(live(Grid) & (Grid.code == code)).exists():
        raise GridError("places.grid_exists", grid=code)
    return store.create(Grid, community=found.id, code=code, name=name, worker_name=worker_name,
                        worker_phone=worker_phone).id


BUILDING_REF = re.compile(r"^(?P<compound>.+?)[\s:：]*(?P<number>[0-9A-Za-z]+)\s*(号楼|栋|幢|号|#)?$")


def find_building(ref: str) -> Building:
    """A building by compound and number: 凤飞园3栋, 凤飞园 3, 凤飞园:3."""
    match = BUILDING_REF.match(ref.strip())
    if not match:
        raise GridError("places.no_building", building=ref)
    building = (
        Building.select().join(Compound, on=(Building.compound == Compound.id))
        .where(live(Building) & (Compound.name == match["compound"].strip()) & (Building.number == match["number"]))
        .first()
    )
    if building is None:
        raise GridError("places.no_building", building=ref)
    return building


def assign_buildings(grid_ref: str, building_refs: list[str]) -> int:
    """Put buildings in a grid (all or none: one unknown building refuses the lot)."""
    grid = find_grid(grid_ref)
    buildings = [find_building(ref) for ref in building_refs]
    with store.transaction():
        return sum(1 for b in buildings if store.update(Building, b.id, grid=grid.id))


def unassigned_buildings() -> list[str]:
    """Buildings in no grid yet (a roster import creates them so), as 凤飞园3栋."""
    rows = (
        Building.select(Compound.name, Building.number).join(Compound, on=(Building.compound == Compound.id))
        .where(live(Building) & Building.grid.is_null()).order_by(Compound.name, Building.number).tuples()
    )
    return [f"{compound}{number}栋" for compound, number in rows]
