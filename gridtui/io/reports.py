"""The office's reports: registers (台账), needs, resources, volunteers, visits, coverage and
collective issues, as XLSX or CSV.

Each kind is a function that reads the database (read-only; domain queries where they exist)
and returns :class:`~gridtui.io.sheets.Sheet` objects with translated headers and real date
values; :func:`write_report` adds the title line, writes the file and audits a reveal. ID numbers
and phones are masked unless ``reveal``; a reveal is one audit entry describing the whole report,
so the office can see who took which unmasked list where.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import JOIN, fn

from gridtui.core.models import (
    Answer,
    Building,
    Business,
    Campaign,
    CollectiveIssue,
    Community,
    Compound,
    Grid,
    Household,
    Need,
    NeedCategory,
    RegisterEntry,
    RegisterKind,
    Resident,
    Resource,
    ResourceCategory,
    ResourceItem,
    ServiceLog,
    Team,
    Visit,
    Volunteer,
    database,
    is_set,
    live,
)
from gridtui.core.stored_forms import form_of_version
from gridtui.domain import places, privacy
from gridtui.errors import GridError
from gridtui.forms.model import Form, FormState, Item, text
from gridtui.i18n import language, pick, t
from gridtui.io.sheets import Column, Sheet, write

KINDS = ("registers", "needs", "resources", "volunteers", "visits", "coverage", "collective")
FILTERS: dict[str, tuple[str, ...]] = {
    "registers": ("grid", "community"),
    "needs": ("grid", "community"),
    "resources": ("community",),
    "volunteers": ("grid", "community"),
    "visits": ("grid", "campaign", "community"),
    "coverage": ("grid", "campaign", "community"),
    "collective": ("community",),
}
"""Which of --grid / --campaign / --community each kind understands; any other is refused, not ignored."""

PERSONAL = ("registers", "needs", "volunteers", "visits")
"""Kinds that carry ID numbers or phones: only these can reveal anything (and be audited)."""

OUTCOMES = ("done", "nobody_home", "refused", "moved_away", "in_progress")


@dataclass(frozen=True)
class WrittenSheet:
    name: str
    rows: int


@dataclass(frozen=True)
class WrittenReport:
    """What a report wrote: where, how many rows in all and in each sheet, and whether ID
    numbers and phones were shown unmasked."""

    path: str
    kind: str
    rows: int
    revealed: bool
    sheets: tuple[WrittenSheet, ...]


@dataclass
class Filters:
    grid: Grid | None = None
    campaigns: list[Campaign] | None = None
    reveal: bool = False
    today: date | None = None
    community: Community | None = None
    """A street office's hub: only this community (None: every community, each named on its rows)."""
    street: dict[str, str] = field(default_factory=dict)
    """A hub's report of every community: community id -> its name, which leads each row (empty
    below the hub, or with ``community`` given)."""

    def describe(self) -> str:
        parts = []
        if self.community is not None:
            parts.append(t("hub.filter.community", community=pick(self.community.name, self.community.name_en)))
        if self.grid is not None:
            grid = _grid_label(self.grid.code, self.grid.name)
            if self.grid.worker_name:  # whose grid the report is about
                grid = t("office.filter.grid_worker", grid=grid, worker=self.grid.worker_name)
            parts.append(t("office.filter.grid", grid=grid))
        if self.campaigns is not None and len(self.campaigns) == 1:
            parts.append(t("office.filter.campaign", campaign=pick(self.campaigns[0].name, self.campaigns[0].name_en)))
        if self.reveal:
            parts.append(t("office.filter.revealed"))
        return "; ".join(parts) or t("office.filter.none")


def _owners(model, filters: Filters) -> dict[str, str] | None:
    """Where a hub holds several communities: row id -> community id for ``model``'s rows
    (:func:`gridtui.domain.stats.in_community` decides), only ``filters.community``'s when one
    is asked for. None below the hub and on a hub's one-community report of a single community."""
    from gridtui.domain.stats import in_community

    held = [filters.community.id] if filters.community is not None else list(filters.street)
    if not held or (filters.community is not None and len(places.communities()) < 2):
        return None
    return {
        row_id: cid for cid in held for (row_id,) in model.select(model.id).where(in_community(model, cid)).tuples()
    }


