"""Campaigns (专项): a form the office wrote, a scope of targets, its versions, and how far it
has got.

One home for each rule every screen, command and report asks:

* **which targets a campaign covers**: :func:`targets`, one SQL ``FROM ... WHERE`` over households
  or shops, narrowed by the campaign's :class:`Scope` (grids, buildings, registers, residents'
  ages, business kinds). Coverage, the walk lists, reports and stats all read it.
* **a target's state**: the outcome of its latest visit in the campaign (:data:`LATEST`);
* **revisit due**: :func:`revisit_due_sql`: nobody was home and the revisit date has come, or
  was never set (so no door drops off the list).

A campaign pins the version of its form it is on; ``update_form`` moves it to a new version.
Versions are stored parsed (:class:`~gridtui.core.models.FormVersion`) and synced, so a worker's
laptop learns a campaign, and the form to walk it with, from the office's bundle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from peewee import ModelSelect, fn

from gridtui.core import store
from gridtui.core.db import meta_set
from gridtui.core.ids import stable_id
from gridtui.core.models import Campaign, FormVersion, Visit, database, is_set, live, live_row
from gridtui.core.stored_forms import form_of_version
from gridtui.core.validate import one_of, parse_date
from gridtui.domain import coverage as rules
from gridtui.domain.coverage import (
    ACTIVE_CAMPAIGN_KEY,
    COVERAGE_KEYS,
    OUTCOME_COLUMNS,
    GridFigures,
    Scope,
    Targets,
)
from gridtui.errors import GridError, ValidationError
from gridtui.forms.model import Form
from gridtui.i18n import pick

__all__ = [
    "COVERAGE_KEYS",
    "GridFigures",
    "OUTCOME_COLUMNS",
    "TARGET_WORDS",
    "CampaignInfo",
    "Scope",
    "VersionInfo",
    "activate",
    "active_campaign_id",
    "business_kinds",
    "campaign",
    "campaigns",
    "close",
    "coverage",
    "create",
    "campaign_community",
    "create_from_workbook",
    "describe_scope",
    "form",
    "form_of",
    "resolve",
    "scope_from_words",
    "set_active_campaign",
    "short_id",
    "store_form",
    "target_count",
    "targets",
    "update_form",
    "versions",
]

TARGET_WORDS = {
    "households": "household",
    "household": "household",
    "businesses": "business",
    "business": "business",
    "shops": "business",
}


# -- scope ------------------------------------------------------------------------------------------


# -- the campaign -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignInfo:
    id: str
    name: str
    name_en: str
    form_key: str
    form_id: str  # the version it is on now
    version: str
    target: str  # household | business
    starts: date
    ends: date | None
    active: bool
    scope: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return pick(self.name, self.name_en)


@dataclass(frozen=True)
class VersionInfo:
    id: str
    version: str
    digest: str
    title: str
    items: int
    visits: int  # visits of this campaign answered in it
    current: bool


def _info(row: Campaign, version: str) -> CampaignInfo:
    return CampaignInfo(
        id=row.id,
        name=row.name,
        name_en=row.name_en,
        form_key=row.form_key,
        form_id=row.form_id,
        version=version,
        target=row.target,
        starts=row.starts,
        ends=row.ends,
        active=row.active,
        scope=row.scope or {},
    )


def _query() -> ModelSelect:
    return (
        Campaign.select(Campaign, FormVersion.id, FormVersion.version)
        .join(FormVersion, on=(Campaign.form == FormVersion.id))
        .where(live(Campaign))
    )


def campaigns(active_only: bool = False) -> list[CampaignInfo]:
    """Campaigns, active ones first, newest first."""
    query = _query()
    if active_only:
        query = query.where(is_set(Campaign.active))
    rows = query.order_by(Campaign.active.desc(), Campaign.starts.desc(), Campaign.name, Campaign.id)
    return [_info(c, c.form.version) for c in rows]


def campaign(campaign_id: str) -> CampaignInfo:
    row = _query().where(Campaign.id == campaign_id).first()
    if row is None:
        raise GridError("store.not_found", table="campaign", id=campaign_id)
    return _info(row, row.form.version)


def resolve(text: str) -> str:
    """A campaign's id from what a person types: its id, or its first or last 6 or more
    characters (lists show the last 8: a time-ordered id's first ones are its creation time,
    shared by campaigns made together), or its name in Chinese or English."""
    text = text.strip()
    rows: list[Campaign] = list(Campaign.select(Campaign.id, Campaign.name, Campaign.name_en).where(live(Campaign)))
    tests: tuple[Callable[[Campaign], bool], ...] = (
        lambda c: c.id == text,
        lambda c: c.name == text,
        lambda c: c.name_en.lower() == text.lower() != "",
        lambda c: len(text) >= 6 and (c.id.startswith(text.lower()) or c.id.endswith(text.lower())),
    )
    for test in tests:
        found = [c.id for c in rows if test(c)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise GridError("campaigns.ambiguous", campaign=text, count=len(found))
    raise GridError("office.unknown_campaign", campaign=text)


def active_campaign_id() -> str | None:
    """This laptop's chosen campaign, else the newest active household campaign.

    The choice is local (the meta table does not sync): each worker picks their own.
    """
    return rules.active_campaign(_run)


def set_active_campaign(campaign_id: str) -> None:
    live_row(Campaign, campaign_id)
    meta_set(ACTIVE_CAMPAIGN_KEY, campaign_id)


# -- forms and versions -----------------------------------------------------------------------------


def short_id(campaign_id: str) -> str:
    """How lists show a campaign's id (and :func:`resolve` reads it back)."""
    return campaign_id[-8:]


