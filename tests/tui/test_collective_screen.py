"""Collective issues: the list and its status filter, one issue's needs, the deliberation meeting
recorded (a bad date refused on the form) and the issue marked done, refused before a meeting."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from gridtui.core.models import CollectiveIssue, Need
from gridtui.domain import collective, needs
from gridtui.tui.screens.collective import CollectiveScreen, IssueScreen
from gridtui.tui.screens.forms import FormDialog
from gridtui.tui.screens.needs import NeedScreen
from gridtui.tui.widgets.paged_list import PagedList

from .tui_helpers import screen_text, settle

pytestmark = pytest.mark.demo(seed=11)
SIZE = (150, 44)  # the registers' wide columns


async def test_meeting_then_done_from_the_issue_screen(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        assert isinstance(app.screen, CollectiveScreen)
        issues = app.screen.query_one("#collective-list", PagedList)
        assert issues.count == len(collective.list_issues()) == 4
        assert "25 d" in screen_text(app)  # 凤飞园 parking: from meeting to done in 25 days
        await pilot.press("s")  # open issues only: the one with no meeting yet
        await settle(pilot)
        assert issues.count == 1 and issues.current.status == "open"
        issue_id = issues.current.id

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IssueScreen)
        grouped = app.screen.query_one("#issue-needs", PagedList)
        assert grouped.count == needs.count_needs(collective_id=issue_id) > 0

        await pilot.press("d")  # done before any meeting: refused on the form
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog) and "no deliberation meeting" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("m")
        await settle(pilot)
        form = app.screen
        form.query_one("#form-meeting_date", Input).value = "2026-13-40"
        await pilot.press(
            "tab", *"residents, owners' committee, heating company", "tab", *"replace the valves", "ctrl+s"
        )
        await settle(pilot)
        assert app.screen is form and "not a valid date" in screen_text(app)
        assert app.focused is form.query_one("#form-meeting_date", Input)
        assert CollectiveIssue.get_by_id(issue_id).status == "open"  # nothing written
        app.focused.value = "2026-07-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IssueScreen)
        issue = CollectiveIssue.get_by_id(issue_id)
        assert (issue.status, issue.meeting_date, issue.decision) == ("decided", date(2026, 7, 1), "replace the valves")
        assert "replace the valves" in screen_text(app)

        waiting = needs.count_needs(collective_id=issue_id, status=list(needs.ACTIVE))
        await pilot.press("d")  # done today (the app's day), 13 days after the meeting
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IssueScreen)
        assert CollectiveIssue.get_by_id(issue_id).status == "done"
        assert collective.days_meeting_to_done(issue_id) == 13
        assert needs.count_needs(collective_id=issue_id, status=list(needs.ACTIVE)) == 0
        assert Need.select().where((Need.collective == issue_id) & (Need.status == "done")).count() >= waiting
        assert "from meeting to done in 13 days" in screen_text(app)

        await pilot.press("enter")  # one of its needs
        await settle(pilot)
        assert isinstance(app.screen, NeedScreen)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, CollectiveScreen)
        await pilot.press("s", "s")  # done issues: now three
        await settle(pilot)
        assert issues.count == 3
        assert not app.errors
