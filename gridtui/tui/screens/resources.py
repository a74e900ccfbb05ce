"""Resources and partner units: what partners offer, and the units themselves.

Top: resources against the 39-item catalog with their provider and capacity; ``t`` cycles the
catalog category, ``p`` the kind of provider, ``n`` records a new resource. Bottom: the units
(co-building units 共建单位 with their agreement date and projects, resident units, social
organisations) and how many resources they offer; ``u`` adds a unit. Tab moves between the two
lists; ``E`` edits and ``X`` ends the row under the cursor in the list that has the focus (a unit
that ends takes its resources with it), ``a`` records a co-building unit's agreement date. All
go through gridtui.domain.resources, so a bad date or number is refused on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from gridtui.errors import GridError
from gridtui.i18n import pick, t
from gridtui.tui.keys import bind
from gridtui.tui.messages import ResourcesLoaded
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.screens.forms import ChoiceDialog, FormDialog, required
from gridtui.tui.screens.residents import cycle
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import db_work

if TYPE_CHECKING:
    from gridtui.domain.resources import ResourceRow, UnitRow

PROVIDER_KINDS = ("organization", "business", "volunteer", "social_org")
RESOURCE_WIDTHS = (20, 16, 20, 5, 10)
UNIT_WIDTHS = (20, 10, 10, 4)


def render_resource(r: ResourceRow) -> Text:
    return columns.row(
        [
            (r.item, RESOURCE_WIDTHS[0], "bold"),
            (t(f"resources.provider.{r.provider_kind}", default=r.provider_kind), RESOURCE_WIDTHS[1], "dim"),
            (r.provider or "-", RESOURCE_WIDTHS[2]),
            (r.capacity, RESOURCE_WIDTHS[3]),
            (r.availability or "-", RESOURCE_WIDTHS[4]),
            Text(r.contact or "", "dim"),
        ]
    )


def render_unit(u: UnitRow) -> Text:
    day = f"{u.agreement_date:%Y-%m-%d}" if u.agreement_date else "-"
    return columns.row(
        [
            (u.name, UNIT_WIDTHS[0], "bold"),
            (t(f"lists.units.kind.{u.kind}"), UNIT_WIDTHS[1], "dim"),
            (day, UNIT_WIDTHS[2]),
            (u.resources, UNIT_WIDTHS[3]),
            Text(t("registry.list_sep").join(u.project_labels) or "-", "italic"),
        ]
    )


def _header(prefix: str, keys: tuple[str, ...], widths: tuple[int, ...], last: str) -> Text:
    return columns.row(
        [*((t(f"{prefix}.{k}"), w) for k, w in zip(keys, widths, strict=True)), Text(t(f"{prefix}.{last}"))]
    )


class ResourcesScreen(GridScreen):
    """Resources by catalog category and provider; co-building units below."""

    BINDINGS = [
        bind("t", "cycle_category", "resources.category"),
        bind("p", "cycle_provider", "resources.provider"),
        bind("a", "agreement", "resources.agreement"),
        bind("n", "new_resource", "resources.new"),
        bind("u", "new_unit", "resources.new_unit"),
        bind("E", "edit", "resources.edit"),
        bind("X", "end", "resources.end"),
        bind("escape", "app.pop_screen", "resources.back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        from gridtui.core.catalogs import resource_categories

        self.categories = resource_categories()
        self.category: str | None = None
        self.provider: str | None = None

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("registry.loading"), id="resources-filters", classes="screen-title", markup=False)
        yield Static(
            _header(
                "registry.rsc.col",
                ("item", "provider_kind", "provider", "capacity", "availability"),
                RESOURCE_WIDTHS,
                "contact",
            ),
            classes="list-header",
        )
        yield PagedList(render=render_resource, empty=t("registry.rsc.empty"), id="resources-list")
        yield Static(t("registry.rsc.units"), classes="section-title", markup=False)
        yield Static(
            _header("registry.rsc.unit", ("name", "kind", "agreement", "resources"), UNIT_WIDTHS, "projects"),
            classes="list-header",
        )
        yield PagedList(render=render_unit, empty=t("registry.rsc.no_units"), id="resources-units")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#resources-list", PagedList).focus()
        self.load()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import resources

        self.post_message(
            ResourcesLoaded(
                resources.list_resources(category=self.category, provider_kind=self.provider), resources.list_units()
            )
        )

    def on_resources_loaded(self, message: ResourcesLoaded) -> None:
        offered = self.query_one("#resources-list", PagedList)
        offered.set_rows(message.resources)
        units = self.query_one("#resources-units", PagedList)
        cursor = units.cursor
        units.set_rows(message.units)
        units.cursor = cursor
        category = next((pick(c["zh"], c["en"]) for c in self.categories if c["key"] == self.category), None)
        provider = t(f"resources.provider.{self.provider}") if self.provider else None
        out = Text()
        for label, value in ((t("registry.rsc.category"), category), (t("registry.rsc.col.provider_kind"), provider)):
            out.append(f"{label}:", "dim")
            out.append(f"{value or t('registry.all')}  ", "bold" if value else "")
        out.append(t("registry.rsc.count", count=len(message.resources), units=len(message.units)))
        self.query_one("#resources-filters", Static).update(out)

    def action_cycle_category(self) -> None:
        self.category = cycle(self.category, [c["key"] for c in self.categories])
        self.load()

    def action_cycle_provider(self) -> None:
        self.provider = cycle(self.provider, list(PROVIDER_KINDS))
        self.load()

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        if message.paged_list.id == "resources-units":
            self.action_agreement()

    def action_agreement(self) -> None:
        unit = self.query_one("#resources-units", PagedList).current
        if unit is None:
            self.notify(t("registry.rsc.no_units"), severity="warning")
            return

        def save(values: dict[str, str]) -> str:
            from gridtui.domain import resources

            required(values, "agreement_date")
            resources.sign_agreement(unit.id, values["agreement_date"])
            return t("registry.rsc.agreement_saved", name=unit.name, date=values["agreement_date"])

        current = f"{unit.agreement_date}" if unit.agreement_date else f"{self.app.today or date.today()}"
        fields = [("agreement_date", t("field.agreement_date"), current)]
        self.app.push_screen(
            FormDialog(t("registry.rsc.agreement_title", name=unit.name), fields, save),
            lambda saved: self.load() if saved else None,
        )

    # -- adding, editing, ending ----------------------------------------------------------------
    def _after(self, saved: object) -> None:
        if saved:
            self.load()

    def _on_units(self) -> bool:
        return self.focused is self.query_one("#resources-units", PagedList)

    def action_new_resource(self) -> None:
        def save(values: dict[str, str]) -> str:
            from gridtui.domain import resources

            required(values, "item", "provider")
            provider = provider_of(values["provider"])
            resources.add_resource(
                values["item"],
                provider[0],
                **provider[1],
                capacity=values["capacity"] or 0,
                availability=values["availability"],
                contact=values["contact"],
            )
            return t("registry.rsc.saved", item=values["item"])

        fields = [
            ("item", t("field.resource_item"), ""),
            ("provider", t("field.provider"), ""),
            ("capacity", t("field.capacity"), ""),
            ("availability", t("field.availability"), ""),
            ("contact", t("field.contact"), ""),
        ]
        self.app.push_screen(FormDialog(t("registry.rsc.new_title"), fields, save), self._after)

    def action_new_unit(self) -> None:
        self.app.push_screen(FormDialog(t("registry.rsc.unit_title"), unit_fields(None), save_unit(None)), self._after)

    def action_edit(self) -> None:
        if self._on_units():
            unit = self.query_one("#resources-units", PagedList).current
            if unit is not None:
                self.app.push_screen(
                    FormDialog(t("registry.rsc.unit_edit_title", name=unit.name), unit_fields(unit), save_unit(unit)),
                    self._after,
                )
            return
        resource = self.query_one("#resources-list", PagedList).current
        if resource is None:
            return

        def save(values: dict[str, str]) -> str:
            from gridtui.domain import resources

            resources.update_resource(resource.id, **values)
            return t("lists.edited", name=resource.item, fields=", ".join(values))

        fields = [
            ("capacity", t("field.capacity"), str(resource.capacity)),
            ("availability", t("field.availability"), resource.availability),
            ("contact", t("field.contact"), resource.contact),
            ("note", t("field.note"), resource.note),
        ]
        self.app.push_screen(FormDialog(t("registry.rsc.edit_title", item=resource.item), fields, save), self._after)

    def action_end(self) -> None:
        from gridtui.domain import resources

        on_units = self._on_units()
        row = self.query_one("#resources-units" if on_units else "#resources-list", PagedList).current
        if row is None:
            return
        run: Callable[[str], object]
        if on_units:
            question, run = t("registry.rsc.end_unit", name=row.name, count=row.resources), resources.end_unit
            done = t("lists.units.ended", name=row.name, resources=row.resources)
        else:
            question, run = t("registry.rsc.end_resource", item=row.item, provider=row.provider), resources.end_resource
            done = t("lists.resources.ended", id=row.item)

        def save(_choice: str) -> str:
            run(row.id)
            return done

        self.app.push_screen(
            ChoiceDialog(t("registry.rsc.end_title"), question, [("end", t("registry.rsc.end_confirm"))], save),
            self._after,
        )


def provider_of(text: str) -> tuple[str, dict[str, str]]:
    """Who offers a resource, from what was typed: a unit's name, else a volunteer, else a shop."""
    from gridtui.domain import business_list, resources, volunteers

    unit = resources.match_unit(text)
    if unit is not None:
        return resources.provider_of_unit(unit), {"organization_id": unit}
    try:
        return "volunteer", {"volunteer_id": volunteers.find_volunteer(text)}
    except GridError:
        try:
            return "business", {"business_id": business_list.find_business(text)}
        except GridError:
            raise GridError("registry.rsc.no_provider", name=text) from None


