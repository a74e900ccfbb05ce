"""Resources and partners: what co-building units, businesses, volunteers and social
organisations offer against the 39-item resources catalog, and the units themselves: co-building
units (共建单位) with their agreement and projects (public lectures, fire safety, policy talks...),
resident units and enterprises (驻区单位), social organisations (社会组织, the choir...).

Each resource item says which need items it serves (``serves`` in data/resources.json), so a
need can be matched to the resources that could meet it. A unit that leaves is ended with the
resources it offered; a resource that is no longer offered is ended alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from peewee import JOIN

from gridtui.core import store
from gridtui.core.models import (
    Business,
    Organization,
    Resource,
    ResourceItem,
    Volunteer,
    by_id,
    live,
)
from gridtui.core.validate import fold, parse_date
from gridtui.domain.privacy import mask_phone
from gridtui.errors import GridError, ValidationError
from gridtui.i18n import pick, t

__all__ = [
    "PROJECTS",
    "PROVIDER_KINDS",
    "RESOURCE_FIELDS",
    "UNIT_FIELDS",
    "UNIT_KINDS",
    "ResourceRow",
    "UnitRow",
    "add_cobuilding_unit",
    "add_project",
    "add_resource",
    "add_unit",
    "end_resource",
    "end_unit",
    "find_item",
    "find_resource",
    "find_unit",
    "list_cobuilding_units",
    "list_resources",
    "list_units",
    "match_unit",
    "project_key",
    "project_label",
    "provider_of_unit",
    "sign_agreement",
    "unit_kind",
    "update_resource",
    "update_unit",
    "upsert_unit",
]

PROVIDER_KINDS = ("organization", "business", "volunteer", "social_org")
PROJECTS = ("public_lecture", "fire_safety", "policy_talk", "environment_cleanup", "first_aid", "culture_show")
"""The usual co-building projects; an office may record others as free text."""
UNIT_KINDS = ("cobuilding", "resident_unit", "social_org")
UNIT_FIELDS = ("kind", "name", "name_en", "contact", "phone", "agreement_date", "projects", "members")
RESOURCE_FIELDS = ("item", "capacity", "availability", "contact", "note")


@dataclass(frozen=True)
class ResourceRow:
    """Something a partner offers, with the provider's name."""

    id: str
    item_key: str
    item: str
    category: str
    provider_kind: str
    provider: str
    capacity: int
    availability: str
    contact: str
    note: str


@dataclass(frozen=True)
class UnitRow:
    """A partner unit with its agreement, projects, members and how many resources it offers;
    the phone masked."""

    id: str
    kind: str
    name: str
    name_zh: str
    name_en: str
    contact: str
    phone: str
    agreement_date: date | None
    projects: tuple[str, ...]
    project_labels: tuple[str, ...]
    members: int
    resources: int


def add_resource(
    item_key: str,
    provider_kind: str,
    *,
    organization_id: str | None = None,
    business_id: str | None = None,
    volunteer_id: str | None = None,
    capacity: int | str = 0,
    availability: str = "",
    contact: str = "",
    note: str = "",
) -> str:
    """Record something a partner offers; the provider must match its kind (``capacity`` may be
    as typed: it is checked here)."""
    item_key = find_item(item_key)
    if provider_kind not in PROVIDER_KINDS:
        raise ValidationError(
            "provider_kind", "validate.choice", value=provider_kind, allowed=" / ".join(PROVIDER_KINDS)
        )
    provider = {
        "organization": organization_id,
        "social_org": organization_id,
        "business": business_id,
        "volunteer": volunteer_id,
    }[provider_kind]
    model = {"organization": Organization, "social_org": Organization, "business": Business, "volunteer": Volunteer}[
        provider_kind
    ]
    if provider is None or not model.select().where((model.id == provider) & live(model)).exists():
        raise GridError("resources.unknown_provider", kind=t(f"resources.provider.{provider_kind}"))
    return store.create(
        Resource,
        item=item_key,
        provider_kind=provider_kind,
        organization=organization_id,
        business=business_id,
        volunteer=volunteer_id,
        capacity=_capacity(capacity),
        availability=availability,
        contact=contact,
        note=note,
    ).id


