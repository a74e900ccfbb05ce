"""The office dashboard's numbers, headless: the TUI draws them, tests check them.

Coverage is the active campaign's, per grid (from :func:`gridtui.domain.campaigns.coverage`). Needs
by category and status are the board as it stands. The rest looks back over a window of weeks
(12 by default): median days from open to closed for needs closed in it, the satisfaction of
follow-ups made in it, and volunteer service hours per team per week from the ServiceLog.

The small text drawings (:func:`sparkline`, :func:`hbar`) live here too: plain block characters,
so any front end (or a test) can use them without a terminal library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from peewee import JOIN, SQL, fn

from gridtui.core.models import (
    Need,
    NeedCategory,
    NeedEvent,
    NeedItem,
    ServiceLog,
    Team,
    Volunteer,
    live,
)
from gridtui.core.validate import NEED_STATUSES, SATISFACTION
from gridtui.i18n import pick, t

SPARKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉"


@dataclass
class Dashboard:
    campaign: str = ""
    coverage: list[dict[str, Any]] = field(default_factory=list)
    """Per grid: grid, name, total, done, share (0..1)."""
    needs: list[dict[str, Any]] = field(default_factory=list)
    """Per need category: key, name, total and a count per status (NEED_STATUSES order)."""
    closed: int = 0
    median_days: float | None = None
    satisfaction: dict[str, int] = field(default_factory=dict)
    weeks: list[date] = field(default_factory=list)
    """The first day of each week in the window, oldest first."""
    hours: list[dict[str, Any]] = field(default_factory=list)
    """Per team: name and hours per week (aligned with ``weeks``); volunteers without a team last."""
    community: str = ""
    """The one community shown on a street office's hub ("" for every community, or below the hub)."""
    community_id: str | None = None
    communities: list[dict[str, Any]] = field(default_factory=list)
    """A hub's board of every community: per community its name, the campaign's total and done
    targets and their share, and its needs not yet closed (empty below the hub)."""

    @property
    def satisfied_share(self) -> float | None:
        """Satisfied or basically satisfied, out of every follow-up in the window."""
        total = sum(self.satisfaction.values())
        if not total:
            return None
        return (self.satisfaction.get("satisfied", 0) + self.satisfaction.get("basically", 0)) / total


def dashboard(
    campaign_id: str | None = None, today: date | None = None, weeks: int = 12, community: str | None = None
) -> Dashboard:
    """Every number of the dashboard in one read-only pass; ``community`` (an id): only that
    community's, on a street office's hub. A hub's board of every community also breaks the
    coverage and the open needs down per community."""
    from gridtui.domain import campaigns, places
    from gridtui.domain.stats import in_community

    today = today or date.today()
    since = today - timedelta(days=7 * weeks - 1)
    since_at = datetime.combine(since, datetime.min.time())
    board = Dashboard(weeks=[since + timedelta(days=7 * i) for i in range(weeks)])
    held = places.communities()
    held_names = {c.id: pick(c.name, c.name_en) for c in held}
    board.community, board.community_id = held_names.get(community or "", ""), community

    def only(model):  # a condition keeping ``model``'s rows to the community shown
        return in_community(model, community) if community is not None else SQL("1 = 1")

    campaign_id = campaign_id or campaigns.active_campaign_id()
    per_community: dict[str, dict[str, Any]] = {}
    if community is None and len(held) > 1:
        per_community = {
            c.id: {"id": c.id, "name": held_names[c.id], "total": 0, "done": 0, "share": 0.0, "open": 0} for c in held
        }
    if campaign_id:
        board.campaign = campaigns.campaign(campaign_id).label
        for row in campaigns.coverage(campaign_id, today=today, community=community):
            board.coverage.append(
                {
                    "grid": row.grid or "",
                    "name": row.grid_name,
                    "total": row.total,
                    "done": row.done,
                    "share": row.done / row.total if row.total else 0.0,
                    "community": held_names.get(row.community or "", ""),
                }
            )
            if row.community in per_community:
                part = per_community[row.community]
                part["total"] += row.total
                part["done"] += row.done
    for cid, part in per_community.items():
        part["share"] = part["done"] / part["total"] if part["total"] else 0.0
        part["open"] = Need.select().where(live(Need) & (Need.status != "closed") & in_community(Need, cid)).count()
    board.communities = list(per_community.values())

    counts: dict[str, dict[str, int]] = {}
    for category, status, n in (
        Need.select(NeedItem.category, Need.status, fn.COUNT(Need.id))
        .join(NeedItem, on=(Need.item == NeedItem.key))
        .where(live(Need) & only(Need))
        .group_by(NeedItem.category, Need.status)
        .tuples()
    ):
        counts.setdefault(category, {})[status] = n
    for cat in NeedCategory.select().order_by(NeedCategory.position):
        by_status = {s: counts.get(cat.key, {}).get(s, 0) for s in NEED_STATUSES}
        board.needs.append(
            {"key": cat.key, "name": pick(cat.zh, cat.en), "total": sum(by_status.values()), **by_status}
        )

    spans = [
        (closed - opened).total_seconds() / 86400
        for opened, closed in Need.select(Need.opened_at, Need.closed_at)
        .where(live(Need) & only(Need) & (Need.closed_at >= since_at) & Need.opened_at.is_null(False))
        .tuples()
    ]
    board.closed = len(spans)
    board.median_days = round(median(spans), 1) if spans else None

    board.satisfaction = dict.fromkeys(SATISFACTION, 0)
    for value, n in (
        Need.select(Need.satisfaction, fn.COUNT(Need.id.distinct()))
        .join(NeedEvent, on=(NeedEvent.need == Need.id))
        .where(
            live(Need)
            & only(Need)
            & live(NeedEvent)
            & (NeedEvent.to_status == "followed_up")
            & (NeedEvent.at >= since_at)
            & Need.satisfaction.is_null(False)
        )
        .group_by(Need.satisfaction)
        .tuples()
    ):
        board.satisfaction[value] = n

    per_team: dict[str | None, list[float]] = {}
    names: dict[str | None, str] = {None: t("office.dashboard.no_team")}
    for day, hours, team_id, zh, en in (
        ServiceLog.select(ServiceLog.date, ServiceLog.hours, Volunteer.team, Team.name, Team.name_en)
        .join(Volunteer, on=(ServiceLog.volunteer == Volunteer.id))
        .join(Team, JOIN.LEFT_OUTER, on=(Volunteer.team == Team.id))
        .where(live(ServiceLog) & only(Volunteer) & (ServiceLog.date >= since) & (ServiceLog.date <= today))
        .tuples()
    ):
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        week = (day - since).days // 7
        per_team.setdefault(team_id, [0.0] * weeks)[week] += float(hours or 0)
        if team_id is not None:
            names[team_id] = pick(zh, en)
    for team in Team.select().where(live(Team) & only(Team)).order_by(Team.key, Team.name):
        per_team.setdefault(team.id, [0.0] * weeks)
        names[team.id] = pick(team.name, team.name_en)
    order = sorted(per_team, key=lambda k: (k is None, names[k]))
    board.hours = [{"team": names[k], "hours": [round(h, 1) for h in per_team[k]]} for k in order]
    return board


def sparkline(values: list[float]) -> str:
    """One block character per value, scaled to the largest; zero is the lowest block."""
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(len(SPARKS) - 1, round(v / top * (len(SPARKS) - 1)))] for v in values)


def hbar(share: float, width: int) -> str:
    """A horizontal bar ``width`` cells long filled to ``share`` (0..1), in eighths of a cell."""
    share = min(1.0, max(0.0, share))
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part else "")
    return text + " " * (width - len(text))
