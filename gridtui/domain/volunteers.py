"""Volunteers: the registry, teams, skills, the service-hours ledger and 一带多帮 pairings.

Volunteers are resident volunteers and in-service party members who reported to the community
where they live (双报到, with their work unit). The three teams of the article are seeded from
``data/teams.json`` with stable ids, so every laptop points at the same rows; offices may add
more. A volunteer's skills are items of the needs catalog, which is what dispatch matches on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from peewee import JOIN, fn

from gridtui.core import catalogs, store
from gridtui.core.ids import stable_id
from gridtui.core.models import (
    Assignment,
    Household,
    Need,
    NeedItem,
    Pairing,
    ServiceLog,
    Team,
    Volunteer,
    VolunteerSkill,
    live,
)
from gridtui.core.validate import parse_date
from gridtui.domain.privacy import mask_phone
from gridtui.errors import GridError, ValidationError
from gridtui.i18n import pick

KINDS = ("resident", "in_service_party", "party_volunteer", "unit_staff")
ACTIVE_NEED = ("open", "assigned", "in_progress")



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


def list_teams() -> list[dict[str, Any]]:
    """Teams with their member counts and total service hours."""
    members = dict(
        Volunteer.select(Volunteer.team, fn.COUNT(Volunteer.id)).where(live(Volunteer))
        .group_by(Volunteer.team).tuples()
    )
    hours = hours_by_team()
    return [
        {"id": t.id, "key": t.key, "name": pick(t.name, t.name_en), "members": members.get(t.id, 0),
         "hours": hours.get(t.id, 0.0)}
        for t in Team.select().where(live(Team)).order_by(Team.name, Team.id)
    ]


def resolve_team(text: str) -> str:
    """A team id from its id, key or name (zh or en), for the CLI's --team."""
    text = (text or "").strip()
    team = Team.get_or_none(
        ((Team.id == text) | (Team.key == text) | (Team.name == text) | (fn.LOWER(Team.name_en) == text.lower()))
        & live(Team)
    )
    if team is None:
        raise GridError("volunteers.unknown_team", team=text)
    return team.id


# -- the registry ------------------------------------------------------------------------------


