"""The walk: a campaign's targets in the order a worker calls on them, page by page.

One interface, :class:`WalkSource`, with two implementations: :data:`HOUSEHOLDS` (stairwell
by stairwell: building, unit, floor, door) and :data:`SHOPS` (street by street: the street
name, then the house number as a number, so 凤凰大道29号 comes before 凤凰大道284号). Which one a
campaign uses is :func:`source`; screens never branch on the target kind.

Both read the campaign's targets from :func:`gridtui.domain.campaigns.targets` and judge
"revisit due" by :func:`~gridtui.domain.campaigns.revisit_due_sql`: the rules have one home.
Rows handed to screens are small frozen dataclasses: cheap to build for a page of 100, safe to
pass from a worker thread to the UI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from gridtui.core import dialect
from gridtui.core.models import database
from gridtui.core.validate import one_of
from gridtui.domain import coverage as rules
from gridtui.domain.campaigns import campaign, targets
from gridtui.domain.coverage import Targets, latest, natural_key, revisit_due_sql
from gridtui.domain.visits import household_heads
from gridtui.errors import ValidationError
from gridtui.i18n import pick, t

__all__ = [
    "FILTERS",
    "HOUSEHOLDS",
    "SHOPS",
    "STATUSES",
    "BusinessRow",
    "RevisitRow",
    "ShopRevisit",
    "WalkRow",
    "WalkSource",
    "latest_visits",
    "rectified",
    "revisits_due",
    "source",
]

STATUSES = ("not_visited", "in_progress", "done", "nobody_home", "refused", "moved_away")
"""A target's status in a campaign: the latest visit's outcome, or not_visited."""

FILTERS = ("not_visited", "revisit_due", "flagged")

RECTIFICATION_ITEM = "business_safety:rectification_issued"
"""The shipped shop check's "rectification notice issued" (a shop's flag, whatever the campaign)."""


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
class BusinessRow:
    """One business on a campaign's walk list, with its state in the campaign."""

    business_id: str
    name: str
    kind: str
    owner_name: str
    address: str
    status: str  # one of STATUSES
    revisit_due: date | None
    flags: frozenset[str]
    visited_at: datetime | None = None

    @property
    def kind_label(self) -> str:
        return t(f"businesses.kind.{self.kind}", default=self.kind)


@dataclass(frozen=True)
class ShopRevisit:
    """A shop to call on again (it was closed), for home's revisits due today beside the doors."""

    business_id: str
    address: str  # what the worker knows the shop by: its name
    head_name: str  # its owner
    revisit_due: date | None
    household_id: str | None = None  # (home opens a household row's household)


class WalkSource(Protocol):
    """What a walk list, the visit screen's next and previous, and home's revisits ask."""

    target: str  # household | business

    def count(
        self,
        campaign_id: str,
        *,
        grid_id: str | None = None,
        building_id: str | None = None,
        filter: str | None = None,
        today: date | None = None,
    ) -> int: ...

    def page(
        self,
        campaign_id: str,
        *,
        grid_id: str | None = None,
        building_id: str | None = None,
        filter: str | None = None,
        offset: int = 0,
        limit: int = 100,
        today: date | None = None,
    ) -> Sequence[WalkRow | BusinessRow]: ...

    def ids(
        self,
        campaign_id: str,
        *,
        grid_id: str | None = None,
        building_id: str | None = None,
        filter: str | None = None,
        today: date | None = None,
    ) -> list[str]: ...

    def revisits_due(
        self, today: date | None = None, grid_ids: list[str] | None = None, limit: int = -1
    ) -> Sequence[RevisitRow | ShopRevisit]: ...


def source(campaign_id: str) -> WalkSource:
    """The walk source for the campaign's targets."""
    return SOURCES[campaign(campaign_id).target]


# -- shared ---------------------------------------------------------------------------------------


def _latest_is(found: Targets, condition: str) -> str:
    """True when the target's latest visit in the campaign meets ``condition`` (on alias ``w``)."""
    column = f"{found.target}_id"
    return (
        f"EXISTS (SELECT 1 FROM (SELECT w.outcome, w.revisit_due FROM visit w WHERE w.campaign_id = :campaign "
        f"AND w.{column} = t.id AND w.deleted = 0 ORDER BY w.visited_at DESC, w.id DESC LIMIT 1) w "
        f"WHERE {condition})"
    )


def _visited(found: Targets) -> str:
    return (
        f"EXISTS (SELECT 1 FROM visit w WHERE w.campaign_id = :campaign AND w.{found.target}_id = t.id "
        "AND w.deleted = 0)"
    )


