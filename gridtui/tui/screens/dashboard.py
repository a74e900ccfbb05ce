"""The dashboard: pictures of where the community stands, for people who would rather look than read.

Coverage per grid as bars, needs by category as bars stacked by status, the median days from
open to closed, the satisfaction share, and each team's service hours over the last 12 weeks as
sparklines. The numbers come from :func:`gridtui.io.dashboard.dashboard` in one thread worker.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from gridtui.core.validate import NEED_STATUSES
from gridtui.domain.places import communities
from gridtui.i18n import t
from gridtui.io.dashboard import dashboard, hbar, sparkline
from gridtui.tui.keys import bind
from gridtui.tui.messages import DashboardLoaded
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets.columns import fit
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.workers import db_work

STATUS_STYLE = {
    "open": "red",
    "assigned": "dark_orange",
    "in_progress": "yellow",
    "done": "green",
    "followed_up": "cyan",
    "closed": "blue",
}
SATISFACTION_STYLE = {"satisfied": "green", "basically": "yellow", "unsatisfied": "red"}
BAR = 24


def coverage_picture(board) -> Text:
    out = Text(no_wrap=True, overflow="crop")
    if board.communities:  # a hub's every community: one bar each, and its needs still open
        for part in board.communities:
            out.append(fit(part["name"], 18) + " ")
            out.append(hbar(part["share"], BAR), "green on grey23")
            out.append(f" {part['share']:>4.0%} ", "bold")
            out.append(f"{part['done']}/{part['total']}  ", "dim")
            out.append(t("office.dashboard.open_needs", count=part["open"]) + "\n", "dim")
        return out
    if not board.coverage:
        return Text(t("office.dashboard.no_campaign"), "dim")
    for row in board.coverage:
        out.append(fit(row["grid"] or "-", 3) + " " + fit(row["name"] or t("office.dashboard.no_grid"), 10) + " ")
        out.append(hbar(row["share"], BAR), "green on grey23")
        out.append(f" {row['share']:>4.0%} ", "bold")
        out.append(f"{row['done']}/{row['total']}\n", "dim")
    return out


def needs_picture(board) -> Text:
    out = Text(no_wrap=True, overflow="crop")
    top = max((c["total"] for c in board.needs), default=0) or 1
    for cat in board.needs:
        out.append(fit(cat["name"], 22) + " ")
        drawn = 0
        for status in NEED_STATUSES:
            cells = round(cat[status] / top * BAR)
            out.append("█" * cells, STATUS_STYLE[status])
            drawn += cells
        out.append(" " * max(0, BAR - drawn) + f" {cat['total']}\n")
    for status in NEED_STATUSES:
        out.append("■ ", STATUS_STYLE[status])
        out.append(t(f"needs.status.{status}", default=status) + "  ", "dim")
    return out


def outcome_picture(board) -> Text:
    out = Text(no_wrap=True, overflow="crop")
    out.append(t("office.dashboard.median") + " ", "dim")
    if board.median_days is None:
        out.append(t("office.dashboard.none") + "\n", "dim")
    else:
        out.append(t("office.dashboard.days", days=f"{board.median_days:g}"), "bold")
        out.append("  " + t("office.dashboard.closed", count=board.closed) + "\n", "dim")
    out.append(t("office.dashboard.satisfaction") + " ", "dim")
    share = board.satisfied_share
    if share is None:
        out.append(t("office.dashboard.none") + "\n", "dim")
        return out
    out.append(f"{share:.0%}\n", "bold green")
    total = sum(board.satisfaction.values())
    for key, n in board.satisfaction.items():
        out.append(fit(t(f"needs.satisfaction.{key}", default=key), 12) + " ")
        out.append(hbar(n / total, BAR), SATISFACTION_STYLE.get(key, ""))
        out.append(f" {n}\n", "dim")
    return out


def hours_picture(board) -> Text:
    out = Text(no_wrap=True, overflow="crop")
    if board.weeks:
        out.append(
            t("office.dashboard.weeks", first=board.weeks[0].isoformat(), last=board.weeks[-1].isoformat()) + "\n",
            "dim",
        )
    for team in board.hours:
        out.append(fit(team["team"], 22) + " ")
        out.append(sparkline(team["hours"]), "cyan")
        out.append(f"  {sum(team['hours']):g} h\n", "bold")
    return out


class DashboardScreen(GridScreen):
    """Coverage, needs, outcomes and volunteer hours at a glance; ``r`` reloads; on a street
    office's hub ``c`` steps from every community (a bar each) to each one alone and back."""

    BINDINGS = [
        bind("r", "reload", "dashboard.reload"),
        bind("c", "next_community", "dashboard.community"),
        bind("escape", "app.pop_screen", "dashboard.back"),
    ]

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("office.dashboard.loading"), id="dash-title", classes="screen-title")
        with VerticalScroll(id="dash-body"):
            with Horizontal(classes="dash-row"):
                with Vertical(classes="dash-panel"):
                    yield Static(t("office.dashboard.coverage"), id="dash-coverage-title", classes="section-title")
                    yield Static("", id="dash-coverage")
                with Vertical(classes="dash-panel"):
                    yield Static(t("office.dashboard.needs"), classes="section-title")
                    yield Static("", id="dash-needs")
            with Horizontal(classes="dash-row"):
                with Vertical(classes="dash-panel"):
                    yield Static(t("office.dashboard.outcomes"), classes="section-title")
                    yield Static("", id="dash-outcomes")
                with Vertical(classes="dash-panel"):
                    yield Static(t("office.dashboard.hours"), classes="section-title")
                    yield Static("", id="dash-hours")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "campaign_id", self.action_reload, init=False)
        self.action_reload()

    community: str | None = None
    """The community shown alone (an id), None for every community."""

    def action_reload(self, *_: object) -> None:
        self.load(self.community)

    def action_next_community(self) -> None:
        self.load(self.community, step=True)

    @db_work
    def load(self, community: str | None, step: bool = False) -> None:
        if step:  # every community -> the first -> ... -> the last -> every community
            held = [c.id for c in communities()]
            order: list[str | None] = [None, *held] if len(held) > 1 else [None]
            community = order[(order.index(community) + 1) % len(order)] if community in order else None
        self.post_message(
            DashboardLoaded(dashboard(self.app.campaign_id or None, today=self.app.today, community=community))
        )

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        board = message.board
        self.community = board.community_id
        title = Text.assemble(
            (t("office.dashboard.title") + "  ", "bold"),
            (t("office.dashboard.campaign", campaign=board.campaign or "-"), "dim"),
        )
        if board.community or board.communities:
            title.append("  " + t("hub.filter.community", community=board.community or t("hub.every_community")), "dim")
        self.query_one("#dash-title", Static).update(title)
        self.query_one("#dash-coverage-title", Static).update(
            t("office.dashboard.coverage_by_community" if board.communities else "office.dashboard.coverage")
        )
        self.query_one("#dash-coverage", Static).update(coverage_picture(board))
        self.query_one("#dash-needs", Static).update(needs_picture(board))
        self.query_one("#dash-outcomes", Static).update(outcome_picture(board))
        self.query_one("#dash-hours", Static).update(hours_picture(board))
