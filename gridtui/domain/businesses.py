"""Individual businesses (个体工商户): the walk list of a safety-check campaign, and one shop in full.

A business campaign is walked street by street, not stairwell by stairwell: its walk list is
the campaign's businesses (live, in its scope and the chosen grid) in street order (street name,
then house number as a number, so 凤凰大道29号 comes before 凤凰大道284号). A community has a few
hundred of them, so the list is read whole and ordered here; a page is a slice of it.

The owner's phone is personal data: masked in every row, revealed only through :func:`reveal`,
which writes the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from gridtui.core import dialect
from gridtui.core.models import Business, Grid, database, live, live_row
from gridtui.domain import privacy
from gridtui.domain.visits import (
    FILTERS,
    VisitInfo,
    campaign,
    latest_visits,
    natural_key,
    visit_history,
)
from gridtui.errors import ValidationError
from gridtui.i18n import t

FLAGS = ("food", "rectification")
"""A shop's flags: it handles food; the last check that asked issued a rectification notice."""

RECTIFICATION_ITEM = "business_safety:rectification_issued"


@dataclass(frozen=True)
class BusinessRow:
    """One business on a campaign's walk list, with its state in the campaign."""

    business_id: str
    name: str
    kind: str
    owner_name: str
    address: str
    status: str  # one of visits.STATUSES
    revisit_due: date | None
    flags: frozenset[str]
    visited_at: datetime | None = None

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


@dataclass(frozen=True)
class ShopRevisit:
    """A shop to call on again (it was closed), for home's revisits due today beside the doors."""

    business_id: str
    address: str  # what the worker knows the shop by: its name
    head_name: str  # its owner
    revisit_due: date | None
    household_id: str | None = None  # (home opens a household row's household)


@dataclass(frozen=True)
class BusinessDetail:
    id: str
    name: str
    kind: str
    owner_name: str
    phone_masked: str
    address: str
    license_no: str
    food: bool
    grid_code: str
    grid_name: str
    rectification: bool
    visits: tuple[VisitInfo, ...]

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


def kind_label(kind: str) -> str:
    """超市便利店 / Grocery store; a kind this version does not know shows as written."""
    return t(f"businesses.kind.{kind}", default=kind)


def _rectifications(ids: list[str]) -> set[str]:
    """The businesses whose latest answer to "rectification notice issued" was yes (any campaign)."""
    if not ids:
        return set()
    marks = ", ".join("?" * len(ids))  # a few hundred shops: far inside SQLite's 32,766 parameters
    return {bid for bid, value, _at in database.execute_sql(
        dialect.latest_sql("v.business_id", "a.value", "v.visited_at",
                           "FROM answer a JOIN visit v ON v.id = a.visit_id "
                           "WHERE a.item_id = ? AND a.deleted = 0 AND a.value IS NOT NULL AND v.deleted = 0 "
                           f"AND v.business_id IN ({marks})"),
        [RECTIFICATION_ITEM, *ids],
    ) if value == "true"}


def _walk(campaign_id: str, grid_id: str | None, filter: str | None, today: date | None) -> list[BusinessRow]:
    """The whole walk list of a business campaign, filtered, in street order."""
    if filter is not None and filter not in FILTERS:
        raise ValidationError("filter", "validate.choice", value=filter, allowed=" / ".join(FILTERS))
    found = campaign(campaign_id)
    if found.target != "business":
        return []
    query = Business.select(Business.id, Business.name, Business.kind, Business.owner_name, Business.address,
                            Business.food).where(live(Business))
    if grid_id is not None:
        query = query.where(Business.grid == grid_id)
    if found.scope.get("grids"):
        query = query.where(Business.grid.in_(found.scope["grids"]))
    if found.scope.get("business_kinds"):
        query = query.where(Business.kind.in_(found.scope["business_kinds"]))
    shops = list(query.tuples())
    ids = [s[0] for s in shops]
    latest = latest_visits(campaign_id, ids, target="business")
    rectified = _rectifications(ids)
    today = today or date.today()
    rows = []
    for bid, name, kind, owner, address, food in shops:
        outcome, due, at = latest.get(bid, (None, None, None))
        due_date = date.fromisoformat(due) if due else None
        flags = frozenset(f for f, on in (("food", food), ("rectification", bid in rectified)) if on)
        row = BusinessRow(bid, name, kind, owner, address, outcome or "not_visited", due_date, flags,
                          datetime.fromisoformat(at) if at else None)
        if filter == "not_visited" and outcome is not None:
            continue
        if filter == "revisit_due" and not (outcome == "nobody_home" and (due_date is None or due_date <= today)):
            continue
        if filter == "flagged" and not flags:
            continue
        rows.append(row)
    rows.sort(key=lambda r: (natural_key(r.address), r.name, r.business_id))
    return rows