def unit_fields(u: UnitRow | None) -> list[tuple[str, str, str]]:
    kind = t(f"lists.units.kind.{u.kind}") if u else t("lists.units.kind.cobuilding")
    return [
        ("organization_name", t("field.organization_name"), u.name_zh if u else ""),
        ("kind", t("field.kind"), kind),
        ("contact", t("field.contact"), u.contact if u else ""),
        ("phone", t("field.phone"), ""),
        ("agreement_date", t("field.agreement_date"), f"{u.agreement_date}" if u and u.agreement_date else ""),
        ("projects", t("field.projects"), t("registry.list_sep").join(u.project_labels if u else ())),
    ]


def save_unit(unit: UnitRow | None) -> Callable[[dict[str, str]], str]:
    """The form's save: a new unit, or this one's changes (an empty phone keeps the one stored)."""

    def save(values: dict[str, str]) -> str:
        from gridtui.domain import resources
        from gridtui.io.sheet_import import split_list
        from gridtui.tui.screens.dialogs import choice_key

        required(values, "organization_name")
        name, kind = values["organization_name"], choice_key(values["kind"], resources.UNIT_KINDS, "lists.units.kind")
        agreement_date, projects = values["agreement_date"] or None, split_list(values["projects"])
        if unit is None:
            resources.add_unit(
                kind,
                name,
                contact=values["contact"],
                phone=values["phone"],
                agreement_date=agreement_date,
                projects=projects,
            )
        else:
            fields: dict[str, object] = {
                "name": name,
                "contact": values["contact"],
                "kind": kind,
                "agreement_date": agreement_date,
                "projects": projects,
            }
            if values["phone"]:
                fields["phone"] = values["phone"]
            resources.update_unit(unit.id, **fields)
        return t("registry.rsc.unit_saved", name=values["organization_name"])

    return save
