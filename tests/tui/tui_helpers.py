"""Helpers for the TUI tests (a module of its own: ``conftest`` is a name every test folder has)."""

from __future__ import annotations

from datetime import date

TODAY = date(2026, 7, 14)
SEED = 2026
SCALE = 0.05
SIZE = (120, 40)


async def settle(pilot) -> None:
    """Let workers finish, keys held for them go on, and their messages land (no sleeps)."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await app.typeahead.wait()
    await pilot.pause()


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (lines of the current screen)."""
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


def unvisited_households():
    """Active households the active campaign has not called on yet, in id order: where a test's
    visit starts from a blank checklist (which households they are depends on the demo's seed)."""
    from gridtui.core.models import Household, Visit, live
    from gridtui.domain import campaigns

    called = Visit.select(Visit.household).where(
        (Visit.campaign == campaigns.active_campaign_id()) & Visit.household.is_null(False)
    )
    return (
        Household.select()
        .where(Household.id.not_in(called) & (Household.status == "active") & (live(Household)))
        .order_by(Household.id)
    )


class Row:
    """One item of a visit's checklist, as a test looks at it: its value, whether it is being
    typed into (the checklist draws items as lines; there is no widget per item)."""

    def __init__(self, checklist, name: str) -> None:
        self.checklist, self.name = checklist, name
        self.item = checklist.form.item(name)

    @property
    def value(self):
        return self.checklist.state.values.get(self.name)

    @property
    def editing(self) -> bool:
        return self.checklist.editing and self.checklist.editing_item is self.item

    @property
    def input(self):
        return self.checklist.input


async def cursor_to(pilot, checklist, name: str) -> Row:
    """Put the checklist's cursor on the item (it must be shown: answer what it depends on first)."""
    item = checklist.form.item(name)
    assert item in checklist.rows, f"{name} is not on the checklist now"
    checklist.focus_item(item)
    await pilot.pause()
    assert checklist.current is item
    return Row(checklist, name)


def cursor_drawn_on(checklist) -> list[str]:
    """The items whose question line shows the cursor (none while the checklist is not focused)."""
    return [checklist.current.name] if checklist.cursor_line() >= 0 else []


def on_screen(checklist, name: str) -> bool:
    """Whether the item's question and answer lines are inside the visible part of the list."""
    first, count = checklist.span(name)
    top, height = checklist.view.scroll_offset.y, checklist.view.size.height
    return top <= first and first + count <= top + height
