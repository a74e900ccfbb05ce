"""Volunteers: the registry, teams, skills, the service-hours ledger and 一带多帮 pairings.

Volunteers are resident volunteers and in-service party members who reported to the community
where they live (双报到, with their work unit). The three teams of the article are seeded from
``data/teams.json`` with stable ids, so every laptop points at the same rows; offices may add
more. A volunteer's skills are items of the needs catalog, which is what dispatch matches on.

A volunteer's ID number and phone are checked as a resident's are and shown masked; one ID
number is one volunteer. A volunteer who stops is *ended* (``ended_on``), never erased: they
leave the registry and dispatch, and their hours stay in the reports. A pairing ends the same
way (``until``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import JOIN, Expression, ModelSelect, fn

from gridtui.core import catalogs, store
from gridtui.core.ids import stable_id
from gridtui.core.models import (
    Assignment,
    Household,
    Need,
    NeedItem,
    Pairing,
    Resident,
    ServiceLog,
    Team,
    Volunteer,
    VolunteerSkill,
    by_id,
    live,
    live_where,
)
from gridtui.core.validate import fold, parse_date
from gridtui.core.validate import id_number as check_id_number
from gridtui.core.validate import phone as check_phone
from gridtui.domain.privacy import mask_id, mask_phone, record_reveal
from gridtui.errors import GridError, ValidationError
from gridtui.i18n import pick

__all__ = [
    "ACTIVE_NEED",
    "EDITABLE",
    "KINDS",
    "OPEN_ASSIGNMENTS",
    "Ended",
    "PairedHousehold",
    "PairedVolunteer",
    "PairingRow",
    "ServiceLine",
    "TeamRow",
    "VolunteerAssignment",
    "VolunteerDetail",
    "VolunteerRow",
    "assignments_of_volunteer",
    "check_hours",
    "count_volunteers",
    "create_team",
    "current",
    "edit_volunteer",
    "end_pairing",
    "end_team",
    "end_volunteer",
    "ensure_teams",
    "find_pairing",
    "find_volunteer",
    "get_volunteer",
    "hours_by_team",
    "hours_by_volunteer",
    "list_pairings",
    "list_teams",
    "list_volunteers",
    "log_service",
    "match_team",
    "open_load",
    "pair",
    "pairings_of_household",
    "pairings_of_volunteer",
    "register_volunteer",
    "resolve_team",
    "reveal",
    "running_assignments",
    "set_availability",
    "set_skills",
    "team_skills",
    "update_team",
    "update_volunteer",
    "upsert_volunteer",
    "volunteer_detail",
]

KINDS = ("resident", "in_service_party", "party_volunteer", "unit_staff")
ACTIVE_NEED = ("open", "assigned", "in_progress")
EDITABLE = (
    "name",
    "phone",
    "id_number",
    "kind",
    "work_unit",
    "organization",
    "team",
    "available",
    "availability",
    "note",
    "resident",
)
"""Volunteer fields a person may change (skills have their own :func:`set_skills`)."""
OPEN_ASSIGNMENTS = ("return", "keep")
"""What ending a volunteer does with the needs they still hold: back to the board, or theirs to
finish."""


@dataclass(frozen=True)
class TeamRow:
    id: str
    key: str
    name: str
    members: int
    hours: float


@dataclass(frozen=True)
class VolunteerRow:
    """One line of the registry; phone and ID number masked."""

    id: str
    name: str
    phone: str
    id_masked: str
    kind: str
    work_unit: str
    team_id: str | None
    team: str
    available: bool
    availability: str
    skills: tuple[str, ...]  # need item keys
    open_load: int
    hours: float


@dataclass(frozen=True)
class PairedHousehold:
    """A household a volunteer helps (一带多帮), seen from the volunteer."""

    id: str  # the pairing
    household_id: str
    address: str
    since: date | None


@dataclass(frozen=True)
class PairedVolunteer:
    """A party member helping a household, seen from the household; phone masked."""

    id: str  # the pairing
    volunteer_id: str
    volunteer: str
    phone: str
    since: date | None


@dataclass(frozen=True)
class PairingRow:
    id: str
    volunteer_id: str
    volunteer: str
    household_id: str
    address: str
    since: date | None
    note: str


@dataclass(frozen=True)
class ServiceLine:
    """One line of the service-hours ledger."""

    date: date
    hours: float
    need_id: str | None
    activity: str
    note: str


@dataclass(frozen=True)
class VolunteerDetail:
    """One volunteer; ``phone`` is masked unless the detail was read to reveal it."""

    id: str
    name: str
    phone: str
    id_masked: str
    kind: str
    work_unit: str
    team_id: str | None
    team: str
    available: bool
    availability: str
    note: str
    resident_id: str | None
    skills: tuple[str, ...]
    hours: float
    open_load: int
    pairings: tuple[PairedHousehold, ...]
    service: tuple[ServiceLine, ...]  # newest first


@dataclass(frozen=True)
class VolunteerAssignment:
    """A need the volunteer was dispatched to, with the need's item and address."""

    id: str
    need_id: str
    item: str
    address: str
    need_status: str
    status: str
    assigned_at: datetime
    done_at: datetime | None
    hours: float


