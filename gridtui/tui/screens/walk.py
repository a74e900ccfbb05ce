"""Grid -> building -> walk list: households in walking order with their status and flags."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Header, Static

from gridtui.i18n import t
from gridtui.tui.app import db_work
from gridtui.tui.keys import bind
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.paged_list import PagedList

STATUS_STYLE = {
    "not_visited": "dim",
    "in_progress": "black on yellow",
    "done": "black on green",
    "nobody_home": "black on #d7af5f",
    "refused": "white on red",
    "moved_away": "white on blue",
}
FLAG_STYLE = {"open_needs": "white on red", "party": "white on #af0000"}
FLAG_ORDER = ("elderly_alone", "disabled", "hardship", "party", "open_needs")
"""Badges always in this order (a row's flags are a set, whose order changes from run to run)."""
WALK_WIDTHS = (24, 10, 4, 8)


def status_badge(status: str) -> tuple[str, int, str]:
    return (t(f"tui.status.{status}", default=status), WALK_WIDTHS[3], STATUS_STYLE.get(status, ""))


def render_walk_row(row) -> Text:
    ordered = sorted(row.flags, key=lambda f: (FLAG_ORDER.index(f) if f in FLAG_ORDER else len(FLAG_ORDER), f))
    flags = columns.badges([(t(f"tui.flag.{f}", default=f), FLAG_STYLE.get(f, "black on #87afd7")) for f in ordered])
    return columns.row([
        (row.address, WALK_WIDTHS[0]),
        (row.head_name or "", WALK_WIDTHS[1], "bold"),
        (row.size, WALK_WIDTHS[2]),
        status_badge(row.status),
        flags,
    ])


def walk_header() -> Text:
    labels = ("tui.walk.col.address", "tui.walk.col.head", "tui.walk.col.size", "tui.walk.col.status")
    return columns.row([*((t(k), w) for k, w in zip(labels, WALK_WIDTHS, strict=True)), (t("tui.walk.col.flags"), 20)])


class BuildingsScreen(GridScreen):
    """The buildings of one grid; the first line walks the whole grid."""

    def __init__(self, grid_id: str, title: str) -> None:
        super().__init__()
        self.grid_id, self.grid_title = grid_id, title

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(self.grid_title, "bold"), classes="screen-title")
        yield PagedList(render=lambda b: Text(b[1]), empty=t("tui.walk.no_buildings"), id="building-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    @db_work
    def load(self) -> None:
        from gridtui.domain import visits

        rows = [(None, t("tui.walk.whole_grid"))]
        rows += [(b.id, t("tui.walk.building", compound=b.compound, number=b.number, households=b.households))
                 for b in visits.buildings(self.grid_id)]
        self.app.call_from_thread(self.query_one(PagedList).set_rows, rows)

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

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="walk-title", classes="screen-title", markup=False)
        yield Static(walk_header(), classes="list-header")
        yield PagedList(render=render_walk_row, empty=t("tui.walk.empty"), id="walk-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.watch(self.app, "campaign_id", lambda _: self.reload(keep_cursor=False), init=False)
        self.reload(keep_cursor=False)

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.query_one(PagedList).count:  # back from a visit: statuses changed
            self.reload()

    def _scope(self) -> dict:
        return {"grid_id": self.grid_id, "building_id": self.building_id, "filter": self.filter or None,
                "today": self.app.today}

    def reload(self, keep_cursor: bool = True) -> None:
        from gridtui.domain import visits

        campaign = self.app.campaign_id
        walk = self.query_one(PagedList)
        with self.app.guarded():
            if keep_cursor:
                walk.reload()
            else:
                walk.set_source(
                    lambda offset, limit: visits.walk_page(campaign, offset=offset, limit=limit, **self._scope()),
                    lambda: visits.walk_count(campaign, **self._scope()),
                )
        if campaign and not walk.count and visits.campaign(campaign).target != "household":
            walk.empty = t("tui.walk.business_campaign")  # its targets are shops, not doors here
            walk.refresh()
        else:
            walk.empty = t("tui.walk.empty")
        name = t(f"tui.walk.filter.{self.filter or 'all'}")
        self.query_one("#walk-title", Static).update(Text.assemble(
            (self.walk_title, "bold"), ("  ·  ", "dim"), (name, "italic"), ("  ·  ", "dim"),
            (t("tui.walk.count", count=walk.count), ""),
        ))

    def action_filter(self, name: str) -> None:
        self.filter = name
        self.reload(keep_cursor=False)

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        from gridtui.domain import visits

        with self.app.guarded():
            ids = visits.household_ids(self.app.campaign_id, **self._scope())
            index = ids.index(message.row.household_id) if message.row.household_id in ids else 0
            self.app.open_visit(ids, index)

    def action_detail(self) -> None:
        row = self.query_one(PagedList).current
        if row is not None:
            self.app.open_household(row.household_id)
