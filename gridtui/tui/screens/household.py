"""Household detail: address, residents, registers, visit history with answers, needs, and the
register's history of who was born, came, moved and left.

ID numbers and phones are masked; ``r`` reveals the selected resident's, through
``households.reveal`` which writes the audit log. ``a`` adds a resident (someone the register
missed, a newcomer or a newborn), ``E`` edits the one under the cursor and ``l`` records a life
event of theirs (moved out, moved to another household here, died, a new relation to the head).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from gridtui.i18n import t
from gridtui.tui.keys import bind
from gridtui.tui.messages import HouseholdLoaded
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets.columns import render_resident
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import db_work

if TYPE_CHECKING:
    from gridtui.domain.households import HouseholdDetail
    from gridtui.domain.life_events import LifeEvent


def visits_text(visits) -> Text:
    """A household's or a shop's visits, newest first, each with its answers."""
    text = Text()
    text.append(t("tui.household.visits") + "\n", "bold underline")
    for visit in visits:
        text.append(f"{visit.visited_at:%Y-%m-%d %H:%M}  ", "dim")
        text.append(f"{visit.campaign}  ")
        text.append(t(f"tui.status.{visit.outcome}", default=visit.outcome) + "\n", "bold")
        for line in visit.answers:
            text.append(f"    {line.item}: ", "dim")
            text.append(f"{line.display}\n")
    if not visits:
        text.append(t("tui.home.none") + "\n", "dim")
    return text


class HouseholdScreen(GridScreen):
    """Everything known about one household."""

    BINDINGS = [
        bind("r", "reveal", "household.reveal"),
        bind("v", "visit", "household.visit"),
        bind("a", "add_resident", "household.add_resident"),
        bind("E", "edit_resident", "household.edit_resident"),
        bind("l", "life_event", "household.life_event"),
        bind("escape", "app.pop_screen", "household.back"),
    ]

    def __init__(self, household_id: str) -> None:
        super().__init__()
        self.household_id = household_id
        self.detail: HouseholdDetail | None = None
        self.events: list[LifeEvent] = []
        self.revealed: dict[str, tuple[str, str]] = {}
        """resident id -> (ID number, phone) the worker chose to see (each reveal audited)."""

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("tui.home.loading"), id="household-title", classes="screen-title", markup=False)
        yield Static(t("tui.visit.residents"), classes="section-title", markup=False)
        yield PagedList(
            render=lambda r: render_resident(r, self.revealed),
            empty=t("tui.visit.no_residents"),
            id="household-residents",
        )
        with VerticalScroll(id="household-more"):
            yield Static("", id="household-history", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import households, life_events

        detail = households.detail(self.household_id, today=self.app.today)
        self.post_message(HouseholdLoaded(detail, life_events.history(household_id=self.household_id)))

    def on_household_loaded(self, message: HouseholdLoaded) -> None:
        self.detail = detail = message.detail
        self.events = message.events
        title = Text.assemble(
            (detail.address, "bold"), ("  ·  ", "dim"), (f"{detail.grid_code} {detail.grid_name}", "dim")
        )
        self.query_one("#household-title", Static).update(title)
        residents = self.query_one(PagedList)
        residents.set_rows(detail.residents)
        residents.styles.height = max(2, len(detail.residents) + 1)
        self.query_one("#household-history", Static).update(self.history_text(detail))

    def history_text(self, detail) -> Text:
        from gridtui.domain.needs import status_label

        text = Text()
        if detail.registers:
            text.append(t("tui.household.registers") + "\n", "bold underline")
            text.append("、".join(r.label for r in detail.registers) + "\n\n")
        text.append_text(visits_text(detail.visits))
        text.append("\n" + t("tui.household.needs") + "\n", "bold underline")
        for need in detail.needs:
            text.append(f"{need.label}  ", "bold")
            text.append(t(f"tui.urgency.{need.urgency}", default=need.urgency) + "  ")
            text.append(status_label(need.status) + "\n", "italic")
        if not detail.needs:
            text.append(t("tui.home.none") + "\n", "dim")
        if detail.former or self.events:
            text.append("\n" + t("tui.household.life") + "\n", "bold underline")
        for person in detail.former:
            text.append(f"{person.name}  ", "bold")
            text.append(t(f"life.status.{person.status}") + "\n", "italic")
        for event in self.events:
            text.append(f"{event.on}  ", "dim")
            text.append(f"{event.name}  ", "bold")
            where = " → ".join(
                w for w in (event.from_address, event.to_address, event.after if event.kind == "move_out" else "") if w
            )
            text.append(f"{t('life.kind.' + event.kind)}  {where}  {event.actor}\n")
        return text

    # -- residents' life events --------------------------------------------------------------------
    def _changed(self, saved: object) -> None:
        if saved:
            self.load()

    def action_add_resident(self) -> None:
        from gridtui.tui.screens.dialogs import ResidentDialog

        self.app.push_screen(ResidentDialog(self.household_id, None), self._changed)

    def action_edit_resident(self) -> None:
        from gridtui.tui.screens.dialogs import ResidentDialog

        resident = self.query_one(PagedList).current
        if resident is not None:
            self.app.push_screen(ResidentDialog(self.household_id, resident), self._changed)

    def action_life_event(self) -> None:
        from gridtui.tui.screens.dialogs import LifeEventDialog

        resident = self.query_one(PagedList).current
        if resident is None:
            self.notify(t("tui.visit.no_residents"), severity="warning")
            return
        self.app.push_screen(LifeEventDialog(resident), self._changed)

    def action_reveal(self) -> None:
        from gridtui.domain import households

        residents = self.query_one(PagedList)
        resident = residents.current
        if resident is None:
            return
        with self.app.guarded():
            self.revealed[resident.id] = households.reveal(resident.id, actor=self.app.settings.worker_name)
            residents.refresh()
            self.notify(t("tui.household.revealed", name=resident.name))

    def action_visit(self) -> None:
        self.app.open_visit([self.household_id])
