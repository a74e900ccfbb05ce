"""Residents' needs: from the doorstep to the resident saying it was solved.

A need moves open -> assigned -> in_progress -> done -> followed_up -> closed. The follow-up visit
(回访) records the resident's satisfaction; 不满意 (unsatisfied) sends the need back to open. Every
move is a :class:`NeedEvent` (who, when, from, to, note), appended, never rewritten, so the history
merges cleanly between laptops. Any other move is refused with one sentence.

The due time comes from the urgency (``Settings.due_hours``); a need still open, assigned or in
progress after its due time is overdue. Lists are paged in SQL so the needs board stays fast.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import fields as fields_of
from datetime import datetime, timedelta
from typing import Any

from peewee import JOIN, Case, Field, ModelSelect, fn

from gridtui.config import load_settings
from gridtui.core import store
from gridtui.core.models import (
    Assignment,
    Building,
    CollectiveIssue,
    Compound,
    Grid,
    Household,
    Need,
    NeedEvent,
    NeedItem,
    Resident,
    Synced,
    Visit,
    Volunteer,
    by_id,
    live,
)
from gridtui.core.validate import NEED_SOURCES, NEED_STATUSES, SATISFACTION, URGENCIES, one_of
from gridtui.domain.privacy import mask_phone, record_reveal
from gridtui.errors import GridError
from gridtui.i18n import pick, t

__all__ = [
    "ACTIVE",
    "IllegalTransition",
    "NeedAssignment",
    "NeedDetail",
    "NeedMove",
    "NeedRow",
    "SORTS",
    "TRANSITIONS",
    "URGENCY_RANK",
    "close",
    "count_needs",
    "due_for",
    "find_item",
    "follow_up",
    "get_need",
    "list_needs",
    "mark_done",
    "need_detail",
    "open_need",
    "overdue",
    "reopen",
    "resolve",
    "resolve_id",
    "running_assignment",
    "start",
    "status_label",
    "transition",
]

ACTIVE = ("open", "assigned", "in_progress")
"""Statuses in which a need is still waiting for help (and can be overdue)."""

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("assigned",),
    "assigned": ("in_progress", "done", "open"),  # back to open when the volunteer cannot go
    "in_progress": ("done",),
    "done": ("followed_up",),
    "followed_up": ("closed", "open"),  # open again only after an unsatisfied follow-up
    "closed": (),
}
"""The legal moves; everything else is refused."""

URGENCY_RANK = {u: i for i, u in enumerate(URGENCIES)}
SORTS = ("due", "opened", "urgency", "status")


class IllegalTransition(GridError):
    """A move the lifecycle does not allow; the statuses are named in the reader's language."""

    def __init__(self, from_status: str, to_status: str) -> None:
        super().__init__("needs.illegal_transition", from_status=from_status, to_status=to_status)

    def message(self, lang: str | None = None) -> str:
        return t(
            self.key,
            lang=lang,
            from_status=status_label(str(self.params["from_status"]), lang),
            to_status=status_label(str(self.params["to_status"]), lang),
        )


@dataclass(frozen=True)
class NeedRow:
    """One line of the needs board (and of the home screen's overdue list)."""

    id: str
    item_key: str
    item: str
    category_key: str
    household_id: str | None
    address: str
    grid_id: str | None
    grid: str
    resident: str
    urgency: str
    status: str
    source: str
    opened_at: datetime
    due_at: datetime | None
    overdue: bool
    collective_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NeedMove:
    """One step of a need's history (an appended NeedEvent)."""

    from_status: str | None
    to_status: str
    at: datetime
    actor: str
    note: str


@dataclass(frozen=True)
class NeedAssignment:
    """A volunteer dispatched to the need, and what they did."""

    id: str
    volunteer_id: str
    volunteer: str
    status: str
    assigned_at: datetime
    done_at: datetime | None
    hours: float
    materials: str
    note: str


