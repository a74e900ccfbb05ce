"""One shop in full: kind, owner, licence, grid, and every safety check with its answers.

The owner's phone is masked; ``r`` reveals it through ``businesses.reveal``, which writes the
audit log, as a household's residents are revealed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.messages import BusinessLoaded
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.screens.household import visits_text
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.workers import db_work

if TYPE_CHECKING:
    from gridtui.domain.businesses import BusinessDetail


def business_card(detail, phone: str | None = None) -> Text:
    """Who and what the shop is, one fact a line; ``phone`` once revealed, else masked."""
    text = Text()
    facts = [
        ("businesses.field.kind", detail.kind_label),
        ("businesses.field.owner", detail.owner_name),
        ("businesses.field.phone", phone or detail.phone_masked),
        ("businesses.field.address", detail.address),
        ("businesses.field.license", detail.license_no),
        ("businesses.field.grid", f"{detail.grid_code} {detail.grid_name}".strip()),
    ]
    for key, value in facts:
        text.append(f"{t(key)}  ", "dim")
        text.append(f"{value or '-'}\n")
    if detail.food:
        text.append(f" {t('tui.flag.food')} ", "black on #87d787")
        text.append(" ")
    if detail.rectification:
        text.append(f" {t('businesses.rectification_open')} ", "white on red")
    return text


class BusinessScreen(GridScreen):
    """Everything known about one shop."""

    BINDINGS = [
        bind("r", "reveal", "business.reveal"),
        bind("v", "visit", "business.visit"),
        bind("escape", "app.pop_screen", "business.back"),
    ]

    def __init__(self, business_id: str) -> None:
        super().__init__()
        self.business_id = business_id
        self.detail: BusinessDetail | None = None
        self.phone: str | None = None
        """The owner's phone once the worker chose to see it (the reveal is audited)."""

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("tui.home.loading"), id="business-title", classes="screen-title", markup=False)
        with VerticalScroll(id="business-more"):
            yield Static("", id="business-card", markup=False)
            yield Static("", id="business-history", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import businesses

        self.post_message(BusinessLoaded(businesses.detail(self.business_id)))

    def on_business_loaded(self, message: BusinessLoaded) -> None:
        self.detail = detail = message.detail
        self.query_one("#business-title", Static).update(
            Text.assemble((detail.name, "bold"), ("  ·  ", "dim"), (detail.address, ""))
        )
        self.query_one("#business-card", Static).update(business_card(detail, self.phone))
        self.query_one("#business-history", Static).update(visits_text(detail.visits))

    def action_reveal(self) -> None:
        from gridtui.domain import businesses

        if self.detail is None:
            return
        with self.app.guarded():
            self.phone = businesses.reveal(self.business_id, actor=self.app.settings.worker_name)
            self.query_one("#business-card", Static).update(business_card(self.detail, self.phone))
            self.notify(t("businesses.revealed", name=self.detail.owner_name))

    def action_visit(self) -> None:
        """Check this shop now (when the active campaign is one that checks shops)."""
        self.app.open_visit([self.business_id], target="business")