def version_id(form_key: str, version: str) -> str:
    """A form version's id: the same on every laptop, so two offices importing one workbook
    make one row."""
    return stable_id("form_version", f"{form_key}@{version}")


def store_form(form: Form) -> str:
    """Store a form version (once); returns its id. The same version string with other content
    is refused: a changed form needs a new version."""
    row: FormVersion | None = FormVersion.get_or_none(
        (FormVersion.form_key == form.key) & (FormVersion.version == form.version) & live(FormVersion)
    )
    if row is not None:
        if row.digest != form.digest:
            raise GridError("campaigns.version_reused", form=form.key, version=form.version)
        return row.id
    _check_types(form)
    created = store.create(
        FormVersion,
        id=version_id(form.key, form.version),
        form_key=form.key,
        version=form.version,
        digest=form.digest,
        title=form.label,
        definition=form.definition(),
    )
    return created.id


def _check_types(form: Form) -> None:
    """An item keeps its type from version to version: its answers must still read the same."""
    for other in FormVersion.select(FormVersion.id).where((FormVersion.form_key == form.key) & live(FormVersion)):
        before = form_of_version(other.id)
        for item in form.items:
            old = before.item(item.name)
            if old is not None and old.type != item.type:
                raise GridError(
                    "campaigns.type_changed", name=item.name, old=old.type, new=item.type, version=before.version
                )


def form(version_id: str) -> Form:
    """A stored form version."""
    return form_of_version(version_id)


def form_of(campaign_id: str) -> Form:
    """The form version the campaign is on now."""
    return form_of_version(live_row(Campaign, campaign_id).form_id)


def create(
    form: Form,
    *,
    name: str,
    name_en: str = "",
    target: str = "household",
    scope: Scope | None = None,
    starts: date | str | None = None,
    ends: date | str | None = None,
    activate: bool = False,
    today: date | None = None,
    id: str | None = None,
) -> str:
    """A new campaign on ``form`` (stored first if new); inactive until activated. Returns its id."""
    target = one_of("target", TARGET_WORDS.get(target, target), ("household", "business"))
    scope = scope or Scope()
    scope.check(target)
    begins = parse_date(starts, "starts") or today or date.today()
    finish = parse_date(ends, "ends")
    if finish is not None and finish < begins:
        raise ValidationError("ends", "campaigns.ends_before_start")
    with store.transaction():
        version = store_form(form)
        row = store.create(
            Campaign,
            id=id,
            name=name,
            name_en=name_en or "",
            form_key=form.key,
            form=version,
            target=target,
            starts=begins,
            ends=finish,
            active=activate,
            scope=scope.to_json(),
            versions=[version],
        )
    return row.id


