"""The needs board and one need's screen: filter, open, dispatch, record, follow up, close.

The board is a :class:`PagedList` over ``needs.list_needs`` / ``needs.count_needs``: each
filter key cycles one filter and the list re-counts and re-reads one page, whatever the
number of needs. The need screen shows the need with its history and, on ``d``, the ranked
volunteers with the reasons for each rank; ``a`` assigns the one under the cursor. Every move
goes through gridtui.domain (needs, dispatch), so the lifecycle's rules and events are the
same as from the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.messages import NeedLoaded, NeedsBoardReady, NeedSuggested
from gridtui.tui.screens.base import GridModal, GridScreen
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.columns import Cell, ColumnHeader, Columns, visible_width
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import db_work

if TYPE_CHECKING:
    from gridtui.domain.needs import NeedAssignment, NeedDetail

STATUSES = ("open", "assigned", "in_progress", "done", "followed_up", "closed")
URGENCIES = ("urgent", "high", "normal", "low")
SOURCES = ("visit", "phone", "walk_in", "hotline", "platform", "meeting")
SORTS = ("due", "opened", "urgency", "status")
URGENCY_STYLE = {"urgent": "white on red", "high": "black on #d7af5f", "normal": "", "low": "dim"}
STATUS_STYLE = {
    "open": "black on yellow",
    "assigned": "black on #87afd7",
    "in_progress": "black on cyan",
    "done": "black on green",
    "followed_up": "black on #afd7af",
    "closed": "dim",
}
BOARD_WIDTHS = (8, 26, 22, 12, 11, 12)
CANDIDATE_WIDTHS = (3, 9, 14, 5)
PART_WIDTH = 5
PARTS = ("skill", "place", "pairing", "load", "available", "satisfaction")


def app_now(app) -> datetime | None:
    """Noon of the app's fixed day (tests, demos) as home does; None means the real clock."""
    return datetime.combine(app.today, time(12)) if app.today else None


def _due(value) -> str:
    return value.strftime("%m-%d %H:%M") if value else "-"


def need_cells(row) -> list[Cell]:
    """A need's columns on the board; the overdue mark, on overdue needs only, last."""
    cells: list[Cell] = [
        (t(f"needs.urgency.{row.urgency}"), BOARD_WIDTHS[0], URGENCY_STYLE.get(row.urgency, "")),
        (row.item, BOARD_WIDTHS[1], "bold"),
        (row.address or "-", BOARD_WIDTHS[2]),
        (t(f"needs.status.{row.status}"), BOARD_WIDTHS[3], STATUS_STYLE.get(row.status, "")),
        (_due(row.due_at), BOARD_WIDTHS[4], "bold red" if row.overdue else ""),
        (t(f"needs.source.{row.source}"), BOARD_WIDTHS[5], "dim"),
    ]
    if row.overdue:
        cells.append(Text(t("needs.overdue_mark"), "bold red"))
    return cells


def render_need(row) -> Text:
    return columns.row(need_cells(row))


def board_header() -> Text:
    return columns.row(board_columns().heads)


def board_columns() -> Columns:
    keys = ("urgency", "item", "address", "status", "due", "source")
    return Columns([(t(f"needs.col.{k}"), w) for k, w in zip(keys, BOARD_WIDTHS, strict=True)], tail="")


def _number(value: float) -> int | float:
    """40.0 shows as 40, 7.5 stays (numbers are right-aligned in their column)."""
    return int(value) if value == int(value) else value


def render_candidate(c) -> Text:
    return columns.row(
        [
            (c.rank, CANDIDATE_WIDTHS[0]),
            (c.name, CANDIDATE_WIDTHS[1], "bold"),
            (c.team or "-", CANDIDATE_WIDTHS[2], "dim"),
            (_number(c.score), CANDIDATE_WIDTHS[3], "bold"),
            *((_number(c.parts[p]), PART_WIDTH, "" if c.parts[p] else "dim") for p in PARTS),
        ]
    )


def candidate_header() -> Text:
    heads = [
        ("#", CANDIDATE_WIDTHS[0]),
        (t("dispatch.col.name"), CANDIDATE_WIDTHS[1]),
        (t("dispatch.col.team"), CANDIDATE_WIDTHS[2]),
        (columns.fit(t("dispatch.col.score"), CANDIDATE_WIDTHS[3], "right"), CANDIDATE_WIDTHS[3]),
    ]
    return columns.row(
        [*heads, *((columns.fit(t(f"needs.part_short.{p}"), PART_WIDTH, "right"), PART_WIDTH) for p in PARTS)]
    )