@dataclass(frozen=True)
class NeedDetail(NeedRow):
    """Everything about one need: its board line, then who and where, its history and assignments.

    ``phone`` is masked unless the detail was read to reveal it."""

    compound: str
    resident_id: str | None
    phone: str
    note: str
    visit_id: str | None
    satisfaction: str | None
    closed_at: datetime | None
    collective: str  # the collective issue's title
    events: tuple[NeedMove, ...]  # oldest first
    assignments: tuple[NeedAssignment, ...]
    next: tuple[str, ...]  # the statuses it may move to


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def due_for(urgency: str, opened_at: datetime, due_hours: dict[str, int] | None = None) -> datetime:
    """When a need of this urgency opened at ``opened_at`` should be met: ``due_hours`` (the
    caller's settings, e.g. the app's own config file) or else the default config file's."""
    hours = (due_hours if due_hours is not None else load_settings().due_hours).get(urgency, 168)
    return opened_at + timedelta(hours=hours)


def open_need(
    household_id: str | None,
    item_key: str,
    *,
    urgency: str | None = None,
    note: str = "",
    source: str = "visit",
    visit_id: str | None = None,
    resident_id: str | None = None,
    actor: str = "",
    collective_id: str | None = None,
    at: datetime | None = None,
    due_hours: dict[str, int] | None = None,
) -> str:
    """Record a resident's need (from a visit, phone call, the platform...); returns its id.

    ``due_hours`` is the caller's Settings.due_hours (the TUI passes its own config's); without
    it the default config file decides the due time.
    """
    item = _need_item(item_key)
    urgency = urgency or item.get("urgency", "normal")
    one_of("urgency", urgency, URGENCIES)
    one_of("source", source, NEED_SOURCES)
    if resident_id is not None:
        resident = by_id(Resident, resident_id)
        if resident is None:
            raise GridError("needs.unknown_resident", id=resident_id)
        household_id = household_id or resident.household_id
    if household_id is not None and not _exists(Household, household_id):
        raise GridError("needs.unknown_household", id=household_id)
    if household_id is not None and resident_id is None:
        head = Resident.get_or_none((Resident.household == household_id) & Resident.is_head & (live(Resident)))
        resident_id = head.id if head else None
    if visit_id is not None and not _exists(Visit, visit_id):
        raise GridError("needs.unknown_visit", id=visit_id)
    if collective_id is not None and not _exists(CollectiveIssue, collective_id):
        raise GridError("collective.not_found", id=collective_id)
    opened = at or _now()
    with store.transaction():
        need = store.create(
            Need,
            household=household_id,
            resident=resident_id,
            item=item_key,
            source=source,
            urgency=urgency,
            status="open",
            opened_at=opened,
            due_at=due_for(urgency, opened, due_hours),
            note=note,
            visit=visit_id,
            collective=collective_id,
        )
        store.create(
            NeedEvent,
            need=need.id,
            from_status=None,
            to_status="open",
            at=opened,
            actor=actor or load_settings().worker_name,
            note=note,
        )
    return need.id


def find_item(text: str) -> str:
    """A need item's key from its key or its name in either language (上门维修, plumbing...)."""
    from gridtui.core.validate import fold

    wanted = fold(text or "")
    key: str
    for key, zh, en in NeedItem.select(NeedItem.key, NeedItem.zh, NeedItem.en).tuples():
        if wanted and wanted in (fold(key), fold(zh), fold(en)):
            return key
    raise GridError("needs.unknown_item", item=(text or "").strip())


def _need_item(key: str) -> dict[str, Any]:
    """A need item of the shipped catalog (what the database's catalog table is loaded from)."""
    from gridtui.core.catalogs import need_items

    found = next((i for i in need_items() if i["key"] == key), None)
    if found is None:
        raise GridError("needs.unknown_item", item=key)
    return found


def _exists(model: type[Synced], row_id: str) -> bool:
    return by_id(model, row_id) is not None


def get_need(need_id: str) -> Need:
    need = by_id(Need, need_id)
    if need is None:
        raise GridError("needs.not_found", id=need_id)
    return need


def resolve_id(text: str) -> str:
    """A need id from a full id, or a unique start or end of at least 6 characters (lists show
    the last 8, since ids made in the same millisecond share their start)."""
    return resolve(Need, text, "needs.not_found")


def resolve(model: type[Synced], text: str, not_found: str) -> str:
    """The id of a live ``model`` row from its full id or a unique start or end (6+ characters)."""
    text = (text or "").strip().lower()
    if _exists(model, text):
        return text
    if len(text) >= 6:
        found: list[str] = [
            n
            for (n,) in model.select(model.id)
            .where((model.id.startswith(text) | model.id.endswith(text)) & (live(model)))
            .limit(2)
            .tuples()
        ]
        if len(found) == 1:
            return found[0]
    raise GridError(not_found, id=text)


