"""Which targets a campaign covers, the latest visit of each, revisits due and coverage: the rules,
as SQL, in one module that imports nothing heavier than sqlite3.

:mod:`gridtui.domain.campaigns` runs them through the store's connection; the home screen runs
them through a read-only sqlite3 connection of its own when it has no figures kept from its last
start (the first start of a day, or after an import), so that they appear without Peewee and the
models being imported first. Each function takes ``run(sql, params) -> rows``.

* **targets**: :func:`targets`, one ``FROM ... WHERE`` over households or shops, narrowed by the
  campaign's :class:`Scope` (grids, buildings, registers, residents' ages, business kinds);
* **a target's state**: the outcome of its latest visit in the campaign (:data:`LATEST`);
* **revisit due**: :func:`revisit_due_sql`: nobody was home and the revisit date has come, or
  was never set (so no door drops off the list).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NamedTuple

from gridtui.errors import ValidationError

__all__ = [
    "ACTIVE_CAMPAIGN_KEY",
    "COVERAGE_KEYS",
    "GridFigures",
    "LATEST",
    "LATEST_ON_SERVER",
    "latest",
    "OUTCOME_COLUMNS",
    "Run",
    "Scope",
    "Targets",
    "Due",
    "active_campaign",
    "campaign_words",
    "coverage",
    "due_today",
    "grids",
    "heads",
    "is_latest_sql",
    "natural_key",
    "revisit_due_sql",
    "revisits",
    "targets",
]

OUTCOME_COLUMNS = ("done", "nobody_home", "refused", "moved_away", "in_progress")
COVERAGE_KEYS = ("total", *OUTCOME_COLUMNS, "revisit_due", "not_visited")
"""Per grid: targets, how many the latest visit left in each outcome, revisits due, untouched.
total = done + nobody_home + refused + moved_away + in_progress + not_visited."""

ACTIVE_CAMPAIGN_KEY = "active_campaign"
"""This laptop's chosen campaign, in the local meta table (it does not sync)."""

Run = Callable[[str, Any], Sequence[tuple[Any, ...]]]


def natural_key(code: str) -> list[int | str]:
    """Sort G2 before G10 (and 凤凰大道29号 before 凤凰大道284号)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


# -- scope ---------------------------------------------------------------------------------------------


class Scope(NamedTuple):
    """Which targets a campaign calls on; each part given narrows them, an empty one does not.

    ``ages`` is ``(low, high)``: a present resident at least ``low`` and under ``high`` years
    old (from the birth date the ID number carries), so ``(0, 16)`` is "a child under 16".
    """

    grids: tuple[str, ...] = ()  # grid ids
    buildings: tuple[str, ...] = ()  # building ids
    registers: tuple[str, ...] = ()  # register kind keys: on the household or one of its residents
    ages: tuple[int, int] | None = None
    business_kinds: tuple[str, ...] = ()
    households: tuple[str, ...] = ()  # household ids (campaigns made before scopes by age)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Scope:
        data = data or {}
        ages = data.get("ages")
        return cls(
            grids=tuple(data.get("grids") or ()),
            buildings=tuple(data.get("buildings") or ()),
            registers=tuple(data.get("registers") or ()),
            ages=(int(ages[0]), int(ages[1])) if ages else None,
            business_kinds=tuple(data.get("business_kinds") or ()),
            households=tuple(data.get("households") or ()),
        )

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            k: list(getattr(self, k))
            for k in ("grids", "buildings", "registers", "business_kinds", "households")
            if getattr(self, k)
        }
        if self.ages is not None:
            found["ages"] = list(self.ages)
        return found

    def check(self, target: str) -> None:
        """A household campaign has no business kinds, a shop campaign no buildings, registers or ages."""
        if target == "business":
            for name in ("buildings", "registers", "households"):
                if getattr(self, name):
                    raise ValidationError(name, "campaigns.scope_not_for_shops")
            if self.ages is not None:
                raise ValidationError("ages", "campaigns.scope_not_for_shops")
        elif self.business_kinds:
            raise ValidationError("business_kinds", "campaigns.scope_not_for_households")
        if self.ages is not None and not 0 <= self.ages[0] < self.ages[1] <= 150:
            raise ValidationError("ages", "campaigns.bad_ages", ages=f"{self.ages[0]}-{self.ages[1]}")


# -- targets, latest visits, revisits due ------------------------------------------------------------


def revisit_due_sql(alias: str) -> str:
    """The rule, on a visit row ``alias`` that is a target's latest: nobody was home and the
    revisit date has come (``:today``) or was never set."""
    return f"({alias}.outcome = 'nobody_home' AND ({alias}.revisit_due IS NULL OR {alias}.revisit_due <= :today))"


LATEST = {
    target: (
        f"SELECT {target}_id AS target, outcome, revisit_due, MAX(visited_at) AS visited_at FROM visit "
        f"WHERE campaign_id = :campaign AND deleted = 0 AND {target}_id IS NOT NULL GROUP BY {target}_id"
    )
    for target in ("household", "business")
}
"""A campaign's latest visit per target (SQLite's bare-column MAX(): the other columns come from
the row holding the latest time), through the (campaign, target, visited_at) index."""

LATEST_ON_SERVER = {
    target: (
        f"SELECT DISTINCT ON ({target}_id) {target}_id AS target, outcome, revisit_due, visited_at FROM visit "
        f"WHERE campaign_id = :campaign AND deleted = 0 AND {target}_id IS NOT NULL ORDER BY {target}_id, visited_at DESC"
    )
    for target in ("household", "business")
}
"""The same on a street office's hub (PostgreSQL has no bare columns; see gridtui.core.dialect)."""


