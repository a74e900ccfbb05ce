"""Search from anywhere: households and residents by name, pinyin, initials, address, phone tail;
shops by name, owner, street address or phone tail.

The search runs in a thread worker, so typing never waits for the database. The debounce needs
no timer: one search runs at a time, and keys typed while it runs are coalesced into the latest
query, searched as soon as it finishes; a result for text no longer in the box is dropped. All
of them run on one thread whose connection stays open while the screen is (:class:`DbLane`),
readied as the screen opens, so a keystroke finds the residents' pages already in memory.
Enter opens the highlighted household (or shop).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static
from textual.worker import Worker

from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.messages import SearchResults
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import DbLane, db_work

KIND_STYLE = {"household": "black on #87afd7", "resident": "black on #afd787", "business": "black on #d7af87"}


def render_hit(hit) -> Text:
    return columns.row(
        [
            (t(f"tui.search.kind.{hit.kind}", default=hit.kind), 6, KIND_STYLE.get(hit.kind, "")),
            (hit.title, 26, "bold"),
            (hit.subtitle, 60),
        ]
    )


class SearchScreen(GridScreen):
    """A query box over a list of hits."""

    BINDINGS = [
        bind("escape", "app.pop_screen", "search.back"),
        bind("down", "move(1)", "search.down", show=False),
        bind("up", "move(-1)", "search.up", show=False),
        bind("ctrl+o", "visit", "search.visit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._pending: str | None = None
        self._searching = False
        self._lane = DbLane("gridtui-search")

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Input(placeholder=t("tui.search.placeholder"), id="search-input")
        yield Static(t("tui.search.hint"), id="search-status", classes="list-header", markup=False)
        yield PagedList(render=render_hit, empty=t("tui.search.empty"), id="search-results")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.prepare()

    def on_unmount(self) -> None:
        self._lane.close()

    @db_work(group="search-prepare", lane="_lane")
    def prepare(self) -> None:
        from gridtui.domain import search

        search.prepare()

    def on_input_changed(self, event: Input.Changed) -> None:
        query = event.value.strip()
        if not query:
            self._pending = None
            self.query_one(PagedList).set_rows([])
            self.query_one("#search-status", Static).update(t("tui.search.hint"))
            return
        self._pending = query
        if not self._searching:
            self._next_search()

    def _next_search(self) -> None:
        """At most one search runs; keys typed meanwhile are coalesced into the latest query."""
        query, self._pending = self._pending, None
        if query:
            self._searching = True
            self.run_search(query)

    @db_work(group="search", load=True, lane="_lane")
    def run_search(self, query: str) -> None:
        from gridtui.domain import search

        self.post_message(SearchResults(query, search.search(query, limit=50)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "search" and event.worker.is_finished:
            self._searching = False
            self._next_search()

    def on_search_results(self, message: SearchResults) -> None:
        if message.query != self.query_one(Input).value.strip():
            return  # typed on since: a newer search follows
        self.query_one(PagedList).set_rows(message.hits)
        self.query_one("#search-status", Static).update(t("tui.search.count", count=len(message.hits)))

    def action_move(self, step: int) -> None:
        self.query_one(PagedList).action_move(step)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(PagedList).action_select()

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        if message.row.business_id:
            from gridtui.tui.screens.business import BusinessScreen

            self.app.push_screen(BusinessScreen(message.row.business_id))
        elif message.row.household_id:
            self.app.open_household(message.row.household_id)

    def action_visit(self) -> None:
        """Visit the household, or check the shop (when the active campaign checks shops)."""
        hit = self.query_one(PagedList).current
        if hit is not None and hit.business_id:
            self.app.open_visit([hit.business_id], target="business")
        elif hit is not None and hit.household_id:
            self.app.open_visit([hit.household_id])
