"""Resources and partners: what co-building units, businesses, volunteers and social
organisations offer against the 39-item resources catalog, and the co-building units themselves
(共建单位) with their agreement and projects (public lectures, fire safety, policy talks...).

Each resource item says which need items it serves (``serves`` in data/resources.json), so a
need can be matched to the resources that could meet it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from peewee import JOIN

from gridtui.core import store
from gridtui.core.models import Business, Organization, Resource, ResourceItem, Volunteer, live
from gridtui.core.validate import parse_date
from gridtui.errors import GridError, ValidationError
from gridtui.i18n import pick, t

PROVIDER_KINDS = ("organization", "business", "volunteer", "social_org")
PROJECTS = ("public_lecture", "fire_safety", "policy_talk", "environment_cleanup", "first_aid", "culture_show")
"""The usual co-building projects; an office may record others as free text."""



def add_resource(
    item_key: str,
    provider_kind: str,
    *,
    organization_id: str | None = None,
    business_id: str | None = None,
    volunteer_id: str | None = None,
    capacity: int = 0,
    availability: str = "",
    contact: str = "",
    note: str = "",
) -> str:
    """Record something a partner offers; the provider must match its kind."""
    if not ResourceItem.select().where(ResourceItem.key == item_key).exists():
        raise GridError("resources.unknown_item", item=item_key)
    if provider_kind not in PROVIDER_KINDS:
        raise ValidationError("provider_kind", "validate.choice", value=provider_kind,
                              allowed=" / ".join(PROVIDER_KINDS))
    provider = {"organization": organization_id, "social_org": organization_id,
                "business": business_id, "volunteer": volunteer_id}[provider_kind]
    model = {"organization": Organization, "social_org": Organization, "business": Business,
             "volunteer": Volunteer}[provider_kind]
    if provider is None or not model.select().where((model.id == provider) & live(model)).exists():
        raise GridError("resources.unknown_provider", kind=t(f"resources.provider.{provider_kind}"))
    if int(capacity) < 0:
        raise ValidationError("capacity", "validate.range", low=0, high=100000, unit="")
    return store.create(
        Resource, item=item_key, provider_kind=provider_kind, organization=organization_id,
        business=business_id, volunteer=volunteer_id, capacity=int(capacity),
        availability=availability, contact=contact, note=note,
    ).id


def list_resources(
    item_key: str | None = None, category: str | None = None, provider_kind: str | None = None,
    serves: str | None = None,
) -> list[dict[str, Any]]:
    """Resources with their provider's name, filtered by item, category, provider kind, or by
    the need item they serve."""
    query = (
        Resource.select(Resource, ResourceItem.zh.alias("item_zh"), ResourceItem.en.alias("item_en"),
                        ResourceItem.category.alias("category"), ResourceItem.serves.alias("serves"),
                        Organization.name.alias("org"), Organization.name_en.alias("org_en"),
                        Business.name.alias("biz"), Volunteer.name.alias("vol"))
        .join(ResourceItem, on=(Resource.item == ResourceItem.key))
        .switch(Resource).join(Organization, JOIN.LEFT_OUTER, on=(Resource.organization == Organization.id))
        .switch(Resource).join(Business, JOIN.LEFT_OUTER, on=(Resource.business == Business.id))
        .switch(Resource).join(Volunteer, JOIN.LEFT_OUTER, on=(Resource.volunteer == Volunteer.id))
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
        out.append({
            "id": r["id"], "item_key": r["item"], "item": pick(r["item_zh"], r["item_en"]),
            "category": r["category"], "provider_kind": r["provider_kind"],
            "provider": pick(r["org"], r["org_en"]) if r["org"] else r["biz"] or r["vol"] or "",
            "capacity": r["capacity"],
            "availability": r["availability"], "contact": r["contact"], "note": r["note"],
        })
    return out


# -- co-building units ---------------------------------------------------------------------------


def add_cobuilding_unit(
    name: str, *, name_en: str = "", contact: str = "", phone: str = "",
    agreement_date: date | str | None = None, projects: list[str] | tuple[str, ...] = (),
) -> str:
    """A unit that signed a co-building agreement (共建协议) with the community."""
    return store.create(
        Organization, kind="cobuilding", name=name, name_en=name_en, contact=contact, phone=phone,
        agreement_date=parse_date(agreement_date, "agreement_date") if agreement_date else None,
        projects=list(dict.fromkeys(projects)),
    ).id


def _unit(org_id: str) -> Organization:
    org = Organization.get_or_none((Organization.id == org_id) & live(Organization))
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


def list_cobuilding_units() -> list[dict[str, Any]]:
    """Co-building units with their agreement date, projects and how many resources they offer."""
    offered: dict[str, int] = {}
    for (org,) in Resource.select(Resource.organization).where(
            Resource.organization.is_null(False) & live(Resource)).tuples():
        offered[org] = offered.get(org, 0) + 1
    return [
        {"id": o.id, "name": pick(o.name, o.name_en), "contact": o.contact, "agreement_date": o.agreement_date,
         "projects": list(o.projects or []), "project_labels": [project_label(p) for p in o.projects or []],
         "resources": offered.get(o.id, 0)}
        for o in Organization.select().where((Organization.kind == "cobuilding") & live(Organization))
        .order_by(Organization.agreement_date, Organization.id)
    ]