@dataclass(frozen=True)
class Ended:
    """What ending a volunteer did: needs sent back to the board, needs kept, pairings ended."""

    returned: int
    kept: int
    pairings: int


def current(query: ModelSelect, model: type[Volunteer] | type[Pairing] = Volunteer) -> ModelSelect:
    """Volunteers (or pairings) still serving: live and not ended."""
    column = model.ended_on if model is Volunteer else model.until
    return query.where(live(model) & column.is_null())


# -- teams -------------------------------------------------------------------------------------


def ensure_teams() -> list[str]:
    """Create the catalog's teams (家政维修, 银发, 党员) if missing; returns their ids."""
    ids = []
    with store.transaction():
        for team in catalogs.teams():
            tid = stable_id("team", team["key"])
            if not Team.select().where(Team.id == tid).exists():
                store.create(Team, id=tid, key=team["key"], name=team["zh"], name_en=team["en"])
            ids.append(tid)
    return ids


def team_skills() -> dict[str, list[str]]:
    """Team id -> the need items the catalog says the team covers (new teams cover none)."""
    return {stable_id("team", t["key"]): list(t["skills"]) for t in catalogs.teams()}


def create_team(name: str, *, name_en: str = "", key: str = "", note: str = "") -> str:
    """A new volunteer team (a 50th activity needs a new team now and then)."""
    if key and Team.select().where((Team.key == key) & live(Team)).exists():
        raise GridError("volunteers.team_exists", team=key)
    return store.create(Team, key=key, name=name, name_en=name_en, note=note).id


def list_teams() -> list[TeamRow]:
    """Teams with their member counts and total service hours."""
    members = dict(
        Volunteer.select(Volunteer.team, fn.COUNT(Volunteer.id))
        .where(live(Volunteer))
        .group_by(Volunteer.team)
        .tuples()
    )
    hours = hours_by_team()
    return [
        TeamRow(
            id=t.id, key=t.key, name=pick(t.name, t.name_en), members=members.get(t.id, 0), hours=hours.get(t.id, 0.0)
        )
        for t in Team.select().where(live(Team)).order_by(Team.name, Team.id)
    ]


def resolve_team(text: str) -> str:
    """A team id from its id, key or name (zh or en), for the CLI's --team and the lists'
    team column; the catalog's three teams are made on first mention."""
    found = match_team(text)
    if found is None:
        raise GridError("volunteers.unknown_team", team=(text or "").strip())
    if not Team.select().where((Team.id == found) & live(Team)).exists():
        ensure_teams()
    return found


def match_team(text: str) -> str | None:
    """The id of the team ``text`` names (a live team, or one of the catalog's three, which may
    not be made yet), without writing anything; None when no team has that name."""
    text = (text or "").strip()
    wanted = fold(text)
    made: Team
    for made in Team.select().where(live(Team)):
        if text in (made.id, made.key) or wanted in (fold(made.name), fold(made.name_en)):
            return made.id
    for team in catalogs.teams():
        if wanted in (fold(team["zh"]), fold(team["en"]), fold(team["key"])):
            return stable_id("team", team["key"])
    return None


def update_team(team_id: str, **values: Any) -> list[str]:
    """Rename a team (name, name_en) or change its note."""
    _team(team_id)
    for name in values:
        if name not in ("name", "name_en", "note"):
            raise ValidationError(name, "households.not_editable")
    return store.update(Team, team_id, **values)


