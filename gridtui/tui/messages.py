"""Every message a worker posts to a screen, in one place (see :mod:`gridtui.tui.workers`).

A screen handles ``HomeLoaded`` in ``on_home_loaded``. Fields are typed: what a screen reads
from a message is named here, not guessed from a dict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, dataclass_transform

from textual.message import Message

if TYPE_CHECKING:
    from threading import Event

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


@dataclass_transform(eq_default=False)
class Posted(Message):
    """A message with typed fields: its annotations, given by position or by name, with class
    attributes as defaults. What ``@dataclass(eq=False)`` gives a message, without building a
    dataclass for each one: that cost ~0.2 ms a class, paid at every start (README: the cold start)."""

    field_names: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.field_names = (*cls.field_names, *cls.__dict__.get("__annotations__", {}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(self.field_names):
            raise TypeError(f"{type(self).__name__} takes {len(self.field_names)} fields, {len(args)} given")
        given = dict(zip(self.field_names, args, strict=False))
        if given.keys() & kwargs.keys() or kwargs.keys() - set(self.field_names):
            raise TypeError(f"{type(self).__name__}: fields given twice or unknown: {sorted(kwargs)}")
        given.update(kwargs)
        for name in self.field_names:
            if name in given:
                setattr(self, name, given[name])
            elif not hasattr(type(self), name):
                raise TypeError(f"{type(self).__name__} needs {name!r}")
        super().__init__()


class HomeLoaded(Posted):
    data: HomeData


class HomeEarlyRead(Posted):
    """The app's early read of home's figures is done (after the first frame)."""


class WalkLoaded(Posted):
    """A grid's buildings, and the grid's worker to show beside its name."""

    rows: list[tuple[str | None, str]]
    worker: str


class CampaignChoices(Posted):
    campaigns: list[CampaignInfo]


class CampaignsLoaded(Posted):
    rows: list[CampaignRow]


class VisitLoaded(Posted):
    """The checklist to draw: the visit and its form, evaluated. ``drawn`` is set once it is on
    screen: the worker reads the side panel's rows only then (see ``VisitScreen.load``)."""

    data: VisitData
    drawn: Event


class VisitDetailLoaded(Posted):
    """The residents (or the shop's card), read once the checklist is drawn."""

    target_id: str
    detail: Any


class VisitResidents(Posted):
    """The household's residents again, after one was added or changed during the visit."""

    residents: list[Any]


class HouseholdLoaded(Posted):
    detail: HouseholdDetail
    events: list[LifeEvent]


class BusinessLoaded(Posted):
    detail: BusinessDetail


class SearchResults(Posted):
    query: str
    hits: list[Any]


class NeedsBoardReady(Posted):
    grids: list[Any]
    mine_only: bool


class NeedLoaded(Posted):
    detail: NeedDetail


class NeedSuggested(Posted):
    candidates: list[Ranked]


class ResidentsReady(Posted):
    grids: list[Any]


class VolunteersReady(Posted):
    teams: list[TeamRow]


class VolunteerLoaded(Posted):
    detail: VolunteerDetail
    assignments: list[VolunteerAssignment]


class CollectiveLoaded(Posted):
    issues: list[IssueRow]


class IssueLoaded(Posted):
    issue: IssueRow


class AuditLoaded(Posted):
    entries: list[dict[str, Any]]


class ResourcesLoaded(Posted):
    resources: list[ResourceRow]
    units: list[UnitRow]


class DashboardLoaded(Posted):
    board: Any


class ReportChoices(Posted):
    grids: list[tuple[str, str]]
    campaigns: list[tuple[str, str]]


class ReportWritten(Posted):
    """The report was written (``result``), or refused in one sentence (``error``)."""

    result: WrittenReport | None
    error: str = ""


class SyncProgress(Posted):
    done: int
    total: int


class SyncDone(Posted):
    """The sentence that sums up an import or an export."""

    text: str


class InboxLoaded(Posted):
    conflicts: list[ConflictRow]
    duplicates: list[Duplicate]
    said: str = ""
    """What the key just did (a conflict resolved), said once the list is redrawn."""


class Unlocked(Posted):
    """The passphrase opened the database."""


class UnlockRefused(Posted):
    sentence: str


class WriteStored(Posted):
    """A write that had waited for another program's lock is stored (:mod:`gridtui.tui.writes`);
    ``shown`` draws its result on the UI thread."""

    shown: Any
    result: Any


class WritesStored(Posted):
    """Every queued write is stored."""