def transition(
    need_id: str,
    to_status: str,
    *,
    actor: str = "",
    note: str = "",
    at: datetime | None = None,
    **fields: Any,
) -> None:
    """Move a need to ``to_status`` if the lifecycle allows it, with its event; else refuse."""
    one_of("status", to_status, NEED_STATUSES)
    at = at or _now()
    with store.transaction():
        need = get_need(need_id)
        if to_status not in TRANSITIONS[need.status]:
            raise IllegalTransition(need.status, to_status)
        if need.status == "followed_up" and to_status == "open" and need.satisfaction != "unsatisfied":
            raise GridError("needs.reopen_only_unsatisfied")
        store.update(Need, need_id, status=to_status, **fields)
        store.create(
            NeedEvent,
            need=need_id,
            from_status=need.status,
            to_status=to_status,
            at=at,
            actor=actor or load_settings().worker_name,
            note=note,
        )


def running_assignment(need_id: str) -> str | None:
    """The need's assignment still running (the newest), if any."""
    found = (
        Assignment.select(Assignment.id)
        .where((Assignment.need == need_id) & (Assignment.status == "assigned") & (live(Assignment)))
        .order_by(Assignment.assigned_at.desc(), Assignment.id.desc())
        .first()
    )
    return found.id if found else None


def start(need_id: str, *, actor: str = "", note: str = "", at: datetime | None = None) -> None:
    """The volunteer is on it."""
    transition(need_id, "in_progress", actor=actor, note=note, at=at)


def mark_done(need_id: str, *, actor: str = "", note: str = "", at: datetime | None = None) -> None:
    """The help was given (dispatch.record_outcome does this with the hours)."""
    with store.transaction():
        if get_need(need_id).status == "assigned":
            transition(need_id, "in_progress", actor=actor, at=at)
        transition(need_id, "done", actor=actor, note=note, at=at)


def follow_up(
    need_id: str,
    satisfaction: str,
    *,
    actor: str = "",
    note: str = "",
    due_hours: dict[str, int] | None = None,
    at: datetime | None = None,
) -> str:
    """Record the follow-up visit (回访); an unsatisfied resident reopens the need.

    Returns the need's status afterwards (``followed_up``, or ``open`` when reopened, due again
    by ``due_hours`` as in :func:`open_need`).
    """
    one_of("satisfaction", satisfaction, SATISFACTION)
    with store.transaction():
        transition(need_id, "followed_up", actor=actor, note=note, satisfaction=satisfaction, at=at)
        if satisfaction != "unsatisfied":
            return "followed_up"
        reopen(need_id, actor=actor, note=note, due_hours=due_hours, at=at)
    return "open"


def close(need_id: str, *, actor: str = "", note: str = "", at: datetime | None = None) -> None:
    """The loop is closed: helped, followed up, resident content."""
    at = at or _now()
    transition(need_id, "closed", actor=actor, note=note, closed_at=at, at=at)


def reopen(
    need_id: str,
    *,
    actor: str = "",
    note: str = "",
    due_hours: dict[str, int] | None = None,
    at: datetime | None = None,
) -> None:
    """Back to open with a fresh due time (an assignment fell through, or the resident was not
    satisfied); an assignment still running is cancelled, so dispatch starts afresh."""
    now = at or _now()
    with store.transaction():
        need = get_need(need_id)
        transition(need_id, "open", actor=actor, note=note, due_at=due_for(need.urgency, now, due_hours), at=now)
        for (assignment_id,) in (
            Assignment.select(Assignment.id)
            .where((Assignment.need == need_id) & (Assignment.status == "assigned") & (live(Assignment)))
            .tuples()
        ):
            store.update(Assignment, assignment_id, status="cancelled")


# -- lists ---------------------------------------------------------------------------------------


def _base_query(*columns: Field) -> ModelSelect:
    return (
        Need.select(*columns)
        .join(NeedItem, on=(Need.item == NeedItem.key))
        .switch(Need)
        .join(Household, JOIN.LEFT_OUTER, on=(Need.household == Household.id))
        .join(Building, JOIN.LEFT_OUTER, on=(Household.building == Building.id))
        .join(Grid, JOIN.LEFT_OUTER, on=(Building.grid == Grid.id))
        .switch(Need)
        .join(Resident, JOIN.LEFT_OUTER, on=(Need.resident == Resident.id))
    )