def end_team(team_id: str) -> int:
    """A team disbands: its members stay volunteers, in no team; returns how many they were."""
    _team(team_id)
    with store.transaction():
        members = [
            v for (v,) in Volunteer.select(Volunteer.id).where((Volunteer.team == team_id) & live(Volunteer)).tuples()
        ]
        for vid in members:
            store.update(Volunteer, vid, team=None)
        store.delete(Team, team_id)
    return len(members)


def _team(team_id: str) -> Team:
    found = by_id(Team, team_id)
    if found is None:
        raise GridError("volunteers.unknown_team", team=team_id)
    return found


# -- the registry ------------------------------------------------------------------------------


def register_volunteer(
    name: str,
    *,
    phone: str = "",
    id_number: str = "",
    kind: str = "resident",
    resident_id: str | None = None,
    work_unit: str = "",
    organization_id: str | None = None,
    team_id: str | None = None,
    available: bool = True,
    availability: str = "",
    skills: list[str] | tuple[str, ...] = (),
    note: str = "",
) -> str:
    """Add a volunteer; an in-service party member (双报到) must name their work unit. A volunteer
    whose ID number is a resident's is linked to that resident (dispatch then knows where they
    live); an ID number already on another volunteer is refused."""
    values = _checked(
        {
            "name": name,
            "phone": phone,
            "id_number": id_number,
            "kind": kind,
            "work_unit": work_unit,
            "team": team_id,
            "resident": resident_id,
            "organization": organization_id,
            "available": available,
            "availability": availability,
            "note": note,
        },
        None,
    )
    with store.transaction():
        vid = store.create(Volunteer, **values).id
        if skills:
            set_skills(vid, skills, new=True)
    return vid


def _checked(values: dict[str, Any], volunteer: Volunteer | None) -> dict[str, Any]:
    """The registry's own rules on top of the store's: a known kind, a work unit for a 双报到
    member, a live team, one volunteer per ID number, a resident found by that number."""
    kind = values.get("kind", volunteer.kind if volunteer else "resident")
    if kind not in KINDS:
        raise ValidationError("kind", "validate.choice", value=kind, allowed=" / ".join(KINDS))
    if "work_unit" in values:
        values["work_unit"] = (values["work_unit"] or "").strip()
    if kind == "in_service_party" and not values.get("work_unit", volunteer.work_unit if volunteer else ""):
        raise ValidationError("work_unit", "validate.required")
    if values.get("team") is not None:
        _team(values["team"])
    if values.get("id_number"):
        values["id_number"] = check_id_number(values["id_number"])
        other = next((v for v in live_where(Volunteer, id_number=values["id_number"]) if v.ended_on is None), None)
        if other is not None and (volunteer is None or other.id != volunteer.id):
            raise ValidationError("id_number", "volunteers.id_taken", name=other.name)
        if not values.get("resident") and not (volunteer and volunteer.resident_id):
            resident = next(iter(live_where(Resident, id_number=values["id_number"])), None)
            if resident is not None:
                values["resident"] = resident.id
    return values


def update_volunteer(volunteer_id: str, **values: Any) -> list[str]:
    """Change a volunteer's fields (``team`` and ``organization`` are ids, None for none);
    returns the names of the fields that really changed."""
    volunteer = get_volunteer(volunteer_id)
    for name in values:
        if name not in EDITABLE:
            raise ValidationError(name, "households.not_editable")
    return store.update(Volunteer, volunteer_id, **_checked(dict(values), volunteer))


def upsert_volunteer(values: dict[str, Any], skills: list[str] | None = None, *, new_kind: str | None = None) -> str:
    """One row of the office's volunteer list: the volunteer it names is made, or brought up to
    date (found by ID number, else phone, else name and work unit). ``skills`` (need item keys)
    replace theirs when given; ``new_kind`` is the kind of someone new when the row names none.
    Returns "created", "updated" or "unchanged", so importing the same list again changes nothing."""
    found = _known(values)
    if found is None:
        if new_kind and "kind" not in values:
            values["kind"] = new_kind
        ids = {"team": "team_id", "resident": "resident_id", "organization": "organization_id"}
        register_volunteer(values.pop("name"), skills=skills or (), **{ids.get(k, k): v for k, v in values.items()})
        return "created"
    return "updated" if edit_volunteer(found, skills=skills, **values) else "unchanged"


