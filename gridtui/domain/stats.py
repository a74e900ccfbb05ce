"""How big the community is and how far its campaigns have got: ``gridtui stats`` and the office.

Read-only. Tombstoned rows are gone from every count, as from every view. The keys are a
contract for scripts (documented in README.md): add keys, never rename them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from peewee import fn

from gridtui.core import validate
from gridtui.core.models import (
    Building,
    Business,
    Compound,
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
    Team,
    Visit,
    Volunteer,
    live,
)
from gridtui.domain.campaigns import campaigns, coverage, form

__all__ = ["CATALOG_COUNTS", "LIVE_COUNTS", "stats"]

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


def _live(model, condition=None) -> int:
    query = model.select().where(live(model))
    if condition is not None:
        query = query.where(condition)
    return query.count()


def stats(today: date | None = None) -> dict[str, Any]:
    """Counts of every entity and the per-grid coverage of each active campaign."""
    result: dict[str, Any] = {key: _live(model, cond) for key, (model, cond) in LIVE_COUNTS.items()}
    result.update({key: model.select().count() for key, model in CATALOG_COUNTS.items()})
    result["resources"] = _live(Resource)
    result["visits"] = _live(Visit)
    result["needs"] = _live(Need)
    result["needs_by_status"] = _grouped(Need, Need.status, validate.NEED_STATUSES)
    kinds = [k.key for k in RegisterKind.select(RegisterKind.key).order_by(RegisterKind.position)]
    result["register_entries_by_kind"] = _grouped(RegisterEntry, RegisterEntry.kind, kinds)
    result["campaigns"] = [
        {
            "id": c.id, "name": c.name, "name_en": c.name_en, "template": c.form_key, "form_version": c.version,
            "form_title": form(c.form_id).label, "target": c.target, "coverage": coverage(c.id, today),
        }
        for c in sorted(campaigns(active_only=True), key=lambda c: (c.starts, c.name))
    ]
    return result


def _grouped(model, column, keys) -> dict[str, int]:
    """Live rows per value of ``column``, every expected key present (zeros included)."""
    counts = dict.fromkeys(keys, 0)
    query = (
        model.select(column.alias("key"), fn.COUNT(model.id).alias("n"))
        .where(live(model))
        .group_by(column)
        .tuples()
    )
    for key, n in query:
        counts[key] = n
    return counts
