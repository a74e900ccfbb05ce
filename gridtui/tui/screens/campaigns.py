"""The office's campaigns: every campaign with its form version and progress; the one under the
cursor in full (scope, versions, coverage per grid). ``a`` opens it to the walk lists, ``x``
closes it, Enter makes it this laptop's campaign. Forms are written in Excel and published with
``gridtui campaign new``/``update``; this screen shows them and opens or closes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.messages import CampaignsLoaded
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import db_work

if TYPE_CHECKING:
    from gridtui.domain.coverage import GridFigures

WIDTHS = (24, 10, 26, 10, 9)
COVERAGE = ("total", "done", "nobody_home", "refused", "revisit_due", "not_visited")


class CampaignRow(NamedTuple):
    """A campaign in the list, with what the detail pane shows of it."""

    id: str
    label: str
    target: str
    form: str
    active: bool
    done: int
    total: int
    scope: dict[str, list[str]]
    versions: list[Any]
    coverage: list[GridFigures]


def render_campaign(row: CampaignRow) -> Text:
    state = t("campaigns.state.active" if row.active else "campaigns.state.closed")
    return columns.row(
        [
            (row.label, WIDTHS[0], "bold"),
            (t(f"campaigns.target.{row.target}"), WIDTHS[1]),
            (row.form, WIDTHS[2], "dim"),
            (state, WIDTHS[3], "green" if row.active else "dim"),
            (f"{row.done}/{row.total}", WIDTHS[4]),
        ]
    )


def list_header() -> Text:
    keys = ("name", "target", "form", "state", "done")
    return columns.row([(t(f"campaigns.col.{k}"), w) for k, w in zip(keys, WIDTHS, strict=True)])


def render_detail(row: CampaignRow | None) -> Text:
    """Scope, form versions and coverage per grid of one campaign, as text."""
    if row is None:
        return Text(t("campaigns.screen.empty"), "dim")
    out = Text()
    out.append(f"{row.label}\n", "bold")
    out.append(t("campaigns.cli.scope") + "\n", "bold")
    for part, words in row.scope.items() or [("all", [t("campaigns.scope.everyone")])]:
        out.append(f"  {t(f'campaigns.scope.{part}')}: {'、'.join(words)}\n")
    out.append(t("campaigns.cli.versions") + "\n", "bold")
    for v in row.versions:
        mark = "● " if v.current else "  "
        out.append(f"  {mark}{v.version}  {t('campaigns.screen.version_line', questions=v.items, visits=v.visits)}\n")
    out.append(t("campaigns.cli.coverage") + "\n", "bold")
    out.append_text(columns.row([(t("stats.col.grid"), 5), *((t(f"stats.col.{k}"), 7) for k in COVERAGE)]))
    out.append("\n")
    for r in row.coverage:
        out.append_text(columns.row([(r.grid or "-", 5), *((getattr(r, k), 7) for k in COVERAGE)]))
        out.append("\n")
    return out


class CampaignsScreen(GridScreen):
    """Every campaign, the one under the cursor in full; open, close, choose."""

    BINDINGS = [
        bind("a", "activate", "campaigns.activate"),
        bind("x", "close_campaign", "campaigns.close"),
        bind("escape", "app.pop_screen", "campaigns.back", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("campaigns.screen.title"), classes="screen-title", markup=False)
        yield Static(list_header(), classes="list-header")
        yield PagedList(render=render_campaign, empty=t("campaigns.cli.none"), id="campaigns-list")
        yield Static("", id="campaign-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import campaigns

        rows = []
        for info in campaigns.campaigns():
            coverage = campaigns.coverage(info.id, today=self.app.today)
            rows.append(
                CampaignRow(
                    info.id,
                    info.label,
                    info.target,
                    f"{info.form_key} {info.version}",
                    info.active,
                    sum(r.done for r in coverage),
                    sum(r.total for r in coverage),
                    campaigns.describe_scope(info),
                    campaigns.versions(info.id),
                    coverage,
                )
            )
        self.post_message(CampaignsLoaded(rows))

    def on_campaigns_loaded(self, message: CampaignsLoaded) -> None:
        listed = self.query_one(PagedList)
        before = listed.current
        listed.set_rows(message.rows)
        ids = [row.id for row in message.rows]
        if before is not None and before.id in ids:  # the same campaign stays under the cursor
            listed.cursor = ids.index(before.id)
        self.query_one("#campaign-detail", Static).update(render_detail(listed.current))

    def on_paged_list_highlighted(self, message: PagedList.Highlighted) -> None:
        self.query_one("#campaign-detail", Static).update(render_detail(message.row))

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        """Enter: this laptop walks the campaign (as ``c`` chooses it)."""
        from gridtui.domain import campaigns

        message.stop()
        row = message.row
        with self.app.guarded() as guard:
            campaigns.set_active_campaign(row.id)
        if not guard.failed:
            self.app.campaign_id = row.id
            self.notify(t("tui.campaigns.switched", name=row.label))

    def _change(self, change, said: tuple[str, str]) -> None:
        """Write the change (queued, not frozen, if another program holds the database), then
        say what happened and read the list again."""
        row = self.query_one(PagedList).current
        if row is None:
            return
        with self.app.guarded():
            self.app.writes.save(lambda: change(row.id), shown=lambda changed: self._changed(row, said, changed))

    def _changed(self, row: CampaignRow, said: tuple[str, str], changed: bool) -> None:
        self.notify(t(said[0] if changed else said[1], name=row.label))
        self.load()

    def action_activate(self) -> None:
        from gridtui.domain import campaigns

        self._change(campaigns.activate, ("campaigns.cli.activated", "campaigns.cli.already_active"))

    def action_close_campaign(self) -> None:
        from gridtui.domain import campaigns

        self._change(
            lambda cid: campaigns.close(cid, today=self.app.today),
            ("campaigns.cli.closed", "campaigns.cli.already_closed"),
        )