def _known(values: dict[str, Any]) -> str | None:
    """The volunteer still serving that a list's row describes, if any."""
    if values.get("id_number"):
        found = _match(Volunteer.id_number == check_id_number(values["id_number"]))
        if found:
            return found[0]
    if values.get("phone"):
        found = _match(Volunteer.phone == check_phone(values["phone"]))
        if found:
            return found[0]
    found = _match(
        (Volunteer.name == values.get("name", ""))
        & (Volunteer.work_unit == values.get("work_unit", ""))
        & (Volunteer.id_number == "")
        & (Volunteer.phone == "")
    )
    return found[0] if found else None


def edit_volunteer(volunteer_id: str, *, skills: list[str] | None = None, **values: Any) -> list[str]:
    """Change a volunteer's fields and, when given, make their skills exactly ``skills``; one
    write, whatever was changed. Returns the names of what changed ("skills" among them)."""
    with store.transaction():
        changed = update_volunteer(volunteer_id, **values)
        if skills is not None:
            before = {s.item_id for s in live_where(VolunteerSkill, volunteer=volunteer_id)}
            if before != set(skills):
                set_skills(volunteer_id, skills)
                changed.append("skills")
    return changed


def running_assignments(volunteer_id: str) -> list[tuple[str, str, str]]:
    """(assignment, need, need status) of the needs this volunteer holds that are not done."""
    return list(
        Assignment.select(Assignment.id, Assignment.need, Need.status)
        .join(Need, on=(Assignment.need == Need.id))
        .where(
            (Assignment.volunteer == volunteer_id)
            & (Assignment.status == "assigned")
            & live(Assignment)
            & Need.status.in_(ACTIVE_NEED)
        )
        .order_by(Assignment.assigned_at, Assignment.id)
        .tuples()
    )


def end_volunteer(
    volunteer_id: str, *, on: date | str | None = None, assignments: str | None = None, actor: str = ""
) -> Ended:
    """The volunteer stops: ended on ``on`` (today), their pairings end with them.

    Needs they still hold are the office's to decide: ``assignments="return"`` sends the ones
    not started back to the board (a need already in progress stays theirs to finish),
    ``"keep"`` leaves all with them; with neither, a volunteer holding needs is refused with a
    sentence that says so.
    """
    from gridtui.domain import needs as needs_domain

    volunteer = get_volunteer(volunteer_id)
    held = running_assignments(volunteer_id)
    if held and assignments not in OPEN_ASSIGNMENTS:
        raise GridError("volunteers.has_assignments", name=volunteer.name, count=len(held))
    day = parse_date(on, "ended_on") if on else date.today()
    returned = kept = pairings = 0
    with store.transaction():
        for _assignment, need_id, status in held:
            if assignments == "return" and status == "assigned":
                needs_domain.reopen(need_id, actor=actor, note=volunteer.name)
                returned += 1
            else:
                kept += 1
        for (pairing_id,) in current(
            Pairing.select(Pairing.id).where(Pairing.volunteer == volunteer_id), Pairing
        ).tuples():
            store.update(Pairing, pairing_id, until=day)
            pairings += 1
        store.update(Volunteer, volunteer_id, ended_on=day, available=False)
    return Ended(returned=returned, kept=kept, pairings=pairings)


def find_volunteer(ref: str) -> str:
    """A volunteer still serving, by id (or a unique start or end of it), ID number, phone or
    name; a name two volunteers share must be given another way."""
    text = (ref or "").strip()
    if not text:
        raise GridError("volunteers.not_found", id=text)
    found = _match(Volunteer.id == text)
    if not found and len(text) >= 6:
        found = _match(Volunteer.id.startswith(text.lower()) | Volunteer.id.endswith(text.lower()))
    if not found:
        found = _match(Volunteer.id_number == text.upper()) or _match(Volunteer.phone == text)
    if not found:
        found = _match(Volunteer.name == text)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise GridError("volunteers.ambiguous", ref=text, count=len(found))
    raise GridError("volunteers.not_found", id=text)


def _match(condition: Expression) -> list[str]:
    return [v for (v,) in current(Volunteer.select(Volunteer.id).where(condition)).limit(5).tuples()]


