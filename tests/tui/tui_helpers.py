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
    from gridtui.core.models import Household, Visit
    from gridtui.domain import visits

    called = Visit.select(Visit.household).where((Visit.campaign == visits.active_campaign_id())
                                                 & Visit.household.is_null(False))
    return (Household.select().where(Household.id.not_in(called) & (Household.status == "active")
                                     & (Household.deleted == False))  # noqa: E712
            .order_by(Household.id))