def latest(target: str, server: bool = False) -> str:
    """:data:`LATEST`, or on a hub :data:`LATEST_ON_SERVER`."""
    return (LATEST_ON_SERVER if server else LATEST)[target]


def is_latest_sql(alias: str, target: str) -> str:
    """The same rule as :data:`LATEST`, on one visit row: no later visit of its target in its
    campaign (the few nobody-home visits are tested this way, not every target grouped)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM visit w WHERE w.campaign_id = {alias}.campaign_id AND "
        f"w.{target}_id = {alias}.{target}_id AND w.deleted = 0 AND w.visited_at > {alias}.visited_at)"
    )


def _in(values: list[str] | tuple[str, ...], prefix: str, params: dict[str, Any]) -> str:
    names = {f"{prefix}{i}": value for i, value in enumerate(values)}
    params.update(names)
    return ", ".join(f":{name}" for name in names)


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class Targets(NamedTuple):
    """A campaign's targets as SQL: the target's table aliased ``t`` (``table``), the tables it
    needs joined after it (``joins``), the condition (``where``) and its parameters; ``grid``
    is the column holding the target's grid id."""

    table: str
    joins: str
    where: str
    params: dict[str, Any]
    grid: str
    target: str

    @property
    def sql(self) -> str:
        """``FROM ... WHERE ...``"""
        return f"FROM {self.table} {self.joins} WHERE {self.where}"


