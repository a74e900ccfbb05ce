"""The dashboard's numbers against the tables, and the block-character drawings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from statistics import median

from gridtui.core.models import Need, NeedEvent, ServiceLog, Volunteer
from gridtui.domain import campaigns
from gridtui.io.dashboard import dashboard, hbar, sparkline

TODAY = date(2026, 7, 14)  # the demo fixture's today (tests/conftest.py)
SINCE = TODAY - timedelta(days=83)


def live(model):
    return model.select().where(~model.deleted)


def test_dashboard_numbers_match_the_tables(office_db):
    board = dashboard(today=TODAY)
    campaign = campaigns.active_campaign_id()

    assert board.campaign == campaigns.campaign(campaign).label
    assert [(r["grid"], r["total"], r["done"]) for r in board.coverage] == [
        (r.grid or "", r.total, r.done) for r in campaigns.coverage(campaign, today=TODAY)
    ]

    needs = list(live(Need))
    assert sum(c["total"] for c in board.needs) == len(needs)
    assert sum(c["closed"] for c in board.needs) == sum(1 for n in needs if n.status == "closed")

    start = datetime.combine(SINCE, datetime.min.time())
    spans = [(n.closed_at - n.opened_at).total_seconds() / 86400 for n in needs if n.closed_at and n.closed_at >= start]
    assert board.closed == len(spans) > 0
    assert board.median_days == round(median(spans), 1)

    followed = {e.need_id for e in live(NeedEvent) if e.to_status == "followed_up" and e.at >= start}
    rated = [n.satisfaction for n in needs if n.id in followed and n.satisfaction]
    assert sum(board.satisfaction.values()) == len(rated) > 0
    assert board.satisfaction["satisfied"] == rated.count("satisfied")
    assert 0 < board.satisfied_share <= 1

    assert len(board.weeks) == 12 and board.weeks[0] == SINCE and board.weeks[-1] + timedelta(days=6) == TODAY
    logged = [s for s in live(ServiceLog) if SINCE <= s.date <= TODAY]
    assert round(sum(sum(team["hours"]) for team in board.hours), 1) == round(sum(s.hours for s in logged), 1)
    teams = {v.id: v.team_id for v in live(Volunteer)}
    assert len([t for t in board.hours if sum(t["hours"])]) == len({teams[s.volunteer_id] for s in logged})


def test_dashboard_without_a_campaign_or_needs_is_empty_not_broken(db):
    board = dashboard(today=TODAY)
    assert board.campaign == "" and board.coverage == []
    assert board.median_days is None and board.satisfied_share is None
    assert all(c["total"] == 0 for c in board.needs) and len(board.needs) == 5


def test_sparkline_and_bar_are_drawn_with_blocks():
    assert sparkline([0, 1, 2, 4, 8]) == "▁▂▃▅█"
    assert sparkline([0, 0, 0]) == "▁▁▁"
    assert hbar(0.5, 8) == "████    "
    assert hbar(1 / 8, 2) == "▎ " and hbar(1 / 16, 2) == "▏ "
    assert hbar(1.5, 3) == "███" and hbar(0, 3) == "   "