def _capacity(value: Any) -> int:
    try:
        number = int(str(value).strip() or 0)
    except ValueError as exc:
        raise ValidationError("capacity", "validate.number", value=value) from exc
    if not 0 <= number <= 100000:
        raise ValidationError("capacity", "validate.range", low=0, high=100000, unit="")
    return number


def find_item(text: str) -> str:
    """A resource item's key from its key or its name in either language."""
    wanted = fold(text or "")
    key: str
    for key, zh, en in ResourceItem.select(ResourceItem.key, ResourceItem.zh, ResourceItem.en).tuples():
        if wanted and wanted in (fold(key), fold(zh), fold(en)):
            return key
    raise GridError("resources.unknown_item", item=(text or "").strip())


def update_resource(resource_id: str, **values: Any) -> list[str]:
    """Change what a resource is, how much of it there is, when and from whom."""
    _resource(resource_id)
    for name in values:
        if name not in RESOURCE_FIELDS:
            raise ValidationError(name, "households.not_editable")
    if "item" in values:
        values["item"] = find_item(values["item"])
    if "capacity" in values:
        values["capacity"] = _capacity(values["capacity"])
    return store.update(Resource, resource_id, **values)


def end_resource(resource_id: str) -> None:
    """The resource is no longer offered."""
    _resource(resource_id)
    store.delete(Resource, resource_id)


def _resource(resource_id: str) -> Resource:
    found = by_id(Resource, resource_id)
    if found is None:
        raise GridError("resources.not_found", id=resource_id)
    return found


def find_resource(ref: str) -> str:
    """A resource by its id, or a unique start or end of it (lists show the last 8)."""
    from gridtui.domain.needs import resolve

    return resolve(Resource, ref, "resources.not_found")


def list_resources(
    item_key: str | None = None,
    category: str | None = None,
    provider_kind: str | None = None,
    serves: str | None = None,
) -> list[ResourceRow]:
    """Resources with their provider's name, filtered by item, category, provider kind, or by
    the need item they serve."""
    query = (
        Resource.select(
            Resource,
            ResourceItem.zh.alias("item_zh"),
            ResourceItem.en.alias("item_en"),
            ResourceItem.category.alias("category"),
            ResourceItem.serves.alias("serves"),
            Organization.name.alias("org"),
            Organization.name_en.alias("org_en"),
            Business.name.alias("biz"),
            Volunteer.name.alias("vol"),
        )
        .join(ResourceItem, on=(Resource.item == ResourceItem.key))
        .switch(Resource)
        .join(Organization, JOIN.LEFT_OUTER, on=(Resource.organization == Organization.id))
        .switch(Resource)
        .join(Business, JOIN.LEFT_OUTER, on=(Resource.business == Business.id))
        .switch(Resource)
        .join(Volunteer, JOIN.LEFT_OUTER, on=(Resource.volunteer == Volunteer.id))
        .where(live(Resource))
    )
    if item_key:
        query = query.where(Resource.item == item_key)
    if category:
        query = query.where(ResourceItem.category == category)
    if provider_kind:
        query = query.where(Resource.provider_kind == provider_kind)
    out = []
    for r in query.order_by(ResourceItem.position, Resource.id).dicts():
        item_serves = ResourceItem.serves.python_value(r["serves"]) if isinstance(r["serves"], str) else r["serves"]
        if serves and serves not in (item_serves or []):
            continue
        out.append(
            ResourceRow(
                id=r["id"],
                item_key=r["item"],
                item=pick(r["item_zh"], r["item_en"]),
                category=r["category"],
                provider_kind=r["provider_kind"],
                provider=pick(r["org"], r["org_en"]) if r["org"] else r["biz"] or r["vol"] or "",
                capacity=r["capacity"],
                availability=r["availability"],
                contact=r["contact"],
                note=r["note"],
            )
        )
    return out