def targets(
    info: Any, *, grid_id: str | None = None, building_id: str | None = None, today: date | None = None
) -> Targets:
    """``FROM ... WHERE ...`` of the campaign's targets, aliased ``t`` (the grid's id is
    ``grid_id``): live households in live buildings that are active or that the campaign has
    visited (a household found moved away stays counted as such), or live shops; narrowed by
    the scope and, for a walk list, to a grid or building. Parameters ``:campaign`` and
    ``:today`` are set."""
    today = today or date.today()
    params: dict[str, Any] = {"campaign": info.id, "today": today.isoformat()}
    scope = Scope.from_json(info.scope)
    where = ["t.deleted = 0"]
    if info.target == "business":
        table, joins, grid = "business t", "", "t.grid_id"
    else:
        table, joins, grid = "household t", "JOIN building b ON b.id = t.building_id", "b.grid_id"
        where += [
            "b.deleted = 0",
            "(t.status = 'active' OR EXISTS (SELECT 1 FROM visit w WHERE w.campaign_id = "
            ":campaign AND w.household_id = t.id AND w.deleted = 0))",
        ]
    if grid_id is not None:
        where.append(f"{grid} = :grid")
        params["grid"] = grid_id
    if building_id is not None and info.target != "business":
        where.append("t.building_id = :building")
        params["building"] = building_id
    if scope.grids:
        where.append(f"{grid} IN ({_in(scope.grids, 'sg', params)})")
    if scope.buildings:
        where.append(f"t.building_id IN ({_in(scope.buildings, 'sb', params)})")
    if scope.households:
        where.append(f"t.id IN ({_in(scope.households, 'sh', params)})")
    if scope.business_kinds:
        where.append(f"t.kind IN ({_in(scope.business_kinds, 'sk', params)})")
    if scope.registers:
        kinds = _in(scope.registers, "sr", params)
        where.append(
            "t.id IN (SELECT e.household_id FROM register_entry e WHERE e.deleted = 0 AND e.household_id IS NOT NULL "
            f"AND e.kind_id IN ({kinds}) AND (e.until IS NULL OR e.until >= :today) "
            "UNION SELECT r.household_id FROM register_entry e JOIN resident r ON r.id = e.resident_id "
            f"WHERE e.deleted = 0 AND r.deleted = 0 AND r.status = 'present' AND e.kind_id IN ({kinds}) "
            "AND (e.until IS NULL OR e.until >= :today))"
        )
    if scope.ages is not None:
        low, high = scope.ages
        params["born_by"], params["born_after"] = (
            _years_ago(today, low).isoformat(),
            _years_ago(today, high).isoformat(),
        )
        where.append(
            "t.id IN (SELECT household_id FROM resident WHERE deleted = 0 AND status = 'present' "
            "AND birth_date <= :born_by AND birth_date > :born_after)"
        )
    return Targets(table, joins, " AND ".join(where), params, grid, info.target)


def _scope(info: Any) -> dict[str, Any]:
    scope = info.scope if not isinstance(info, dict) else info.get("scope")
    return json.loads(scope) if isinstance(scope, str) else (scope or {})


def coverage(
    run: Run, info: Any, today: date | None = None, community: str | None = None, server: bool = False
) -> list[GridFigures]:
    """Visit coverage of one campaign (anything with ``id``, ``target``, ``scope``) per grid, in
    grid-code order. Two indexed queries: the targets per grid, and the latest visits of those
    targets per grid (read from the visit index alone). Targets outside any live grid come last,
    with ``grid`` None. Each row names its grid's ``community``; ``community``: only that
    community's grids (a street office's hub holds several; ``server``: it is PostgreSQL)."""
    found = targets(info, today=today)
    params, only = dict(found.params), ""
    if community is not None:
        params["hub_community"] = community
        only = f" AND {found.grid} IN (SELECT id FROM grid WHERE community_id = :hub_community)"
    totals = run(f"SELECT {found.grid}, COUNT(*) {found.sql}{only} GROUP BY {found.grid}", params)
    outcomes = ", ".join(f"COUNT(CASE WHEN l.outcome = '{o}' THEN 1 END)" for o in OUTCOME_COLUMNS)
    visited = run(
        f"WITH latest AS ({(LATEST_ON_SERVER if server else LATEST)[found.target]}) SELECT {found.grid}, {outcomes}, "
        f"COUNT(CASE WHEN {revisit_due_sql('l')} THEN 1 END), "
        f"COUNT(*) FROM latest l JOIN {found.table} ON t.id = l.target {found.joins} WHERE {found.where}{only} "
        f"GROUP BY {found.grid}",
        params,
    )
    names = {
        gid: (code, name, held)
        for gid, code, name, held in run("SELECT id, code, name, community_id FROM grid WHERE deleted = 0", {})
    }
    by_grid: dict[Any, dict[str, Any]] = {}
    for gid, total in totals:
        code, name, held = names.get(gid, (None, "", None))
        row = by_grid.setdefault(
            (held, code),
            {
                "grid": code,
                "grid_name": name,
                "total": 0,
                **dict.fromkeys(OUTCOME_COLUMNS, 0),
                "revisit_due": 0,
                "not_visited": 0,
                "community": held,
            },
        )
        row["total"] += total
        row["not_visited"] += total
    for gid, *figures in visited:
        code, _name, held = names.get(gid, (None, "", None))
        row = by_grid[(held, code)]
        *outcome_counts, due, count = (int(f or 0) for f in figures)
        for key, value in zip(OUTCOME_COLUMNS, outcome_counts, strict=True):
            row[key] += value
        row["revisit_due"] += due
        row["not_visited"] -= count
    rows = sorted(
        by_grid.values(), key=lambda r: (r["grid"] is None, r["community"] or "", natural_key(r["grid"] or ""))
    )
    return [GridFigures(**row) for row in rows]