def update_form(campaign_id: str, form: Form) -> bool:
    """Move the campaign to a new version of its form; False when it is that version already.

    Refused: another form (other form id), the same version string with other content, and an
    item whose type changed. Visits already answered keep the version they were answered in.
    """
    row = live_row(Campaign, campaign_id)
    if form.key != row.form_key:
        raise GridError("campaigns.other_form", form=form.key, expected=row.form_key)
    with store.transaction():
        version = store_form(form)
        if version == row.form_id:
            return False
        history = [v for v in (row.versions or [row.form_id]) if v != version]
        store.update(Campaign, campaign_id, form=version, versions=[*history, version])
    return True


def activate(campaign_id: str) -> bool:
    """Open the campaign to the walk lists (and ``c``); False if it was open already."""
    return bool(store.update(Campaign, live_row(Campaign, campaign_id).id, active=True))


def close(campaign_id: str, today: date | None = None) -> bool:
    """Close the campaign: off the walk lists, its end date today unless it had one."""
    row = live_row(Campaign, campaign_id)
    changes: dict[str, Any] = {"active": False}
    if row.ends is None:
        changes["ends"] = today or date.today()
    return bool(store.update(Campaign, row.id, **changes))


def versions(campaign_id: str) -> list[VersionInfo]:
    """The form versions the campaign has been on, oldest first, with the visits answered in each."""
    row = live_row(Campaign, campaign_id)
    ids = list(dict.fromkeys([*(row.versions or []), row.form_id]))
    counts = dict(
        Visit.select(Visit.form, fn.COUNT(Visit.id))
        .where((Visit.campaign == campaign_id) & live(Visit))
        .group_by(Visit.form)
        .tuples()
    )
    found = []
    for vid in ids:
        version = FormVersion.get_or_none(FormVersion.id == vid)
        if version is None:
            continue
        found.append(
            VersionInfo(
                vid,
                version.version,
                version.digest,
                version.title,
                sum(1 for i in form_of_version(vid).items if i.answered),
                counts.get(vid, 0),
                vid == row.form_id,
            )
        )
    return found


# -- targets and coverage: the rules are in gridtui.domain.coverage ---------------------------------


def _run(sql: str, params: Any) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = database.execute_sql(sql, params).fetchall()
    return rows


def targets(
    info: CampaignInfo, *, grid_id: str | None = None, building_id: str | None = None, today: date | None = None
) -> Targets:
    """The campaign's targets as SQL (see :func:`gridtui.domain.coverage.targets`)."""
    return rules.targets(info, grid_id=grid_id, building_id=building_id, today=today)


def coverage(campaign_id: str, today: date | None = None, community: str | None = None) -> list[GridFigures]:
    """Visit coverage of one campaign per grid, in grid-code order (one query): its targets, by
    the outcome of their latest visit. Targets outside any grid come last, with ``grid`` None.
    On a street office's hub, a community's own campaign covers only that community, and
    ``community`` keeps any campaign's figures to one."""
    from gridtui.core import dialect

    found = campaign(campaign_id)
    owner = campaign_community(found.id)
    if community is not None and owner not in (None, community):
        return []  # another community's own campaign has no targets here
    return rules.coverage(_run, found, today, community or owner, server=dialect.hub())


def campaign_community(campaign_id: str) -> str | None:
    """On a street office's hub, the community whose office made a campaign: its targets are
    that community's, not the street's. None: made at the hub (a district-wide campaign, every
    community's targets), or below the hub, where there is one community."""
    from gridtui.core.models import Campaign, DeviceCommunity

    made = Campaign.select(Campaign.origin).where(Campaign.id == campaign_id).scalar()
    mapped = DeviceCommunity.get_or_none(DeviceCommunity.device == made)
    return (mapped.community or None) if mapped is not None else None


def create_from_workbook(path: Any, *, id: str | None = None, **options: Any) -> str:
    """``gridtui campaign new``: the form in an XLSForm workbook, checked, then :func:`create`.
    (The demo builds its campaigns from the shipped workbooks through this too.) pyxform is
    imported here, on this path only."""
    from gridtui.forms.xlsform import read_workbook

    return create(read_workbook(path), id=id, **options)


# -- scope in words ---------------------------------------------------------------------------------