def _held(rows: list[tuple[str, list[Any]]], owners: dict[str, str] | None, filters: Filters) -> list[list[Any]]:
    """Rows, each given with the id of what it is about, kept to the asked community; on a
    street-wide report each led by its community's name (a row no community claims, such as a
    volunteer the hub itself registered, is kept with a blank one), communities in name order."""
    if owners is None:
        return [cells for _, cells in rows]
    if not filters.street:
        return [cells for row_id, cells in rows if row_id in owners]
    named = [[filters.street.get(owners.get(row_id, ""), ""), *cells] for row_id, cells in rows]
    return sorted(named, key=lambda r: (r[0] == "", r[0]))  # stable: each community keeps the kind's order


def _street_cols(filters: Filters, columns: list[Column]) -> list[Column]:
    return [*_cols("community"), *columns] if filters.street else columns


def _cols(*spec: str) -> list[Column]:
    """Columns from "key" or "key:kind"; the header is office.col.<key> in the current language."""
    out = []
    for item in spec:
        key, _, kind = item.partition(":")
        out.append(Column(t(f"office.col.{key}"), kind or "text"))
    return out


def _natural(text: str | None) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text or "~")]


def _grid_label(code: str | None, name: str | None) -> str:
    return " ".join(x for x in (code, name) if x)


