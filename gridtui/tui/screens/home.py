"""Home: the active campaign, my grids with their coverage, overdue needs, revisits due today
(doors and shops).

Kept light on purpose (it is the first screen, and every widget it mounts is paid for at each
start): no domain import at module level, four widgets between header and footer laid out by
one grid (no containers), and the overdue needs and revisits due today share one list. The
data arrives from one thread worker as a :class:`~gridtui.tui.messages.HomeLoaded` message.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.events import Click
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from gridtui.i18n import t
from gridtui.tui import home_cache
from gridtui.tui.collector import CollectorPause
from gridtui.tui.keys import Translated, bind
from gridtui.tui.messages import HomeEarlyRead, HomeLoaded
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.columns import ColumnHeader, Columns, visible_width
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import Cells, PagedList
from gridtui.tui.workers import db_work

GRID_WIDTHS = (5, 12, 16, 9, 5, 5, 6)
"""Code, name, coverage bar, done/total, nobody home, refused, revisit due."""
COUNTS = ("total", "done", "nobody_home", "refused", "revisit_due")
"""The coverage figures of a grid, in GridCoverage's order."""


class GridCoverage(NamedTuple):
    """One line of the home screen: a grid and how far the active campaign has got there."""

    grid_id: str | None
    code: str
    name: str
    total: int = 0
    done: int = 0
    nobody_home: int = 0
    refused: int = 0
    revisit_due: int = 0


class HomeData(NamedTuple):
    """Everything home shows. (Named tuples, not dataclasses: a dataclass costs a quarter of
    a millisecond to define, paid at every start because home is the first screen.)"""

    campaign: str
    grids: list[GridCoverage]
    overdue: list[Any] | None
    """None: not read yet (home's quick figures come without it)."""
    revisits: list[Any] | None
    """None: not read yet, as ``overdue``."""


GAP: tuple[str, None] = (" ", None)
BOLD, BOLD_RED, DIM, GREEN, YELLOW, RED, MAGENTA = map(
    Style.parse, ("bold", "bold red", "dim", "green", "yellow", "red", "magenta")
)
GRID_STYLES = (BOLD, None, None, None, YELLOW, RED, MAGENTA)


def cells(*spec: tuple[object, int, Style | None]) -> list[tuple[str, Style | None]]:
    """What :func:`columns.row` lays out, as PagedList cells: every row of home is drawn at each
    start, and cells paint in about half the time of a Text."""
    out: list[tuple[str, Style | None]] = []
    for value, width, style in spec:
        if out:
            out.append(GAP)
        out.append((columns.fit(value, width, "right" if isinstance(value, int) else "left"), style))
    return out


def render_grid(row: GridCoverage, widths: tuple[int, ...] = GRID_WIDTHS) -> Cells:
    """A grid's line in the columns the list's width holds (``widths``, see :func:`grid_columns`):
    a narrow terminal leaves out the figures on the right and may narrow the bar."""
    values = (row.code, row.name, None, f"{row.done}/{row.total}", row.nobody_home, row.refused, row.revisit_due)
    out: list[tuple[str, Style | None]] = []
    for value, width, style in zip(values, widths, GRID_STYLES, strict=False):  # the shown ones
        if out:
            out.append(GAP)
        if value is None:  # the coverage bar
            filled = round(width * row.done / row.total) if row.total else 0
            out += [("█" * filled, GREEN), ("░" * (width - filled), DIM)]
        else:
            out.append((columns.fit(value, width, "right" if isinstance(value, int) else "left"), style))
    return out


def render_need(need) -> Cells:
    return cells((need.item, 16, BOLD_RED), (need.address, 24, None))


def render_revisit(row) -> Cells:
    return cells((row.address, 20, BOLD), (row.head_name, 8, DIM))


def grid_columns() -> Columns:
    """My grids' columns; the bar narrows before a figure is left out, and the count of those
    left out goes on the "My grids" line (see :class:`ColumnHeader`)."""
    labels = (
        "tui.home.col.grid",
        "tui.home.col.name",
        "tui.home.col.coverage",
        "tui.home.col.done",
        "tui.home.col.nobody_home",
        "tui.home.col.refused",
        "tui.home.col.revisit_due",
    )
    return Columns([(t(k), w) for k, w in zip(labels, GRID_WIDTHS, strict=True)], elastic=2, mark_in_header=False)