# -- units: co-building units, resident units, social organisations ------------------------------


def add_unit(
    kind: str,
    name: str,
    *,
    name_en: str = "",
    contact: str = "",
    phone: str = "",
    agreement_date: date | str | None = None,
    projects: list[str] | tuple[str, ...] = (),
    members: int = 0,
) -> str:
    """A partner unit of the community; a name is one unit (of whatever kind)."""
    values = _unit_values(
        {
            "kind": kind,
            "name": name,
            "name_en": name_en,
            "contact": contact,
            "phone": phone,
            "agreement_date": agreement_date,
            "projects": projects,
            "members": members,
        },
        None,
    )
    return store.create(Organization, **values).id


def add_cobuilding_unit(
    name: str,
    *,
    name_en: str = "",
    contact: str = "",
    phone: str = "",
    agreement_date: date | str | None = None,
    projects: list[str] | tuple[str, ...] = (),
) -> str:
    """A unit that signed a co-building agreement (共建协议) with the community."""
    return add_unit(
        "cobuilding",
        name,
        name_en=name_en,
        contact=contact,
        phone=phone,
        agreement_date=agreement_date,
        projects=projects,
    )


def _unit_values(values: dict[str, Any], unit: Organization | None) -> dict[str, Any]:
    """A unit's fields checked: a known kind, a name no other unit has, a date, a head count,
    projects by their key where the name is a usual one."""
    for name in values:
        if name not in UNIT_FIELDS:
            raise ValidationError(name, "households.not_editable")
    if "kind" in values and values["kind"] not in UNIT_KINDS:
        raise ValidationError("kind", "validate.choice", value=values["kind"], allowed=" / ".join(UNIT_KINDS))
    if "name" in values:
        other = match_unit(values["name"] or "")
        if other is not None and (unit is None or other != unit.id):
            raise ValidationError("organization_name", "resources.unit_exists", name=values["name"])
    if "agreement_date" in values:
        values["agreement_date"] = parse_date(values["agreement_date"], "agreement_date") or None
    if "projects" in values:
        values["projects"] = list(dict.fromkeys(project_key(p) for p in values["projects"] if p.strip()))
    if "members" in values:
        try:
            values["members"] = max(0, int(values["members"] or 0))
        except (TypeError, ValueError) as exc:
            raise ValidationError("members", "validate.number", value=values["members"]) from exc
    return values


def project_key(text: str) -> str:
    """A project's key when ``text`` names one of the usual projects, else the text as written."""
    wanted = fold(text)
    for key in PROJECTS:
        if wanted in (fold(key), *(fold(project_label(key, lang)) for lang in ("zh", "en"))):
            return key
    return text.strip()


def update_unit(org_id: str, **values: Any) -> list[str]:
    """Change a unit's fields (its kind, names, contact, agreement, projects, members)."""
    unit = _any_unit(org_id)
    return store.update(Organization, org_id, **_unit_values(dict(values), unit))


def end_unit(org_id: str) -> int:
    """The unit leaves the community's partners, with the resources it offered; returns how
    many resources ended with it."""
    _any_unit(org_id)
    with store.transaction():
        offered = [
            r
            for (r,) in Resource.select(Resource.id).where((Resource.organization == org_id) & live(Resource)).tuples()
        ]
        for resource_id in offered:
            store.delete(Resource, resource_id)
        store.delete(Organization, org_id)
    return len(offered)


def _any_unit(org_id: str) -> Organization:
    found = by_id(Organization, org_id)
    if found is None:
        raise GridError("resources.unknown_unit", id=org_id)
    return found