def reveal(volunteer_id: str, actor: str = "") -> tuple[str, str]:
    """The full ID number and phone of a volunteer; the reveal is written to the audit log."""
    volunteer = get_volunteer(volunteer_id)
    record_reveal("volunteer", volunteer_id, "id_number,phone", actor=actor, where="volunteer")
    return volunteer.id_number, volunteer.phone


def get_volunteer(volunteer_id: str) -> Volunteer:
    """A volunteer still serving (an ended one cannot be dispatched, paired or edited)."""
    found = by_id(Volunteer, volunteer_id)
    if found is None or found.ended_on is not None:
        raise GridError("volunteers.not_found", id=volunteer_id)
    return found


def set_skills(volunteer_id: str, item_keys: list[str] | tuple[str, ...], *, new: bool = False) -> None:
    """Make the volunteer's skills exactly these need items (removed ones are tombstoned);
    ``new``: the volunteer was just registered and has none yet."""
    wanted = list(dict.fromkeys(item_keys))
    known = {i["key"] for i in catalogs.need_items()}
    for key in wanted:
        if key not in known:
            raise GridError("needs.unknown_item", item=key)
    with store.transaction():
        current = {} if new else {s.item_id: s.id for s in live_where(VolunteerSkill, volunteer=volunteer_id)}
        for key in wanted:
            if key not in current:
                store.create(VolunteerSkill, volunteer=volunteer_id, item=key)
        for key, sid in current.items():
            if key not in wanted:
                store.delete(VolunteerSkill, sid)


def set_availability(volunteer_id: str, available: bool, availability: str | None = None) -> None:
    """Available now (or not), and the usual windows (周末, 工作日晚上...)."""
    get_volunteer(volunteer_id)
    values: dict[str, Any] = {"available": available}
    if availability is not None:
        values["availability"] = availability
    store.update(Volunteer, volunteer_id, **values)


def _filter(query: ModelSelect, team_id: str | None, kind: str | None) -> ModelSelect:
    query = current(query)
    if team_id:
        query = query.where(Volunteer.team == team_id)
    if kind:
        query = query.where(Volunteer.kind == kind)
    return query


def count_volunteers(team_id: str | None = None, kind: str | None = None) -> int:
    return _filter(Volunteer.select(fn.COUNT(Volunteer.id)), team_id, kind).scalar() or 0


def list_volunteers(
    team_id: str | None = None, kind: str | None = None, offset: int = 0, limit: int = 100
) -> list[VolunteerRow]:
    """One page of the registry (by name), each with team, skills, open load and hours; phones masked."""
    rows = list(
        _filter(
            Volunteer.select(Volunteer, Team.name.alias("team_zh"), Team.name_en.alias("team_en")).join(
                Team, JOIN.LEFT_OUTER, on=(Volunteer.team == Team.id)
            ),
            team_id,
            kind,
        )
        .order_by(Volunteer.name, Volunteer.id)
        .offset(max(0, offset))
        .limit(max(0, limit))
        .dicts()
    )
    ids = [r["id"] for r in rows]
    skills: dict[str, list[str]] = {}
    for vid, item in (
        VolunteerSkill.select(VolunteerSkill.volunteer, VolunteerSkill.item)
        .where(VolunteerSkill.volunteer.in_(ids) & live(VolunteerSkill))
        .order_by(VolunteerSkill.item)
        .tuples()
    ):
        skills.setdefault(vid, []).append(item)
    load = open_load(ids)
    hours = hours_by_volunteer(ids)
    return [
        VolunteerRow(
            id=r["id"],
            name=r["name"],
            phone=mask_phone(r["phone"]),
            id_masked=mask_id(r["id_number"]),
            kind=r["kind"],
            work_unit=r["work_unit"],
            team_id=r["team"],
            team=pick(r["team_zh"], r["team_en"]),
            available=r["available"],
            availability=r["availability"],
            skills=tuple(skills.get(r["id"], ())),
            open_load=load.get(r["id"], 0),
            hours=hours.get(r["id"], 0.0),
        )
        for r in rows
    ]


def open_load(volunteer_ids: list[str] | None = None) -> dict[str, int]:
    """Volunteer id -> how many needs they are assigned to that are not done yet."""
    query = (
        Assignment.select(Assignment.volunteer, fn.COUNT(Assignment.id))
        .join(Need, on=(Assignment.need == Need.id))
        .where((Assignment.status == "assigned") & live(Assignment) & Need.status.in_(ACTIVE_NEED))
    )
    if volunteer_ids is not None:
        query = query.where(Assignment.volunteer.in_(volunteer_ids))
    return dict(query.group_by(Assignment.volunteer).tuples())