def _filtered(found: Targets, filter: str | None, flagged: str) -> str:
    """The targets' condition with a walk-list filter added."""
    if filter is not None and filter not in FILTERS:
        raise ValidationError("filter", "validate.choice", value=filter, allowed=" / ".join(FILTERS))
    where = found.where
    if filter == "not_visited":
        where += f" AND NOT {_visited(found)}"
    elif filter == "revisit_due":  # the cheap test first: any nobody-home visit at all
        where += (
            f" AND EXISTS (SELECT 1 FROM visit w WHERE w.campaign_id = :campaign AND w.{found.target}_id = t.id "
            f"AND w.deleted = 0 AND w.outcome = 'nobody_home') AND {_latest_is(found, revisit_due_sql('w'))}"
        )
    elif filter == "flagged":
        where += f" AND {flagged}"
    return where


def _in(ids: list[str], prefix: str = "id") -> tuple[str, dict[str, str]]:
    """Named placeholders for an IN list: (":id0, :id1", {"id0": ..., "id1": ...})."""
    params = {f"{prefix}{i}": value for i, value in enumerate(ids)}
    return ", ".join(f":{name}" for name in params), params


def latest_visits(
    campaign_id: str, ids: list[str], target: str = "household"
) -> dict[str, tuple[str, str | None, str]]:
    """target id -> (outcome, revisit_due, visited_at) of its latest visit in the campaign."""
    if not ids:
        return {}
    target = one_of("target", target, ("household", "business"))
    marks, params = _in(ids)
    params["campaign"] = campaign_id
    return {
        tid: (outcome, due, at)
        for tid, outcome, due, at in database.execute_sql(
            f"SELECT target, outcome, revisit_due, visited_at FROM ({latest(target, dialect.hub())}) AS latest_visit WHERE target IN ({marks})",
            params,
        )
    }


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


Row = tuple[Any, ...]
"""A row as SQLite returns it."""


def _run(sql: str, params: Any) -> list[Row]:
    rows: list[Row] = database.execute_sql(sql, params).fetchall()
    return rows


# -- households -------------------------------------------------------------------------------------

_LIVE_FLAG_ENTRY = """
    SELECT 1 FROM register_entry e JOIN register_kind k ON k.key = e.kind_id
    WHERE k.flag IS NOT NULL AND e.deleted = 0 AND (e.until IS NULL OR e.until >= :today)
"""

_FLAGGED_HOUSEHOLD = f"""(
    EXISTS ({_LIVE_FLAG_ENTRY} AND e.household_id = t.id)
    OR EXISTS (SELECT 1 FROM need n WHERE n.household_id = t.id AND n.deleted = 0 AND n.status != 'closed')
    OR EXISTS (
        SELECT 1 FROM resident r
        WHERE r.household_id = t.id AND r.deleted = 0 AND r.status = 'present' AND (
            r.party_member = 1
            OR EXISTS ({_LIVE_FLAG_ENTRY} AND e.resident_id = r.id)
            OR EXISTS (SELECT 1 FROM need n WHERE n.resident_id = r.id AND n.deleted = 0 AND n.status != 'closed')))
)"""

_WALK_ORDER = " ORDER BY b.walk_order, b.id, t.unit, t.floor, t.door, t.id"