def scope_from_words(
    *,
    grids: Sequence[str] = (),
    buildings: Sequence[str] = (),
    registers: Sequence[str] = (),
    ages: str | None = None,
    business_kinds: Sequence[str] = (),
) -> Scope:
    """A scope from what the office types: grid codes or names, buildings as 凤飞园3栋, register
    kinds by key or name, ``0-16`` for ages, business kinds by key or name. Each unknown one
    is refused by name."""
    from gridtui.domain import places

    return Scope(
        grids=tuple(places.find_grid(g).id for g in grids),
        buildings=tuple(places.find_building(b).id for b in buildings),
        registers=tuple(_register_kind(r) for r in registers),
        ages=_ages(ages) if ages else None,
        business_kinds=tuple(_business_kind(k) for k in business_kinds),
    )


def _ages(text: str) -> tuple[int, int]:
    found = re.fullmatch(r"\s*(\d{1,3})\s*[-–~～至到]\s*(\d{1,3})\s*", text)
    if not found:
        raise ValidationError("ages", "campaigns.bad_ages", ages=text)
    return int(found.group(1)), int(found.group(2))


def _register_kind(word: str) -> str:
    from gridtui.core.models import RegisterKind

    word = word.strip()
    key: str
    for key, zh, en in RegisterKind.select(RegisterKind.key, RegisterKind.zh, RegisterKind.en).tuples():
        if word in (key, zh) or word.lower() == en.lower():
            return key
    raise GridError(
        "campaigns.unknown_register",
        register=word,
        allowed=", ".join(k.key for k in RegisterKind.select().order_by(RegisterKind.position)),
    )


def business_kinds() -> dict[str, str]:
    """The shop kinds gridtui knows (key -> its name in the reader's language), and any other
    kind the community's shops are recorded with."""
    from gridtui.core.models import Business
    from gridtui.i18n import catalog, t

    keys = [k.removeprefix("businesses.kind.") for k in catalog() if k.startswith("businesses.kind.")]
    keys += [k for (k,) in Business.select(Business.kind).distinct().tuples() if k not in keys]
    return {k: t(f"businesses.kind.{k}", default=k) for k in keys}


def _business_kind(word: str) -> str:
    from gridtui.i18n import t

    word = word.strip()
    for key, label in business_kinds().items():
        if word in (
            key,
            label,
            t(f"businesses.kind.{key}", lang="zh", default=key),
            t(f"businesses.kind.{key}", lang="en", default=key),
        ):
            return key
    raise GridError("campaigns.unknown_business_kind", kind=word, allowed=", ".join(business_kinds()))


def describe_scope(info: CampaignInfo) -> dict[str, list[str]]:
    """The scope in words, part by part (only the parts given): grid codes, buildings, register
    names, "0-16", shop kinds."""
    from gridtui.core.models import Building, Compound, Grid, RegisterKind
    from gridtui.i18n import t

    scope = Scope.from_json(info.scope)
    found: dict[str, list[str]] = {}
    if scope.grids:
        found["grids"] = [
            f"{g.code} {g.name}" for g in Grid.select().where(Grid.id.in_(scope.grids)).order_by(Grid.code)
        ]
    if scope.buildings:
        found["buildings"] = [
            f"{b.compound.name}{b.number}栋"
            for b in Building.select(Building, Compound)
            .join(Compound)
            .where(Building.id.in_(scope.buildings))
            .order_by(Building.walk_order)
        ]
    if scope.registers:
        found["registers"] = [
            pick(k.zh, k.en) for k in RegisterKind.select().where(RegisterKind.key.in_(scope.registers))
        ]
    if scope.ages is not None:
        found["ages"] = [f"{scope.ages[0]}-{scope.ages[1]}"]
    if scope.business_kinds:
        found["business_kinds"] = [t(f"businesses.kind.{k}", default=k) for k in scope.business_kinds]
    if scope.households:
        found["households"] = [str(len(scope.households))]
    return found


def target_count(campaign_id: str, today: date | None = None) -> int:
    """How many targets the campaign covers now."""
    found = targets(campaign(campaign_id), today=today)
    count: int = database.execute_sql(f"SELECT COUNT(*) {found.sql}", found.params).fetchone()[0]
    return count