def _filtered(
    query: ModelSelect,
    *,
    status: str | list[str] | None = None,
    category: str | None = None,
    grid_id: str | None = None,
    urgency: str | None = None,
    overdue: bool | None = None,
    source: str | None = None,
    household_id: str | None = None,
    collective_id: str | None = None,
    grid_ids: list[str] | None = None,
    now: datetime | None = None,
) -> ModelSelect:
    query = query.where(live(Need))
    if status:
        query = query.where(Need.status.in_([status] if isinstance(status, str) else list(status)))
    if category:
        query = query.where(NeedItem.category == category)
    if grid_id:
        query = query.where(Building.grid == grid_id)
    if grid_ids is not None:
        query = query.where(Building.grid.in_(list(grid_ids)))
    if urgency:
        query = query.where(Need.urgency == urgency)
    if source:
        query = query.where(Need.source == source)
    if household_id:
        query = query.where(Need.household == household_id)
    if collective_id:
        query = query.where(Need.collective == collective_id)
    if overdue is not None:
        late = Need.status.in_(ACTIVE) & (Need.due_at < (now or _now()))
        query = query.where(late if overdue else ~late)
    return query


def _order(query: ModelSelect, sort: str) -> ModelSelect:
    if sort not in SORTS:
        raise GridError("needs.bad_sort", sort=sort, allowed=" / ".join(SORTS))
    rank = Case(Need.urgency, [(u, i) for u, i in URGENCY_RANK.items()], len(URGENCY_RANK))
    status_rank = Case(Need.status, [(s, i) for i, s in enumerate(NEED_STATUSES)], len(NEED_STATUSES))
    due_last = Case(None, [(Need.due_at.is_null(), 1)], 0)
    orders = {
        "due": (due_last, Need.due_at, Need.id),
        "opened": (Need.opened_at.desc(), Need.id),
        "urgency": (rank, due_last, Need.due_at, Need.id),
        "status": (status_rank, due_last, Need.due_at, Need.id),
    }
    return query.order_by(*orders[sort])


_ROW_COLUMNS = (
    Need.id,
    Need.item,
    Need.household,
    Need.urgency,
    Need.status,
    Need.source,
    Need.opened_at,
    Need.due_at,
    Need.collective,
    NeedItem.zh.alias("item_zh"),
    NeedItem.en.alias("item_en"),
    NeedItem.category.alias("category_key"),
    Household.address,
    Building.grid.alias("grid_id"),
    Grid.name.alias("grid_name"),
    Resident.name.alias("resident_name"),
)


def _rows(query: ModelSelect, now: datetime) -> list[NeedRow]:
    out = []
    for r in query.dicts():
        out.append(
            NeedRow(
                id=r["id"],
                item_key=r["item"],
                item=pick(r["item_zh"], r["item_en"]),
                category_key=r["category_key"],
                household_id=r["household"],
                address=r["address"] or "",
                grid_id=r["grid_id"],
                grid=r["grid_name"] or "",
                resident=r["resident_name"] or "",
                urgency=r["urgency"],
                status=r["status"],
                source=r["source"],
                opened_at=r["opened_at"],
                due_at=r["due_at"],
                overdue=bool(r["status"] in ACTIVE and r["due_at"] is not None and r["due_at"] < now),
                collective_id=r["collective"],
            )
        )
    return out


def list_needs(
    status: str | list[str] | None = None,
    category: str | None = None,
    grid_id: str | None = None,
    urgency: str | None = None,
    overdue: bool | None = None,
    source: str | None = None,
    sort: str = "due",
    offset: int = 0,
    limit: int = 100,
    *,
    household_id: str | None = None,
    collective_id: str | None = None,
    grid_ids: list[str] | None = None,
    now: datetime | None = None,
) -> list[NeedRow]:
    """One page of needs, filtered and sorted in SQL (the board pages through it).

    ``grid_ids`` narrows to a worker's own grids (Settings.my_grids), like the home screen.
    """
    now = now or _now()
    query = _filtered(
        _base_query(*_ROW_COLUMNS),
        status=status,
        category=category,
        grid_id=grid_id,
        urgency=urgency,
        overdue=overdue,
        source=source,
        household_id=household_id,
        collective_id=collective_id,
        grid_ids=grid_ids,
        now=now,
    )
    return _rows(_order(query, sort).offset(max(0, offset)).limit(max(0, limit)), now)