def _age(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _sex(value: str) -> str:
    return t(f"office.sex.{value}") if value in ("M", "F") else ""


def _days(start: date | datetime | None, end: date | datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 86400, 1)


# -- filters -----------------------------------------------------------------------------------


def resolve_campaign(name: str) -> Campaign:
    """A campaign by its name (Chinese or English) or id (see domain.campaigns.resolve)."""
    from gridtui.domain.campaigns import resolve

    return Campaign.get_by_id(resolve(name))


def _campaigns(filters: Filters) -> list[Campaign]:
    if filters.campaigns is not None:
        return filters.campaigns
    found = list(
        Campaign.select().where(live(Campaign) & is_set(Campaign.active)).order_by(Campaign.starts, Campaign.name)
    )
    if not found:
        raise GridError("office.no_active_campaign")
    return found


# -- registers -----------------------------------------------------------------------------------


def registers(filters: Filters) -> list[Sheet]:
    """One sheet per register kind; a household register lists the household's head.

    An entry counts while its resident (or household) is live, the resident still lives here (not
    moved out, not deceased) and its ``until`` has not passed.
    """
    today = filters.today or date.today()
    place = (
        Household.id.alias("household_id"),
        Household.address,
        Household.unit,
        Household.floor,
        Household.door,
        Building.walk_order,
        Grid.code.alias("grid_code"),
        Grid.name.alias("grid_name"),
    )
    person = (Resident.name, Resident.sex, Resident.birth_date, Resident.id_number, Resident.phone)
    entry = (RegisterEntry.kind, RegisterEntry.since, RegisterEntry.note, RegisterEntry.household.alias("hh"))

    def scoped(query):
        query = (
            query.join(Building, on=(Household.building == Building.id))
            .join(Grid, JOIN.LEFT_OUTER, on=(Building.grid == Grid.id))
            .where(
                live(RegisterEntry) & live(Household) & (RegisterEntry.until.is_null() | (RegisterEntry.until >= today))
            )
        )
        if filters.grid is not None:
            query = query.where(Building.grid == filters.grid.id)
        return query

    rows = list(
        scoped(
            RegisterEntry.select(*entry, *person, *place)
            .join(Resident, on=(RegisterEntry.resident == Resident.id))
            .join(Household, on=(Resident.household == Household.id))
        )
        .where(live(Resident) & (Resident.status == "present"))
        .dicts()
    )
    by_household = list(
        scoped(RegisterEntry.select(*entry, *place).join(Household, on=(RegisterEntry.household == Household.id)))
        .where(RegisterEntry.resident.is_null())
        .dicts()
    )
    heads = {
        r["household"]: r
        for r in Resident.select(Resident.household, *person)
        .where(
            live(Resident)
            & is_set(Resident.is_head)
            & Resident.household.in_({r["household_id"] for r in by_household})
        )
        .order_by(Resident.id.desc())
        .dicts()
    }
    for r in by_household:
        head = heads.get(r["household_id"], {})
        rows.append({**r, **{k: head.get(k) for k in ("name", "sex", "birth_date", "id_number", "phone")}})

    rows.sort(
        key=lambda r: (
            _natural(r["grid_code"]),
            r["walk_order"],
            r["unit"],
            r["floor"],
            _natural(r["door"]),
            r["name"] or "",
        )
    )
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    mask_id, mask_phone = _maskers(filters.reveal)
    columns = _street_cols(
        filters, _cols("name", "sex", "age:int", "id_number", "phone", "address", "grid", "since:date", "note")
    )
    owners = _owners(Household, filters)
    sheets = []
    for kind in RegisterKind.select().order_by(RegisterKind.position):
        sheets.append(
            Sheet(
                pick(kind.zh, kind.en),
                columns,
                _held(
                    [
                        (
                            r["household_id"],
                            [
                                r["name"] or "",
                                _sex(r["sex"] or ""),
                                _age(r["birth_date"], today),
                                mask_id(r["id_number"]),
                                mask_phone(r["phone"]),
                                r["address"],
                                r["grid_name"] or "",
                                r["since"],
                                r["note"],
                            ],
                        )
                        for r in by_kind.get(kind.key, [])
                    ],
                    owners,
                    filters,
                ),
            )
        )
    return sheets


def _maskers(reveal: bool):
    if reveal:
        return (lambda v: v or ""), (lambda v: v or "")
    return privacy.mask_id, privacy.mask_phone


# -- needs ---------------------------------------------------------------------------------------


def needs(filters: Filters) -> list[Sheet]:
    """Every live need with its whole course: opened, due, closed, days taken, satisfaction."""
    from gridtui.domain.collective import list_issues
    from gridtui.domain.needs import count_needs, list_needs

    grid_id = filters.grid.id if filters.grid is not None else None
    rows = list_needs(grid_id=grid_id, sort="opened", limit=count_needs(grid_id=grid_id) + 1)
    extra = {
        r["id"]: r
        for r in Need.select(Need.id, Need.closed_at, Need.satisfaction, Need.note, Resident.phone)
        .join(Resident, JOIN.LEFT_OUTER, on=(Need.resident == Resident.id))
        .where(live(Need))
        .dicts()
    }
    categories = {c.key: pick(c.zh, c.en) for c in NeedCategory.select()}
    issues = {i.id: i.title for i in list_issues()}
    _, mask_phone = _maskers(filters.reveal)
    out = []
    for n in rows:
        x = extra[n.id]
        out.append(
            (
                n.id,
                [
                    n.opened_at,
                    categories.get(n.category_key, n.category_key),
                    n.item,
                    t(f"needs.urgency.{n.urgency}", default=n.urgency),
                    t(f"needs.status.{n.status}", default=n.status),
                    t(f"needs.source.{n.source}", default=n.source),
                    n.address,
                    n.grid,
                    n.resident,
                    mask_phone(x["phone"]),
                    n.due_at,
                    x["closed_at"],
                    _days(n.opened_at, x["closed_at"]),
                    t(f"needs.satisfaction.{x['satisfaction']}", default=x["satisfaction"])
                    if x["satisfaction"]
                    else "",
                    issues.get(n.collective_id or "", ""),
                    x["note"],
                ],
            )
        )
    columns = _cols(
        "opened_at:datetime",
        "category",
        "need_item",
        "urgency",
        "status",
        "source",
        "address",
        "grid",
        "resident",
        "phone",
        "due_at:datetime",
        "closed_at:datetime",
        "days_to_close:float",
        "satisfaction",
        "collective",
        "note",
    )
    return [Sheet(t("office.kind.needs"), _street_cols(filters, columns), _held(out, _owners(Need, filters), filters))]


# -- resources -----------------------------------------------------------------------------------


def resources(filters: Filters) -> list[Sheet]:
    from gridtui.domain.resources import list_resources

    categories = {c.key: pick(c.zh, c.en) for c in ResourceCategory.select()}
    units = {i.key: pick(i.unit_zh, i.unit_en) for i in ResourceItem.select()}
    rows = [
        (
            r.id,
            [
                categories.get(r.category, r.category),
                r.item,
                t(f"resources.provider.{r.provider_kind}", default=r.provider_kind),
                r.provider,
                r.capacity,
                units.get(r.item_key, ""),
                r.availability,
                r.contact,
                r.note,
            ],
        )
        for r in list_resources()
    ]
    columns = _cols(
        "category",
        "resource_item",
        "provider_kind",
        "provider",
        "capacity:int",
        "unit",
        "availability",
        "contact",
        "note",
    )
    return [
        Sheet(
            t("office.kind.resources"), _street_cols(filters, columns), _held(rows, _owners(Resource, filters), filters)
        )
    ]


# -- volunteers ----------------------------------------------------------------------------------


def volunteers(filters: Filters) -> list[Sheet]:
    """The registry with each volunteer's service hours, stints and last service (ServiceLog);
    a volunteer who stopped stays, with the day they stopped, and their hours. ID numbers and
    phones are masked unless revealed (audited), as a resident's are."""
    service = {
        vid: (hours, stints, last)
        for vid, hours, stints, last in ServiceLog.select(
            ServiceLog.volunteer, fn.SUM(ServiceLog.hours), fn.COUNT(ServiceLog.id), fn.MAX(ServiceLog.date)
        )
        .where(live(ServiceLog))
        .group_by(ServiceLog.volunteer)
        .tuples()
    }
    query = (
        Volunteer.select(
            Volunteer.id,
            Volunteer.name,
            Volunteer.id_number,
            Volunteer.phone,
            Volunteer.kind,
            Volunteer.work_unit,
            Volunteer.available,
            Volunteer.availability,
            Volunteer.ended_on,
            Team.name.alias("team_zh"),
            Team.name_en.alias("team_en"),
            Grid.name.alias("grid_name"),
        )
        .join(Team, JOIN.LEFT_OUTER, on=(Volunteer.team == Team.id))
        .switch(Volunteer)
        .join(Resident, JOIN.LEFT_OUTER, on=(Volunteer.resident == Resident.id))
        .join(Household, JOIN.LEFT_OUTER, on=(Resident.household == Household.id))
        .join(Building, JOIN.LEFT_OUTER, on=(Household.building == Building.id))
        .join(Grid, JOIN.LEFT_OUTER, on=(Building.grid == Grid.id))
        .where(live(Volunteer))
        .order_by(Volunteer.name, Volunteer.id)
    )
    if filters.grid is not None:
        query = query.where(Building.grid == filters.grid.id)
    mask_id, mask_phone = _maskers(filters.reveal)
    rows = []
    for v in query.dicts():
        hours, stints, last = service.get(v["id"], (0.0, 0, None))
        rows.append(
            (
                v["id"],
                [
                    v["name"],
                    mask_id(v["id_number"]),
                    mask_phone(v["phone"]),
                    t(f"volunteers.kind.{v['kind']}", default=v["kind"]),
                    pick(v["team_zh"], v["team_en"]),
                    v["work_unit"],
                    v["grid_name"] or "",
                    t("office.yes") if v["available"] else t("office.no"),
                    v["availability"],
                    float(hours or 0),
                    stints,
                    _as_date(last),
                    _as_date(v["ended_on"]),
                ],
            )
        )
    columns = _cols(
        "name",
        "id_number",
        "phone",
        "volunteer_kind",
        "team",
        "work_unit",
        "grid",
        "available",
        "availability",
        "hours:float",
        "stints:int",
        "last_service:date",
        "ended_on:date",
    )
    return [
        Sheet(
            t("office.kind.volunteers"),
            _street_cols(filters, columns),
            _held(rows, _owners(Volunteer, filters), filters),
        )
    ]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# -- visits and coverage -------------------------------------------------------------------------


def _latest_visits(campaign: Campaign) -> tuple[dict[str, dict], list[tuple[str, str]]]:
    """Per target its latest visit; and every (visit id, target) in time order."""
    target = Visit.business if campaign.target == "business" else Visit.household
    latest: dict[str, dict] = {}
    order = []
    for v in (
        Visit.select(
            Visit.id,
            target.alias("target"),
            Visit.worker,
            Visit.visited_at,
            Visit.outcome,
            Visit.revisit_due,
            Visit.note,
        )
        .where((Visit.campaign == campaign.id) & live(Visit) & target.is_null(False))
        .order_by(Visit.visited_at, Visit.id)
        .dicts()
    ):
        latest[v["target"]] = v
        order.append((v["id"], v["target"]))
    return latest, order


def _households(ids: set[str] | None = None, grid: Grid | None = None) -> dict[str, dict]:
    """Live households with their place, and their head's name and phone."""
    query = (
        Household.select(
            Household.id,
            Household.address,
            Household.unit,
            Household.floor,
            Household.door,
            Household.status,
            Building.id.alias("building_id"),
            Building.number,
            Building.walk_order,
            Compound.name.alias("compound"),
            Grid.code.alias("grid_code"),
            Grid.name.alias("grid_name"),
        )
        .join(Building, on=(Household.building == Building.id))
        .join(Compound, on=(Building.compound == Compound.id))
        .switch(Building)
        .join(Grid, JOIN.LEFT_OUTER, on=(Building.grid == Grid.id))
        .where(live(Household) & live(Building))
    )
    if grid is not None:
        query = query.where(Building.grid == grid.id)
    rows = {r["id"]: r for r in query.dicts() if ids is None or r["id"] in ids}
    for hid, name, phone in (
        Resident.select(Resident.household, Resident.name, Resident.phone)
        .where(live(Resident) & is_set(Resident.is_head))
        .order_by(Resident.id.desc())
        .tuples()
    ):
        if hid in rows:
            rows[hid]["head"], rows[hid]["phone"] = name, phone
    return rows


def _place_key(r: dict) -> tuple:
    return (
        _natural(r.get("grid_code")),
        r.get("walk_order") or 0,
        r.get("unit") or 0,
        r.get("floor") or 0,
        _natural(r.get("door")),
        r.get("head") or "",
    )


def visits(filters: Filters) -> list[Sheet]:
    """One sheet per campaign: each visited household (or business) with its latest outcome and
    the answers of its latest answered visit, one column per question of any version of the
    campaign's form (newest first in order), in words: choices by their labels (a choice a later
    version removed keeps its label), and blank where the question was not asked (not relevant
    in the version and with the answers the visit was answered in)."""
    _, mask_phone = _maskers(filters.reveal)
    sheets = []
    for campaign in _campaigns(filters):
        latest, order = _latest_visits(campaign)
        answers: dict[str, dict[str, Any]] = defaultdict(dict)
        forms_of_visits: dict[str, str] = {}
        for visit_id, version, item_id, value in (
            Answer.select(Answer.visit, Visit.form, Answer.item, Answer.value)
            .join(Visit, on=(Answer.visit == Visit.id))
            .where((Visit.campaign == campaign.id) & live(Answer) & live(Visit) & Answer.value.is_null(False))
            .order_by(Answer.answered_at, Answer.id)
            .tuples()
        ):
            answers[visit_id][item_id.partition(":")[2]] = value
            forms_of_visits[visit_id] = version or campaign.form_id
        answered = {tid: vid for vid, tid in order if vid in answers}  # the latest answered visit wins
        forms = _campaign_forms(campaign, set(forms_of_visits.values()))
        questions = _questions(forms)
        if campaign.target == "business":
            targets = _businesses(set(latest), filters.grid)
        else:
            targets = _households(set(latest), filters.grid)
        rows = []
        for tid, target in sorted(targets.items(), key=lambda kv: _place_key(kv[1])):
            v = latest[tid]
            visit = answered.get(tid, "")
            cells = _answer_cells(forms, forms_of_visits.get(visit), answers.get(visit, {}), questions, filters.today)
            rows.append(
                (
                    tid,
                    [
                        target.get("grid_name") or "",
                        target["address"],
                        target.get("head") or "",
                        mask_phone(target.get("phone")),
                        t(f"visits.status.{v['outcome']}", default=v["outcome"]),
                        v["visited_at"],
                        v["worker"],
                        v["revisit_due"],
                        v["note"],
                        *cells,
                    ],
                )
            )
        columns = _cols(
            "grid",
            "address",
            "head" if campaign.target != "business" else "business",
            "phone",
            "outcome",
            "visited_at:datetime",
            "worker",
            "revisit_due:date",
            "visit_note",
        )
        columns += [
            Column(text(item.label) or item.name, "date" if item.type == "date" else "text")
            for item in questions.values()
        ]
        owners = _owners(Business if campaign.target == "business" else Household, filters)
        sheets.append(
            Sheet(pick(campaign.name, campaign.name_en), _street_cols(filters, columns), _held(rows, owners, filters))
        )
    return sheets


def _campaign_forms(campaign: Campaign, used: set[str]) -> dict[str, Form]:
    """version id -> form, for every version the campaign has been on or a visit was answered
    in, newest last."""
    ids = list(
        dict.fromkeys([*(campaign.versions or []), *sorted(used - set(campaign.versions or [])), campaign.form_id])
    )
    return {vid: form_of_version(vid) for vid in ids if vid}


def _questions(forms: dict[str, Form]) -> dict[str, Item]:
    """name -> item for the report's columns: the newest version's questions in its order, then
    those only older versions asked, each labelled by the newest version that has it."""
    found: dict[str, Item] = {}
    for form in reversed(list(forms.values())):
        for item in form.items:
            if item.answered and item.name not in found:
                found[item.name] = item
    return found


def _answer_cells(
    forms: dict[str, Form], version: str | None, values: dict[str, Any], questions: dict[str, Item], today: date | None
) -> list[Any]:
    if version is None or version not in forms:
        return [None] * len(questions)
    form = forms[version]
    state = FormState(form, {k: v for k, v in values.items() if form.item(k) is not None}, today)
    cells: list[Any] = []
    for name, question in questions.items():
        value = values.get(name)
        own = form.item(name)
        if value is None or (own is not None and not state.relevant.get(name, True)):
            cells.append(None)
            continue
        cells.append(_answer_cell(own or question, value, [form, *reversed(list(forms.values()))]))
    return cells


def _answer_cell(item: Item, value: Any, forms: list[Form]) -> Any:
    """An answer as the office reads it: the choices' words, numbers as numbers, real dates."""
    if item.type in ("select_one", "select_multiple"):
        names = value if isinstance(value, list) else [value]
        return ("、" if language() == "zh" else ", ").join(_choice_label(forms, item.name, str(n)) for n in names)
    if item.type == "date":
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    return value


def _choice_label(forms: list[Form], name: str, choice: str) -> str:
    for form in forms:
        item = form.item(name)
        if item is not None and any(c.name == choice for c in form.choices.get(item.list, ())):
            return form.choice_label(item, choice)
    return choice


def _businesses(ids: set[str], grid: Grid | None) -> dict[str, dict]:
    query = (
        Business.select(
            Business.id,
            Business.name.alias("head"),
            Business.phone,
            Business.address,
            Grid.code.alias("grid_code"),
            Grid.name.alias("grid_name"),
        )
        .join(Grid, JOIN.LEFT_OUTER, on=(Business.grid == Grid.id))
        .where(live(Business))
    )
    if grid is not None:
        query = query.where(Business.grid == grid.id)
    return {r["id"]: r for r in query.dicts() if r["id"] in ids}


def coverage(filters: Filters) -> list[Sheet]:
    """One sheet per campaign: per grid and building (shops: per grid), how many targets the
    latest visit left in each outcome. Its sums per grid equal :func:`gridtui.domain.campaigns.coverage`:
    both count :func:`~gridtui.domain.campaigns.targets`, finer rows here."""
    from gridtui.core import dialect
    from gridtui.domain import campaigns
    from gridtui.domain.coverage import latest

    names = {c.id: pick(c.name, c.name_en) for c in places.communities()}
    street = bool(filters.street)  # a hub: every row says its community
    columns = _cols(
        *(["community"] if street else []),
        "grid",
        "grid_name",
        "compound",
        "building",
        "total:int",
        *(f"o_{o}:int" for o in OUTCOMES),
        "not_visited:int",
        "percent_done:percent",
    )
    sheets = []
    wanted = filters.community.id if filters.community is not None else None
    for campaign in _campaigns(filters):
        owner = campaigns.campaign_community(campaign.id)  # on a hub, a community's own campaign covers only it
        if wanted is not None and owner not in (None, wanted):
            continue
        info = campaigns.campaign(campaign.id)
        found = campaigns.targets(info, grid_id=filters.grid.id if filters.grid else None, today=filters.today)
        by = "t.building_id" if info.target == "household" else found.grid
        sums = ", ".join(f"COUNT(CASE WHEN l.outcome = '{o}' THEN 1 END)" for o in OUTCOMES)
        params, only = dict(found.params), ""
        if wanted or owner:
            params["hub_community"] = wanted or owner
            only = (
                " AND t.building_id IN (SELECT b.id FROM building b JOIN compound c ON c.id = b.compound_id "
                "WHERE c.community_id = :hub_community)"
                if info.target == "household"
                else f" AND {found.grid} IN (SELECT id FROM grid WHERE community_id = :hub_community)"
            )
        counted = database.execute_sql(
            f"WITH latest AS ({latest(info.target, dialect.hub())}) SELECT {by}, COUNT(*), {sums} "
            f"FROM {found.table} {found.joins} LEFT JOIN latest l ON l.target = t.id WHERE {found.where}{only} "
            f"GROUP BY {by}",
            params,
        ).fetchall()
        places_of = _buildings() if info.target == "household" else _grids()
        rows = []
        for key, total, *figures in counted:
            figures = [int(f or 0) for f in figures]
            place = places_of.get(key, {})
            held = names.get(place.get("community_id") or "", "")
            rows.append(
                [
                    held,
                    place.get("grid_code") or "",
                    place.get("grid_name") or "",
                    place.get("compound", ""),
                    place.get("number", ""),
                    total,
                    *figures,
                    total - sum(figures),
                    figures[0] / total if total else None,
                    place.get("order", ()),
                ]
            )
        rows.sort(key=lambda r: (r[0], not r[1], _natural(r[1]), r[-1]))
        sheets.append(
            Sheet(pick(campaign.name, campaign.name_en), columns, [r[:-1] if street else r[1:-1] for r in rows])
        )
    return sheets


def _buildings() -> dict[str, dict]:
    query = (
        Building.select(
            Building.id,
            Building.number,
            Building.walk_order,
            Compound.name.alias("compound"),
            Grid.code.alias("grid_code"),
            Grid.name.alias("grid_name"),
            Compound.community.alias("community_id"),
        )
        .join(Compound, on=(Building.compound == Compound.id))
        .switch(Building)
        .join(Grid, JOIN.LEFT_OUTER, on=((Building.grid == Grid.id) & live(Grid)))
    )
    return {r["id"]: {**r, "order": (r["walk_order"], r["id"])} for r in query.dicts()}


def _grids() -> dict[str, dict]:
    return {
        g.id: {"grid_code": g.code, "grid_name": g.name, "order": (), "community_id": g.community_id}
        for g in Grid.select().where(live(Grid))
    }


# -- collective issues ---------------------------------------------------------------------------


def collective(filters: Filters) -> list[Sheet]:
    from gridtui.domain.collective import list_issues

    buildings = dict(Building.select(Building.id, Building.number).tuples())
    rows = [
        (
            i.id,
            [
                i.title,
                i.compound,
                buildings.get(i.building_id, ""),
                t(f"collective.status.{i.status}", default=i.status),
                i.meeting_date,
                i.attendees,
                i.decision,
                i.done_at,
                i.days_meeting_to_done,
                i.needs,
            ],
        )
        for i in list_issues()
    ]
    columns = _cols(
        "issue",
        "compound",
        "building",
        "status",
        "meeting_date:date",
        "attendees",
        "decision",
        "done_at:date",
        "days_meeting_to_done:int",
        "needs_count:int",
    )
    return [
        Sheet(
            t("office.kind.collective"),
            _street_cols(filters, columns),
            _held(rows, _owners(CollectiveIssue, filters), filters),
        )
    ]


BUILDERS = {
    "registers": registers,
    "needs": needs,
    "resources": resources,
    "volunteers": volunteers,
    "visits": visits,
    "coverage": coverage,
    "collective": collective,
}


# -- the report as a file ------------------------------------------------------------------------


def build(
    kind: str,
    *,
    grid: str | None = None,
    campaign: str | None = None,
    reveal: bool = False,
    today: date | None = None,
    community: str | None = None,
) -> tuple[list[Sheet], Filters]:
    """The sheets of one report kind, with the filters resolved (unknown names are refused)."""
    if kind not in KINDS:
        raise GridError("office.unknown_kind", kind=kind, allowed=" / ".join(KINDS))
    for name, value in (("grid", grid), ("campaign", campaign), ("community", community)):
        if value and name not in FILTERS[kind]:
            raise GridError("office.filter_not_applicable", option=f"--{name}", kind=kind)
    held = places.find_community(community) if community else None
    every = places.communities() if held is None else []
    filters = Filters(
        community=held,
        street={c.id: pick(c.name, c.name_en) for c in every} if len(every) > 1 else {},
        grid=places.find_grid(grid, held.id if held else None) if grid else None,
        campaigns=[resolve_campaign(campaign)] if campaign else None,
        reveal=reveal and kind in PERSONAL,
        today=today or date.today(),
    )
    return BUILDERS[kind](filters), filters


def title_line(kind: str, filters: Filters) -> str:
    community = filters.community or places.community()
    name = pick(community.name, community.name_en) if community else ""
    if filters.street:  # a hub's report of every community: the street's name, else says so
        name = (community.subdistrict if community else "") or t("hub.every_community")
    return t(
        "office.title",
        community=name,
        report=t(f"office.kind.{kind}"),
        date=(filters.today or date.today()).isoformat(),
        filters=filters.describe(),
    )


def write_report(
    kind: str,
    out: str | Path,
    *,
    grid: str | None = None,
    campaign: str | None = None,
    reveal: bool = False,
    actor: str = "",
    today: date | None = None,
    community: str | None = None,
) -> WrittenReport:
    """Build and write one report; returns what was written (path, sheets with row counts)."""
    path = Path(out).expanduser()
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise GridError("report.bad_suffix", path=str(path))
    if not path.parent.is_dir():
        raise GridError("report.no_folder", path=str(path.parent))
    sheets, filters = build(kind, grid=grid, campaign=campaign, reveal=reveal, today=today, community=community)
    sheet_column = ""
    if path.suffix.lower() == ".csv" and len(sheets) > 1:  # one CSV table: say which sheet each row is from
        if len({tuple(c.header for c in s.columns) for s in sheets}) > 1:
            raise GridError("report.csv_one_table", kind=kind)
        sheet_column = t("office.col.register") if kind == "registers" else t("office.col.campaign")
    rows = sum(len(s.rows) for s in sheets)

    def audit() -> None:  # before the file takes its name: no unmasked file goes unaudited
        where = f"-> {path} ({filters.describe()}; {rows} rows)"
        if filters.reveal:
            privacy.record_reveal("report", kind, "id_number,phone", actor=actor, where=where)
        else:
            privacy.record("report", "report", kind, where, actor)

    write(
        path,
        sheets,
        title_line(kind, filters),
        sheet_column=sheet_column,
        before_publish=audit if kind in PERSONAL else None,
    )
    return WrittenReport(
        path=str(path),
        kind=kind,
        rows=rows,
        revealed=filters.reveal,
        sheets=tuple(WrittenSheet(name=s.name, rows=len(s.rows)) for s in sheets),
    )
