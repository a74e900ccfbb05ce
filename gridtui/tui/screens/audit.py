"""The office's audit screen: every reveal, report of people, trust, revoke, role change and grid
handover, from every laptop, newest first (the same entries as ``gridtui audit list``)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.messages import AuditLoaded
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import db_work

WIDTHS = (19, 18, 10, 14, 40)
SHOWN = 5000
"""Entries read at once: years of a community's reveals; ``audit list`` has them all."""


def render_entry(e: dict) -> Text:
    return columns.row(
        [
            (e["at"][:19], WIDTHS[0]),
            (e["actor"], WIDTHS[1], "bold"),
            (t(f"audit.action.{e['action']}", default=e["action"]), WIDTHS[2]),
            (f"{e['table']} {e['target'][:8]}".strip(), WIDTHS[3]),
            (e["summary"], WIDTHS[4]),
        ]
    )


def entries_header() -> Text:
    keys = ("at", "actor", "action", "target", "detail")
    return columns.row([(t(f"audit.col.{k}"), w) for k, w in zip(keys, WIDTHS, strict=True)])


class AuditScreen(GridScreen):
    """Who saw or handed on what, newest first."""

    BINDINGS = [bind("escape", "app.pop_screen", "audit.back", show=False)]

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("audit.tui.title"), id="audit-title", classes="screen-title", markup=False)
        yield Static(entries_header(), classes="list-header")
        yield PagedList(render=render_entry, empty=t("audit.cli.empty"), id="audit-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import privacy

        self.post_message(AuditLoaded(privacy.audit_entries(limit=SHOWN)))

    def on_audit_loaded(self, message: AuditLoaded) -> None:
        self.query_one(PagedList).set_rows(message.entries)
        self.query_one("#audit-title", Static).update(
            f"{t('audit.tui.title')}  {t('audit.tui.count', count=len(message.entries))}"
        )