# -- the campaigns, as home reads them (named tuples, not dataclasses: importing dataclasses costs
# ~10 ms, paid by the read home starts beside Textual's own imports) -------------------------------------------------------------


class GridFigures(NamedTuple):
    """One grid's coverage by a campaign (:data:`COVERAGE_KEYS`); ``community``: the grid's, on a
    street office's hub of several."""

    grid: str | None
    grid_name: str
    total: int
    done: int
    nobody_home: int
    refused: int
    moved_away: int
    in_progress: int
    revisit_due: int
    not_visited: int
    community: str | None

    def figures(self) -> tuple[int, ...]:
        """The counts in :data:`COVERAGE_KEYS` order."""
        return (
            self.total,
            self.done,
            self.nobody_home,
            self.refused,
            self.moved_away,
            self.in_progress,
            self.revisit_due,
            self.not_visited,
        )

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class CampaignWords(NamedTuple):
    """What a campaign is to these rules: its id, target and scope, and its names."""

    id: str
    target: str
    scope: dict[str, Any]
    name: str
    name_en: str


def campaign_words(run: Run, campaign_id: str) -> CampaignWords | None:
    rows = run(
        "SELECT id, target, scope, name, name_en FROM campaign WHERE id = :id AND deleted = 0", {"id": campaign_id}
    )
    if not rows:
        return None
    cid, target, scope, name, name_en = rows[0]
    return CampaignWords(cid, target, json.loads(scope or "{}"), name, name_en)


def active_campaign(run: Run) -> str | None:
    """This laptop's chosen campaign, else the newest active household campaign."""
    chosen = run("SELECT value FROM meta WHERE key = :key", {"key": ACTIVE_CAMPAIGN_KEY})
    if chosen and run("SELECT 1 FROM campaign WHERE id = :id AND deleted = 0", {"id": chosen[0][0]}):
        return str(chosen[0][0])
    newest = run(
        "SELECT id FROM campaign WHERE deleted = 0 AND active = 1 AND target = 'household' "
        "ORDER BY starts DESC, id DESC LIMIT 1",
        {},
    )
    return str(newest[0][0]) if newest else None


def _active(run: Run, target: str) -> list[CampaignWords]:
    rows = run(
        "SELECT id, target, scope, name, name_en FROM campaign WHERE deleted = 0 AND active = 1 "
        "AND target = :target ORDER BY id",
        {"target": target},
    )
    return [CampaignWords(r[0], r[1], json.loads(r[2] or "{}"), r[3], r[4]) for r in rows]


def held_grids(run: Run, configured: Sequence[str] | None = None) -> list[str]:
    """The grids this laptop holds: the ``my_grids`` setting when there is one, else the codes of
    the grids given to this laptop (``grid worker``); empty means every grid (the office)."""
    if configured:
        return list(configured)
    return [
        code
        for (code,) in run(
            "SELECT g.code FROM grid g JOIN device d ON d.id = g.worker_device AND d.is_self = 1 WHERE g.deleted = 0",
            {},
        )
    ]


def grids(run: Run, mine: Sequence[str] | None = None) -> list[tuple[str, str, str, str]]:
    """(id, code, name, worker) of each grid in code order; ``mine`` (codes or names) narrows them."""
    rows = run("SELECT id, code, name, worker_name FROM grid WHERE deleted = 0", {})
    if mine:
        wanted = {m.strip() for m in mine}
        rows = [r for r in rows if r[1] in wanted or r[2] in wanted]
    return sorted(rows, key=lambda r: (natural_key(r[1]), r[0]))


