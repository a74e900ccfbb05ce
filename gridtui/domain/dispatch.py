"""Dispatch: who should help with this need, and the record of what they did.

:func:`suggest` ranks every volunteer for one need and shows why, part by part:

* ``skill``: the volunteer listed this need item as a skill (40), offers a resource that serves it
  (30), or their team covers it (25);
* ``place``: lives in the same building (30), compound (20) or grid (10) as the household;
* ``pairing``: is the household's 一带多帮 partner (15);
* ``load``: minus 10 for each need they are already on and not done (at most minus 40), so
  work spreads once a volunteer holds a few;
* ``available``: marked available now (10);
* ``satisfaction``: 0-10 from residents' follow-ups of needs they did (5 with no follow-up yet).

The whole ranking is a handful of set-based queries (volunteers with their home, skills,
resources, load, past satisfaction), scored in Python and ordered by score, then volunteer id,
so the same data always gives the same list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from peewee import JOIN, Case, ModelSelect, fn

from gridtui.core import store
from gridtui.core.models import (
    Assignment,
    Building,
    Household,
    Need,
    NeedItem,
    Pairing,
    Resident,
    Resource,
    ResourceItem,
    ServiceLog,
    Team,
    Visit,
    Volunteer,
    VolunteerSkill,
    by_id,
    database,
    live,
)
from gridtui.domain import needs as needs_domain
from gridtui.domain.volunteers import check_hours, get_volunteer, open_load, team_skills
from gridtui.errors import GridError
from gridtui.i18n import pick, t

__all__ = [
    "AVAILABLE",
    "AssignmentClosed",
    "Candidate",
    "Dispatched",
    "PAIRING",
    "PARTS",
    "PLACE",
    "SATISFACTION_VALUE",
    "SKILL",
    "assign",
    "batch_dispatch",
    "campaign_needs",
    "cancel",
    "collective_needs",
    "get_assignment",
    "record_outcome",
    "suggest",
    "task_card",
]

SKILL = {"listed": 40, "resource": 30, "team": 25, "none": 0}
PARTS = ("skill", "place", "pairing", "load", "available", "satisfaction")
PLACE = {"building": 30, "compound": 20, "grid": 10}
PAIRING = 15
LOAD_STEP, LOAD_FLOOR = -10, -40
AVAILABLE = 10
SATISFACTION_MAX, SATISFACTION_UNKNOWN = 10.0, 5.0
SATISFACTION_VALUE = {"satisfied": 1.0, "basically": 0.5, "unsatisfied": 0.0}


class AssignmentClosed(GridError):
    """The assignment is already done or cancelled; its status is named in the reader's language."""

    def __init__(self, status: str) -> None:
        super().__init__("dispatch.not_active", status=status)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang=lang, status=t(f"dispatch.assignment.{self.params['status']}", lang=lang))


@dataclass
class Candidate:
    """One volunteer's place in the ranking, with the parts of the score and the reasons."""

    volunteer_id: str
    name: str
    team: str
    score: float
    parts: dict[str, float]
    reasons: list[str] = field(default_factory=list)
    open_load: int = 0
    available: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Dispatched:
    """One need of a batch and the volunteer it went to."""

    need_id: str
    volunteer_id: str
    assignment_id: str


def _place_of_need(need: Need) -> tuple[str | None, str | None, str | None]:
    """(building, compound, grid) of the need's household."""
    if not need.household_id:
        return None, None, None
    row = (
        Household.select(Household.building, Building.compound, Building.grid)
        .join(Building, on=(Household.building == Building.id))
        .where(Household.id == need.household_id)
        .tuples()
        .first()
    )
    return row or (None, None, None)


