"""Collective issues (a compound's parking, a building's heating) and the deliberation meeting.

The list shows each issue with its compound, meeting date, status, how many needs it groups and
the office's figure "from meeting to done in N days"; ``s`` cycles the status. One issue shows
its decision and its needs (the needs board's rows; Enter opens a need); ``a`` attaches another
need (by the id the board shows), ``x`` takes the need under the cursor out, ``t`` renames the
issue; ``m`` records the deliberation meeting (红色议事会: date, attendees, decision) and ``d``
marks the work done, which moves its waiting needs to done. All go through
gridtui.domain.collective, so a done date before the meeting or a completion without a meeting is
refused in one sentence on the form. An issue is opened from the needs board: mark the needs that
share a cause with space, then ``C``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.messages import CollectiveLoaded, IssueLoaded
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.screens.forms import FormDialog, required
from gridtui.tui.screens.needs import app_now, board_header, render_need
from gridtui.tui.screens.residents import cycle
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import db_work

if TYPE_CHECKING:
    from gridtui.domain.collective import IssueRow

STATUSES = ("open", "decided", "done")
STATUS_STYLE = {"open": "black on yellow", "decided": "black on #87afd7", "done": "black on green"}
WIDTHS = (22, 10, 10, 8, 4, 6)


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "-"


def render_issue(i: IssueRow) -> Text:
    days = i.days_meeting_to_done
    return columns.row(
        [
            (i.title, WIDTHS[0], "bold"),
            (i.compound or "-", WIDTHS[1]),
            (_day(i.meeting_date), WIDTHS[2]),
            (t(f"collective.status.{i.status}"), WIDTHS[3], STATUS_STYLE.get(i.status, "")),
            (i.needs, WIDTHS[4]),
            (
                columns.fit("" if days is None else t("registry.col.days_value", days=days), WIDTHS[5], "right"),
                WIDTHS[5],
            ),
        ]
    )


def issues_header() -> Text:
    keys = ("title", "compound", "meeting", "status", "needs", "days")
    return columns.row([(t(f"registry.col.{k}"), w) for k, w in zip(keys, WIDTHS, strict=True)])


class CollectiveScreen(GridScreen):
    """Every collective issue of the community, newest meeting first."""

    BINDINGS = [
        bind("s", "cycle_status", "collective.status"),
        bind("escape", "app.pop_screen", "collective.back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("registry.loading"), id="collective-filters", classes="screen-title", markup=False)
        yield Static(issues_header(), classes="list-header")
        yield PagedList(render=render_issue, empty=t("registry.col.empty"), id="collective-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.query_one(PagedList).count:  # back from an issue: its row changed
            self.load()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import collective

        self.post_message(CollectiveLoaded(collective.list_issues(self.status)))

    def on_collective_loaded(self, message: CollectiveLoaded) -> None:
        issues = self.query_one(PagedList)
        cursor = issues.cursor
        issues.set_rows(message.issues)
        issues.cursor = cursor
        out = Text()
        out.append(f"{t('registry.col.status')}:", "dim")
        out.append(
            f"{t(f'collective.status.{self.status}') if self.status else t('registry.all')}  ",
            "bold" if self.status else "",
        )
        out.append(t("registry.col.count", count=len(message.issues)))
        self.query_one("#collective-filters", Static).update(out)

    def action_cycle_status(self) -> None:
        self.status = cycle(self.status, list(STATUSES))
        self.query_one(PagedList).cursor = 0
        self.load()

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        self.app.push_screen(IssueScreen(message.row.id))


class IssueScreen(GridScreen):
    """One collective issue: place, meeting and decision, completion, and the needs it groups."""

    BINDINGS = [
        bind("m", "meeting", "collective.meeting"),
        bind("d", "complete", "collective.complete"),
        bind("a", "attach", "collective.attach"),
        bind("x", "detach", "collective.detach"),
        bind("t", "rename", "collective.rename"),
        bind("escape", "app.pop_screen", "collective.issue_back"),
    ]

    def __init__(self, issue_id: str) -> None:
        super().__init__()
        self.issue_id = issue_id
        self.issue: IssueRow | None = None

    def compose(self) -> ComposeResult:
        yield GridHeader()
        with VerticalScroll(id="issue-info"):
            yield Static(t("registry.loading"), id="issue-detail", markup=False)
        yield Static(t("registry.col.needs_title"), classes="section-title", markup=False)
        yield Static(board_header(), classes="list-header")
        yield PagedList(render=render_need, empty=t("registry.col.no_needs"), id="issue-needs")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.issue:
            self.load()

    @db_work(group="issue", load=True)
    def load(self) -> None:
        from gridtui.domain import collective

        found = next((i for i in collective.list_issues() if i.id == self.issue_id), None)
        if found is None:
            collective.get_issue(self.issue_id)  # says "there is no collective issue" in one sentence
            return
        self.post_message(IssueLoaded(found))

    def on_issue_loaded(self, message: IssueLoaded) -> None:
        from gridtui.domain import needs

        first = self.issue is None
        self.issue = message.issue
        self.query_one("#issue-detail", Static).update(render_issue_detail(message.issue))
        rows = self.query_one(PagedList)
        now = app_now(self.app)
        with self.app.guarded():
            if first:
                rows.set_source(
                    lambda offset, limit: needs.list_needs(
                        collective_id=self.issue_id, offset=offset, limit=limit, now=now
                    ),
                    lambda: needs.count_needs(collective_id=self.issue_id, now=now),
                )
            else:
                rows.reload()

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        from gridtui.tui.screens.needs import NeedScreen

        self.app.push_screen(NeedScreen(message.row.id))

    def _today(self) -> str:
        return f"{self.app.today or date.today()}"

    def action_meeting(self) -> None:
        if self.issue is None:
            return
        issue = self.issue

        def save(values: dict[str, str]) -> str:
            from gridtui.domain import collective

            required(values, "meeting_date", "decision")
            collective.record_meeting(self.issue_id, values["meeting_date"], values["attendees"], values["decision"])
            return t("registry.col.meeting_saved", title=issue.title)

        met = issue.meeting_date
        fields = [
            ("meeting_date", t("field.meeting_date"), f"{met}" if met else self._today()),
            ("attendees", t("field.attendees"), issue.attendees),
            ("decision", t("field.decision"), issue.decision),
        ]
        self.app.push_screen(
            FormDialog(t("registry.col.meeting_title", title=issue.title), fields, save),
            lambda saved: self.load() if saved else None,
        )

    def action_complete(self) -> None:
        if self.issue is None:
            return
        issue, actor = self.issue, self.app.settings.worker_name

        def save(values: dict[str, str]) -> str:
            from gridtui.domain import collective

            required(values, "done_at")
            moved = collective.complete(
                self.issue_id, values["done_at"], actor=actor, note=values["note"], hours=values["hours"]
            )
            return t("registry.col.done_saved", title=issue.title, count=moved)

        fields = [
            ("done_at", t("field.done_at"), self._today()),
            ("hours", t("registry.col.hours_each"), "0"),
            ("note", t("field.note"), ""),
        ]
        self.app.push_screen(
            FormDialog(t("registry.col.done_title", title=issue.title), fields, save),
            lambda saved: self.load() if saved else None,
        )

    def _after(self, saved: object) -> None:
        if saved:
            self.load()

    def action_attach(self) -> None:
        if self.issue is None:
            return
        issue = self.issue

        def save(values: dict[str, str]) -> str:
            from gridtui.domain import collective, needs

            required(values, "need")
            collective.attach_needs(issue.id, [needs.resolve_id(values["need"])])
            return t("lists.collective.attached", count=1, title=issue.title)

        self.app.push_screen(
            FormDialog(t("registry.col.attach_title", title=issue.title), [("need", t("field.need"), "")], save),
            self._after,
        )

    def action_detach(self) -> None:
        from gridtui.domain import collective

        need = self.query_one(PagedList).current
        if self.issue is None or need is None:
            self.notify(t("registry.col.no_needs"), severity="warning")
            return
        issue = self.issue

        def shown(_: object) -> None:
            self.notify(t("lists.collective.detached", count=1, title=issue.title))
            self.load()

        with self.app.guarded():
            self.app.writes.save(lambda: collective.detach_needs(issue.id, [need.id]), shown=shown)

    def action_rename(self) -> None:
        if self.issue is None:
            return
        issue = self.issue

        def save(values: dict[str, str]) -> str:
            from gridtui.domain import collective

            required(values, "title")
            collective.rename(issue.id, values["title"])
            return t("lists.edited", name=values["title"], fields=t("field.title"))

        self.app.push_screen(
            FormDialog(t("registry.col.rename_title"), [("title", t("field.title"), issue.title)], save), self._after
        )


def render_issue_detail(i: IssueRow) -> Text:
    """The issue's place, meeting, decision and completion as text."""
    out = Text()
    out.append(f"{i.title}  ", "bold")
    out.append_text(columns.badges([(t(f"collective.status.{i.status}"), STATUS_STYLE.get(i.status, ""))]))
    out.append("\n")
    fields = [
        ("compound", i.compound or "-"),
        ("meeting", _day(i.meeting_date)),
        ("attendees", i.attendees or "-"),
        ("decision", i.decision or "-"),
        ("done", _day(i.done_at)),
    ]
    for key, value in fields:
        out.append_text(columns.row([(t(f"registry.col.{key}"), 10, "dim"), Text(str(value))]))
        out.append("\n")
    if i.days_meeting_to_done is not None:
        out.append(t("collective.days", days=i.days_meeting_to_done) + "\n", "bold green")
    return out