def revisits(
    run: Run, target: str, *, today: date | None = None, grid_ids: Sequence[str] | None = None, limit: int = -1
) -> list[tuple[str, str | None, str, CampaignWords]]:
    """(target id, revisit date, latest visit time, campaign) of every target of an active
    campaign whose revisit is due, oldest date first (none at all first of all), then in walking
    (households) or street (shops) order; one per campaign and target."""
    if grid_ids is not None and not grid_ids:
        return []  # a worker's grids that match nothing show nothing, not everything
    found: list[tuple[Any, ...]] = []
    for info in _active(run, target):
        scope = targets(info, today=today)
        params = {**scope.params, "limit": int(limit)}
        where = scope.where
        if grid_ids is not None:
            where += f" AND {scope.grid} IN ({_in(list(grid_ids), 'mine', params)})"
        order = "b.walk_order, b.id, t.unit, t.floor, t.door" if target == "household" else "t.address, t.id"
        found += [
            (*row, info)
            for row in run(
                f"SELECT t.id, v.revisit_due, v.visited_at, {order} FROM visit v JOIN {scope.table} ON t.id = v.{target}_id "
                f"{scope.joins} WHERE v.campaign_id = :campaign AND v.{target}_id IS NOT NULL AND v.deleted = 0 "
                f"AND {revisit_due_sql('v')} "
                f"AND {is_latest_sql('v', target)} AND {where} "
                f"ORDER BY v.revisit_due IS NOT NULL, v.revisit_due, {order} LIMIT :limit",
                params,
            )
        ]
    found.sort(key=lambda r: (r[1] is not None, r[1] or "", *(_sortable(v) for v in r[3:-1]), r[-1].id))
    if limit >= 0:
        found = found[:limit]
    return [(r[0], r[1], r[2], r[-1]) for r in found]


def _sortable(value: Any) -> Any:
    return natural_key(value) if isinstance(value, str) else (value if value is not None else 0)


def heads(run: Run, ids: Sequence[str]) -> dict[str, tuple[str, int]]:
    """household id -> (head's name, residents present); the head, else the eldest, names it."""
    if not ids:
        return {}
    params: dict[str, Any] = {}
    marks = _in(list(ids), "h", params)
    found: dict[str, tuple[str, int]] = {}
    for hid, name in run(
        f"SELECT household_id, name FROM resident WHERE household_id IN ({marks}) AND deleted = 0 "
        "AND status = 'present' ORDER BY household_id, is_head DESC, birth_date IS NULL, birth_date, id",
        params,
    ):
        head, size = found.get(hid, (name, 0))
        found[hid] = (head, size + 1)
    return found


class Due(NamedTuple):
    """A door or a shop to call on again today, as home lists it."""

    household_id: str | None
    address: str  # a shop: its name
    head_name: str  # a shop: its owner
    revisit_due: date | None
    business_id: str | None = None


def due_today(
    run: Run, *, today: date | None = None, grid_ids: Sequence[str] | None = None, limit: int = 8
) -> list[Due]:
    """Home's revisits due: doors and shops together, oldest revisit date first (none at all
    first of all)."""
    doors = revisits(run, "household", today=today, grid_ids=grid_ids, limit=limit)
    shops = revisits(run, "business", today=today, grid_ids=grid_ids, limit=limit)
    found: list[Due] = []
    if doors:
        params: dict[str, Any] = {}
        marks = _in([d[0] for d in doors], "d", params)
        places: dict[str, str] = dict(run(f"SELECT id, address FROM household WHERE id IN ({marks})", params))
        people = heads(run, [d[0] for d in doors])
        found += [Due(hid, places.get(hid, ""), people.get(hid, ("", 0))[0], _day(due)) for hid, due, _at, _c in doors]
    if shops:
        params = {}
        marks = _in([s[0] for s in shops], "s", params)
        names = {
            bid: (name, owner)
            for bid, name, owner in run(f"SELECT id, name, owner_name FROM business WHERE id IN ({marks})", params)
        }
        found += [Due(None, *names.get(bid, ("", "")), _day(due), bid) for bid, due, _at, _c in shops]
    found.sort(key=lambda r: (r.revisit_due is not None, r.revisit_due or date.min))
    return found[:limit] if limit >= 0 else found


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
