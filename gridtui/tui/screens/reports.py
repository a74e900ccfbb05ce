"""Reports from the TUI: pick a kind, filters and a file, write it, see where it went.

The same :func:`gridtui.io.reports.write_report` as ``gridtui report``: the same sheets, the same
masking, the same single audit entry when IDs are revealed. Writing runs in a thread worker.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from gridtui.errors import GridError
from gridtui.i18n import pick, t
from gridtui.io.reports import FILTERS, KINDS, write_report
from gridtui.tui.keys import bind
from gridtui.tui.messages import ReportChoices, ReportWritten
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.workers import db_work


class ReportsScreen(GridScreen):
    """A small form: kind, grid, campaign, reveal, output file; ctrl+s writes."""

    BINDINGS = [
        bind("ctrl+s", "write", "reports.write"),
        bind("escape", "app.pop_screen", "reports.back"),
    ]

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("office.tui.title"), classes="screen-title")
        with Vertical(id="reports-form"):
            with Horizontal(classes="report-row"):
                yield Label(t("office.tui.kind"), classes="form-label")
                yield Select(
                    [(t(f"office.kind.{k}"), k) for k in KINDS], value="registers", allow_blank=False, id="report-kind"
                )
            with Horizontal(classes="report-row"):
                yield Label(t("office.tui.grid"), classes="form-label")
                yield Select([], prompt=t("office.tui.all_grids"), id="report-grid")
            with Horizontal(classes="report-row"):
                yield Label(t("office.tui.campaign"), classes="form-label")
                yield Select([], prompt=t("office.tui.all_campaigns"), id="report-campaign")
            yield Checkbox(t("office.tui.reveal"), id="report-reveal")
            with Horizontal(classes="report-row"):
                yield Label(t("office.tui.out"), classes="form-label")
                yield Input(self.default_path("registers"), id="report-out", classes="form-input")
            yield Static(t("office.tui.hint"), classes="dialog-hint")
            yield Static("", id="report-result")
        yield KeyFooter()

    def default_path(self, kind: str) -> str:
        today = self.app.today or date.today()
        return str(Path.home() / f"gridtui-{kind}-{today.isoformat()}.xlsx")

    def on_mount(self) -> None:
        self.query_one("#report-kind", Select).focus()
        self._sync_filters("registers")
        self.load_choices()

    @db_work(load=True)
    def load_choices(self) -> None:
        from gridtui.domain import campaigns as campaign_domain
        from gridtui.domain import visits

        grids = [(f"{g.code} {g.name}", g.id) for g in visits.grids()]
        campaigns = [(pick(c.name, c.name_en), c.id) for c in campaign_domain.campaigns()]
        self.post_message(ReportChoices(grids, campaigns))

    def on_report_choices(self, message: ReportChoices) -> None:
        self.query_one("#report-grid", Select).set_options(message.grids)
        self.query_one("#report-campaign", Select).set_options(message.campaigns)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "report-kind" or event.value is Select.NULL:
            return
        out = self.query_one("#report-out", Input)
        for kind in KINDS:  # follow the kind while the file name is still the suggested one
            if out.value == self.default_path(kind):
                out.value = self.default_path(str(event.value))
                break
        self._sync_filters(str(event.value))

    def _sync_filters(self, kind: str) -> None:
        self.query_one("#report-grid", Select).disabled = "grid" not in FILTERS[kind]
        self.query_one("#report-campaign", Select).disabled = "campaign" not in FILTERS[kind]

    def _value(self, selector: str) -> str | None:
        select = self.query_one(selector, Select)
        return None if select.disabled or select.value is Select.NULL else str(select.value)

    def action_write(self) -> None:
        kind = self._value("#report-kind") or "registers"
        self.query_one("#report-result", Static).update(t("office.tui.writing"))
        self.write(
            kind,
            self.query_one("#report-out", Input).value.strip(),
            self._value("#report-grid"),
            self._value("#report-campaign"),
            self.query_one("#report-reveal", Checkbox).value,
        )

    @db_work
    def write(self, kind: str, out: str, grid: str | None, campaign: str | None, reveal: bool) -> None:
        try:
            result = write_report(
                kind,
                out,
                grid=grid,
                campaign=campaign,
                reveal=reveal,
                actor=self.app.settings.worker_name,
                today=self.app.today,
            )
        except GridError as exc:
            self.post_message(ReportWritten(None, exc.message()))
            return
        self.post_message(ReportWritten(result))

    def on_report_written(self, message: ReportWritten) -> None:
        if message.result is None:
            self.query_one("#report-result", Static).update(Text(message.error, "bold red"))
            self.notify(message.error, severity="error")
            return
        result = message.result
        text = t("report.done", rows=result.rows, path=result.path)
        if result.revealed:
            text += "\n" + t("report.revealed")
        self.query_one("#report-result", Static).update(text)
        self.notify(text)