@dataclass
class Filters:
    """What the board shows: every field None means all needs, soonest due first."""

    status: str | None = None
    category: str | None = None
    grid_id: str | None = None
    urgency: str | None = None
    overdue: bool | None = None
    source: str | None = None
    sort: str = "due"

    def query(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "category": self.category,
            "grid_id": self.grid_id,
            "urgency": self.urgency,
            "overdue": self.overdue,
            "source": self.source,
        }


def _cycle(current, options: list) -> Any:
    """The next option after ``current``; None (all) comes after the last."""
    choices = [None, *options]
    return choices[(choices.index(current) + 1) % len(choices)] if current in choices else None


class NeedsBoard(GridScreen):
    """Every need of the community (or my grids), filtered and sorted, paged from SQLite."""

    BINDINGS = [
        bind("s", "cycle('status')", "needs.status"),
        bind("u", "cycle('urgency')", "needs.urgency"),
        bind("t", "cycle('category')", "needs.category"),
        bind("w", "cycle('grid')", "needs.grid"),
        bind("f", "cycle('source')", "needs.source"),
        bind("o", "toggle_overdue", "needs.overdue"),
        bind("r", "cycle('sort')", "needs.sort"),
        bind("x", "clear", "needs.clear"),
        bind("n", "new_need", "needs.new"),
        bind("space", "mark", "needs.mark"),
        bind("C", "collective", "needs.collective"),
        bind("escape", "app.pop_screen", "needs.back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = Filters()
        self.grids: list = []
        self.mine_only = False
        """A worker's board: only their grids' needs (as home shows)."""
        self.marked: dict[str, str] = {}
        """Needs marked with space (id -> item), to open a collective issue from."""
        self.categories: list[dict] = []
        self.columns = board_columns()
        self.board = PagedList(render=self.render_row, empty=t("needs.board.empty"), id="needs-list")

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("needs.board.loading"), id="needs-filters", classes="screen-title")
        yield ColumnHeader(self.columns, self.board, classes="list-header")
        yield self.board
        yield KeyFooter()

    def render_row(self, row) -> Text:
        """A need, marked (for a collective issue) or not."""
        width = visible_width(self.board)
        if not self.marked:
            return self.columns.row(need_cells(row), width)
        mark = ("● " if row.id in self.marked else "  ", "bold magenta")
        return Text.assemble(mark, self.columns.row(need_cells(row), width - 2))

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.grids:
            self.reload()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import places, visits

        held = places.my_grids(self.app.settings.my_grids)  # the setting, else this laptop's grids
        self.post_message(NeedsBoardReady(visits.grids(mine=held or None), bool(held)))

    def on_needs_board_ready(self, message: NeedsBoardReady) -> None:
        from gridtui.core.catalogs import need_categories

        self.grids, self.mine_only = message.grids, message.mine_only
        self.categories = need_categories()
        self.reload(keep_cursor=False)

    def reload(self, keep_cursor: bool = True) -> None:
        from gridtui.domain import needs

        board = self.query_one(PagedList)
        query, sort = self.filters.query(), self.filters.sort
        query["now"] = app_now(self.app)
        if self.mine_only:  # a worker's board holds their own grids, as home does
            query["grid_ids"] = [g.id for g in self.grids]
        with self.app.guarded():
            if keep_cursor:
                board.reload()
            else:
                board.set_source(
                    lambda offset, limit: needs.list_needs(**query, sort=sort, offset=offset, limit=limit),
                    lambda: needs.count_needs(**query),
                )
        self.query_one("#needs-filters", Static).update(self.describe(board.count))

    def describe(self, count: int) -> Text:
        """The filters in words, then the count: what the list below is."""
        from gridtui.i18n import pick

        f = self.filters
        parts = [
            (t("needs.col.status"), t(f"needs.status.{f.status}") if f.status else None),
            (t("needs.col.urgency"), t(f"needs.urgency.{f.urgency}") if f.urgency else None),
            (
                t("needs.board.category"),
                next((pick(c["zh"], c["en"]) for c in self.categories if c["key"] == f.category), None),
            ),
            (t("needs.col.grid"), next((g.name for g in self.grids if g.id == f.grid_id), None)),
            (t("needs.col.source"), t(f"needs.source.{f.source}") if f.source else None),
        ]
        out = Text()
        for label, value in parts:
            out.append(f"{label}:", "dim")
            out.append(f"{value or t('needs.board.all')}  ", "bold" if value else "")
        if f.overdue:
            out.append(t("needs.board.overdue_only") + "  ", "bold red")
        out.append(t("needs.board.sorted", sort=t(f"needs.sort.{f.sort}")) + "  ", "italic")
        out.append(t("needs.board.count", count=count))
        if self.marked:
            out.append("  " + t("needs.board.marked", count=len(self.marked)), "bold magenta")
        return out

    def action_cycle(self, name: str) -> None:
        f = self.filters
        if name == "status":
            f.status = _cycle(f.status, list(STATUSES))
        elif name == "urgency":
            f.urgency = _cycle(f.urgency, list(URGENCIES))
        elif name == "source":
            f.source = _cycle(f.source, list(SOURCES))
        elif name == "category":
            f.category = _cycle(f.category, [c["key"] for c in self.categories])
        elif name == "grid":
            f.grid_id = _cycle(f.grid_id, [g.id for g in self.grids])
        elif name == "sort":
            f.sort = SORTS[(SORTS.index(f.sort) + 1) % len(SORTS)]
        self.reload(keep_cursor=False)

    def action_toggle_overdue(self) -> None:
        self.filters.overdue = None if self.filters.overdue else True
        self.reload(keep_cursor=False)

    def action_clear(self) -> None:
        self.filters = Filters()
        self.reload(keep_cursor=False)

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        self.app.push_screen(NeedScreen(message.row.id))

    def action_new_need(self) -> None:
        """A need that came in by phone, at the office, by the 12345 hotline or online."""
        from gridtui.tui.screens.dialogs import NeedDialog

        self.app.push_screen(NeedDialog(None, None), lambda saved: self.reload() if saved else None)

    def action_mark(self) -> None:
        """Mark (or unmark) the need under the cursor: several marked needs that share a cause
        become one collective issue (C)."""
        board = self.query_one(PagedList)
        row = board.current
        if row is None:
            return
        if self.marked.pop(row.id, None) is None:
            self.marked[row.id] = row.item
        board.action_move(1)
        board.refresh()
        self.query_one("#needs-filters", Static).update(self.describe(board.count))

    def action_collective(self) -> None:
        """A collective issue (a shared problem for a deliberation meeting) from the marked needs."""
        from gridtui.tui.screens.forms import FormDialog, required

        if not self.marked:
            self.notify(t("needs.board.mark_first"), severity="warning")
            return
        marked = list(self.marked)

        def save(values: dict[str, str]) -> str:
            from gridtui.domain import collective

            required(values, "title")
            collective.open_from_needs(values["title"], marked)
            return t("needs.board.collective_saved", title=values["title"], count=len(marked))

        def done(saved: bool | None) -> None:
            if saved:
                self.marked.clear()
                self.reload()

        first = next(iter(self.marked.values()))
        fields = [("title", t("field.title"), first)]
        self.app.push_screen(FormDialog(t("needs.board.collective_title", count=len(marked)), fields, save), done)


@dataclass
class Ranked:
    """A dispatch candidate with its rank, for the candidates list."""

    rank: int
    volunteer_id: str
    name: str
    team: str
    score: float
    parts: dict[str, float]
    reasons: list[str] = field(default_factory=list)


class NeedScreen(GridScreen):
    """One need: what, where, its history; dispatch, outcome, follow-up and close by key."""

    BINDINGS = [
        bind("d", "suggest", "needs.suggest"),
        bind("a", "assign", "needs.assign"),
        bind("p", "start", "needs.start"),
        bind("o", "outcome", "needs.outcome"),
        bind("1", "follow_up('satisfied')", "needs.satisfied"),
        bind("2", "follow_up('basically')", "needs.basically"),
        bind("3", "follow_up('unsatisfied')", "needs.unsatisfied"),
        bind("z", "close_need", "needs.close"),
        bind("m", "task_card", "needs.task_card"),
        bind("x", "cancel_assignment", "needs.cancel"),
        bind("escape", "app.pop_screen", "needs.back"),
    ]

    def __init__(self, need_id: str) -> None:
        super().__init__()
        self.need_id = need_id
        self.detail: NeedDetail | None = None

    def compose(self) -> ComposeResult:
        yield GridHeader()
        with Horizontal(id="need-body"):
            with VerticalScroll(id="need-info"):
                yield Static(t("needs.board.loading"), id="need-detail")
            with Vertical(id="need-side"):
                yield Static(t("needs.screen.candidates"), classes="section-title")
                yield Static(candidate_header(), classes="list-header")
                yield PagedList(render=render_candidate, empty=t("needs.screen.press_d"), id="need-candidates")
                yield Static("", id="need-reasons")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    @db_work(group="need", load=True)
    def load(self) -> None:
        from gridtui.domain import needs

        self.post_message(NeedLoaded(needs.need_detail(self.need_id, now=app_now(self.app))))

    def on_need_loaded(self, message: NeedLoaded) -> None:
        self.detail = message.detail
        self.query_one("#need-detail", Static).update(render_detail(message.detail))

    @db_work(group="suggest", load=True)
    def action_suggest(self) -> None:
        from gridtui.domain import dispatch

        ranked = [
            Ranked(i + 1, c.volunteer_id, c.name, c.team, c.score, c.parts, c.reasons)
            for i, c in enumerate(dispatch.suggest(self.need_id, limit=10))
        ]
        self.post_message(NeedSuggested(ranked))

    def on_need_suggested(self, message: NeedSuggested) -> None:
        candidates = self.query_one("#need-candidates", PagedList)
        candidates.set_rows(message.candidates)
        candidates.focus()
        self._show_reasons(candidates.current)

    def on_paged_list_highlighted(self, message: PagedList.Highlighted) -> None:
        message.stop()
        self._show_reasons(message.row)

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        self.action_assign()

    def _show_reasons(self, candidate: Ranked | None) -> None:
        text = Text()
        if candidate is not None:
            text.append(f"{candidate.name}\n", "bold")
            for reason in candidate.reasons:
                text.append(f"· {reason}\n")
        self.query_one("#need-reasons", Static).update(text)

    # -- moves ---------------------------------------------------------------------------------
    def _done(self, message: str) -> None:
        self.notify(message)
        self.query_one("#need-candidates", PagedList).set_rows([])
        self._show_reasons(None)
        self.load()

    def _active_assignment(self) -> NeedAssignment | None:
        return next(
            (a for a in reversed(self.detail.assignments if self.detail else ()) if a.status == "assigned"), None
        )

    def action_assign(self) -> None:
        from gridtui.domain import dispatch

        candidate = self.query_one("#need-candidates", PagedList).current
        if candidate is None:
            self.notify(t("needs.screen.press_d"), severity="warning")
            return
        with self.app.guarded():
            dispatch.assign(self.need_id, candidate.volunteer_id, actor=self.app.settings.worker_name)
            self._done(t("needs.screen.assigned", name=candidate.name))

    def action_start(self) -> None:
        from gridtui.domain import needs

        with self.app.guarded():
            needs.start(self.need_id, actor=self.app.settings.worker_name)
            self._done(t("needs.screen.moved", status=t("needs.status.in_progress")))

    def action_outcome(self) -> None:
        assignment = self._active_assignment()
        if assignment is None:
            self.notify(t("needs.screen.no_assignment"), severity="warning")
            return
        self.app.push_screen(OutcomeDialog(assignment.id, assignment.volunteer), self._after_outcome)

    def _after_outcome(self, saved: bool | None) -> None:
        if saved:
            self._done(t("needs.screen.moved", status=t("needs.status.done")))

    def action_follow_up(self, satisfaction: str) -> None:
        from gridtui.domain import needs

        with self.app.guarded():
            after = needs.follow_up(
                self.need_id, satisfaction, actor=self.app.settings.worker_name, due_hours=self.app.settings.due_hours
            )
            key = "needs.screen.reopened" if after == "open" else "needs.screen.followed_up"
            self._done(t(key, satisfaction=t(f"needs.satisfaction.{satisfaction}")))

    def action_close_need(self) -> None:
        from gridtui.domain import needs

        with self.app.guarded():
            needs.close(self.need_id, actor=self.app.settings.worker_name)
            self._done(t("needs.screen.moved", status=t("needs.status.closed")))

    def action_cancel_assignment(self) -> None:
        from gridtui.domain import dispatch

        assignment = self._active_assignment()
        if assignment is None:
            self.notify(t("needs.screen.no_assignment"), severity="warning")
            return
        with self.app.guarded():
            dispatch.cancel(assignment.id, actor=self.app.settings.worker_name)
            self._done(t("needs.screen.cancelled", name=assignment.volunteer))

    def action_task_card(self) -> None:
        from gridtui.domain import dispatch

        assignment = self._active_assignment()
        if assignment is None:
            self.notify(t("needs.screen.no_assignment"), severity="warning")
            return
        with self.app.guarded():
            self.app.push_screen(TaskCardDialog(dispatch.task_card(assignment.id)))


def render_detail(d: NeedDetail) -> Text:
    """The need, its history and its assignments as text for the left pane."""
    out = Text()
    out.append(f"{d.item}\n", "bold")
    out.append_text(
        columns.badges(
            [
                (t(f"needs.urgency.{d.urgency}"), URGENCY_STYLE.get(d.urgency) or "reverse"),
                (t(f"needs.status.{d.status}"), STATUS_STYLE.get(d.status, "")),
            ]
        )
    )
    if d.overdue:
        out.append(t("needs.overdue_mark"), "bold red")
    out.append("\n\n")
    fields = [
        ("address", d.address or "-"),
        ("resident", f"{d.resident or '-'} {d.phone}".strip()),
        ("grid", d.grid or "-"),
        ("source", t(f"needs.source.{d.source}")),
        ("opened", f"{d.opened_at:%Y-%m-%d %H:%M}"),
        ("due", _due(d.due_at)),
    ]
    if d.satisfaction:
        fields.append(("satisfaction", t(f"needs.satisfaction.{d.satisfaction}")))
    if d.collective:
        fields.append(("collective", d.collective))
    if d.note:
        fields.append(("note", d.note))
    for key, value in fields:
        out.append_text(columns.row([(t(f"needs.col.{key}"), 10, "dim"), Text(str(value))]))
        out.append("\n")
    out.append("\n" + t("needs.cli.history") + "\n", "bold")
    for e in d.events:
        before = t(f"needs.status.{e.from_status}") if e.from_status else ""
        out.append(f"{e.at:%m-%d %H:%M}  ", "dim")
        out.append(f"{before} → {t('needs.status.' + e.to_status)}", "bold")
        out.append(f"  {e.actor}  {e.note}".rstrip() + "\n", "dim")
    if d.assignments:
        out.append("\n" + t("needs.cli.assignments") + "\n", "bold")
        for a in d.assignments:
            hours = "  " + t("needs.cli.hours", hours=f"{a.hours:g}") if a.hours else ""
            out.append(f"{a.volunteer}  {t('dispatch.assignment.' + a.status)}{hours}\n")
    out.append(
        "\n"
        + t(
            "needs.screen.next",
            moves=" / ".join(t(f"needs.status.{s}") for s in d.next) if d.next else t("needs.screen.no_moves"),
        ),
        "italic dim",
    )
    return out


class OutcomeDialog(GridModal):
    """What the volunteer did: hours, materials, a note. Saving makes the need done."""

    BINDINGS = [
        bind("escape", "dismiss", "dialog.close"),
        bind("ctrl+s", "save", "needs.outcome_save"),
    ]

    def __init__(self, assignment_id: str, volunteer: str) -> None:
        super().__init__()
        self.assignment_id, self.volunteer = assignment_id, volunteer

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("needs.outcome.title", volunteer=self.volunteer), classes="dialog-title")
            for name in ("hours", "materials", "note"):
                with Horizontal(classes="form-row"):
                    yield Static(t(f"needs.outcome.{name}"), classes="form-label")
                    yield Input(id=f"outcome-{name}", classes="form-input")
            yield Static("", id="outcome-error", classes="item-error")
            yield Static(t("needs.outcome.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#outcome-hours", Input).focus()
        self.query_one("#outcome-error", Static).display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "outcome-note":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        from gridtui.domain import dispatch
        from gridtui.errors import GridError

        value = {n: self.query_one(f"#outcome-{n}", Input).value for n in ("hours", "materials", "note")}
        try:
            dispatch.record_outcome(
                self.assignment_id,
                value["hours"] or 0,
                value["materials"],
                value["note"],
                actor=self.app.settings.worker_name,
            )
        except GridError as exc:
            error = self.query_one("#outcome-error", Static)
            error.update(exc.message())
            error.display = True
            return
        self.dismiss(True)


class TaskCardDialog(GridModal):
    """The volunteer's task as plain text, ready to copy into a phone message."""

    BINDINGS = [bind("escape,m", "dismiss", "dialog.close")]

    def __init__(self, card: str) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("needs.card.title"), classes="dialog-title")
            yield Static(Text(self.card), id="task-card")
            yield Static(t("needs.card.hint"), classes="dialog-hint")