def volunteer_detail(volunteer_id: str, *, reveal: bool = False) -> VolunteerDetail:
    """One volunteer: registry fields, skills, hours, open assignments and the households they help."""
    vol = get_volunteer(volunteer_id)
    team = Team.get_or_none(Team.id == vol.team_id) if vol.team_id else None
    return VolunteerDetail(
        id=vol.id,
        name=vol.name,
        phone=vol.phone if reveal else mask_phone(vol.phone),
        id_masked=mask_id(vol.id_number),
        kind=vol.kind,
        work_unit=vol.work_unit,
        team_id=vol.team_id,
        team=pick(team.name, team.name_en) if team else "",
        available=vol.available,
        availability=vol.availability,
        note=vol.note,
        resident_id=vol.resident_id,
        skills=tuple(
            s
            for (s,) in VolunteerSkill.select(VolunteerSkill.item)
            .where((VolunteerSkill.volunteer == vol.id) & live(VolunteerSkill))
            .order_by(VolunteerSkill.item)
            .tuples()
        ),
        hours=hours_by_volunteer([vol.id]).get(vol.id, 0.0),
        open_load=open_load([vol.id]).get(vol.id, 0),
        pairings=tuple(pairings_of_volunteer(vol.id)),
        service=tuple(
            ServiceLine(date=s.date, hours=s.hours, need_id=s.need_id, activity=s.activity, note=s.note)
            for s in ServiceLog.select()
            .where((ServiceLog.volunteer == vol.id) & live(ServiceLog))
            .order_by(ServiceLog.date.desc(), ServiceLog.id)
        ),
    )


# -- the service-hours ledger ------------------------------------------------------------------


def log_service(
    volunteer_id: str,
    hours: float | str,
    *,
    on: date | str | None = None,
    activity: str = "",
    need_id: str | None = None,
    note: str = "",
) -> str:
    """One line of the ledger: a stint of volunteer work (a need, or an activity like a clean-up);
    ``hours`` as typed is checked here."""
    get_volunteer(volunteer_id)
    hours = check_hours(hours)
    day = parse_date(on, "date") if on else date.today()
    return store.create(
        ServiceLog, volunteer=volunteer_id, date=day, hours=hours, need=need_id, activity=activity, note=note
    ).id


