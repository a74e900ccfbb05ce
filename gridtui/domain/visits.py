"""Visits and campaigns: how far a campaign has got, grid by grid.

A household's (or business's) state in a campaign is the outcome of its latest visit there: a
visit is appended, never rewritten, so "where do we stand" is always "what did the last call
find". The coverage query does that in SQL (:func:`gridtui.core.dialect.latest_query`: SQLite's
bare-column ``MAX()``, PostgreSQL's ``DISTINCT ON``), grouped per grid, so the home screen can
ask it on every refresh over thousands of households.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from peewee import JOIN, Case, fn

from gridtui.core import catalogs, dialect, store, validate
from gridtui.core.db import meta_get, meta_set
from gridtui.core.ids import stable_id, uuid7
from gridtui.core.models import (
    Answer,
    Building,
    Business,
    Campaign,
    Compound,
    Grid,
    Household,
    RegisterEntry,
    Resident,
    Visit,
    database,
    live,
    live_row,
)
from gridtui.core.validate import one_of
from gridtui.errors import GridError, ValidationError
from gridtui.i18n import pick, t

OUTCOME_COLUMNS = ("done", "nobody_home", "refused", "moved_away", "in_progress")
COVERAGE_KEYS = ("total", *OUTCOME_COLUMNS, "revisit_due", "not_visited")
"""Per grid: targets, how many the latest visit left in each outcome, revisits due, untouched.
total = done + nobody_home + refused + moved_away + in_progress + not_visited."""


def coverage(campaign_id: str, today: date | None = None, community: str | None = None) -> list[dict[str, Any]]:
    """Visit coverage of one campaign per grid, in grid-code order (read-only, one query); on a
    hub, per community and grid (``community``: only that community's targets).

    Targets are the campaign's households (active, in a live building) or businesses, narrowed
    by its scope, whose keys combine: ``"grids"`` (grid ids), ``"households"`` (household ids),
    ``"registers"`` (register kind keys: households on one, directly or through a resident),
    ``"business_kinds"``; ``{}`` means all. A nobody-home outcome counts as a revisit due when
    its date has come or was never set (so no household drops off the list). Targets outside
    any grid come last, with ``grid`` None.
    """
    campaign = _get_campaign(campaign_id)
    today_text = (today or date.today()).isoformat()
    scope = campaign.scope or {}
    community = community or campaign_community(campaign)
    by_household = campaign.target != "business"
    target = Household if by_household else Business
    visit_target = Visit.household if by_household else Visit.business

    latest = dialect.latest_query(
        Visit, visit_target, [Visit.outcome, Visit.revisit_due], Visit.visited_at,
        (Visit.campaign == campaign_id) & (Visit.deleted == False) & visit_target.is_null(False),  # noqa: E712
    ).alias("latest")
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
            Household.select(Compound.community.alias("community"), *columns)
            .join(Building, on=(Household.building == Building.id))
            .join(Compound, on=(Building.compound == Compound.id))
            .switch(Building)
            .join(Grid, JOIN.LEFT_OUTER, on=((Building.grid == Grid.id) & (Grid.deleted == False)))  # noqa: E712
            .switch(Household)
            .where(
                (Household.deleted == False) & (Household.status == "active") & (Building.deleted == False)  # noqa: E712
            )
        )
        if community is not None:
            query = query.where(Compound.community == community)
        grouping = [Compound.community, Grid.id]
        if scope.get("grids"):
            query = query.where(Building.grid.in_(scope["grids"]))
        if scope.get("households"):
            query = query.where(Household.id.in_(scope["households"]))
        if scope.get("registers"):
            query = query.where(Household.id.in_(_households_on_registers(scope["registers"])))
    else:
        query = (
            Business.select(Grid.community.alias("community"), *columns)
            .join(Grid, JOIN.LEFT_OUTER, on=((Business.grid == Grid.id) & (Grid.deleted == False)))  # noqa: E712
            .switch(Business)
            .where(Business.deleted == False)  # noqa: E712
        )
        if community is not None:
            query = query.where(Grid.community == community)
        grouping = [Grid.id]
        if scope.get("grids"):
            query = query.where(Business.grid.in_(scope["grids"]))
        if scope.get("business_kinds"):
            query = query.where(Business.kind.in_(scope["business_kinds"]))
    query = query.join(latest, JOIN.LEFT_OUTER, on=(latest.c.target_id == target.id)).group_by(*grouping)

    rows = []
    for row in query.dicts():
        row["not_visited"] = row["total"] - row.pop("visited")
        rows.append({"grid": row["grid"], "grid_name": row["grid_name"] or "", **{k: row[k] for k in COVERAGE_KEYS},
                     "community": row["community"]})
    rows.sort(key=lambda r: (r["grid"] is None, r["community"] or "", natural_key(r["grid"] or "")))
    return rows


def campaign_community(campaign: Campaign) -> str | None:
    """On a street office's hub, the community whose office made a campaign: its targets are
    that community's, not the street's. None: made at the hub (a district-wide campaign, every
    community's targets), or below the hub, where there is one community."""
    from gridtui.core.models import DeviceCommunity

    mapped = DeviceCommunity.get_or_none(DeviceCommunity.device == campaign.origin)
    return mapped.community or None if mapped is not None else None


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


def natural_key(code: str) -> list:
    """Sort G2 before G10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]

# ---------------------------------------------------------------------------------------------
# The walk: campaigns, grids, buildings, the walk list and one visit's checklist
# ---------------------------------------------------------------------------------------------
#
# Rows handed to screens are small frozen dataclasses: cheap to build for a page of 100, safe
# to pass from a worker thread to the UI thread.

STATUSES = ("not_visited", "in_progress", "done", "nobody_home", "refused", "moved_away")
"""A household's status in a campaign: the latest visit's outcome, or not_visited."""

FLAGS = ("elderly_alone", "disabled", "hardship", "party", "open_needs")
"""Flags shown on a walk-list row (register kinds carry the first four as ``RegisterKind.flag``)."""

FILTERS = ("not_visited", "revisit_due", "flagged")
FINAL_OUTCOMES = ("done", "nobody_home", "refused", "moved_away")

TARGETS = {"household": Household, "business": Business}
"""A campaign's target -> the table its visits call on (the Visit field has the same name)."""


@dataclass(frozen=True)
class CampaignInfo:
    id: str
    name: str
    name_en: str
    template: str
    target: str  # household | business
    starts: date
    ends: date | None
    active: bool
    scope: dict = field(default_factory=dict, compare=False)  # see coverage()

    @property
    def label(self) -> str:
        return pick(self.name, self.name_en)


@dataclass(frozen=True)
class GridInfo:
    id: str
    code: str
    name: str
    worker_name: str


@dataclass(frozen=True)
class BuildingInfo:
    id: str
    compound: str
    number: str
    households: int


@dataclass(frozen=True)
class WalkRow:
    """One household on the walk list, with its state in the campaign."""

    household_id: str
    address: str
    addr_key: str
    head_name: str
    size: int  # residents present
    status: str  # one of STATUSES
    revisit_due: date | None
    flags: frozenset[str]
    visited_at: datetime | None = None  # of the latest visit


@dataclass(frozen=True)
class RevisitRow(WalkRow):
    """A household to call on again (nobody was home), and in which campaign."""

    campaign_id: str = ""
    campaign_name: str = ""
    grid_code: str = ""


@dataclass(frozen=True)
class ItemInfo:
    """One checklist item; ``spec`` holds choices, unit, min/max, integer, max_length."""

    id: str  # "<template>:<key>"
    key: str
    zh: str
    en: str
    type: str  # yesno | choice | multi | number | text | date
    required: bool
    spec: dict

    @property
    def text(self) -> str:
        return pick(self.zh, self.en)


class AnswerError(ValidationError):
    """A bad or missing answer. ``field`` is the item id (the screen puts the cursor there);
    the message names the item in the reader's language."""

    def __init__(self, item: ItemInfo, key: str, **params: object) -> None:
        super().__init__(item.id, key, **params)
        self.item = item

    def message(self, lang: str | None = None) -> str:
        label = pick(self.item.zh, self.item.en, lang)
        return t(self.key, lang=lang, **{**self.params, "field": label, "item": label})


@dataclass(frozen=True)
class VisitState:
    """Where one visit stands; ``saved`` is False while nothing has been written for it yet."""

    id: str
    campaign_id: str
    household_id: str
    outcome: str
    revisit_due: date | None
    note: str
    saved: bool
    business_id: str = ""  # in a business campaign, instead of household_id


@dataclass(frozen=True)
class AnswerLine:
    item_id: str
    item_zh: str
    item_en: str
    value: Any
    display: str  # the value in the current language, with choice labels and units

    @property
    def item(self) -> str:
        return pick(self.item_zh, self.item_en)


@dataclass(frozen=True)
class VisitInfo:
    """One past visit of a household, for the household's history."""

    id: str
    campaign_id: str
    campaign_name: str
    campaign_name_en: str
    visited_at: datetime
    outcome: str
    revisit_due: date | None
    worker: str
    note: str
    answers: tuple[AnswerLine, ...]

    @property
    def campaign(self) -> str:
        return pick(self.campaign_name, self.campaign_name_en)



def _campaign_info(c: Campaign) -> CampaignInfo:
    return CampaignInfo(
        id=c.id, name=c.name, name_en=c.name_en, template=c.template_id, target=c.target,
        starts=c.starts, ends=c.ends, active=c.active, scope=c.scope or {},
    )


def campaigns(active_only: bool = False) -> list[CampaignInfo]:
    """Campaigns, active ones first, newest first."""
    query = Campaign.select().where(live(Campaign))
    if active_only:
        query = query.where(Campaign.active == True)  # noqa: E712
    rows = query.order_by(Campaign.active.desc(), Campaign.starts.desc(), Campaign.name, Campaign.id)
    return [_campaign_info(c) for c in rows]


def campaign(campaign_id: str) -> CampaignInfo:
    return _campaign_info(_get_campaign(campaign_id))


def _get_campaign(campaign_id: str) -> Campaign:
    return live_row(Campaign, campaign_id)


def active_campaign_id() -> str | None:
    """This laptop's chosen campaign, else the newest active household campaign.

    The choice is local (the meta table does not sync): each worker picks their own.
    """
    chosen = meta_get(ACTIVE_CAMPAIGN_KEY)
    if chosen and Campaign.select().where((Campaign.id == chosen) & live(Campaign)).exists():
        return chosen
    newest = (
        Campaign.select(Campaign.id)
        .where(live(Campaign) & (Campaign.active == True) & (Campaign.target == "household"))  # noqa: E712
        .order_by(Campaign.starts.desc(), Campaign.id.desc())
        .first()
    )
    return newest.id if newest else None


def set_active_campaign(campaign_id: str) -> None:
    _get_campaign(campaign_id)
    meta_set(ACTIVE_CAMPAIGN_KEY, campaign_id)


ACTIVE_CAMPAIGN_KEY = "active_campaign"


def grids(mine: list[str] | None = None) -> list[GridInfo]:
    """Grids in code order; ``mine`` (codes or names, from Settings.my_grids) narrows them."""
    rows = [
        GridInfo(id=g.id, code=g.code, name=g.name, worker_name=g.worker_name)
        for g in Grid.select().where(live(Grid))
    ]
    if mine:
        wanted = {m.strip() for m in mine}
        rows = [g for g in rows if g.code in wanted or g.name in wanted]
    return sorted(rows, key=lambda g: (natural_key(g.code), g.id))


def buildings(grid_id: str) -> list[BuildingInfo]:
    """A grid's buildings in walk order, with their (live) household counts."""
    count = fn.COUNT(Household.id)
    query = (
        Building.select(Building.id, Building.number, Compound.name.alias("compound"), count.alias("n"))
        .join(Compound, on=(Building.compound == Compound.id))
        .switch(Building)
        .join(Household, JOIN.LEFT_OUTER, on=((Household.building == Building.id) & live(Household)))
        .where((Building.grid == grid_id) & live(Building))
        .group_by(Building.id)
        .order_by(Building.walk_order, Building.id)
    )
    return [BuildingInfo(id=r["id"], compound=r["compound"], number=r["number"], households=r["n"])
            for r in query.dicts()]


# -- the walk list ------------------------------------------------------------------------------
#
# Raw SQL for reading (writes all go through the store), in two steps: the page's household ids
# in walking order, with per-row EXISTS tests through the (campaign, household, visited_at)
# index only where a filter needs them; then the latest visits and the flags of those (at most
# ``limit``) households only. A page costs about the same whatever the grid's size.

_VISITS_HERE = "FROM visit w WHERE w.campaign_id = :campaign AND w.household_id = h.id AND w.deleted = 0"
_VISITED = f"EXISTS (SELECT 1 {_VISITS_HERE})"
_REVISIT_DUE = (
    f"EXISTS (SELECT 1 {_VISITS_HERE} AND w.outcome = 'nobody_home') "  # cheap test first
    "AND (SELECT w.outcome = 'nobody_home' AND (w.revisit_due IS NULL OR w.revisit_due <= :today) "
    f"{_VISITS_HERE} ORDER BY w.visited_at DESC LIMIT 1) = 1"
)
"""The latest visit found nobody home and its revisit date has come; as in coverage, a
nobody-home visit without a date is due too, so no household drops off the list."""

_LIVE_FLAG_ENTRY = """
    SELECT 1 FROM register_entry e JOIN register_kind k ON k.key = e.kind_id
    WHERE k.flag IS NOT NULL AND e.deleted = 0 AND (e.until IS NULL OR e.until >= :today)
"""

_FLAGGED = f"""(
    EXISTS ({_LIVE_FLAG_ENTRY} AND e.household_id = h.id)
    OR EXISTS (SELECT 1 FROM need n WHERE n.household_id = h.id AND n.deleted = 0 AND n.status != 'closed')
    OR EXISTS (
        SELECT 1 FROM resident r
        WHERE r.household_id = h.id AND r.deleted = 0 AND r.status = 'present' AND (
            r.party_member = 1
            OR EXISTS ({_LIVE_FLAG_ENTRY} AND e.resident_id = r.id)
            OR EXISTS (SELECT 1 FROM need n WHERE n.resident_id = r.id AND n.deleted = 0 AND n.status != 'closed')))
)"""


def _walk_from(campaign_id: str, grid_id: str | None, building_id: str | None, filter: str | None,
               today: date | None) -> tuple[str, dict[str, Any]] | None:
    """FROM and WHERE of the walk list, or None when the campaign does not visit households.

    The rows are the campaign's target households (active, in its scope) plus any household
    already visited in it, so a household marked moved away stays on the list where it was.
    """
    if filter is not None and filter not in FILTERS:
        raise ValidationError("filter", "validate.choice", value=filter, allowed=" / ".join(FILTERS))
    found = _get_campaign(campaign_id)
    if found.target != "household":
        return None
    params: dict[str, Any] = {"campaign": campaign_id, "today": (today or date.today()).isoformat()}
    where = ["h.deleted = 0", "b.deleted = 0", f"(h.status = 'active' OR {_VISITED})"]
    if grid_id is not None:
        where.append("b.grid_id = :grid")
        params["grid"] = grid_id
    if building_id is not None:
        where.append("h.building_id = :building")
        params["building"] = building_id
    scope = found.scope or {}
    for key, column in (("grids", "b.grid_id"), ("households", "h.id")):
        if scope.get(key):
            marks, names = _in(scope[key], key)
            params.update(names)
            where.append(f"{column} IN ({marks})")
    if scope.get("registers"):
        kinds, names = _in(scope["registers"], "reg")
        params.update(names)
        where.append(
            "h.id IN (SELECT e.household_id FROM register_entry e WHERE e.deleted = 0 "
            f"AND e.kind_id IN ({kinds}) AND e.household_id IS NOT NULL "
            "UNION SELECT r.household_id FROM register_entry e JOIN resident r ON r.id = e.resident_id "
            f"WHERE e.deleted = 0 AND r.deleted = 0 AND e.kind_id IN ({kinds}))"
        )
    if filter == "not_visited":
        where.append(f"NOT {_VISITED}")
    elif filter == "revisit_due":
        where.append(_REVISIT_DUE)
    elif filter == "flagged":
        where.append(_FLAGGED)
    return "FROM household h JOIN building b ON b.id = h.building_id WHERE " + " AND ".join(where), params


_WALK_ORDER = " ORDER BY b.walk_order, b.id, h.unit, h.floor, h.door, h.id"


def walk_count(campaign_id: str, *, grid_id: str | None = None, building_id: str | None = None,
               filter: str | None = None, today: date | None = None) -> int:
    """How many households the walk list (with this filter) holds."""
    found = _walk_from(campaign_id, grid_id, building_id, filter, today)
    if found is None:
        return 0
    sql, params = found
    return database.execute_sql("SELECT COUNT(*) " + sql, params).fetchone()[0]


def walk_page(campaign_id: str, *, grid_id: str | None = None, building_id: str | None = None,
              filter: str | None = None, offset: int = 0, limit: int = 100,
              today: date | None = None) -> list[WalkRow]:
    """One page of the walk list in walking order (building, unit, floor, door).

    ``filter``: None, "not_visited", "revisit_due" (nobody home and the revisit date has come)
    or "flagged" (any flag). A business campaign has no walk list (an empty page).
    """
    found = _walk_from(campaign_id, grid_id, building_id, filter, today)
    if found is None:
        return []
    sql, params = found
    params.update(limit=max(0, int(limit)), offset=max(0, int(offset)))
    rows = database.execute_sql(
        "SELECT h.id, h.address, h.addr_key " + sql + _WALK_ORDER + " LIMIT :limit OFFSET :offset", params,
    ).fetchall()
    latest = latest_visits(campaign_id, [r[0] for r in rows])
    return _walk_rows([(*r, *latest.get(r[0], (None, None, None))) for r in rows], WalkRow, today)


def walk_ids(campaign_id: str, *, grid_id: str | None = None, building_id: str | None = None,
                  filter: str | None = None, today: date | None = None) -> list[str]:
    """The whole walk list's household ids, in order (for next / previous household)."""
    found = _walk_from(campaign_id, grid_id, building_id, filter, today)
    if found is None:
        return []
    sql, params = found
    return [r[0] for r in database.execute_sql("SELECT h.id " + sql + _WALK_ORDER, params)]


def latest_visits(campaign_id: str, ids: list[str], target: str = "household") -> dict[str, tuple[str, str | None, str]]:
    """household (or business) id -> (outcome, revisit_due, visited_at) of its latest visit in the campaign.

    The other columns come from the latest row (:func:`gridtui.core.dialect.latest_sql`), as in coverage.
    """
    if not ids:
        return {}
    column = f"{one_of('target', target, tuple(TARGETS))}_id"
    marks, params = _in(ids)
    params["campaign"] = campaign_id
    return {
        tid: (outcome, due, at)
        for tid, outcome, due, at in database.execute_sql(
            dialect.latest_sql(column, "outcome, revisit_due", "visited_at",
                               f"FROM visit WHERE campaign_id = :campaign AND deleted = 0 AND {column} IN ({marks})"),
            params,
        )
    }


def _walk_rows(rows: list[tuple], row_type: type[WalkRow], today: date | None,
               extra: list[dict] | None = None) -> list[WalkRow]:
    """Build rows from (id, address, addr_key, outcome, revisit_due, visited_at) tuples."""
    ids = [r[0] for r in rows]
    people = household_heads(ids)
    flags = _flags_of(ids, today)
    made = []
    for i, (hid, address, addr_key, outcome, due, at) in enumerate(rows):
        head, size = people.get(hid, ("", 0))
        made.append(row_type(
            household_id=hid, address=address, addr_key=addr_key, head_name=head, size=size,
            status=outcome or "not_visited",
            revisit_due=date.fromisoformat(due) if due else None,
            flags=frozenset(flags.get(hid, ())),
            visited_at=datetime.fromisoformat(at) if at else None,
            **(extra[i] if extra else {}),
        ))
    return made


def _in(ids: list[str], prefix: str = "id") -> tuple[str, dict[str, str]]:
    """Named placeholders for an IN list: (":id0, :id1", {"id0": ..., "id1": ...})."""
    params = {f"{prefix}{i}": value for i, value in enumerate(ids)}
    return ", ".join(f":{name}" for name in params), params


def household_heads(ids: list[str]) -> dict[str, tuple[str, int]]:
    """household id -> (head's name, residents present); the head, else the eldest, names it."""
    if not ids:
        return {}
    marks, params = _in(ids)
    found: dict[str, tuple[str, int]] = {}
    for hid, name in database.execute_sql(
        f"SELECT household_id, name FROM resident WHERE household_id IN ({marks}) AND deleted = 0 "
        "AND status = 'present' ORDER BY household_id, is_head DESC, birth_date IS NULL, birth_date, id",
        params,
    ):
        head, size = found.get(hid, (name, 0))
        found[hid] = (head, size + 1)
    return found


def _flags_of(ids: list[str], today: date | None) -> dict[str, set[str]]:
    """household id -> its flags, from its own and its present residents' records (3 queries)."""
    if not ids:
        return {}
    marks, params = _in(ids)
    params["today"] = (today or date.today()).isoformat()
    present = f"FROM resident WHERE household_id IN ({marks}) AND deleted = 0 AND status = 'present'"
    residents = f"SELECT id {present}"
    flags: dict[str, set[str]] = {}
    for hid, flag in database.execute_sql(
        "SELECT COALESCE(e.household_id, r.household_id), k.flag FROM register_entry e "
        "JOIN register_kind k ON k.key = e.kind_id LEFT JOIN resident r ON r.id = e.resident_id "
        "WHERE k.flag IS NOT NULL AND e.deleted = 0 AND (e.until IS NULL OR e.until >= :today) "
        f"AND (e.household_id IN ({marks}) OR e.resident_id IN ({residents}))",
        params,
    ):
        flags.setdefault(hid, set()).add(flag)
    for (hid,) in database.execute_sql(f"SELECT household_id {present} AND party_member = 1", params):
        flags.setdefault(hid, set()).add("party")
    for (hid,) in database.execute_sql(
        "SELECT COALESCE(n.household_id, r.household_id) FROM need n LEFT JOIN resident r ON r.id = n.resident_id "
        f"WHERE n.deleted = 0 AND n.status != 'closed' AND (n.household_id IN ({marks}) OR n.resident_id IN ({residents}))",
        params,
    ):
        flags.setdefault(hid, set()).add("open_needs")
    return flags


def revisits_due(today: date | None = None, grid_ids: list[str] | None = None,
                 limit: int = -1) -> list[RevisitRow]:
    """Households where nobody was home and the revisit date has come, in active campaigns.

    Ordered by revisit date (oldest first), then walking order; one row per (campaign,
    household); ``limit`` caps the rows (-1: all).
    """
    params: dict[str, Any] = {"today": (today or date.today()).isoformat(), "limit": int(limit)}
    where = ""
    if grid_ids is not None:  # a worker's grids that match nothing show nothing, not everything
        if not grid_ids:
            return []
        marks, ids = _in(list(grid_ids), "grid")
        params.update(ids)
        where = f" AND b.grid_id IN ({marks})"
    rows = database.execute_sql(
        "SELECT h.id, h.address, h.addr_key, v.outcome, v.revisit_due, v.visited_at, "
        "c.id, c.name, c.name_en, COALESCE(g.code, '') "
        "FROM visit v JOIN campaign c ON c.id = v.campaign_id "
        "JOIN household h ON h.id = v.household_id JOIN building b ON b.id = h.building_id "
        "LEFT JOIN grid g ON g.id = b.grid_id AND g.deleted = 0 "
        "WHERE c.deleted = 0 AND c.active = 1 AND c.target = 'household' AND v.deleted = 0 "
        "AND h.deleted = 0 AND b.deleted = 0 AND v.outcome = 'nobody_home' "
        "AND (v.revisit_due IS NULL OR v.revisit_due <= :today)" + where + " "
        "AND NOT EXISTS (SELECT 1 FROM visit w WHERE w.campaign_id = v.campaign_id "
        "AND w.household_id = v.household_id AND w.deleted = 0 "
        "AND (w.visited_at > v.visited_at OR (w.visited_at = v.visited_at AND w.id > v.id))) "
        "ORDER BY v.revisit_due IS NOT NULL, v.revisit_due, b.walk_order, b.id, h.unit, h.floor, h.door, c.id "
        "LIMIT :limit",
        params,
    ).fetchall()
    extra = [{"campaign_id": r[6], "campaign_name": pick(r[7], r[8]), "grid_code": r[9]} for r in rows]
    return _walk_rows([r[:6] for r in rows], RevisitRow, today, extra)  # type: ignore[return-value]


# -- one visit ------------------------------------------------------------------------------------
#
# Opening a household does not write anything: the visit row is created with the first answer
# or outcome. Paging through the walk list with ] and [ therefore leaves no half-started visits
# behind, and a household only turns "in progress" once something was actually recorded.

_pending: dict[str, tuple[str, str, str, str, datetime]] = {}
"""visit id -> (campaign, target, target id, worker, opened at) for visits opened but not yet
written; target is the campaign's, "household" or "business" (the Visit field it fills)."""
_opening = threading.Lock()

def open_visit(campaign_id: str, target_id: str, worker: str = "") -> str:
    """The visit to record this household's (or, in a business campaign, this business's) call in.

    Resumes the latest visit when it is still in progress, or when it is done (answers can be
    corrected; a done household is not reopened by merely looking at it). Otherwise (never
    visited, nobody home, refused, moved away) a new visit begins: its id is returned at once
    and its row written, with outcome "in_progress" and visited_at the time it was opened,
    together with the first answer or outcome.
    """
    target = _get_campaign(campaign_id).target
    model = TARGETS[target]
    if not model.select().where((model.id == target_id) & live(model)).exists():
        raise GridError("store.not_found", table=target, id=target_id)
    column = getattr(Visit, target)
    latest = (
        Visit.select(Visit.id, Visit.outcome)
        .where((Visit.campaign == campaign_id) & (column == target_id) & live(Visit))
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
        .first()
    )
    if latest is not None and latest.outcome in ("in_progress", "done"):
        return latest.id
    with _opening:
        for visit_id, (c, _target, opened, _w, _at) in _pending.items():
            if c == campaign_id and opened == target_id:
                return visit_id
        visit_id = uuid7()
        _pending[visit_id] = (campaign_id, target, target_id, worker, datetime.now())
        return visit_id


def _ensure_visit(visit_id: str) -> Visit:
    """The visit's row, written now if it was only opened; call inside store.transaction().

    The check runs inside the write transaction (BEGIN IMMEDIATE), so two threads answering
    the same new visit write it once. The pending entry is dropped by the caller after commit.
    """
    row = Visit.get_or_none(Visit.id == visit_id)
    if row is None and visit_id in _pending:
        campaign_id, target, target_id, worker, at = _pending[visit_id]
        row = store.create(Visit, id=visit_id, campaign=campaign_id, worker=worker, visited_at=at,
                           outcome="in_progress", **{target: target_id})
    if row is None or row.deleted:
        raise GridError("store.not_found", table="visit", id=visit_id)
    return row


def _written(visit_id: str) -> None:
    """The visit's row is committed: it is no longer only opened."""
    with _opening:  # open_visit iterates _pending under this lock, from another thread perhaps
        _pending.pop(visit_id, None)


def _visit_row(visit_id: str) -> Visit | None:
    return Visit.get_or_none((Visit.id == visit_id) & live(Visit))


def visit_state(visit_id: str) -> VisitState:
    row = _visit_row(visit_id)
    if row is not None:
        return VisitState(row.id, row.campaign_id, row.household_id or "", row.outcome,
                          row.revisit_due, row.note, saved=True, business_id=row.business_id or "")
    opened = _pending.get(visit_id)
    if opened is None:
        raise GridError("store.not_found", table="visit", id=visit_id)
    campaign_id, target, target_id = opened[:3]
    return VisitState(visit_id, campaign_id, target_id if target == "household" else "", "in_progress",
                      None, "", saved=False, business_id=target_id if target == "business" else "")


def _item_info(template: str, item: dict) -> ItemInfo:
    return ItemInfo(
        id=f"{template}:{item['key']}", key=item["key"], zh=item["zh"], en=item["en"],
        type=item["type"], required=bool(item.get("required", False)),
        spec={k: item[k] for k in catalogs.ITEM_SPEC_KEYS if k in item},
    )


def checklist(campaign_id: str) -> list[ItemInfo]:
    """The campaign's checklist items in order (from the shipped catalog, no database round trip)."""
    return list(_template_items(_get_campaign(campaign_id).template_id))


@cache
def _template_items(template: str) -> tuple[ItemInfo, ...]:
    return tuple(_item_info(template, item) for item in catalogs.template(template)["items"])


@cache
def _items_by_id() -> dict[str, ItemInfo]:
    return {i.id: i for tpl in catalogs.templates() for i in _template_items(tpl["key"])}


def _item(item_id: str) -> ItemInfo:
    found = _items_by_id().get(item_id)
    if found is None:
        raise GridError("visits.unknown_item", item=item_id)
    return found


def _template_of_visit(visit_id: str) -> str:
    """The checklist template of the visit's campaign (opened or written)."""
    row = _visit_row(visit_id)
    if row is not None:
        campaign_id = row.campaign_id
    elif visit_id in _pending:
        campaign_id = _pending[visit_id][0]
    else:
        raise GridError("store.not_found", table="visit", id=visit_id)
    return _get_campaign(campaign_id).template_id


def answers(visit_id: str) -> dict[str, Any]:
    """item id -> value for the visit's answered items (cleared items are left out)."""
    query = Answer.select(Answer.item, Answer.value).where(
        (Answer.visit == visit_id) & live(Answer) & Answer.value.is_null(False)
    )
    return {row.item_id: row.value for row in query}


def answer_id(visit_id: str, item_id: str) -> str:
    """One Answer row per (visit, item), the same id on every laptop."""
    return stable_id("answer", f"{visit_id}:{item_id}")


class UndoLog:
    """The answers a visit changed, most recent last, with the value each had before."""

    def __init__(self, size: int = 50) -> None:
        self._steps: deque[tuple[str, Any]] = deque(maxlen=size)

    def record(self, item_id: str, old: Any) -> None:
        self._steps.append((item_id, old))

    def pop(self) -> tuple[str, Any] | None:
        return self._steps.pop() if self._steps else None

    def __len__(self) -> int:
        return len(self._steps)


_undo_logs: dict[str, UndoLog] = {}
"""Per-visit logs for callers that do not keep their own UndoLog."""


def _undo_log(visit_id: str, undo: UndoLog | None) -> UndoLog:
    return undo if undo is not None else _undo_logs.setdefault(visit_id, UndoLog())


def answer(visit_id: str, item_id: str, value: Any, *, undo: UndoLog | None = None) -> None:
    """Save one answer at once, in its own committed transaction; None clears it.

    The value is checked against the item's type and spec first: a bad value raises
    :class:`AnswerError` (a ValidationError naming the item) and nothing is written. The previous value goes to
    ``undo`` (or this visit's own log) so :func:`undo_last` can put it back.
    """
    item = _item(item_id)
    if item.id.partition(":")[0] != _template_of_visit(visit_id):
        raise AnswerError(item, "visits.item_not_in_checklist")
    try:
        clean = validate.answer(item.type, item.spec, value)
    except ValidationError as exc:
        raise AnswerError(item, exc.key, **{k: v for k, v in exc.params.items() if k != "field"}) from exc
    old = _write_answer(visit_id, item.id, clean)
    if old is not _UNCHANGED:
        _undo_log(visit_id, undo).record(item.id, old)


_UNCHANGED = object()


def _write_answer(visit_id: str, item_id: str, value: Any) -> Any:
    """Create or update the (visit, item) answer; returns the old value, or _UNCHANGED."""
    row_id = answer_id(visit_id, item_id)
    with store.transaction():
        row = Answer.get_or_none(Answer.id == row_id)
        if row is None:
            old = None
            if value is not None:  # clearing what was never answered writes nothing
                _ensure_visit(visit_id)
                store.create(Answer, id=row_id, visit=visit_id, item=item_id, value=value,
                             answered_at=datetime.now())
        else:
            old = row.value
            if old != value:
                store.update(Answer, row_id, value=value, answered_at=datetime.now())
    _written(visit_id)
    return _UNCHANGED if old == value else old


def undo_last(visit_id: str, undo: UndoLog | None = None) -> str | None:
    """Put back the value the most recently changed answer had; returns that item's id.

    None when there is nothing to undo. The restore is itself saved at once.
    """
    step = _undo_log(visit_id, undo).pop()
    if step is None:
        return None
    item_id, old = step
    _write_answer(visit_id, item_id, old)
    return item_id


def missing_required(visit_id: str) -> list[ItemInfo]:
    """The required items this visit has not answered yet, in checklist order."""
    given = answers(visit_id)
    return [i for i in _template_items(_template_of_visit(visit_id)) if i.required and i.id not in given]


def set_outcome(visit_id: str, outcome: str, *, revisit_days: int = 3, note: str = "",
                today: date | None = None) -> None:
    """Close the call: done, nobody_home (revisit due in ``revisit_days``), refused, moved_away.

    "done" needs every required item answered (AnswerError naming the first missing one).
    "moved_away" also marks the household moved away; any other outcome on a visit that had
    said moved away makes the household active again (a correction).
    """
    one_of("outcome", outcome, FINAL_OUTCOMES)
    if outcome == "done":
        missing = missing_required(visit_id)
        if missing:
            raise AnswerError(missing[0], "visits.missing_required")
    due = (today or date.today()) + timedelta(days=revisit_days) if outcome == "nobody_home" else None
    with store.transaction():
        row = _ensure_visit(visit_id)
        changes: dict[str, Any] = {"outcome": outcome, "revisit_due": due}
        if note:
            changes["note"] = note
        store.update(Visit, visit_id, **changes)
        if row.household_id:
            status = Household.get_by_id(row.household_id).status
            if outcome == "moved_away" and status != "moved_away":
                store.update(Household, row.household_id, status="moved_away")
            elif outcome != "moved_away" and row.outcome == "moved_away" and status == "moved_away":
                store.update(Household, row.household_id, status="active")
    _written(visit_id)


def display_value(item: ItemInfo, value: Any, lang: str | None = None) -> str:
    """An answer as a person reads it: 是/否, choice labels, numbers with their unit."""
    if value is None:
        return ""
    if item.type == "yesno":
        return t("visits.yes" if value else "visits.no", lang=lang)
    if item.type in ("choice", "multi"):
        labels = {c["key"]: pick(c["zh"], c["en"], lang) for c in item.spec.get("choices", [])}
        keys = value if isinstance(value, list) else [value]
        return t("visits.list_separator", lang=lang).join(labels.get(k, str(k)) for k in keys)
    if item.type == "number":
        text = f"{value:g}" if isinstance(value, float) else str(value)
        unit = item.spec.get("unit") or {}
        unit_text = pick(unit.get("zh"), unit.get("en"), lang)
        return f"{text} {unit_text}".strip()
    return str(value)


def visit_history(target_id: str, target: str = "household") -> list[VisitInfo]:
    """Every visit to a household (or a business), newest first, with its answers in checklist order."""
    visits = list(
        Visit.select(Visit, Campaign.id, Campaign.name, Campaign.name_en, Campaign.template)
        .join(Campaign, on=(Visit.campaign == Campaign.id))
        .where((getattr(Visit, one_of("target", target, tuple(TARGETS))) == target_id) & live(Visit))
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
    )
    given: dict[str, dict[str, Any]] = {}
    if visits:
        for row in Answer.select(Answer.visit, Answer.item, Answer.value).where(
            Answer.visit.in_([v.id for v in visits]) & live(Answer) & Answer.value.is_null(False)
        ):
            given.setdefault(row.visit_id, {})[row.item_id] = row.value
    history = []
    for v in visits:
        values = given.get(v.id, {})
        lines = tuple(
            AnswerLine(item.id, item.zh, item.en, values[item.id], display_value(item, values[item.id]))
            for item in _template_items(v.campaign.template_id) if item.id in values
        )
        history.append(VisitInfo(
            id=v.id, campaign_id=v.campaign.id, campaign_name=v.campaign.name,
            campaign_name_en=v.campaign.name_en, visited_at=v.visited_at, outcome=v.outcome,
            revisit_due=v.revisit_due, worker=v.worker, note=v.note, answers=lines,
        ))
    return history
