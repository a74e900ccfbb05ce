"""Resources and co-building units: what partners offer, and the units that signed agreements.

Top: resources against the 39-item catalog with their provider and capacity; ``t`` cycles the
catalog category, ``p`` the kind of provider. Bottom: the co-building units (共建单位) with their
agreement date, projects and how many resources they offer; Tab moves between the two lists and
``a`` records the agreement date of the unit under the cursor (through
gridtui.domain.resources, a bad date is refused on the form).
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Header, Static

from gridtui.i18n import pick, t
from gridtui.tui.app import db_work
from gridtui.tui.keys import bind
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.screens.forms import FormDialog, required
from gridtui.tui.screens.residents import cycle
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.paged_list import PagedList

PROVIDER_KINDS = ("organization", "business", "volunteer", "social_org")
RESOURCE_WIDTHS = (20, 16, 20, 5, 10)
UNIT_WIDTHS = (20, 10, 4)


def render_resource(r: dict) -> Text:
    return columns.row([
        (r["item"], RESOURCE_WIDTHS[0], "bold"),
        (t(f"resources.provider.{r['provider_kind']}", default=r["provider_kind"]), RESOURCE_WIDTHS[1], "dim"),
        (r["provider"] or "-", RESOURCE_WIDTHS[2]),
        (r["capacity"], RESOURCE_WIDTHS[3]),
        (r["availability"] or "-", RESOURCE_WIDTHS[4]),
        Text(r["contact"] or "", "dim"),
    ])


def render_unit(u: dict) -> Text:
    day = f"{u['agreement_date']:%Y-%m-%d}" if u["agreement_date"] else "-"
    return columns.row([
        (u["name"], UNIT_WIDTHS[0], "bold"), (day, UNIT_WIDTHS[1]), (u["resources"], UNIT_WIDTHS[2]),
        Text(t("registry.list_sep").join(u["project_labels"]) or "-", "italic"),
    ])


def _header(prefix: str, keys: tuple[str, ...], widths: tuple[int, ...], last: str) -> Text:
    return columns.row([*((t(f"{prefix}.{k}"), w) for k, w in zip(keys, widths, strict=True)), Text(t(f"{prefix}.{last}"))])


class ResourcesScreen(GridScreen):
    """Resources by catalog category and provider; co-building units below."""

    BINDINGS = [
        bind("t", "cycle_category", "resources.category"),
        bind("p", "cycle_provider", "resources.provider"),
        bind("a", "agreement", "resources.agreement"),
        bind("escape", "app.pop_screen", "resources.back", show=False),
    ]

    class Loaded(Message):
        def __init__(self, resources: list[dict], units: list[dict]) -> None:
            super().__init__()
            self.resources, self.units = resources, units

    def __init__(self) -> None:
        super().__init__()
        from gridtui.core.catalogs import resource_categories

        self.categories = resource_categories()
        self.category: str | None = None
        self.provider: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("registry.loading"), id="resources-filters", classes="screen-title", markup=False)
        yield Static(_header("registry.rsc.col", ("item", "provider_kind", "provider", "capacity", "availability"),
                             RESOURCE_WIDTHS, "contact"), classes="list-header")
        yield PagedList(render=render_resource, empty=t("registry.rsc.empty"), id="resources-list")
        yield Static(t("registry.rsc.units"), classes="section-title", markup=False)
        yield Static(_header("registry.rsc.unit", ("name", "agreement", "resources"), UNIT_WIDTHS, "projects"),
                     classes="list-header")
        yield PagedList(render=render_unit, empty=t("registry.rsc.no_units"), id="resources-units")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#resources-list", PagedList).focus()
        self.load()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import resources

        self.post_message(self.Loaded(resources.list_resources(category=self.category, provider_kind=self.provider),
                                      resources.list_cobuilding_units()))

    def on_resources_screen_loaded(self, message: Loaded) -> None:
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
            resources.sign_agreement(unit["id"], values["agreement_date"])
            return t("registry.rsc.agreement_saved", name=unit["name"], date=values["agreement_date"])

        current = f"{unit['agreement_date']}" if unit["agreement_date"] else f"{self.app.today or date.today()}"
        fields = [("agreement_date", t("field.agreement_date"), current)]
        self.app.push_screen(FormDialog(t("registry.rsc.agreement_title", name=unit["name"]), fields, save),
                             lambda saved: self.load() if saved else None)
