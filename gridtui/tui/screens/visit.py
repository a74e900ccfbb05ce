"""The visit screen: one household's residents and the campaign's checklist, keyboard only.

Every answer is saved the moment it changes (``visits.answer``), so there is no save key and a
killed terminal loses nothing already answered. The visit is opened when the screen loads the
household: standing at the door with the screen open is the start of a visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Event
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from gridtui.errors import ValidationError
from gridtui.i18n import t
from gridtui.tui.collector import LIMIT, CollectorPause
from gridtui.tui.drawn import remove_children
from gridtui.tui.keys import bind
from gridtui.tui.messages import VisitDetailLoaded, VisitLoaded, VisitResidents
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets.checklist import Answered, Checklist
from gridtui.tui.widgets.columns import render_resident
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import db_work

if TYPE_CHECKING:
    from gridtui.domain.visits import UndoLog


DRAWN_WAIT = 0.25
"""Seconds the worker waits for the checklist to be drawn before it reads the side panel's rows
anyway (the screen closed, or busy): the panel is never held back longer."""


@dataclass
class VisitData:
    target_id: str  # the household, or in a business campaign the shop
    visit_id: str
    state: Any = None  # forms.model.FormState: the visit's answers evaluated in its form
    outcome: str = "in_progress"  # a done visit is resumed for corrections; say so in the title
    shop: bool = False
    version: str = ""
    address: str = ""
    name: str = ""  # a shop's
    detail: Any = None  # households.HouseholdDetail or businesses.BusinessDetail, read after the checklist


class VisitScreen(GridScreen):
    """Answer the checklist for one household (or shop), then move to the next door."""

    BINDINGS = [
        bind("D", "outcome('done')", "visit.done"),
        bind("N", "outcome('nobody_home')", "visit.nobody_home"),
        bind("R", "outcome('refused')", "visit.refused"),
        bind("M", "outcome('moved_away')", "visit.moved_away"),
        bind("n", "need", "visit.need"),
        bind("right_square_bracket", "step(1)", "visit.next"),
        bind("left_square_bracket", "step(-1)", "visit.prev", show=False),
        bind("u,ctrl+z", "undo", "visit.undo"),
        bind("p", "residents", "visit.residents"),
        bind("a", "add_resident", "visit.add_resident", show=False),
        bind("e", "edit_resident", "visit.edit_resident"),
        bind("l", "life_event", "visit.life_event", show=False),
        bind("i", "detail", "visit.detail", show=False),
        bind("escape", "app.pop_screen", "visit.back", show=False),
    ]

    RESIDENT_ACTIONS = frozenset({"need", "residents", "add_resident", "edit_resident", "life_event"})
    """Household matters: not offered at a shop's door."""

    def __init__(self, target_ids: list[str], index: int = 0) -> None:
        super().__init__()
        self.target_ids, self.index = target_ids, index
        self.campaign_id = ""
        """The campaign the walk list was for, fixed when the screen opens."""
        self.shop = False
        self.data: VisitData | None = None
        self.undo_log: UndoLog | None = None

    def compose(self) -> ComposeResult:
        self.collector = CollectorPause()
        self.collector.hold()  # until the first household's checklist is drawn (on_visit_loaded)
        yield GridHeader()
        yield Static(t("tui.home.loading"), id="visit-title", classes="screen-title", markup=False)
        with Horizontal(id="visit-body"):
            yield Vertical(id="visit-checklist")
            with Vertical(id="visit-side"):
                yield Static(t("tui.visit.residents"), id="visit-side-title", classes="section-title", markup=False)
                yield PagedList(
                    render=lambda r: render_resident(r, wide=False),
                    empty=t("tui.visit.no_residents"),
                    id="resident-list",
                )
                yield Static("", id="visit-shop", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        from gridtui.domain import campaigns

        self.set_timer(LIMIT, self.collector.release)  # a load that fails draws nothing
        self.campaign_id = self.app.campaign_id
        with self.app.guarded() as guard:
            self.shop = campaigns.campaign(self.campaign_id).target == "business"
        if guard.failed:  # the campaign is gone (an import deleted it): nothing to load here
            self.query_one("#visit-title", Static).update(t("campaigns.none_chosen"))
            return
        self.query_one("#visit-shop").display = self.shop
        self.query_one("#resident-list").display = not self.shop
        if self.shop:
            self.query_one("#visit-side-title", Static).update(t("businesses.visit.side"))
        self.load(self.target_id)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "life_event":  # on the residents panel only: elsewhere l starts a typed answer
            panel = self.query("#resident-list")
            return not self.shop and bool(panel) and panel.first().has_focus
        return not (self.shop and action in self.RESIDENT_ACTIONS)

    @property
    def target_id(self) -> str:
        return self.target_ids[self.index]

    household_id = target_id  # in a household campaign; resident and need actions are off at a shop

    @db_work(load=True)
    def load(self, target_id: str) -> None:
        from gridtui.domain import businesses, households, visits

        campaign, app = self.campaign_id, self.app
        visit_id = visits.open_visit(campaign, target_id, worker=app.settings.worker_name)
        state = visits.form_state(visit_id, today=app.today)
        name, address = visits.target_words(target_id, "business" if self.shop else "household")
        drawn = Event()
        self.post_message(
            VisitLoaded(
                VisitData(
                    target_id,
                    visit_id,
                    state,
                    visits.visit_state(visit_id).outcome,
                    shop=self.shop,
                    version=state.form.version,
                    address=address,
                    name=name,
                ),
                drawn,
            )
        )
        # what the side panel shows comes second: the checklist is what the door needs first.
        # Read while the checklist is mounted and drawn, it took the interpreter from that
        # thread in turns (~5 ms of reading made the first paint of a long form a frame later)
        drawn.wait(DRAWN_WAIT)
        if not self.is_attached:  # left meanwhile (Esc at once): no panel to fill
            return
        detail = businesses.detail(target_id) if self.shop else households.detail(target_id, today=app.today)
        self.post_message(VisitDetailLoaded(target_id, detail))

    def on_unmount(self) -> None:
        self.collector.release()

    async def on_visit_loaded(self, message: VisitLoaded) -> None:
        from gridtui.domain import visits

        if message.data.target_id != self.target_id:
            message.drawn.set()
            return  # a load overtaken by ] or [ (its thread ran on): the screen is for another door
        self.data = message.data
        self.undo_log = visits.UndoLog()
        holder = self.query_one("#visit-checklist", Vertical)
        await remove_children(holder)  # the last household's checklist goes whole, its drawn lines too
        checklist = Checklist(self.data.state.form, self.data.state, self.save_answer, id="checklist")
        await holder.mount(checklist)
        self.query_one("#resident-list", PagedList).set_rows([])
        self.query_one("#visit-shop", Static).update("")
        self.show_title(None if self.data.outcome == "in_progress" else self.data.outcome)
        if checklist.rows:
            checklist.focus_item(checklist.rows[0])
        else:
            checklist.focus()
        self.call_after_refresh(message.drawn.set)
        self.call_after_refresh(self.collector.release)

    def on_visit_detail_loaded(self, message: VisitDetailLoaded) -> None:
        if self.data is None or message.target_id != self.data.target_id:
            return  # for a door the worker has moved on from
        self.data.detail = message.detail
        if self.data.shop:
            from gridtui.tui.screens.business import business_card

            self.query_one("#visit-shop", Static).update(business_card(message.detail))
        else:
            self.query_one("#resident-list", PagedList).set_rows(message.detail.residents)

    def show_title(self, outcome: str | None = None) -> None:
        data = self.data
        if data is None:  # nothing loaded yet: the title comes with the door
            return
        text = Text()
        if data.shop:
            text.append(data.name, "bold")
            text.append("  ·  ", "dim")
        text.append_text(
            Text.assemble(
                (data.address, "" if data.shop else "bold"),
                ("  ·  ", "dim"),
                (
                    t(
                        "businesses.visit.position" if data.shop else "tui.visit.position",
                        n=self.index + 1,
                        total=len(self.target_ids),
                    ),
                    "dim",
                ),
            )
        )
        if outcome:
            text.append("  ·  ", "dim")
            text.append(t(f"tui.status.{outcome}"), "bold green")
        text.append("  ·  " + t("tui.visit.form_version", version=data.version), "dim")
        self.query_one("#visit-title", Static).update(text)

    # -- answers -----------------------------------------------------------------------------------
    @property
    def checklist(self) -> Checklist | None:
        found = self.query("#checklist")
        return found.first() if found else None  # type: ignore[return-value]

    def save_answer(self, message: Answered) -> None:
        """Check one answer by the form and save it now: the skip logic is evaluated again for
        what depends on it alone; a bad value is explained on its line and nothing is written."""
        from gridtui.domain import visits

        checklist, data = self.checklist, self.data
        if data is None or checklist is None:
            return
        item, state = message.item, data.state
        typed = checklist.editing_item is item
        item_id = visits.item_id(state.form, item)
        value = checklist.typed_value(item, message.value) if typed else message.value
        try:
            clean = visits.check(state, item_id, value)
        except ValidationError as exc:
            checklist.show_error(item, exc.message())
            if typed:
                checklist.edit(item, message.value)  # the focus stays in the field, the text as typed
            return
        old = state.values.get(item.name)
        changed = state.set(item.name, clean)
        visit_id, undo = data.visit_id, self.undo_log
        try:
            self.app.writes.save(lambda: visits.answer(visit_id, item_id, clean, undo=undo, state=state))
        except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
            checklist.changed(state.set(item.name, old))
            self.app.report(exc)
            return
        checklist.show_error(item, "")
        checklist.changed(changed)  # stored, or kept on screen while it waits for the database
        if typed:
            checklist.stop_editing()
            if message.move:
                checklist.move_by(message.move)

    def save_typing(self) -> bool:
        """Before leaving the household: save text still being typed; False if it is bad."""
        checklist = self.checklist
        if checklist is None or checklist.editing_item is None or not checklist.dirty():
            return True
        self.save_answer(Answered(checklist.editing_item, checklist.input.value))
        return not checklist.dirty()

    def action_undo(self) -> None:
        from gridtui.domain import visits

        if self.data is None:
            return
        visit_id, undo = self.data.visit_id, self.undo_log
        with self.app.guarded():
            self.app.writes.save(
                lambda: (visits.undo_last(visit_id, undo=undo), visits.answers(visit_id)),
                shown=lambda done: self._undone(visit_id, *done),
            )

    def _undone(self, visit_id: str, undone: str | None, answers: dict[str, Any]) -> None:
        if self.data is None or self.data.visit_id != visit_id:
            return  # undone while it waited for the database, and the worker has moved on since
        if not undone:
            self.notify(t("tui.visit.nothing_to_undo"), severity="warning")
            return
        name = undone.partition(":")[2]
        checklist = self.checklist
        if checklist is not None:
            item = self.data.state.form.item(name)
            if checklist.editing_item is item:
                checklist.stop_editing()
            checklist.changed(self.data.state.set(name, answers.get(undone)))
            if item is not None:
                checklist.show_error(item, "")
        self.notify(t("tui.visit.undone"))

    # -- outcome and moving on ------------------------------------------------------------------
    def action_outcome(self, outcome: str) -> None:
        from gridtui.domain import visits

        if self.data is None or not self.save_typing():
            return
        visit_id, settings = self.data.visit_id, self.app.settings

        def close_call() -> Any:
            visits.set_outcome(visit_id, outcome, revisit_days=settings.revisit_days, today=self.app.today)
            return visits.visit_state(visit_id).revisit_due

        with self.app.guarded():
            self.app.writes.save(close_call, shown=lambda due: self._outcome_saved(outcome, due))
            if self.data is not None:
                self.show_title(outcome)

    def _outcome_saved(self, outcome: str, due: Any) -> None:
        if outcome == "nobody_home":
            self.notify(t("tui.visit.revisit_scheduled", date=str(due or "")))
        else:
            self.notify(t("tui.visit.outcome_saved", outcome=t(f"tui.status.{outcome}")))

    def action_step(self, step: int) -> None:
        index = self.index + step
        if not 0 <= index < len(self.target_ids):
            self.notify(t("tui.visit.end_of_list"), severity="warning")
            return
        if not self.save_typing():
            return
        self.index = index
        self.data = None
        self.query_one("#visit-title", Static).update(t("tui.home.loading"))
        self.load(self.target_id)

    def action_detail(self) -> None:
        if self.shop:
            from gridtui.tui.screens.business import BusinessScreen

            self.app.push_screen(BusinessScreen(self.target_id))
        else:
            self.app.open_household(self.household_id)

    # -- needs and residents ----------------------------------------------------------------------
    def action_need(self) -> None:
        from gridtui.domain import visits
        from gridtui.tui.screens.dialogs import NeedDialog

        if self.data is not None:
            saved = visits.visit_state(self.data.visit_id).saved  # a need points at a written visit only
            self.app.push_screen(NeedDialog(self.household_id, self.data.visit_id if saved else None))

    def action_residents(self) -> None:
        """Between the checklist and the residents panel (where e edits the one under the cursor)."""
        residents = self.query_one("#resident-list", PagedList)
        checklist = self.checklist
        if residents.has_focus and checklist is not None:
            if checklist.rows:
                checklist.focus_item(checklist.rows[0])
            else:
                checklist.focus()
        else:
            residents.focus()

    def action_add_resident(self) -> None:
        from gridtui.tui.screens.dialogs import ResidentDialog

        if self.data is not None:
            self.app.push_screen(ResidentDialog(self.household_id, None), self._residents_changed)

    def action_edit_resident(self) -> None:
        from gridtui.tui.screens.dialogs import ResidentDialog

        resident = self.query_one("#resident-list", PagedList).current
        if self.data is not None and resident is not None:
            self.app.push_screen(ResidentDialog(self.household_id, resident), self._residents_changed)

    def action_life_event(self) -> None:
        """A life event of the resident under the cursor in the residents panel (moved out, died...)."""
        from gridtui.tui.screens.dialogs import LifeEventDialog

        resident = self.query_one("#resident-list", PagedList).current
        if self.data is not None and resident is not None:
            self.app.push_screen(LifeEventDialog(resident), self._residents_changed)

    def _residents_changed(self, changed: bool | None) -> None:
        if changed:
            self.refresh_residents()

    @db_work(load=True)
    def refresh_residents(self) -> None:
        from gridtui.domain import households

        detail = households.detail(self.household_id, today=self.app.today)
        self.post_message(VisitResidents(list(detail.residents)))

    def on_visit_residents(self, message: VisitResidents) -> None:
        self.query_one("#resident-list", PagedList).set_rows(message.residents)
