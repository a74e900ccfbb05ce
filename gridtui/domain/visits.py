"""Visits and campaigns: how far a campaign has got, grid by grid.

A household's (or business's) state in a campaign is the outcome of its latest visit there: a
visit is appended, never rewritten, so "where do we stand" is always "what did the last call
find". The coverage query does that in SQL with SQLite's bare-column ``MAX()`` (the other
columns come from the row holding the maximum), grouped per grid, so the home screen can
ask it on every refresh over thousands of households.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from peewee import JOIN, Case, fn

from gridtui.core.models import (
    Building,
    Business,
    Campaign,
    Grid,
    Household,
    RegisterEntry,
    Resident,
    Visit,
)
from gridtui.errors import GridError

OUTCOME_COLUMNS = ("done", "nobody_home", "refused", "moved_away", "in_progress")
COVERAGE_KEYS = ("total", *OUTCOME_COLUMNS, "revisit_due", "not_visited")
"""Per grid: targets, how many the latest visit left in each outcome, revisits due, untouched.
total = done + nobody_home + refused + moved_away + in_progress + not_visited."""


def coverage(campaign_id: str, today: date | None = None) -> list[dict[str, Any]]:
    """Visit coverage of one campaign per grid, in grid-code order (read-only, one query).

    Targets are the campaign's households (active, in a live building) or businesses, narrowed
    by its scope, whose keys combine: ``"grids"`` (grid ids), ``"households"`` (household ids),
    ``"registers"`` (register kind keys: households on one, directly or through a resident),
    ``"business_kinds"``; ``{}`` means all. A nobody-home outcome counts as a revisit due when
    its date has come or was never set (so no household drops off the list). Targets outside
    any grid come last, with ``grid`` None.
    """
    campaign = Campaign.get_or_none((Campaign.id == campaign_id) & (Campaign.deleted == False))  # noqa: E712
    if campaign is None:
        raise GridError("store.not_found", table="campaign", id=campaign_id)
    today_text = (today or date.today()).isoformat()
    scope = campaign.scope or {}
    by_household = campaign.target != "business"
    target = Household if by_household else Business
    visit_target = Visit.household if by_household else Visit.business

    latest = (
        Visit.select(
            visit_target.alias("target_id"), Visit.outcome, Visit.revisit_due,
            fn.MAX(Visit.visited_at).alias("at"),
        )
        .where(
            (Visit.campaign == campaign_id) & (Visit.deleted == False) & visit_target.is_null(False)  # noqa: E712
        )
        .group_by(visit_target)
        .alias("latest")
    )
    outcome = latest.c.outcome
    due = (outcome == "nobody_home") & (latest.c.revisit_due.is_null() | (latest.c.revisit_due <= today_text))
    columns = [
        Grid.code.alias("grid"), Grid.name.alias("grid_name"),
        fn.COUNT(target.id).alias("total"),
        *(fn.COUNT(Case(outcome, [(name, 1)])).alias(name) for name in OUTCOME_COLUMNS),
        fn.COUNT(Case(None, [(due, 1)])).alias("revisit_due"),
        fn.COUNT(latest.c.target_id).alias("visited"),
    ]
    if by_household:
        query = (
            Household.select(*columns)
            .join(Building, on=(Household.building == Building.id))
            .join(Grid, JOIN.LEFT_OUTER, on=((Building.grid == Grid.id) & (Grid.deleted == False)))  # noqa: E712
            .switch(Household)
            .where(
                (Household.deleted == False) & (Household.status == "active") & (Building.deleted == False)  # noqa: E712
            )
        )
        if scope.get("grids"):
            query = query.where(Building.grid.in_(scope["grids"]))
        if scope.get("households"):
            query = query.where(Household.id.in_(scope["households"]))
        if scope.get("registers"):
            query = query.where(Household.id.in_(_households_on_registers(scope["registers"])))
    else:
        query = (
            Business.select(*columns)
            .join(Grid, JOIN.LEFT_OUTER, on=((Business.grid == Grid.id) & (Grid.deleted == False)))  # noqa: E712
            .switch(Business)
            .where(Business.deleted == False)  # noqa: E712
        )
        if scope.get("grids"):
            query = query.where(Business.grid.in_(scope["grids"]))
        if scope.get("business_kinds"):
            query = query.where(Business.kind.in_(scope["business_kinds"]))
    query = query.join(latest, JOIN.LEFT_OUTER, on=(latest.c.target_id == target.id)).group_by(Grid.id)

    rows = []
    for row in query.dicts():
        row["not_visited"] = row["total"] - row.pop("visited")
        rows.append({"grid": row["grid"], "grid_name": row["grid_name"] or "", **{k: row[k] for k in COVERAGE_KEYS}})
    rows.sort(key=lambda r: (r["grid"] is None, _natural(r["grid"] or "")))
    return rows


def _households_on_registers(kinds: list[str]):
    """Households with a live register entry of one of ``kinds``, on the household or a resident."""
    direct = RegisterEntry.select(RegisterEntry.household).where(
        RegisterEntry.kind.in_(kinds) & (RegisterEntry.deleted == False) & RegisterEntry.household.is_null(False)  # noqa: E712
    )
    via_resident = (
        RegisterEntry.select(Resident.household)
        .join(Resident, on=(RegisterEntry.resident == Resident.id))
        .where(RegisterEntry.kind.in_(kinds) & (RegisterEntry.deleted == False) & (Resident.deleted == False))  # noqa: E712
    )
    return direct | via_resident


def _natural(code: str) -> list:
    """Sort G2 before G10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]