def register_volunteer(
    name: str,
    *,
    phone: str = "",
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
    """Add a volunteer; an in-service party member (双报到) must name their work unit."""
    if kind not in KINDS:
        raise ValidationError("kind", "validate.choice", value=kind, allowed=" / ".join(KINDS))
    if kind == "in_service_party" and not work_unit.strip():
        raise ValidationError("work_unit", "validate.required")
    if team_id is not None and not Team.select().where((Team.id == team_id) & live(Team)).exists():
        raise GridError("volunteers.unknown_team", team=team_id)
    with store.transaction():
        vid = store.create(
            Volunteer, name=name, phone=phone, kind=kind, resident=resident_id, work_unit=work_unit.strip(),
            organization=organization_id, team=team_id, available=available,
            availability=availability, note=note,
        ).id
        set_skills(vid, skills)
    return vid


def get_volunteer(volunteer_id: str) -> Volunteer:
    found = Volunteer.get_or_none((Volunteer.id == volunteer_id) & live(Volunteer))
    if found is None:
        raise GridError("volunteers.not_found", id=volunteer_id)
    return found


def set_skills(volunteer_id: str, item_keys: list[str] | tuple[str, ...]) -> None:
    """Make the volunteer's skills exactly these need items (removed ones are tombstoned)."""
    wanted = list(dict.fromkeys(item_keys))
    known = {k for (k,) in NeedItem.select(NeedItem.key).where(NeedItem.key.in_(wanted)).tuples()}
    for key in wanted:
        if key not in known:
            raise GridError("needs.unknown_item", item=key)
    with store.transaction():
        current = {s.item_id: s.id for s in VolunteerSkill.select().where(
            (VolunteerSkill.volunteer == volunteer_id) & live(VolunteerSkill))}
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


def _filter(query, team_id: str | None, kind: str | None):
    query = query.where(live(Volunteer))
    if team_id:
        query = query.where(Volunteer.team == team_id)
    if kind:
        query = query.where(Volunteer.kind == kind)
    return query


def count_volunteers(team_id: str | None = None, kind: str | None = None) -> int:
    return _filter(Volunteer.select(fn.COUNT(Volunteer.id)), team_id, kind).scalar() or 0


def list_volunteers(
    team_id: str | None = None, kind: str | None = None, offset: int = 0, limit: int = 100
) -> list[dict[str, Any]]:
    """One page of the registry (by name), each with team, skills, open load and hours; phones masked."""
    rows = list(
        _filter(Volunteer.select(Volunteer, Team.name.alias("team_zh"), Team.name_en.alias("team_en"))
                .join(Team, JOIN.LEFT_OUTER, on=(Volunteer.team == Team.id)), team_id, kind)
        .order_by(Volunteer.name, Volunteer.id).offset(max(0, offset)).limit(max(0, limit)).dicts()
    )
    ids = [r["id"] for r in rows]
    skills: dict[str, list[str]] = {}
    for vid, item in (VolunteerSkill.select(VolunteerSkill.volunteer, VolunteerSkill.item)
                      .where(VolunteerSkill.volunteer.in_(ids) & live(VolunteerSkill))
                      .order_by(VolunteerSkill.item).tuples()):
        skills.setdefault(vid, []).append(item)
    load = open_load(ids)
    hours = hours_by_volunteer(ids)
    return [
        {"id": r["id"], "name": r["name"], "phone": mask_phone(r["phone"]), "kind": r["kind"],
         "work_unit": r["work_unit"], "team_id": r["team"], "team": pick(r["team_zh"], r["team_en"]),
         "available": r["available"], "availability": r["availability"], "skills": skills.get(r["id"], []),
         "open_load": load.get(r["id"], 0), "hours": hours.get(r["id"], 0.0)}
        for r in rows
    ]


def open_load(volunteer_ids: list[str] | None = None) -> dict[str, int]:
    """Volunteer id -> how many needs they are assigned to that are not done yet."""
    query = (Assignment.select(Assignment.volunteer, fn.COUNT(Assignment.id))
             .join(Need, on=(Assignment.need == Need.id))
             .where((Assignment.status == "assigned") & live(Assignment) & Need.status.in_(ACTIVE_NEED)))
    if volunteer_ids is not None:
        query = query.where(Assignment.volunteer.in_(volunteer_ids))
    return dict(query.group_by(Assignment.volunteer).tuples())


def volunteer_detail(volunteer_id: str, *, reveal: bool = False) -> dict[str, Any]:
    """One volunteer: registry fields, skills, hours, open assignments and the households they help."""
    vol = get_volunteer(volunteer_id)
    team = Team.get_or_none(Team.id == vol.team_id) if vol.team_id else None
    return {
        "id": vol.id, "name": vol.name, "phone": vol.phone if reveal else mask_phone(vol.phone),
        "kind": vol.kind, "work_unit": vol.work_unit, "team_id": vol.team_id,
        "team": pick(team.name, team.name_en) if team else "", "available": vol.available,
        "availability": vol.availability, "resident_id": vol.resident_id,
        "skills": [s for (s,) in VolunteerSkill.select(VolunteerSkill.item).where(
            (VolunteerSkill.volunteer == vol.id) & live(VolunteerSkill)).order_by(VolunteerSkill.item).tuples()],
        "hours": hours_by_volunteer([vol.id]).get(vol.id, 0.0),
        "open_load": open_load([vol.id]).get(vol.id, 0),
        "pairings": pairings_of_volunteer(vol.id),
        "service": [
            {"date": s.date, "hours": s.hours, "need_id": s.need_id, "activity": s.activity, "note": s.note}
            for s in ServiceLog.select().where((ServiceLog.volunteer == vol.id) & live(ServiceLog))
            .order_by(ServiceLog.date.desc(), ServiceLog.id)
        ],
    }


# -- the service-hours ledger ------------------------------------------------------------------


def log_service(
    volunteer_id: str, hours: float, *, on: date | str | None = None, activity: str = "",
    need_id: str | None = None, note: str = "",
) -> str:
    """One line of the ledger: a stint of volunteer work (a need, or an activity like a clean-up)."""
    get_volunteer(volunteer_id)
    hours = _hours(hours)
    day = parse_date(on, "date") if on else date.today()
    return store.create(ServiceLog, volunteer=volunteer_id, date=day, hours=hours, need=need_id,
                        activity=activity, note=note).id


def _hours(value: Any) -> float:
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
    query = (ServiceLog.select(Volunteer.team, fn.SUM(ServiceLog.hours))
             .join(Volunteer, on=(ServiceLog.volunteer == Volunteer.id))
             .where(live(ServiceLog) & Volunteer.team.is_null(False))
             .group_by(Volunteer.team))
    return {tid: float(total or 0) for tid, total in query.tuples()}


# -- 一带多帮 pairings ---------------------------------------------------------------------------


def pair(volunteer_id: str, household_id: str, *, since: date | str | None = None, note: str = "") -> str:
    """Pair a party member with a household in difficulty (one member helps several)."""
    get_volunteer(volunteer_id)
    if not Household.select().where((Household.id == household_id) & live(Household)).exists():
        raise GridError("needs.unknown_household", id=household_id)
    existing = Pairing.get_or_none((Pairing.volunteer == volunteer_id) & (Pairing.household == household_id)
                                   & live(Pairing))
    if existing:
        return existing.id
    return store.create(Pairing, volunteer=volunteer_id, household=household_id,
                        since=parse_date(since, "since") if since else date.today(), note=note).id


def unpair(pairing_id: str) -> None:
    store.delete(Pairing, pairing_id)


def pairings_of_volunteer(volunteer_id: str) -> list[dict[str, Any]]:
    """The households this volunteer helps, with the address."""
    return [
        {"id": p.id, "household_id": p.household_id, "address": p.address, "since": p.since}
        for p in Pairing.select(Pairing, Household.address.alias("address"))
        .join(Household, on=(Pairing.household == Household.id))
        .where((Pairing.volunteer == volunteer_id) & live(Pairing))
        .order_by(Household.address, Pairing.id).objects()
    ]


def pairings_of_household(household_id: str) -> list[dict[str, Any]]:
    """The party members paired with this household, phones masked."""
    return [
        {"id": p.id, "volunteer_id": p.volunteer_id, "volunteer": p.vname, "phone": mask_phone(p.vphone),
         "since": p.since}
        for p in Pairing.select(Pairing, Volunteer.name.alias("vname"), Volunteer.phone.alias("vphone"))
        .join(Volunteer, on=(Pairing.volunteer == Volunteer.id))
        .where((Pairing.household == household_id) & live(Pairing))
        .order_by(Volunteer.name, Pairing.id).objects()
    ]


def assignments_of_volunteer(volunteer_id: str) -> list[dict[str, Any]]:
    """The needs this volunteer was dispatched to, newest first, with the need's item and address."""
    get_volunteer(volunteer_id)
    return [
        {"id": a.id, "need_id": a.need_id, "item": pick(a.item_zh, a.item_en), "address": a.address or "",
         "need_status": a.need_status, "status": a.status, "assigned_at": a.assigned_at,
         "done_at": a.done_at, "hours": a.hours}
        for a in Assignment.select(Assignment, NeedItem.zh.alias("item_zh"), NeedItem.en.alias("item_en"),
                                   Household.address.alias("address"), Need.status.alias("need_status"))
        .join(Need, on=(Assignment.need == Need.id))
        .join(NeedItem, on=(Need.item == NeedItem.key))
        .switch(Need).join(Household, JOIN.LEFT_OUTER, on=(Need.household == Household.id))
        .where((Assignment.volunteer == volunteer_id) & live(Assignment))
        .order_by(Assignment.assigned_at.desc(), Assignment.id).objects()
    ]
