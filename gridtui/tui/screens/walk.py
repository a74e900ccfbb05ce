"""Grid -> building -> walk list: households in walking order with their status and flags."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.messages import WalkLoaded
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.columns import ColumnHeader, Columns, visible_width
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import db_work

STATUS_STYLE = {
    "not_visited": "dim",
    "in_progress": "black on yellow",
    "done": "black on green",
    "nobody_home": "black on #d7af5f",
    "refused": "white on red",
    "moved_away": "white on blue",
}
FLAG_STYLE = {
    "open_needs": "white on red",
    "party": "white on #af0000",
    "rectification": "white on red",
    "food": "black on #87d787",
}
FLAG_ORDER = ("elderly_alone", "disabled", "hardship", "party", "open_needs", "rectification", "food")
"""Badges always in this order (a row's flags are a set, whose order changes from run to run)."""
WALK_WIDTHS = (24, 10, 4, 8)
SHOP_WIDTHS = (16, 12, 16, 8, 8)
"""A business campaign's walk list: name, kind, address, owner, status."""


def status_badge(status: str) -> tuple[str, int, str]:
    return (t(f"tui.status.{status}", default=status), WALK_WIDTHS[3], STATUS_STYLE.get(status, ""))


def flag_badges(flags) -> Text:
    ordered = sorted(flags, key=lambda f: (FLAG_ORDER.index(f) if f in FLAG_ORDER else len(FLAG_ORDER), f))
    return columns.badges([(t(f"tui.flag.{f}", default=f), FLAG_STYLE.get(f, "black on #87afd7")) for f in ordered])


def walk_cells(row) -> list:
    """A household on the walk list, or a shop on a business campaign's: its columns' cells."""
    if hasattr(row, "business_id"):
        return [
            (row.name, SHOP_WIDTHS[0], "bold"),
            (row.kind_label, SHOP_WIDTHS[1]),
            (row.address, SHOP_WIDTHS[2]),
            (row.owner_name, SHOP_WIDTHS[3]),
            (t(f"tui.status.{row.status}", default=row.status), SHOP_WIDTHS[4], STATUS_STYLE.get(row.status, "")),
            flag_badges(row.flags),
        ]
    return [
        (row.address, WALK_WIDTHS[0]),
        (row.head_name or "", WALK_WIDTHS[1], "bold"),
        (row.size, WALK_WIDTHS[2]),
        status_badge(row.status),
        flag_badges(row.flags),
    ]


def walk_columns(shops: bool = False) -> Columns:
    if shops:
        labels = (
            "businesses.col.name",
            "businesses.col.kind",
            "businesses.col.address",
            "businesses.col.owner",
            "tui.walk.col.status",
        )
        return Columns([(t(k), w) for k, w in zip(labels, SHOP_WIDTHS, strict=True)], tail=t("tui.walk.col.flags"))
    words = ("tui.walk.col.address", "tui.walk.col.head", "tui.walk.col.size", "tui.walk.col.status")
    return Columns([(t(k), w) for k, w in zip(words, WALK_WIDTHS, strict=True)], tail=t("tui.walk.col.flags"))


def open_grid(app, grid_id: str, title: str) -> None:
    """A grid opens its buildings; in a business campaign (shops have no stairwells) its shops.
    With no campaign chosen there is no walk: the notice says how to get one."""
    from gridtui.domain import campaigns

    if not app.campaign_id:
        app.notify(t("campaigns.none_chosen"), severity="warning")
        return
    with app.guarded() as guard:
        shops = campaigns.campaign(app.campaign_id).target == "business"
    if guard.failed:
        return
    app.push_screen(WalkScreen(grid_id, None, title) if shops else BuildingsScreen(grid_id, title))


class BuildingsScreen(GridScreen):
    """The buildings of one grid; the first line walks the whole grid."""

    def __init__(self, grid_id: str, title: str) -> None:
        super().__init__()
        self.grid_id, self.grid_title = grid_id, title

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(Text(self.grid_title, "bold"), id="buildings-title", classes="screen-title")
        yield PagedList(render=lambda b: Text(b[1]), empty=t("tui.walk.no_buildings"), id="building-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.core.models import Grid
        from gridtui.domain import visits

        rows: list[tuple[str | None, str]] = [(None, t("tui.walk.whole_grid"))]
        rows += [
            (b.id, t("tui.walk.building", compound=b.compound, number=b.number, households=b.households))
            for b in visits.buildings(self.grid_id)
        ]
        grid = Grid.get_or_none(Grid.id == self.grid_id)
        self.post_message(WalkLoaded(rows, grid.worker_name if grid else ""))

    def on_walk_loaded(self, message: WalkLoaded) -> None:
        """The buildings, and the grid's worker beside its name (the walk list's title keeps it)."""
        rows, worker = message.rows, message.worker
        if worker:
            self.grid_title = t("tui.walk.grid_worker", grid=self.grid_title, worker=worker)
            self.query_one("#buildings-title", Static).update(Text(self.grid_title, "bold"))
        self.query_one(PagedList).set_rows(rows)

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        building_id, label = message.row
        title = self.grid_title if building_id is None else f"{self.grid_title} · {label}"
        self.app.push_screen(WalkScreen(self.grid_id, building_id, title))


class WalkScreen(GridScreen):
    """Households of a grid or building in walking order, paged from the database."""

    BINDINGS = [
        bind("a", "filter('')", "walk.all"),
        bind("v", "filter('not_visited')", "walk.not_visited"),
        bind("r", "filter('revisit_due')", "walk.revisit_due"),
        bind("f", "filter('flagged')", "walk.flagged"),
        bind("d", "detail", "walk.detail"),
        bind("escape", "app.pop_screen", "walk.back"),
    ]

    def __init__(self, grid_id: str | None, building_id: str | None, title: str) -> None:
        super().__init__()
        self.grid_id, self.building_id, self.walk_title = grid_id, building_id, title
        self.filter = ""
        self.columns = {False: walk_columns(), True: walk_columns(shops=True)}
        """By whether the rows are shops: a walk list turns to shops when the campaign does."""
        self.walk_list = PagedList(render=self.render_row, empty=t("tui.walk.empty"), id="walk-list")

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static("", id="walk-title", classes="screen-title", markup=False)
        yield ColumnHeader(self.columns[False], self.walk_list, id="walk-header", classes="list-header")
        yield self.walk_list
        yield KeyFooter()

    def render_row(self, row) -> Text:
        shop = hasattr(row, "business_id")
        return self.columns[shop].row(walk_cells(row), visible_width(self.walk_list))

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.watch(self.app, "campaign_id", lambda _: self.reload(keep_cursor=False), init=False)
        self.reload(keep_cursor=False)

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.query_one(PagedList).count:  # back from a visit: statuses changed
            self.reload()

    def _source(self):
        """The campaign's walk source (households or shops, one interface) and the part of it
        this list shows."""
        from gridtui.domain import walk

        scope = {
            "grid_id": self.grid_id,
            "building_id": self.building_id,
            "filter": self.filter or None,
            "today": self.app.today,
        }
        return walk.source(self.app.campaign_id), scope

    def reload(self, keep_cursor: bool = True) -> None:
        campaign = self.app.campaign_id
        walk = self.query_one(PagedList)
        if not campaign:  # nothing to walk: say what to do, never a dead screen
            walk.set_rows([])
            walk.empty = t("campaigns.none_chosen")
            self.query_one("#walk-title", Static).update(Text(self.walk_title, "bold"))
            return
        with self.app.guarded() as guard:
            source, scope = self._source()
            if keep_cursor:
                walk.reload()
            else:
                walk.set_source(
                    lambda offset, limit: source.page(campaign, offset=offset, limit=limit, **scope),
                    lambda: source.count(campaign, **scope),
                )
        if guard.failed:
            return
        shops = source.target == "business"
        self.query_one("#walk-header", ColumnHeader).show(self.columns[shops])
        walk.empty = t("businesses.walk.empty" if shops else "tui.walk.empty")
        name = t(f"tui.walk.filter.{self.filter or 'all'}")
        title = Text.assemble(
            (self.walk_title, "bold"),
            ("  ·  ", "dim"),
            (name, "italic"),
            ("  ·  ", "dim"),
            (t("businesses.walk.count" if shops else "tui.walk.count", count=walk.count), ""),
        )
        if shops and self.building_id is not None:  # opened on a building, then the campaign changed
            title.append("  ·  " + t("businesses.walk.by_grid"), "dim")
        self.query_one("#walk-title", Static).update(title)

    def action_filter(self, name: str) -> None:
        self.filter = name
        self.reload(keep_cursor=False)

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        with self.app.guarded():
            source, scope = self._source()
            ids = source.ids(self.app.campaign_id, **scope)
            chosen = target_id(message.row)
            self.app.open_visit(ids, ids.index(chosen) if chosen in ids else 0, source.target)

    def action_detail(self) -> None:
        row = self.query_one(PagedList).current
        if row is None:
            return
        if hasattr(row, "business_id"):
            from gridtui.tui.screens.business import BusinessScreen

            self.app.push_screen(BusinessScreen(row.business_id))
        else:
            self.app.open_household(row.household_id)


def target_id(row) -> str:
    """The household or the shop a walk-list row stands for."""
    return getattr(row, "business_id", None) or row.household_id