def count_needs(
    status: str | list[str] | None = None,
    category: str | None = None,
    grid_id: str | None = None,
    urgency: str | None = None,
    overdue: bool | None = None,
    source: str | None = None,
    *,
    household_id: str | None = None,
    collective_id: str | None = None,
    grid_ids: list[str] | None = None,
    now: datetime | None = None,
) -> int:
    """How many needs :func:`list_needs` would page through with the same filters."""
    query = _filtered(
        _base_query(fn.COUNT(Need.id)),
        status=status,
        category=category,
        grid_id=grid_id,
        urgency=urgency,
        overdue=overdue,
        source=source,
        household_id=household_id,
        collective_id=collective_id,
        grid_ids=grid_ids,
        now=now,
    )
    return query.scalar() or 0


def overdue(limit: int = 20, grid_ids: list[str] | None = None, *, now: datetime | None = None) -> list[NeedRow]:
    """Needs past their due time and still waiting, most overdue first (for the home screen)."""
    now = now or _now()
    query = _filtered(_base_query(*_ROW_COLUMNS), overdue=True, grid_ids=grid_ids, now=now)
    return _rows(_order(query, "due").limit(max(0, limit)), now)


def need_detail(
    need_id: str, *, reveal: bool = False, actor: str = "", where: str = "need", now: datetime | None = None
) -> NeedDetail:
    """Everything about one need: what, who, where, its history and its assignments.

    The resident's phone is masked unless ``reveal``; a reveal is written to the audit log.
    """
    need = get_need(need_id)
    row = _rows(_base_query(*_ROW_COLUMNS).where(Need.id == need.id), now or _now())[0]
    resident = Resident.get_or_none(Resident.id == need.resident_id) if need.resident_id else None
    phone = resident.phone if resident else ""
    if reveal and resident is not None and phone:
        record_reveal("resident", resident.id, "phone", actor=actor, where=where)
    compound = ""
    if need.household_id:
        found = (
            Compound.select(Compound.name)
            .join(Building, on=(Building.compound == Compound.id))
            .join(Household, on=(Household.building == Building.id))
            .where(Household.id == need.household_id)
            .first()
        )
        compound = found.name if found else ""
    collective = CollectiveIssue.get_or_none(CollectiveIssue.id == need.collective_id) if need.collective_id else None
    events = tuple(
        NeedMove(from_status=e.from_status, to_status=e.to_status, at=e.at, actor=e.actor, note=e.note)
        for e in NeedEvent.select()
        .where((NeedEvent.need == need.id) & (live(NeedEvent)))
        .order_by(NeedEvent.at, NeedEvent.seq)
    )
    assignments = tuple(
        NeedAssignment(
            id=a.id,
            volunteer_id=a.volunteer_id,
            volunteer=a.name,
            status=a.status,
            assigned_at=a.assigned_at,
            done_at=a.done_at,
            hours=a.hours,
            materials=a.materials,
            note=a.note,
        )
        for a in Assignment.select(Assignment, Volunteer.name.alias("name"))
        .join(Volunteer, on=(Assignment.volunteer == Volunteer.id))
        .where((Assignment.need == need.id) & (live(Assignment)))
        .order_by(Assignment.assigned_at, Assignment.id)
        .objects()
    )
    return NeedDetail(
        **{f.name: getattr(row, f.name) for f in fields_of(NeedRow)},
        compound=compound,
        resident_id=need.resident_id,
        phone=phone if reveal else mask_phone(phone),
        note=need.note,
        visit_id=need.visit_id,
        satisfaction=need.satisfaction,
        closed_at=need.closed_at,
        collective=collective.title if collective else "",
        events=events,
        assignments=assignments,
        next=TRANSITIONS[need.status],
    )


# -- labels --------------------------------------------------------------------------------------


def status_label(status: str, lang: str | None = None) -> str:
    return t(f"needs.status.{status}", lang=lang, default=status)