def suggest(need_id: str, limit: int = 10) -> list[Candidate]:
    """The best volunteers for a need, best first, each with its score parts and reasons."""
    need = needs_domain.get_need(need_id)
    item = need.item_id
    building, compound, grid = _place_of_need(need)

    # Where every volunteer lives: one scan joined by primary keys up to the household; the
    # building's compound and grid come from a small map (a community has ~70 buildings).
    volunteers = _fetch(
        Volunteer.select(Volunteer.id, Volunteer.name, Volunteer.available, Volunteer.team, Household.building)
        .join(Resident, JOIN.LEFT_OUTER, on=(Volunteer.resident == Resident.id))
        .join(Household, JOIN.LEFT_OUTER, on=(Resident.household == Household.id))
        .where(live(Volunteer) & Volunteer.ended_on.is_null())
    )
    places = {b: (c, g) for b, c, g in _fetch(Building.select(Building.id, Building.compound, Building.grid))}
    listed = {
        v
        for (v,) in VolunteerSkill.select(VolunteerSkill.volunteer)
        .where((VolunteerSkill.item == item) & live(VolunteerSkill))
        .tuples()
    }
    serving = [
        k for k, serves in ResourceItem.select(ResourceItem.key, ResourceItem.serves).tuples() if item in (serves or [])
    ]
    offering = (
        {
            v
            for (v,) in Resource.select(Resource.volunteer)
            .where(
                (Resource.provider_kind == "volunteer")
                & Resource.item.in_(serving)
                & live(Resource)
                & Resource.volunteer.is_null(False)
            )
            .tuples()
        }
        if serving
        else set()
    )
    teams_covering = {tid for tid, skills in team_skills().items() if item in skills}
    paired = (
        {
            v
            for (v,) in Pairing.select(Pairing.volunteer)
            .where((Pairing.household == need.household_id) & live(Pairing))
            .tuples()
        }
        if need.household_id
        else set()
    )
    on_it = {
        v
        for (v,) in Assignment.select(Assignment.volunteer)
        .where((Assignment.need == need.id) & (Assignment.status == "assigned") & live(Assignment))
        .tuples()
    }
    load = open_load()
    satisfaction = _past_satisfaction()

    scored: list[tuple[float, str, tuple[str, str, tuple[float, ...], Reasons]]] = []
    for vid, name, available, team_id, v_building in volunteers:
        if vid in on_it:
            continue
        if vid in listed:
            skill_why = "listed"
        elif vid in offering:
            skill_why = "resource"
        elif team_id in teams_covering:
            skill_why = "team"
        else:
            skill_why = "none"
        v_compound, v_grid = places.get(v_building, (None, None))
        if building and v_building == building:
            place_why = "building"
        elif compound and v_compound == compound:
            place_why = "compound"
        elif grid and v_grid == grid:
            place_why = "grid"
        else:
            place_why = "none"
        current = load.get(vid, 0)
        rated = satisfaction.get(vid)
        parts: tuple[float, ...] = (
            SKILL[skill_why],
            PLACE.get(place_why, 0),
            PAIRING if vid in paired else 0,
            max(LOAD_FLOOR, LOAD_STEP * current),
            AVAILABLE if available else 0,
            round(SATISFACTION_MAX * rated[0] / rated[1], 1) if rated else SATISFACTION_UNKNOWN,
        )
        why = (skill_why, place_why, vid in paired, current, bool(available), rated)
        scored.append((-round(sum(parts), 1), vid, (name, team_id, parts, why)))
    scored.sort(key=lambda s: (s[0], s[1]))

    teams = {tid: pick(zh, en) for tid, zh, en in Team.select(Team.id, Team.name, Team.name_en).tuples()}
    top = []
    for negative, vid, (name, team_id, parts, why) in scored[: max(0, limit)]:  # words only for the few shown
        top.append(
            Candidate(
                vid,
                name,
                teams.get(team_id, ""),
                -negative,
                {k: float(v) for k, v in zip(PARTS, parts, strict=True)},
                _reasons(*why),
                open_load=why[3],
                available=why[4],
            )
        )
    return top


Reasons = tuple[str, str, bool, int, bool, "tuple[float, int] | None"]
"""What a candidate's score parts are made of, in :func:`_reasons`' order."""


def _fetch(query: ModelSelect) -> list[tuple[Any, ...]]:
    """Plain tuples straight from SQLite: the volunteer scan is the one big read of a
    suggestion, and peewee's per-row conversion would cost more than the query itself."""
    rows: list[tuple[Any, ...]] = database.execute_sql(*query.sql()).fetchall()
    return rows


def _past_satisfaction() -> dict[str, tuple[float, int]]:
    """Volunteer id -> (sum of satisfaction values, follow-ups) over the needs they completed."""
    value = fn.SUM(Case(Need.satisfaction, list(SATISFACTION_VALUE.items()), 0.0))
    rows = (
        Assignment.select(Assignment.volunteer, value, fn.COUNT(Assignment.id))
        .join(Need, on=(Assignment.need == Need.id))
        .where((Assignment.status == "done") & live(Assignment) & Need.satisfaction.is_null(False))
        .group_by(Assignment.volunteer)
        .tuples()
    )
    return {vid: (float(total), int(n)) for vid, total, n in rows}


def _reasons(
    skill: str, place: str, paired: bool, load: int, available: bool, rated: tuple[float, int] | None
) -> list[str]:
    """The score parts in words, in the order they weigh."""
    out = [t(f"dispatch.reason.skill.{skill}"), t(f"dispatch.reason.place.{place}")]
    if paired:
        out.append(t("dispatch.reason.paired"))
    out.append(t("dispatch.reason.load", count=load) if load else t("dispatch.reason.no_load"))
    out.append(t("dispatch.reason.available" if available else "dispatch.reason.unavailable"))
    if rated:
        out.append(t("dispatch.reason.satisfaction", percent=round(100 * rated[0] / rated[1]), count=rated[1]))
    else:
        out.append(t("dispatch.reason.no_followups"))
    return out


# -- assigning and recording ---------------------------------------------------------------------


