"""The needs board in the real app (Pilot): board -> need -> dispatch -> outcome -> follow-up ->
closed, filters, a refused move as one sentence, and a need recorded on the visit screen."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from gridtui.core.models import Need, NeedEvent, ServiceLog
from gridtui.domain import needs
from gridtui.tui.screens.needs import NeedsBoard, NeedScreen, OutcomeDialog, TaskCardDialog
from gridtui.tui.widgets.paged_list import PagedList

from .conftest import TODAY
from .tui_helpers import screen_text, settle

pytestmark = pytest.mark.demo(seed=7)  # the needs' demo community

SIZE = (140, 40)


@pytest.fixture
def make_app(demo_file):
    from gridtui.tui import GridApp

    def make(lang: str = "en") -> GridApp:
        return GridApp(db_path=demo_file, lang=lang, today=TODAY)

    return make


async def open_board(pilot) -> PagedList:
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NeedsBoard)
    return pilot.app.screen.query_one("#needs-list", PagedList)


async def test_board_dispatch_done_follow_up_closed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        board = await open_board(pilot)
        assert board.count == needs.count_needs()
        await pilot.press("s")  # status: open
        await settle(pilot)
        open_count = needs.count_needs(status="open")
        assert board.count == open_count and {board.row(i).status for i in range(board.count)} == {"open"}
        need_id = board.current.id

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NeedScreen)
        assert board.current.item in screen_text(app)
        await pilot.press("d")  # suggestions with reasons
        await settle(pilot)
        candidates = app.screen.query_one("#need-candidates", PagedList)
        assert candidates.count == 10
        best = candidates.row(0)
        assert "lives" in screen_text(app) or "nearby" in screen_text(app)
        await pilot.press("a")  # assign with one key
        await settle(pilot)
        assert Need.get_by_id(need_id).status == "assigned"
        await pilot.press("x")  # the volunteer cannot go after all
        await settle(pilot)
        assert Need.get_by_id(need_id).status == "open"
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("enter")  # Enter on a candidate assigns too
        await settle(pilot)
        assert Need.get_by_id(need_id).status == "assigned"

        await pilot.press("m")  # the task card, phone masked
        await pilot.pause()
        assert isinstance(app.screen, TaskCardDialog)
        assert best.name in app.screen.card and "Please complete by" in app.screen.card
        await pilot.press("escape")

        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeDialog)
        await pilot.press("2", "enter", *"tap", "enter", *"fixed", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NeedScreen)
        assert Need.get_by_id(need_id).status == "done"
        log = ServiceLog.get(ServiceLog.need == need_id)
        assert (log.volunteer_id, log.hours) == (best.volunteer_id, 2.0)

        await pilot.press("1")  # follow-up: satisfied
        await settle(pilot)
        await pilot.press("z")  # close
        await settle(pilot)
        row = Need.get_by_id(need_id)
        assert (row.status, row.satisfaction) == ("closed", "satisfied")
        steps = [e.to_status for e in NeedEvent.select().where(NeedEvent.need == need_id).order_by(NeedEvent.seq)]
        assert steps == ["open", "assigned", "open", "assigned", "in_progress", "done", "followed_up", "closed"]
        assert "Closed; nothing more to do." in screen_text(app)

        await pilot.press("escape")  # back on the board, which counts again
        await settle(pilot)
        assert isinstance(app.screen, NeedsBoard)
        assert board.count == open_count - 1
        assert app.errors == []


async def test_unsatisfied_follow_up_reopens_and_a_refused_move_is_one_sentence(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        board = await open_board(pilot)
        await pilot.press("s", "s", "s", "s")  # status: done
        await settle(pilot)
        assert board.count and board.current.status == "done"
        need_id = board.current.id
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("z")  # close straight from done: refused
        await settle(pilot)
        assert Need.get_by_id(need_id).status == "done"
        notes = [n.message for n in app._notifications]
        assert "This need is 'done' and cannot be moved to 'closed'." in notes
        await pilot.press("3")  # unsatisfied
        await settle(pilot)
        assert Need.get_by_id(need_id).status == "open"
        assert app.errors == []


async def test_filters_and_sort(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        board = await open_board(pilot)
        now_overdue = needs.count_needs(overdue=True, now=datetime.combine(TODAY, time(12)))
        await pilot.press("o")
        await settle(pilot)
        assert board.count == now_overdue and all(board.row(i).overdue for i in range(board.count))
        assert "overdue only" in screen_text(app)
        await pilot.press("x", "u")  # clear, then urgent only
        await settle(pilot)
        assert board.count == needs.count_needs(urgency="urgent")
        await pilot.press("x", "f", "f")  # source: phone
        await settle(pilot)
        assert board.count == needs.count_needs(source="phone")
        await pilot.press("x", "t")  # first category
        await settle(pilot)
        assert board.count == needs.count_needs(category="daily_living")
        await pilot.press("x", "w")  # first grid
        await settle(pilot)
        first_grid = app.screen.grids[0].id
        assert board.count == needs.count_needs(grid_id=first_grid)
        await pilot.press("x", "r")  # sort by opened, newest first
        await settle(pilot)
        opened = [board.row(i).opened_at for i in range(board.count)]
        assert opened == sorted(opened, reverse=True) and board.count == needs.count_needs()


async def test_board_in_chinese(make_app):
    app = make_app("zh")
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot)
        text = screen_text(app)
        assert "紧急程度" in text and "办理期限" in text and "按到期时间排序" in text


async def test_a_need_recorded_on_the_visit_screen_appears_on_the_board(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from gridtui.core.models import Household, Visit

        # a household already called on in this campaign: the need points at that visit
        household = (
            Household.select()
            .join(Visit, on=(Visit.household == Household.id))
            .where((Visit.campaign == app.campaign_id) & (Visit.outcome == "done"))
            .order_by(Household.id)
            .first()
        )
        app.open_visit([household.id])
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"haircut", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        board = await open_board(pilot)
        await pilot.press("r")  # newest first
        await settle(pilot)
        top = board.row(0)
        assert (top.item_key, top.household_id, top.source, top.status) == (
            "daily_living.home_haircut",
            household.id,
            "visit",
            "open",
        )
        assert Need.get_by_id(top.id).visit_id is not None
