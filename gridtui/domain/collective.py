"""Collective issues: one shared problem (a compound's parking, heating in a building) grouping
many households' needs, decided at a deliberation meeting (红色议事会) and then done.

The office's sentence "from meeting to done in 25 days" is :func:`days_meeting_to_done`.
Completing the issue moves each of its waiting needs to done in one step (the work was done for
all of them at once), with an event naming the issue, and ends their running assignments; the
follow-up visits then close them as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

from gridtui.core import store
from gridtui.core.models import (
    Assignment,
    Building,
    CollectiveIssue,
    Compound,
    Need,
    NeedEvent,
    ServiceLog,
    by_id,
    live,
)
from gridtui.core.validate import parse_date
from gridtui.domain import needs as needs_domain
from gridtui.domain.volunteers import check_hours
from gridtui.errors import GridError, ValidationError

__all__ = [
    "IssueRow",
    "attach_needs",
    "complete",
    "create_issue",
    "days_meeting_to_done",
    "detach_needs",
    "find_issue",
    "get_issue",
    "list_issues",
    "open_from_needs",
    "record_meeting",
    "rename",
    "shared_place",
]


@dataclass(frozen=True)
class IssueRow:
    """A collective issue with its place, meeting, need counts and meeting-to-done days."""

    id: str
    title: str
    compound: str
    building_id: str | None
    status: str
    meeting_date: date | None
    attendees: str
    decision: str
    done_at: date | None
    needs: int
    needs_by_status: dict[str, int]
    days_meeting_to_done: int | None


def create_issue(title: str, *, compound_id: str | None = None, building_id: str | None = None) -> str:
    """A new shared problem, in a compound or a building (the building's compound is implied)."""
    if building_id is not None:
        building = Building.get_or_none((Building.id == building_id) & live(Building))
        if building is None:
            raise GridError("collective.unknown_place", id=building_id)
        compound_id = compound_id or building.compound_id
    if compound_id is not None and not Compound.select().where((Compound.id == compound_id) & live(Compound)).exists():
        raise GridError("collective.unknown_place", id=compound_id)
    return store.create(CollectiveIssue, title=title, compound=compound_id, building=building_id, status="open").id


def get_issue(issue_id: str) -> CollectiveIssue:
    found = by_id(CollectiveIssue, issue_id)
    if found is None:
        raise GridError("collective.not_found", id=issue_id)
    return found


def attach_needs(issue_id: str, need_ids: list[str]) -> int:
    """Group needs under the issue; returns how many changed."""
    get_issue(issue_id)
    changed = 0
    with store.transaction():
        for need_id in need_ids:
            needs_domain.get_need(need_id)
            changed += bool(store.update(Need, need_id, collective=issue_id))
    return changed


def detach_needs(issue_id: str, need_ids: list[str]) -> int:
    """Take needs out of the issue (they were not its cause after all); returns how many changed."""
    get_issue(issue_id)
    changed = 0
    with store.transaction():
        for need_id in need_ids:
            need = needs_domain.get_need(need_id)
            if need.collective_id != issue_id:
                raise GridError("collective.not_attached", id=need_id[-8:])
            changed += bool(store.update(Need, need_id, collective=None))
    return changed


def open_from_needs(
    title: str, need_ids: list[str], *, compound_id: str | None = None, building_id: str | None = None
) -> str:
    """A new issue grouping these needs (several households with one cause: the needs board's
    marked rows). With no place given, the place they share is the issue's: their building if
    they are all in one, else their compound if they share it."""
    if not need_ids:
        raise GridError("collective.no_needs")
    if compound_id is None and building_id is None:
        compound_id, building_id = shared_place(need_ids)
    with store.transaction():
        issue_id = create_issue(title, compound_id=compound_id, building_id=building_id)
        attach_needs(issue_id, need_ids)
    return issue_id


def shared_place(need_ids: list[str]) -> tuple[str | None, str | None]:
    """(compound, building) the needs' households share: a building only if it is one building."""
    from gridtui.core.models import Household

    places = set(
        Need.select(Building.compound, Building.id)
        .join(Household, on=(Need.household == Household.id))
        .join(Building, on=(Household.building == Building.id))
        .where(Need.id.in_(need_ids))
        .tuples()
    )
    compounds = {c for c, _ in places}
    if len(compounds) != 1:
        return None, None
    buildings = {b for _, b in places}
    return next(iter(compounds)), (next(iter(buildings)) if len(buildings) == 1 else None)


def rename(issue_id: str, title: str) -> list[str]:
    get_issue(issue_id)
    return store.update(CollectiveIssue, issue_id, title=title)


def find_issue(ref: str) -> str:
    """An issue by its title or its id (or a unique start or end of it)."""
    text = (ref or "").strip()
    titled: list[str] = [
        i
        for (i,) in CollectiveIssue.select(CollectiveIssue.id)
        .where((CollectiveIssue.title == text) & live(CollectiveIssue))
        .limit(2)
        .tuples()
    ]
    if len(titled) == 1:
        return titled[0]
    return needs_domain.resolve(CollectiveIssue, text, "collective.not_found")


def record_meeting(issue_id: str, meeting_date: date | str, attendees: str, decision: str) -> None:
    """The deliberation meeting: when, who came, what was decided; the issue is then decided."""
    issue = get_issue(issue_id)
    if issue.status == "done":
        raise GridError("collective.already_done", title=issue.title)
    store.update(
        CollectiveIssue,
        issue_id,
        meeting_date=parse_date(meeting_date, "meeting_date"),
        attendees=attendees,
        decision=decision,
        status="decided",
    )


def complete(
    issue_id: str,
    done_date: date | str,
    *,
    actor: str = "",
    note: str = "",
    hours: float | str = 0,
    at: datetime | None = None,
) -> int:
    """The decided work is finished: the issue is done and its waiting needs move to done.

    Volunteers still assigned to those needs are done too; ``hours`` is what each of them gave
    to the issue, written once to each one's hours ledger however many of its needs they held
    (0: nothing to log). Returns how many needs moved. Refused before the meeting, or with a
    done date before it.
    """
    issue = get_issue(issue_id)
    if issue.status == "done":
        raise GridError("collective.already_done", title=issue.title)
    if issue.status != "decided" or issue.meeting_date is None:
        raise GridError("collective.no_meeting", title=issue.title)
    done_day = parse_date(done_date, "done_at")
    if done_day is None:
        raise ValidationError("done_at", "validate.required")
    if done_day < issue.meeting_date:
        raise GridError("collective.done_before_meeting", done=done_day, meeting=issue.meeting_date)
    given = check_hours(hours or 0)
    at = at or datetime.combine(done_day, datetime.now().time().replace(microsecond=0))
    moved = 0
    logged: set[str] = set()  # volunteers whose hours for the issue are written
    with store.transaction():
        store.update(CollectiveIssue, issue_id, status="done", done_at=done_day)
        waiting = (
            Need.select()
            .where((Need.collective == issue_id) & Need.status.in_(needs_domain.ACTIVE) & live(Need))
            .order_by(Need.id)
        )
        for need in waiting:
            store.update(Need, need.id, status="done")
            store.create(
                NeedEvent,
                need=need.id,
                from_status=need.status,
                to_status="done",
                at=at,
                actor=actor,
                note=note or issue.title,
            )
            for assignment_id, volunteer_id in (
                Assignment.select(Assignment.id, Assignment.volunteer)
                .where((Assignment.need == need.id) & (Assignment.status == "assigned") & live(Assignment))
                .tuples()
            ):
                first = volunteer_id not in logged
                store.update(Assignment, assignment_id, status="done", done_at=at, hours=given if first else 0)
                if given and first:
                    logged.add(volunteer_id)
                    store.create(
                        ServiceLog,
                        volunteer=volunteer_id,
                        date=done_day,
                        hours=given,
                        need=need.id,
                        activity=issue.title,
                        note=note,
                    )
            moved += 1
    return moved


def days_meeting_to_done(issue_id: str) -> int | None:
    """Days from the deliberation meeting to completion (None until both are known)."""
    issue = get_issue(issue_id)
    if issue.meeting_date is None or issue.done_at is None:
        return None
    taken: timedelta = issue.done_at - issue.meeting_date
    return taken.days


def list_issues(status: str | None = None) -> list[IssueRow]:
    """Every collective issue with its place, meeting, need counts and meeting-to-done days."""
    counts: dict[str, dict[str, int]] = {}
    for cid, status_, n in (
        Need.select(Need.collective, Need.status, fn.COUNT(Need.id))
        .where(Need.collective.is_null(False) & live(Need))
        .group_by(Need.collective, Need.status)
        .tuples()
    ):
        counts.setdefault(cid, {})[status_] = n
    query = CollectiveIssue.select().where(live(CollectiveIssue))
    if status:
        query = query.where(CollectiveIssue.status == status)
    compounds = dict(Compound.select(Compound.id, Compound.name).tuples())
    out = []
    for issue in query.order_by(CollectiveIssue.meeting_date.desc(nulls="last"), CollectiveIssue.id):
        by_status = counts.get(issue.id, {})
        out.append(
            IssueRow(
                id=issue.id,
                title=issue.title,
                compound=compounds.get(issue.compound_id, ""),
                building_id=issue.building_id,
                status=issue.status,
                meeting_date=issue.meeting_date,
                attendees=issue.attendees,
                decision=issue.decision,
                done_at=issue.done_at,
                needs=sum(by_status.values()),
                needs_by_status=by_status,
                days_meeting_to_done=(issue.done_at - issue.meeting_date).days
                if issue.done_at and issue.meeting_date
                else None,
            )
        )
    return out