def assign(need_id: str, volunteer_id: str, actor: str = "", note: str = "", *, at: datetime | None = None) -> str:
    """Send a volunteer to a need: the need becomes assigned; returns the assignment id."""
    vol = get_volunteer(volunteer_id)
    at = at or datetime.now().replace(microsecond=0)
    with store.transaction():
        needs_domain.transition(need_id, "assigned", actor=actor, note=note or vol.name, at=at)
        return store.create(
            Assignment, need=need_id, volunteer=volunteer_id, assigned_at=at, status="assigned", note=note
        ).id


def get_assignment(assignment_id: str) -> Assignment:
    found = by_id(Assignment, assignment_id)
    if found is None:
        raise GridError("dispatch.assignment_not_found", id=assignment_id)
    return found


def cancel(assignment_id: str, actor: str = "", note: str = "") -> None:
    """The volunteer cannot go: the assignment is cancelled and the need is open again."""
    assignment = get_assignment(assignment_id)
    if assignment.status != "assigned":
        raise AssignmentClosed(assignment.status)
    needs_domain.reopen(assignment.need_id, actor=actor, note=note)


def record_outcome(
    assignment_id: str,
    hours: float | str,
    materials: str = "",
    note: str = "",
    *,
    actor: str = "",
    on: date | None = None,
    at: datetime | None = None,
) -> str:
    """What the volunteer did: the need is done and the hours (a number, or as typed: checked
    here) go into the ledger; returns the log id."""
    assignment = get_assignment(assignment_id)
    if assignment.status != "assigned":
        raise AssignmentClosed(assignment.status)
    hours = check_hours(hours)
    now = at or datetime.now()
    item = NeedItem.get_by_id(needs_domain.get_need(assignment.need_id).item_id)
    with store.transaction():
        needs_domain.mark_done(assignment.need_id, actor=actor, note=note, at=at)
        store.update(Assignment, assignment_id, status="done", done_at=now, hours=hours, materials=materials, note=note)
        return store.create(
            ServiceLog,
            volunteer=assignment.volunteer_id,
            date=on or now.date(),
            hours=hours,
            need=assignment.need_id,
            activity=item.zh,
            note=note,
        ).id


# -- batch dispatch ------------------------------------------------------------------------------


def campaign_needs(campaign_id: str) -> list[str]:
    """Open needs recorded on a campaign's visits (oldest due first)."""
    return [
        n
        for (n,) in Need.select(Need.id)
        .join(Visit, on=(Need.visit == Visit.id))
        .where((Visit.campaign == campaign_id) & (Need.status == "open") & live(Need))
        .order_by(Need.due_at, Need.id)
        .tuples()
    ]


def collective_needs(collective_id: str) -> list[str]:
    """Open needs grouped under a collective issue (oldest due first)."""
    return [
        n
        for (n,) in Need.select(Need.id)
        .where((Need.collective == collective_id) & (Need.status == "open") & live(Need))
        .order_by(Need.due_at, Need.id)
        .tuples()
    ]


def batch_dispatch(need_ids: list[str], volunteer_id: str | None = None, actor: str = "") -> list[Dispatched]:
    """Assign many open needs at once: all to one volunteer, or each to its best candidate.

    With no volunteer given, each assignment is written before the next need is ranked, so it
    counts towards the load and a campaign's needs spread over people instead of all landing
    on the top one.
    """
    done: list[Dispatched] = []
    with store.transaction():
        for need_id in need_ids:
            if needs_domain.get_need(need_id).status != "open":
                continue
            chosen = volunteer_id
            if chosen is None:
                best = suggest(need_id, limit=1)
                if not best:
                    continue
                chosen = best[0].volunteer_id
            done.append(
                Dispatched(need_id=need_id, volunteer_id=chosen, assignment_id=assign(need_id, chosen, actor=actor))
            )
    return done


# -- the task card -------------------------------------------------------------------------------


def task_card(assignment_id: str, lang: str | None = None, *, reveal: bool = False, actor: str = "") -> str:
    """The volunteer's task as plain text for a phone message; the resident's phone is masked
    unless ``reveal`` (which is audited)."""
    assignment = get_assignment(assignment_id)
    detail = needs_domain.need_detail(assignment.need_id, reveal=reveal, actor=actor, where="task_card")
    vol = Volunteer.get(Volunteer.id == assignment.volunteer_id)
    item = NeedItem.get(NeedItem.key == detail.item_key)
    due = detail.due_at.strftime("%Y-%m-%d %H:%M") if detail.due_at else "-"
    lines = [
        t("dispatch.card.title", lang=lang, volunteer=vol.name),
        t(
            "dispatch.card.need",
            lang=lang,
            item=pick(item.zh, item.en, lang),
            urgency=t(f"needs.urgency.{detail.urgency}", lang=lang),
        ),
        t("dispatch.card.address", lang=lang, address=detail.address or "-"),
        t("dispatch.card.resident", lang=lang, name=detail.resident or "-", phone=detail.phone or "-"),
        t("dispatch.card.due", lang=lang, due=due),
    ]
    if detail.note:
        lines.append(t("dispatch.card.note", lang=lang, note=detail.note))
    lines.append(t("dispatch.card.ref", lang=lang, id=assignment.id[-8:]))
    return "\n".join(lines)