class _Households:
    """Households in walking order (building, unit, floor, door), with their flags."""

    target = "household"

    def _from(
        self, campaign_id: str, grid_id: str | None, building_id: str | None, filter: str | None, today: date | None
    ) -> tuple[str, dict[str, Any]] | None:
        info = campaign(campaign_id)
        if info.target != self.target:
            return None
        found = targets(info, grid_id=grid_id, building_id=building_id, today=today)
        return f"FROM {found.table} {found.joins} WHERE {_filtered(found, filter, _FLAGGED_HOUSEHOLD)}", found.params

    def count(
        self,
        campaign_id: str,
        *,
        grid_id: str | None = None,
        building_id: str | None = None,
        filter: str | None = None,
        today: date | None = None,
    ) -> int:
        found = self._from(campaign_id, grid_id, building_id, filter, today)
        if found is None:
            return 0
        count: int = database.execute_sql("SELECT COUNT(*) " + found[0], found[1]).fetchone()[0]
        return count

    def page(
        self,
        campaign_id: str,
        *,
        grid_id: str | None = None,
        building_id: str | None = None,
        filter: str | None = None,
        offset: int = 0,
        limit: int = 100,
        today: date | None = None,
    ) -> list[WalkRow]:
        """One page in walking order: the ids first (indexed), then the page's latest visits,
        heads and flags, so a page costs about the same whatever the grid's size."""
        found = self._from(campaign_id, grid_id, building_id, filter, today)
        if found is None:
            return []
        sql, params = found
        params = {**params, "limit": max(0, int(limit)), "offset": max(0, int(offset))}
        rows = database.execute_sql(
            "SELECT t.id, t.address, t.addr_key " + sql + _WALK_ORDER + " LIMIT :limit OFFSET :offset",
            params,
        ).fetchall()
        latest = latest_visits(campaign_id, [r[0] for r in rows])
        return _walk_rows([(*r, *latest.get(r[0], (None, None, None))) for r in rows], WalkRow, today)

    def ids(
        self,
        campaign_id: str,
        *,
        grid_id: str | None = None,
        building_id: str | None = None,
        filter: str | None = None,
        today: date | None = None,
    ) -> list[str]:
        found = self._from(campaign_id, grid_id, building_id, filter, today)
        if found is None:
            return []
        return [r[0] for r in database.execute_sql("SELECT t.id " + found[0] + _WALK_ORDER, found[1])]

    def revisits_due(
        self, today: date | None = None, grid_ids: list[str] | None = None, limit: int = -1
    ) -> list[RevisitRow]:
        """Households of active campaigns whose latest visit found nobody home and whose revisit
        date has come: oldest date first (none at all first of all), then walking order."""
        due = rules.revisits(_run, self.target, today=today, grid_ids=grid_ids, limit=limit)
        if not due:
            return []
        marks, params = _in([d[0] for d in due])
        places = {
            hid: (address, addr_key, code or "")
            for hid, address, addr_key, code in database.execute_sql(
                "SELECT t.id, t.address, t.addr_key, g.code FROM household t JOIN building b ON b.id = t.building_id "
                f"LEFT JOIN grid g ON g.id = b.grid_id AND g.deleted = 0 WHERE t.id IN ({marks})",
                params,
            )
        }
        rows = [(hid, *places[hid][:2], "nobody_home", revisit, at) for hid, revisit, at, _info in due]
        extra = [
            {"campaign_id": info.id, "campaign_name": pick(info.name, info.name_en), "grid_code": places[hid][2]}
            for hid, _due, _at, info in due
        ]
        return _walk_rows(rows, RevisitRow, today, extra)


W = TypeVar("W", bound=WalkRow)


def _walk_rows(
    rows: Sequence[Row], row_type: type[W], today: date | None, extra: list[dict[str, Any]] | None = None
) -> list[W]:
    """Rows from (id, address, addr_key, outcome, revisit_due, visited_at) tuples."""
    ids = [r[0] for r in rows]
    people = household_heads(ids)
    flags = _flags_of(ids, today)
    made = []
    for i, (hid, address, addr_key, outcome, due, at) in enumerate(rows):
        head, size = people.get(hid, ("", 0))
        made.append(
            row_type(
                household_id=hid,
                address=address,
                addr_key=addr_key,
                head_name=head,
                size=size,
                status=outcome or "not_visited",
                revisit_due=_day(due),
                flags=frozenset(flags.get(hid, ())),
                visited_at=_moment(at),
                **(extra[i] if extra else {}),
            )
        )
    return made


def _flags_of(ids: list[str], today: date | None) -> dict[str, set[str]]:
    """household id -> its flags, from its own and its present residents' records (3 queries).
    The residents are read first and named by id in the other two: a subquery there would keep a
    server from reading the registers and needs through their indexes (a hub's whole street)."""
    if not ids:
        return {}
    marks, params = _in(ids)
    people: list[Row] = database.execute_sql(
        f"SELECT id, household_id, party_member FROM resident WHERE household_id IN ({marks}) "
        "AND deleted = 0 AND status = 'present'",
        params,
    ).fetchall()
    flags: dict[str, set[str]] = {}
    for _rid, hid, party in people:
        if party:
            flags.setdefault(hid, set()).add("party")
    home_of = {rid: hid for rid, hid, _party in people}
    residents, named = _in(list(home_of), "r")
    params.update(named)

    def whose(alias: str) -> str:
        mine = f"{alias}.household_id IN ({marks})"
        return f"({mine} OR {alias}.resident_id IN ({residents}))" if home_of else mine

    params["today"] = (today or date.today()).isoformat()
    for hid, rid, flag in database.execute_sql(
        "SELECT e.household_id, e.resident_id, k.flag FROM register_entry e JOIN register_kind k ON k.key = e.kind_id "
        "WHERE k.flag IS NOT NULL AND e.deleted = 0 AND (e.until IS NULL OR e.until >= :today) "
        f"AND {whose('e')}",
        params,
    ):
        flags.setdefault(hid or home_of[rid], set()).add(flag)
    for hid, rid in database.execute_sql(
        "SELECT n.household_id, n.resident_id FROM need n "
        f"WHERE n.deleted = 0 AND n.status != 'closed' AND {whose('n')}",
        params,
    ):
        flags.setdefault(hid or home_of[rid], set()).add("open_needs")
    return flags


# -- shops ------------------------------------------------------------------------------------------