def unit_kind(org_id: str) -> str:
    """What kind of unit this is (cobuilding, resident_unit, social_org)."""
    kind: str = _any_unit(org_id).kind
    return kind


def provider_of_unit(org_id: str) -> str:
    """The provider kind a unit's resources are recorded under."""
    return "social_org" if unit_kind(org_id) == "social_org" else "organization"


def match_unit(name: str) -> str | None:
    """The live unit with this name (Chinese or English), if any."""
    wanted = fold(name)
    if not wanted:
        return None
    org_id: str
    for org_id, zh, en in (
        Organization.select(Organization.id, Organization.name, Organization.name_en)
        .where(live(Organization))
        .order_by(Organization.id)
        .tuples()
    ):
        if wanted in (fold(zh), fold(en)):
            return org_id
    return None


def find_unit(ref: str) -> str:
    """A unit by its name (either language) or its id (or a unique start or end of it)."""
    found = match_unit(ref)
    if found is not None:
        return found
    from gridtui.domain.needs import resolve

    return resolve(Organization, ref, "resources.unknown_unit")


def upsert_unit(values: dict[str, Any]) -> str:
    """One row of the office's list of units: made, or brought up to date (found by name).
    Returns "created", "updated" or "unchanged"."""
    found = match_unit(values.get("name", ""))
    if found is None:
        kind = values.pop("kind")
        add_unit(kind, values.pop("name"), **values)
        return "created"
    return "updated" if update_unit(found, **values) else "unchanged"


def list_units(kind: str | None = None) -> list[UnitRow]:
    """Every unit (or those of one kind) with its agreement, projects, members and resources."""
    offered = _offered()
    query = Organization.select().where(live(Organization))
    if kind:
        query = query.where(Organization.kind == kind)
    return [_unit_row(o, offered) for o in query.order_by(Organization.kind, Organization.name, Organization.id)]


def _offered() -> dict[str, int]:
    """Unit id -> how many live resources it offers."""
    offered: dict[str, int] = {}
    for (org,) in (
        Resource.select(Resource.organization).where(Resource.organization.is_null(False) & live(Resource)).tuples()
    ):
        offered[org] = offered.get(org, 0) + 1
    return offered


def _unit_row(o: Organization, offered: dict[str, int]) -> UnitRow:
    projects = tuple(o.projects or ())
    return UnitRow(
        id=o.id,
        kind=o.kind,
        name=pick(o.name, o.name_en),
        name_zh=o.name,
        name_en=o.name_en,
        contact=o.contact,
        phone=mask_phone(o.phone),
        agreement_date=o.agreement_date,
        projects=projects,
        project_labels=tuple(project_label(p) for p in projects),
        members=o.members,
        resources=offered.get(o.id, 0),
    )


def _unit(org_id: str) -> Organization:
    org = by_id(Organization, org_id)
    if org is None or org.kind != "cobuilding":
        raise GridError("resources.unknown_unit", id=org_id)
    return org


def sign_agreement(org_id: str, agreement_date: date | str) -> None:
    _unit(org_id)
    store.update(Organization, org_id, agreement_date=parse_date(agreement_date, "agreement_date"))


def add_project(org_id: str, project: str) -> list[str]:
    """Add a project the unit takes part in; returns the unit's projects."""
    org = _unit(org_id)
    projects = list(org.projects or [])
    if project not in projects:
        projects.append(project)
        store.update(Organization, org_id, projects=projects)
    return projects


def project_label(project: str, lang: str | None = None) -> str:
    return t(f"resources.project.{project}", lang=lang, default=project)


def list_cobuilding_units() -> list[UnitRow]:
    """Co-building units by agreement date, with their projects and how many resources they offer."""
    offered = _offered()
    return [
        _unit_row(o, offered)
        for o in Organization.select()
        .where((Organization.kind == "cobuilding") & live(Organization))
        .order_by(Organization.agreement_date, Organization.id)
    ]
