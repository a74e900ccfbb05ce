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


@dataclass
class HomeLoaded(Message):
    data: HomeData


@dataclass
class HomeEarlyRead(Message):
    """The app's early read of home's figures is done (after the first frame)."""


@dataclass
class WalkLoaded(Message):
    """A grid's buildings, and the grid's worker to show beside its name."""

    rows: list[tuple[str | None, str]]
    worker: str


@dataclass
class CampaignChoices(Message):
    campaigns: list[CampaignInfo]


@dataclass
class CampaignsLoaded(Message):
    rows: list[CampaignRow]


@dataclass
class VisitLoaded(Message):
    """The checklist to draw: the visit and its form, evaluated."""

    data: VisitData


@dataclass
class VisitDetailLoaded(Message):
    """The residents (or the shop's card), read once the checklist is on its way."""

    target_id: str
    detail: Any


@dataclass
class VisitResidents(Message):
    """The household's residents again, after one was added or changed during the visit."""

    residents: list[Any]


@dataclass
class HouseholdLoaded(Message):
    detail: HouseholdDetail
    events: list[LifeEvent]


@dataclass
class BusinessLoaded(Message):
    detail: BusinessDetail


@dataclass
class SearchResults(Message):
    query: str
    hits: list[Any]


@dataclass
class NeedsBoardReady(Message):
    grids: list[Any]
    mine_only: bool


@dataclass
class NeedLoaded(Message):
    detail: NeedDetail


@dataclass
class NeedSuggested(Message):
    candidates: list[Ranked]


@dataclass
class ResidentsReady(Message):
    grids: list[Any]


@dataclass
class VolunteersReady(Message):
    teams: list[TeamRow]


@dataclass
class VolunteerLoaded(Message):
    detail: VolunteerDetail
    assignments: list[VolunteerAssignment]


@dataclass
class CollectiveLoaded(Message):
    issues: list[IssueRow]


@dataclass
class IssueLoaded(Message):
    issue: IssueRow


@dataclass
class AuditLoaded(Message):
    entries: list[dict[str, Any]]


@dataclass
class ResourcesLoaded(Message):
    resources: list[ResourceRow]
    units: list[UnitRow]


@dataclass
class DashboardLoaded(Message):
    board: Any


@dataclass
class ReportChoices(Message):
    grids: list[tuple[str, str]]
    campaigns: list[tuple[str, str]]


@dataclass
class ReportWritten(Message):
    """The report was written (``result``), or refused in one sentence (``error``)."""

    result: WrittenReport | None
    error: str = ""


@dataclass
class SyncProgress(Message):
    done: int
    total: int


@dataclass
class SyncDone(Message):
    """The sentence that sums up an import or an export."""

    text: str


@dataclass
class InboxLoaded(Message):
    conflicts: list[ConflictRow]
    duplicates: list[Duplicate]
    said: str = ""
    """What the key just did (a conflict resolved), said once the list is redrawn."""


@dataclass
class Unlocked(Message):
    """The passphrase opened the database."""


@dataclass
class UnlockRefused(Message):
    sentence: str


@dataclass
class WriteStored(Message):
    """A write that had waited for another program's lock is stored (:mod:`gridtui.tui.writes`);
    ``shown`` draws its result on the UI thread."""

    shown: Any
    result: Any


@dataclass
class WritesStored(Message):
    """Every queued write is stored."""