_RECTIFIED = (
    "EXISTS (SELECT 1 FROM (SELECT a.value FROM answer a JOIN visit v ON v.id = a.visit_id WHERE v.business_id = t.id "
    "AND a.item = :rectification AND a.deleted = 0 AND a.value IS NOT NULL AND v.deleted = 0 "
    "ORDER BY v.visited_at DESC, v.id DESC LIMIT 1) x WHERE x.value = '\"yes\"')"
)
"""The latest answer to "rectification notice issued", in any campaign, was yes."""


def rectified(ids: list[str]) -> set[str]:
    """The shops whose latest answer to "rectification notice issued" was yes."""
    if not ids:
        return set()
    marks, params = _in(ids)
    params["rectification"] = RECTIFICATION_ITEM
    return {
        r[0]
        for r in database.execute_sql(f"SELECT t.id FROM business t WHERE t.id IN ({marks}) AND {_RECTIFIED}", params)
    }


class _Shops:
    """A community's few hundred shops, read whole and put in street order here."""

    target = "business"

    def _rows(self, campaign_id: str, grid_id: str | None, filter: str | None, today: date | None) -> list[Row]:
        info = campaign(campaign_id)
        if info.target != self.target:
            return []
        found = targets(info, grid_id=grid_id, today=today)
        params = {**found.params, "rectification": RECTIFICATION_ITEM}
        rows: list[Row] = database.execute_sql(
            f"SELECT t.id, t.name, t.kind, t.owner_name, t.address, t.food, {_RECTIFIED} FROM {found.table} "
            f"{found.joins} WHERE {_filtered(found, filter, f'(t.food = 1 OR {_RECTIFIED})')}",
            params,
        ).fetchall()
        rows.sort(key=lambda r: (natural_key(r[4]), r[1], r[0]))
        return rows

    def _made(self, campaign_id: str, rows: list[Row]) -> list[BusinessRow]:
        latest = latest_visits(campaign_id, [r[0] for r in rows], target=self.target)
        made = []
        for bid, name, kind, owner, address, food, rectified in rows:
            outcome, due, at = latest.get(bid, (None, None, None))
            flags = frozenset(f for f, on in (("food", food), ("rectification", rectified)) if on)
            made.append(
                BusinessRow(bid, name, kind, owner, address, outcome or "not_visited", _day(due), flags, _moment(at))
            )
        return made

    def count(
        self,
        campaign_id: str,
        *,
        grid_id: str | None = None,
        building_id: str | None = None,
        filter: str | None = None,
        today: date | None = None,
    ) -> int:
        return len(self._rows(campaign_id, grid_id, filter, today))

    def page(
        self,
        campaign_id: str,
        *,
        grid_id: str | None = None,
        building_id: str | None = None,
        filter: str | None = None,
        offset: int = 0,
        limit: int = 100,
        today: date | None = None,
    ) -> list[BusinessRow]:
        """A page of the street-ordered list ("flagged": food shops and open rectifications);
        a shop belongs to a grid, not a building, so ``building_id`` is not a narrowing."""
        offset, limit = max(0, int(offset)), max(0, int(limit))
        return self._made(campaign_id, self._rows(campaign_id, grid_id, filter, today)[offset : offset + limit])

    def ids(
        self,
        campaign_id: str,
        *,
        grid_id: str | None = None,
        building_id: str | None = None,
        filter: str | None = None,
        today: date | None = None,
    ) -> list[str]:
        return [r[0] for r in self._rows(campaign_id, grid_id, filter, today)]

    def revisits_due(
        self, today: date | None = None, grid_ids: list[str] | None = None, limit: int = -1
    ) -> list[ShopRevisit]:
        """Shops found closed in an active campaign whose revisit date has come, oldest date
        first (no date first of all), as households are listed."""
        due = rules.revisits(_run, self.target, today=today, grid_ids=grid_ids, limit=limit)
        if not due:
            return []
        marks, params = _in([d[0] for d in due])
        shops = {
            bid: (name, owner)
            for bid, name, owner in database.execute_sql(
                f"SELECT id, name, owner_name FROM business WHERE id IN ({marks})", params
            )
        }
        return [ShopRevisit(bid, *shops[bid], _day(revisit)) for bid, revisit, _at, _info in due]


HOUSEHOLDS = _Households()
SHOPS = _Shops()
SOURCES: dict[str, WalkSource] = {"household": HOUSEHOLDS, "business": SHOPS}


def revisits_due(today: date | None = None, grid_ids: list[str] | None = None, limit: int = 8) -> list[rules.Due]:
    """Home's revisits due today: doors and shops together, oldest revisit date first (none at
    all first of all)."""
    return rules.due_today(_run, today=today, grid_ids=grid_ids, limit=limit)
