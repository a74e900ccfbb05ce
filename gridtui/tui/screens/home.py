"""Home: the active campaign, my grids with their coverage, overdue needs, revisits due today.

Kept light on purpose (it is the first screen): no domain import at module level; the data
arrives from one thread worker as a :class:`HomeScreen.Loaded` message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Header, Static

from gridtui.i18n import t
from gridtui.tui import home_cache
from gridtui.tui.app import db_work
from gridtui.tui.keys import bind
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.paged_list import PagedList

GRID_WIDTHS = (5, 12, 16, 9, 5, 5, 6)


@dataclass
class GridCoverage:
    """One line of the home screen: a grid and how far the active campaign has got there."""

    grid_id: str | None
    code: str
    name: str
    total: int = 0
    done: int = 0
    nobody_home: int = 0
    refused: int = 0
    revisit_due: int = 0


@dataclass
class HomeData:
    campaign: str = ""
    grids: list[GridCoverage] = field(default_factory=list)
    overdue: list[Any] = field(default_factory=list)
    revisits: list[Any] = field(default_factory=list)


def render_grid(row: GridCoverage) -> Text:
    share = f"{row.done}/{row.total}"
    return columns.row([
        (row.code, GRID_WIDTHS[0], "bold"),
        (row.name, GRID_WIDTHS[1]),
        columns.bar(row.done, row.total, GRID_WIDTHS[2]),
        (share, GRID_WIDTHS[3]),
        (row.nobody_home, GRID_WIDTHS[4], "yellow"),
        (row.refused, GRID_WIDTHS[5], "red"),
        (row.revisit_due, GRID_WIDTHS[6], "magenta"),
    ])


def render_need(need) -> Text:
    return columns.row([(need.item, 16, "bold red"), (need.address, 24)])


def render_revisit(row) -> Text:
    return columns.row([(row.address, 20, "bold"), (row.head_name, 8, "dim")])


def grid_header() -> Text:
    labels = ("tui.home.col.grid", "tui.home.col.name", "tui.home.col.coverage", "tui.home.col.done",
              "tui.home.col.nobody_home", "tui.home.col.refused", "tui.home.col.revisit_due")
    return columns.row([(t(k), w) for k, w in zip(labels, GRID_WIDTHS, strict=True)])


def load_home(app) -> HomeData:
    """Everything the home screen shows, read in one go (runs in a worker thread)."""
    from gridtui.domain import needs, visits

    data = HomeData()
    campaign_id = app.campaign_id
    mine = [g for g in visits.grids(mine=app.settings.my_grids or None)]
    if campaign_id:
        data.campaign = visits.campaign(campaign_id).label
        by_code = {row["grid"]: row for row in visits.coverage(campaign_id, today=app.today)}
        for grid in mine:
            row = by_code.get(grid.code, {})
            data.grids.append(GridCoverage(
                grid.id, grid.code, grid.name, row.get("total", 0), row.get("done", 0),
                row.get("nobody_home", 0), row.get("refused", 0), row.get("revisit_due", 0),
            ))
    else:
        data.grids = [GridCoverage(g.id, g.code, g.name) for g in mine]
    grid_ids = [g.id for g in mine] if app.settings.my_grids else None
    data.revisits = visits.revisits_due(today=app.today, grid_ids=grid_ids, limit=8)
    now = datetime.combine(app.today, time(12)) if app.today else None
    data.overdue = needs.overdue(limit=8, grid_ids=grid_ids, now=now)
    return data


class HomeScreen(GridScreen):
    """The first screen of the day."""

    BINDINGS = [bind("r", "reload", "home.reload")]

    class Loaded(Message):
        def __init__(self, data: HomeData) -> None:
            super().__init__()
            self.data = data

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("tui.home.loading"), id="home-campaign", markup=False)
        with Horizontal(id="home-body"):
            with Vertical(id="home-grids"):
                yield Static(t("tui.home.my_grids"), classes="section-title", markup=False)
                yield Static(grid_header(), classes="list-header")
                yield PagedList(render=render_grid, empty=t("tui.home.no_grids"), id="grid-list")
            with Vertical(id="home-side"):
                yield Static(t("tui.home.overdue_needs"), classes="section-title", markup=False)
                yield PagedList(render=render_need, empty=t("tui.home.none"), id="home-overdue")
                yield Static(t("tui.home.revisits_today"), classes="section-title", markup=False)
                yield PagedList(render=render_revisit, empty=t("tui.home.none"), id="home-revisits")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#grid-list", PagedList).focus()
        self.watch(self.app, "campaign_id", self.action_reload, init=False)
        self.show_cached()

    def show_cached(self) -> None:
        """Draw the figures stored by the last start, if the database has not changed since;
        the worker's fresh figures follow (see :mod:`gridtui.tui.home_cache`)."""
        cached = home_cache.read(self.app)
        if cached is None:
            return
        if not self.app.campaign_id:
            self.app.set_reactive(type(self.app).campaign_id, cached["campaign_id"] or "")
        self.on_home_screen_loaded(self.Loaded(HomeData(
            campaign=cached["campaign"],
            grids=[GridCoverage(**g) for g in cached["grids"]],
            overdue=[home_cache.CachedRow(**r) for r in cached["overdue"]],
            revisits=[home_cache.CachedRow(**r) for r in cached["revisits"]],
        )))

    def on_screen_resume(self) -> None:
        """Shown for the first time, or back from a walk (coverage has moved on): read it."""
        self.load()

    def action_reload(self, *_: object) -> None:
        self.load()

    @db_work
    def load(self) -> None:
        meta = home_cache.meta_now()
        data = load_home(self.app)
        self.post_message(self.Loaded(data))
        home_cache.write(meta, self.app, data)

    def on_home_screen_loaded(self, message: Loaded) -> None:
        data = message.data
        title = data.campaign or t("tui.home.no_campaign")
        self.query_one("#home-campaign", Static).update(
            Text.assemble((t("tui.home.campaign") + " ", "dim"), (title, "bold"), ("   " + t("tui.home.campaign_hint"), "dim"))
        )
        self.query_one("#grid-list", PagedList).set_rows(data.grids)
        self.query_one("#home-overdue", PagedList).set_rows(data.overdue)
        self.query_one("#home-revisits", PagedList).set_rows(data.revisits)

    def action_open_grid(self) -> None:
        row = self.query_one("#grid-list", PagedList).current
        if row is not None and row.grid_id:
            from gridtui.tui.screens.walk import BuildingsScreen

            self.app.push_screen(BuildingsScreen(row.grid_id, f"{row.code} {row.name}"))

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        """A grid opens its buildings; an overdue need or a revisit opens the household."""
        message.stop()
        if message.paged_list.id == "grid-list":
            self.action_open_grid()
        elif message.row.household_id:
            self.app.open_household(message.row.household_id)
