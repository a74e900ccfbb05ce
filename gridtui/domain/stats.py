"""How big the community is and how far its campaigns have got: ``gridtui stats`` and the office.

Read-only. Tombstoned rows are gone from every count, as from every view. The keys are a
contract for scripts (documented in README.md): add keys, never rename them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from peewee import SQL, Expression, Field, fn

from gridtui.core import validate
from gridtui.core.models import (
    Building,
    Business,
    Community,
    Compound,
    DeviceCommunity,
    Grid,
    Household,
    Need,
    NeedCategory,
    NeedItem,
    Organization,
    RegisterEntry,
    RegisterKind,
    Resident,
    Resource,
    ResourceCategory,
    ResourceItem,
    Synced,
    Team,
    Visit,
    Volunteer,
    live,
)
from gridtui.domain.campaigns import campaigns, coverage, form

__all__ = ["CATALOG_COUNTS", "LIVE_COUNTS", "in_community", "stats"]

LIVE_COUNTS = {
    "compounds": (Compound, None),
    "grids": (Grid, None),
    "buildings": (Building, None),
    "households": (Household, None),
    "residents": (Resident, None),
    "units": (Organization, Organization.kind == "resident_unit"),
    "cobuilding_units": (Organization, Organization.kind == "cobuilding"),
    "social_orgs": (Organization, Organization.kind == "social_org"),
    "businesses": (Business, None),
    "volunteers": (Volunteer, Volunteer.ended_on.is_null()),  # still serving
    "teams": (Team, None),
}
"""Synced tables counted as they stand (not deleted), with an optional filter."""

CATALOG_COUNTS = {
    "need_categories": NeedCategory,
    "need_items": NeedItem,
    "resource_categories": ResourceCategory,
    "resource_items": ResourceItem,
}


def _live(model: type[Synced], condition: Expression | None = None, community: str | None = None) -> int:
    query = model.select().where(live(model))
    if condition is not None:
        query = query.where(condition)
    if community is not None:
        query = query.where(in_community(model, community))
    return int(query.count())


def in_community(model: type[Synced], community: str) -> Expression:
    """The condition that keeps a table's rows to one community: by where they are (compound,
    grid, building, household) where a row has a place, else by the device that made it (a
    hub's map of devices to communities; below the hub every row is the one community's)."""
    compounds = Compound.select(Compound.id).where(Compound.community == community)
    grids = Grid.select(Grid.id).where(Grid.community == community)
    buildings = Building.select(Building.id).where(Building.compound.in_(compounds))
    households = Household.select(Household.id).where(Household.building.in_(buildings))
    residents = Resident.select(Resident.id).where(Resident.household.in_(households))
    shops = Business.select(Business.id).where(Business.grid.in_(grids))
    by_place: dict[type[Synced], Callable[[], Expression]] = {
        Compound: lambda: Compound.community == community,
        Grid: lambda: Grid.community == community,
        Building: lambda: Building.compound.in_(compounds),
        Household: lambda: Household.building.in_(buildings),
        Resident: lambda: Resident.household.in_(households),
        Business: lambda: Business.grid.in_(grids),
        Visit: lambda: Visit.household.in_(households) | Visit.business.in_(shops),
        Need: lambda: Need.household.in_(households) | Need.resident.in_(residents),
        RegisterEntry: lambda: RegisterEntry.household.in_(households) | RegisterEntry.resident.in_(residents),
    }
    if model in by_place:
        return by_place[model]()
    if not DeviceCommunity.select().exists():
        return SQL("1 = 1")
    return model.origin.in_(
        DeviceCommunity.select(DeviceCommunity.device).where(DeviceCommunity.community == community)
    )


def _counts(community: str | None) -> dict[str, int]:
    counts = {key: _live(model, cond, community) for key, (model, cond) in LIVE_COUNTS.items()}
    counts.update(
        resources=_live(Resource, None, community),
        visits=_live(Visit, None, community),
        needs=_live(Need, None, community),
    )
    return counts


def stats(today: date | None = None, community: str | None = None) -> dict[str, Any]:
    """Counts of every entity and the per-grid coverage of each active campaign; ``community``:
    only that community's. Where several communities are held (a street office's hub), a
    ``communities`` list gives each one's counts as well."""
    result: dict[str, Any] = _counts(community)
    result.update({key: model.select().count() for key, model in CATALOG_COUNTS.items()})
    result["needs_by_status"] = _grouped(Need, Need.status, validate.NEED_STATUSES, community)
    kinds = [k.key for k in RegisterKind.select(RegisterKind.key).order_by(RegisterKind.position)]
    result["register_entries_by_kind"] = _grouped(RegisterEntry, RegisterEntry.kind, kinds, community)
    result["campaigns"] = [
        {
            "id": c.id,
            "name": c.name,
            "name_en": c.name_en,
            "template": c.form_key,
            "form_version": c.version,
            "form_title": form(c.form_id).label,
            "target": c.target,
            "coverage": [r.to_json() for r in coverage(c.id, today, community)],
        }
        for c in sorted(campaigns(active_only=True), key=lambda c: (c.starts, c.name))
    ]
    held = Community.select().where(Community.deleted == False).order_by(Community.name, Community.id)  # noqa: E712
    if community is None and held.count() > 1:
        result["communities"] = [{"id": c.id, "name": c.name, "name_en": c.name_en, **_counts(c.id)} for c in held]
    return result


def _grouped(model: type[Synced], column: Field, keys: Iterable[str], community: str | None = None) -> dict[str, int]:
    """Live rows per value of ``column``, every expected key present (zeros included)."""
    counts = dict.fromkeys(keys, 0)
    query = (
        model.select(column.alias("key"), fn.COUNT(model.id).alias("n")).where(live(model)).group_by(column).tuples()
    )
    if community is not None:
        query = query.where(in_community(model, community))
    for key, n in query:
        counts[key] = n
    return counts