def walk_count(campaign_id: str, *, grid_id: str | None = None, filter: str | None = None,
               today: date | None = None) -> int:
    return len(_walk(campaign_id, grid_id, filter, today))


def walk_page(campaign_id: str, *, grid_id: str | None = None, filter: str | None = None, offset: int = 0,
              limit: int = 100, today: date | None = None) -> list[BusinessRow]:
    """One page of a business campaign's walk list; filters as for households ("flagged": any flag)."""
    offset, limit = max(0, int(offset)), max(0, int(limit))
    return _walk(campaign_id, grid_id, filter, today)[offset:offset + limit]


def walk_ids(campaign_id: str, *, grid_id: str | None = None, filter: str | None = None,
             today: date | None = None) -> list[str]:
    """The whole walk list's business ids, in order (for next / previous shop)."""
    return [r.business_id for r in _walk(campaign_id, grid_id, filter, today)]


def _business(business_id: str) -> Business:
    return live_row(Business, business_id)


def detail(business_id: str) -> BusinessDetail:
    """A business with its owner (phone masked), licence, grid, and every visit with its answers."""
    row = _business(business_id)
    grid = Grid.get_or_none((Grid.id == row.grid_id) & live(Grid)) if row.grid_id else None
    return BusinessDetail(
        id=row.id, name=row.name, kind=row.kind, owner_name=row.owner_name,
        phone_masked=privacy.mask_phone(row.phone), address=row.address, license_no=row.license_no,
        food=row.food, grid_code=grid.code if grid else "", grid_name=grid.name if grid else "",
        rectification=business_id in _rectifications([business_id]),
        visits=tuple(visit_history(business_id, target="business")),
    )


def reveal(business_id: str, actor: str = "") -> str:
    """The owner's full phone number; the reveal is written to the audit log."""
    row = _business(business_id)
    privacy.record_reveal("business", business_id, "phone", actor=actor, where="business")
    return row.phone


def revisits_due(today: date | None = None, grid_ids: list[str] | None = None, limit: int = -1) -> list[ShopRevisit]:
    """Shops found closed (nobody there) in an active campaign whose revisit date has come,
    oldest date first (no date first of all), as :func:`visits.revisits_due` lists doors."""
    params: list = [(today or date.today()).isoformat()]
    where = ""
    if grid_ids is not None:
        if not grid_ids:
            return []
        where = f" AND b.grid_id IN ({', '.join('?' * len(grid_ids))})"
        params += list(grid_ids)
    rows = database.execute_sql(
        "SELECT b.id, b.name, b.owner_name, v.revisit_due FROM visit v JOIN campaign c ON c.id = v.campaign_id "
        "JOIN business b ON b.id = v.business_id "
        "WHERE c.deleted = 0 AND c.active = 1 AND c.target = 'business' AND v.deleted = 0 AND b.deleted = 0 "
        "AND v.outcome = 'nobody_home' AND (v.revisit_due IS NULL OR v.revisit_due <= ?)" + where + " "
        "AND NOT EXISTS (SELECT 1 FROM visit w WHERE w.campaign_id = v.campaign_id "
        "AND w.business_id = v.business_id AND w.deleted = 0 "
        "AND (w.visited_at > v.visited_at OR (w.visited_at = v.visited_at AND w.id > v.id))) "
        "ORDER BY v.revisit_due IS NOT NULL, v.revisit_due, b.address, b.id LIMIT ?",
        [*params, int(limit)],
    ).fetchall()
    return [ShopRevisit(bid, name, owner, date.fromisoformat(due) if due else None) for bid, name, owner, due in rows]