def check_hours(value: Any) -> float:
    """Hours of one stint of service: a number from 0 to 24."""
    try:
        hours = float(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError("hours", "validate.number", value=value) from exc
    if not 0 <= hours <= 24:
        raise ValidationError("hours", "validate.range", low=0, high=24, unit="h")
    return hours


def hours_by_volunteer(volunteer_ids: list[str] | None = None) -> dict[str, float]:
    """Volunteer id -> total service hours in the ledger."""
    query = ServiceLog.select(ServiceLog.volunteer, fn.SUM(ServiceLog.hours)).where(live(ServiceLog))
    if volunteer_ids is not None:
        query = query.where(ServiceLog.volunteer.in_(volunteer_ids))
    return {vid: float(total or 0) for vid, total in query.group_by(ServiceLog.volunteer).tuples()}


def hours_by_team() -> dict[str, float]:
    """Team id -> total service hours of its members."""
    query = (
        ServiceLog.select(Volunteer.team, fn.SUM(ServiceLog.hours))
        .join(Volunteer, on=(ServiceLog.volunteer == Volunteer.id))
        .where(live(ServiceLog) & Volunteer.team.is_null(False))
        .group_by(Volunteer.team)
    )
    return {tid: float(total or 0) for tid, total in query.tuples()}


# -- 一带多帮 pairings ---------------------------------------------------------------------------


def pair(volunteer_id: str, household_id: str, *, since: date | str | None = None, note: str = "") -> str:
    """Pair a party member with a household in difficulty (one member helps several)."""
    get_volunteer(volunteer_id)
    if by_id(Household, household_id) is None:
        raise GridError("needs.unknown_household", id=household_id)
    existing = next(
        (p for p in live_where(Pairing, volunteer=volunteer_id, household=household_id) if p.until is None), None
    )
    if existing:
        return existing.id
    return store.create(
        Pairing,
        volunteer=volunteer_id,
        household=household_id,
        since=parse_date(since, "since") if since else date.today(),
        note=note,
    ).id


def end_pairing(pairing_id: str, *, on: date | str | None = None) -> None:
    """The pairing ends (the household no longer needs it, or the member moved on); it stays in
    the history with its end date."""
    found = current(Pairing.select().where(Pairing.id == pairing_id), Pairing).first()
    if found is None:
        raise GridError("volunteers.no_pairing")
    store.update(Pairing, pairing_id, until=parse_date(on, "until") if on else date.today())


def find_pairing(volunteer_id: str, household_id: str) -> str:
    """The current pairing of this volunteer and household."""
    found: Pairing | None = current(
        Pairing.select(Pairing.id).where((Pairing.volunteer == volunteer_id) & (Pairing.household == household_id)),
        Pairing,
    ).first()
    if found is None:
        raise GridError("volunteers.no_pairing")
    return found.id


def pairings_of_volunteer(volunteer_id: str) -> list[PairedHousehold]:
    """The households this volunteer helps, with the address."""
    return [
        PairedHousehold(id=p.id, household_id=p.household_id, address=p.address, since=p.since)
        for p in Pairing.select(Pairing, Household.address.alias("address"))
        .join(Household, on=(Pairing.household == Household.id))
        .where((Pairing.volunteer == volunteer_id) & live(Pairing) & Pairing.until.is_null())
        .order_by(Household.address, Pairing.id)
        .objects()
    ]


def list_pairings(volunteer_id: str | None = None) -> list[PairingRow]:
    """Every current pairing (or one volunteer's), by volunteer then address; phones masked."""
    query = (
        Pairing.select(Pairing, Volunteer.name.alias("vname"), Household.address.alias("address"))
        .join(Volunteer, on=(Pairing.volunteer == Volunteer.id))
        .switch(Pairing)
        .join(Household, on=(Pairing.household == Household.id))
        .where(live(Pairing) & Pairing.until.is_null())
    )
    if volunteer_id:
        query = query.where(Pairing.volunteer == volunteer_id)
    return [
        PairingRow(
            id=p.id,
            volunteer_id=p.volunteer_id,
            volunteer=p.vname,
            household_id=p.household_id,
            address=p.address,
            since=p.since,
            note=p.note,
        )
        for p in query.order_by(Volunteer.name, Household.address, Pairing.id).objects()
    ]


def pairings_of_household(household_id: str) -> list[PairedVolunteer]:
    """The party members paired with this household, phones masked."""
    return [
        PairedVolunteer(
            id=p.id, volunteer_id=p.volunteer_id, volunteer=p.vname, phone=mask_phone(p.vphone), since=p.since
        )
        for p in Pairing.select(Pairing, Volunteer.name.alias("vname"), Volunteer.phone.alias("vphone"))
        .join(Volunteer, on=(Pairing.volunteer == Volunteer.id))
        .where((Pairing.household == household_id) & live(Pairing) & Pairing.until.is_null())
        .order_by(Volunteer.name, Pairing.id)
        .objects()
    ]


def assignments_of_volunteer(volunteer_id: str) -> list[VolunteerAssignment]:
    """The needs this volunteer was dispatched to, newest first, with the need's item and address."""
    get_volunteer(volunteer_id)
    return [
        VolunteerAssignment(
            id=a.id,
            need_id=a.need_id,
            item=pick(a.item_zh, a.item_en),
            address=a.address or "",
            need_status=a.need_status,
            status=a.status,
            assigned_at=a.assigned_at,
            done_at=a.done_at,
            hours=a.hours,
        )
        for a in Assignment.select(
            Assignment,
            NeedItem.zh.alias("item_zh"),
            NeedItem.en.alias("item_en"),
            Household.address.alias("address"),
            Need.status.alias("need_status"),
        )
        .join(Need, on=(Assignment.need == Need.id))
        .join(NeedItem, on=(Need.item == NeedItem.key))
        .switch(Need)
        .join(Household, JOIN.LEFT_OUTER, on=(Need.household == Household.id))
        .where((Assignment.volunteer == volunteer_id) & live(Assignment))
        .order_by(Assignment.assigned_at.desc(), Assignment.id)
        .objects()
    ]
