"""Every message a worker posts to a screen, in one place (see :mod:`gridtui.tui.workers`).

A screen handles ``HomeLoaded`` in ``on_home_loaded``. Fields are typed: what a screen reads
from a message is named here, not guessed from a dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from gridtui.domain.businesses import BusinessDetail
    from gridtui.domain.campaigns import CampaignInfo
    from gridtui.domain.collective import IssueRow
    from gridtui.domain.households import HouseholdDetail
    from gridtui.domain.life_events import LifeEvent
    from gridtui.domain.needs import NeedDetail
    from gridtui.domain.resources import ResourceRow, UnitRow
    from gridtui.domain.volunteers import TeamRow, VolunteerAssignment, VolunteerDetail
    from gridtui.io.reports import WrittenReport
    from gridtui.sync.conflicts import ConflictRow, Duplicate
    from gridtui.tui.screens.campaigns import CampaignRow
    from gridtui.tui.screens.home import HomeData
    from gridtui.tui.screens.needs import Ranked
    from gridtui.tui.screens.visit import VisitData


@dataclass(eq=False)
class HomeLoaded(Message):
    data: HomeData


@dataclass(eq=False)
class HomeEarlyRead(Message):
    """The app's early read of home's figures is done (after the first frame)."""


@dataclass(eq=False)
class WalkLoaded(Message):
    """A grid's buildings, and the grid's worker to show beside its name."""

    rows: list[tuple[str | None, str]]
    worker: str


@dataclass(eq=False)
class CampaignChoices(Message):
    campaigns: list[CampaignInfo]


@dataclass(eq=False)
class CampaignsLoaded(Message):
    rows: list[CampaignRow]


@dataclass(eq=False)
class VisitLoaded(Message):
    """The checklist to draw: the visit and its form, evaluated."""

    data: VisitData


@dataclass(eq=False)
class VisitDetailLoaded(Message):
    """The residents (or the shop's card), read once the checklist is on its way."""

    target_id: str
    detail: Any


@dataclass(eq=False)
class VisitResidents(Message):
    """The household's residents again, after one was added or changed during the visit."""

    residents: list[Any]


@dataclass(eq=False)
class HouseholdLoaded(Message):
    detail: HouseholdDetail
    events: list[LifeEvent]


@dataclass(eq=False)
class BusinessLoaded(Message):
    detail: BusinessDetail


@dataclass(eq=False)
class SearchResults(Message):
    query: str
    hits: list[Any]


@dataclass(eq=False)
class NeedsBoardReady(Message):
    grids: list[Any]
    mine_only: bool


@dataclass(eq=False)
class NeedLoaded(Message):
    detail: NeedDetail


@dataclass(eq=False)
class NeedSuggested(Message):
    candidates: list[Ranked]


@dataclass(eq=False)
class ResidentsReady(Message):
    grids: list[Any]


@dataclass(eq=False)
class VolunteersReady(Message):
    teams: list[TeamRow]


@dataclass(eq=False)
class VolunteerLoaded(Message):
    detail: VolunteerDetail
    assignments: list[VolunteerAssignment]


@dataclass(eq=False)
class CollectiveLoaded(Message):
    issues: list[IssueRow]


@dataclass(eq=False)
class IssueLoaded(Message):
    issue: IssueRow


@dataclass(eq=False)
class AuditLoaded(Message):
    entries: list[dict[str, Any]]


@dataclass(eq=False)
class ResourcesLoaded(Message):
    resources: list[ResourceRow]
    units: list[UnitRow]


@dataclass(eq=False)
class DashboardLoaded(Message):
    board: Any


@dataclass(eq=False)
class ReportChoices(Message):
    grids: list[tuple[str, str]]
    campaigns: list[tuple[str, str]]


@dataclass(eq=False)
class ReportWritten(Message):
    """The report was written (``result``), or refused in one sentence (``error``)."""

    result: WrittenReport | None
    error: str = ""


@dataclass(eq=False)
class SyncProgress(Message):
    done: int
    total: int


@dataclass(eq=False)
class SyncDone(Message):
    """The sentence that sums up an import or an export."""

    text: str


@dataclass(eq=False)
class InboxLoaded(Message):
    conflicts: list[ConflictRow]
    duplicates: list[Duplicate]
    said: str = ""
    """What the key just did (a conflict resolved), said once the list is redrawn."""


@dataclass(eq=False)
class Unlocked(Message):
    """The passphrase opened the database."""


@dataclass(eq=False)
class UnlockRefused(Message):
    sentence: str


@dataclass(eq=False)
class WriteStored(Message):
    """A write that had waited for another program's lock is stored (:mod:`gridtui.tui.writes`);
    ``shown`` draws its result on the UI thread."""

    shown: Any
    result: Any


@dataclass(eq=False)
class WritesStored(Message):
    """Every queued write is stored."""