def campaign_line(campaign: str) -> Text:
    return Text.assemble(
        (t("tui.home.campaign") + " ", "dim"),
        (campaign or t("campaigns.home_none"), "bold"),
        ("   " + t("tui.home.campaign_hint"), "dim"),
    )


def load_home(app) -> HomeData:
    """Everything the home screen shows, read in one go (runs in a worker thread)."""
    from gridtui.domain import campaigns, needs, places, visits, walk

    campaign_id = app.campaign_id
    held = places.my_grids(app.settings.my_grids)  # the setting, else the grids given to this laptop
    mine = list(visits.grids(mine=held or None))
    campaign, grids = "", [GridCoverage(g.id, g.code, g.name) for g in mine]
    if campaign_id:
        campaign = campaigns.campaign(campaign_id).label
        by_code = {row.grid: row for row in campaigns.coverage(campaign_id, today=app.today)}
        grids = [
            GridCoverage(
                g.id, g.code, g.name, *((getattr(by_code[g.code], k) for k in COUNTS) if g.code in by_code else ())
            )
            for g in mine
        ]
    grid_ids = [g.id for g in mine] if held else None
    revisits = walk.revisits_due(today=app.today, grid_ids=grid_ids, limit=8)  # doors and shops
    now = datetime.combine(app.today, time(12)) if app.today else None
    return HomeData(campaign, grids, needs.overdue(limit=8, grid_ids=grid_ids, now=now), revisits)


class Heading(str):
    """A section's title in the due list."""


class DueList(Translated, Widget, can_focus=True):
    """Overdue needs, then revisits due today, each under its heading, with a cursor over the
    rows: Enter on one opens its household.

    At most 8 + 8 rows, drawn line by line from cells like a PagedList but with no paging and no
    scrolling, which makes it far cheaper to mount on the first screen than two PagedLists.
    """

    COMPONENT_CLASSES = {"due-list--heading", "due-list--none", "due-list--cursor"}
    BINDINGS = [
        bind("up,k", "move(-1)", "list.up", show=False),
        bind("down,j", "move(1)", "list.down", show=False),
        bind("enter", "select", "list.select"),
    ]

    class Selected(Message):
        """Enter (or a double click) on an overdue need or a revisit."""

        def __init__(self, row: Any) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._translate_bindings()
        self.overdue: list[Any] = []
        self.revisits: list[Any] = []
        self._lines: list[Any] = []  # headings and "none" are strings; the rest are rows
        self._rows: list[int] = []  # the lines the cursor can be on
        self.cursor = 0  # into _rows
        self._line_style: Style | None = None

    def show(self, overdue: list[Any] | None, revisits: list[Any] | None) -> None:
        """Either None: not read yet (home's quick figures come without them)."""
        self.overdue, self.revisits = list(overdue or []), list(revisits or [])
        none, loading = t("tui.home.none"), t("tui.home.loading")
        self._lines = [
            Heading(t("tui.home.overdue_needs")),
            *(self.overdue or [none if overdue is not None else loading]),
            "",
            Heading(t("tui.home.revisits_today")),
            *(self.revisits or [none if revisits is not None else loading]),
        ]
        self._rows = [i for i, line in enumerate(self._lines) if not isinstance(line, str)]
        self.cursor = min(self.cursor, max(0, len(self._rows) - 1))
        self.refresh()

    @property
    def current(self) -> Any:
        return self._lines[self._rows[self.cursor]] if self._rows else None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._line_style = self.rich_style  # once for all lines, as in PagedList
        try:
            return super().render_lines(crop)
        finally:
            self._line_style = None

    def render_line(self, y: int) -> Strip:
        base = self.rich_style if self._line_style is None else self._line_style
        line = self._lines[y] if y < len(self._lines) else ""
        if y == (self._rows[self.cursor] if self._rows else -1):
            base += self.get_component_rich_style("due-list--cursor")
        row: Cells
        if isinstance(line, Heading):
            row = [(line, self.get_component_rich_style("due-list--heading"))]
        elif isinstance(line, str):
            row = [(line, self.get_component_rich_style("due-list--none"))]
        else:
            row = render_need(line) if hasattr(line, "item") else render_revisit(line)
        segments = [Segment(text, base + own if own else base) for text, own in row]
        return Strip(segments).crop_extend(0, self.size.width, base)

    def action_move(self, step: int) -> None:
        self.cursor = max(0, min(self.cursor + step, len(self._rows) - 1))
        self.refresh()

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self.current))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y in self._rows:
            self.cursor = self._rows.index(offset.y)
            self.refresh()
            if event.chain > 1:
                self.action_select()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class HomeScreen(GridScreen):
    """The first screen of the day."""

    BINDINGS = [bind("r", "reload", "home.reload")]
    AUTO_FOCUS = "#grid-list"
    _cached_unpainted = False
    _shown = False

    def compose(self) -> ComposeResult:
        self._stored = self.stored_figures()
        self.collector = CollectorPause()
        self.collector.hold()  # see on_mount
        yield GridHeader()
        campaign = campaign_line(self._stored.campaign) if self._stored else t("tui.home.loading")
        yield Static(campaign, id="home-campaign", markup=False)
        grid = grid_columns()
        grids = PagedList(
            render=lambda row: render_grid(row, grid.fitted(visible_width(grids)).widths),
            empty=t("tui.home.no_grids"),
            id="grid-list",
        )
        yield ColumnHeader(grid, grids, title=t("tui.home.my_grids"), id="home-grids-title")  # one widget, two lines
        yield DueList(id="home-due")  # the right column, both rows; the grid layout fills cells in order
        yield grids
        yield KeyFooter()

    def on_mount(self) -> None:
        """The collector waits until home is painted (README: the cold start)."""
        self.call_after_refresh(self.collector.release)
        self.watch(self.app, "campaign_id", self.action_reload, init=False)
        if self._stored is None and self.app.early_home.done.is_set():  # read since compose
            self._stored = self.stored_figures()
            if self._stored is not None:
                campaign = campaign_line(self._stored.campaign)
                self.query_one("#home-campaign", Static).update(campaign, layout=False)
        if self._stored is not None:
            self.show_lists(self._stored)
        elif not self.app.early_home.done.is_set():  # its figures come as soon as they are read
            self._quick_pending = True
            self.wait_for_early_read()

    @work(thread=True, exclusive=True, group="home-early", exit_on_error=False)
    def wait_for_early_read(self) -> None:
        self.app.early_home.done.wait(10)
        self.post_message(HomeEarlyRead())

    def on_home_early_read(self, _message: HomeEarlyRead) -> None:
        self._quick_pending = False
        data = None if self._shown else self.stored_figures()
        if data is not None:
            self.query_one("#home-campaign", Static).update(campaign_line(data.campaign), layout=False)
            self.show_lists(data)
            self._cached_unpainted = False
        if self.app.locked:  # the passphrase screen's going brings home back to read
            return
        if data is not None:
            self.call_after_refresh(self.load)  # the full read waits until these are painted
        else:
            self.load()

    def on_unmount(self) -> None:
        self.collector.release()

    def stored_figures(self) -> HomeData | None:
        """The figures stored by the last start, if the database has not changed since: drawn
        at once, the worker's fresh figures follow (see :mod:`gridtui.tui.home_cache`). The
        app's early read has them, or the quick ones when there are none (then drawn at once
        too if they are there already, else as soon as they are)."""
        early = self.app.early_home
        if not early.done.is_set():
            return None
        cached = early.stored
        if cached is None:
            return self._quick_figures(early.quick)
        try:
            stored = HomeData(
                cached["campaign"],
                [GridCoverage(**g) for g in cached["grids"]],
                [home_cache.CachedNeed(**r) for r in cached["overdue"]],
                [home_cache.CachedRevisit(**r) for r in cached["revisits"]],
            )
            campaign_id = cached["campaign_id"] or ""
        except (KeyError, TypeError):  # figures of another shape: the worker's read will do
            return None
        if not self.app.campaign_id:
            self.app.set_reactive(type(self.app).campaign_id, campaign_id)
        self._cached_unpainted = True
        return stored

    def _quick_figures(self, found: dict[str, Any] | None) -> HomeData | None:
        if found is None:
            return None
        if not self.app.campaign_id:
            self.app.set_reactive(type(self.app).campaign_id, found["campaign_id"])
        self._cached_unpainted = True
        return HomeData(
            found["campaign"],
            [
                GridCoverage(gid, code, name, *(found["coverage"].get(code, {}).get(k, 0) for k in COUNTS))
                for gid, code, name, _worker in found["grids"]
            ],
            None,
            None,
        )

    _quick_pending = False

    def on_screen_resume(self) -> None:
        """Shown for the first time, or back from a walk (coverage has moved on): read it.

        With the stored figures on screen, the first read waits until they are painted:
        starting the worker's thread hands it the GIL for up to a switch interval (5 ms) while
        it imports the domain, and the first frame would wait for that."""
        if self.app.locked:  # encrypted: read once the passphrase has opened it
            return
        if self._quick_pending:
            return  # the quick figures start the full read once they are painted
        if self._cached_unpainted:
            self._cached_unpainted = False
            self.call_after_refresh(self.load)
        else:
            self.load()

    def action_reload(self, *_: object) -> None:
        self.load()

    @db_work(load=True)
    def load(self) -> bool:
        meta = home_cache.meta_now()
        data = load_home(self.app)
        self.post_message(HomeLoaded(data))
        if not self.app.read_only:
            home_cache.write(meta, self.app, data)
        return True

    def on_home_loaded(self, message: HomeLoaded) -> None:
        self.query_one("#home-campaign", Static).update(campaign_line(message.data.campaign), layout=False)
        self.show_lists(message.data)
        if not self.has_class("-banner"):
            self.show_banner()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A first read that failed (its notice says why) must not leave "Loading…" up for good."""
        worker = event.worker
        if worker.name == "load" and event.state is WorkerState.SUCCESS and worker.result is None and not self._shown:
            self.query_one("#home-campaign", Static).update(t("tui.home.unreadable"), layout=False)

    def show_banner(self) -> None:
        """A line above the campaign when the database needs a word: it cannot be written (so
        nothing will be saved), or it is not encrypted (real people, or the demo's made-up ones)."""
        if self.app.read_only:
            sentence, kind = t("tui.home.read_only", path=self.app.db_path), "-warning"
        elif self.app.at_rest == "plain":
            sentence, kind = t("tui.home.plain"), "-warning"
        elif self.app.at_rest == "demo":
            sentence, kind = t("tui.home.demo"), "-info"
        else:
            return
        self.add_class("-banner")
        self.mount(Static(sentence, id="home-banner", classes=kind, markup=False), before="#home-campaign")

    def show_lists(self, data: HomeData) -> None:
        self._shown = True
        self.query_one("#grid-list", PagedList).set_rows(data.grids)
        self.query_one("#home-due", DueList).show(data.overdue, data.revisits)

    def action_open_grid(self) -> None:
        row = self.query_one("#grid-list", PagedList).current
        if row is not None and row.grid_id:
            from gridtui.tui.screens.walk import open_grid

            open_grid(self.app, row.grid_id, f"{row.code} {row.name}")

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        """Enter on a grid opens its buildings."""
        message.stop()
        self.action_open_grid()

    def on_due_list_selected(self, message: DueList.Selected) -> None:
        """Enter on an overdue need or a revisit opens the household (or the shop)."""
        message.stop()
        if getattr(message.row, "business_id", None):
            from gridtui.tui.screens.business import BusinessScreen

            self.app.push_screen(BusinessScreen(message.row.business_id))
        elif message.row.household_id:
            self.app.open_household(message.row.household_id)
