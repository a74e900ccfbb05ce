"""Residents' life events as the register keeps them: born or arrived, moved within the community,
moved out, died, a changed relation to the head of the household.

Each event is a :class:`ResidentEvent` (who recorded it, when, on what day it happened, from and
to which household), appended and never rewritten, and it updates what it touches:

* moving out or dying ends the person's register entries (``until``), their volunteering, and
  takes them off the household's residents (their row stays, with its status); a household left
  with nobody is vacant, and its own register entries and 一带多帮 pairings end;
* a move puts the person in another household here (their own registers go with them), and a
  vacant household they move into is lived in again;
* a birth or an arrival adds a resident (a newborn's birth date is the day, so campaigns scoped
  by age find the household);
* a relation change keeps one head per household.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from gridtui.config import load_settings
from gridtui.core import store
from gridtui.core.models import (
    Household,
    Pairing,
    RegisterEntry,
    Resident,
    ResidentEvent,
    Volunteer,
    live,
    live_row,
)
from gridtui.core.validate import RELATIONS, one_of, parse_date
from gridtui.domain import households
from gridtui.errors import GridError

__all__ = ["LEFT", "LifeEvent", "arrive", "change_relation", "death", "history", "move", "move_out", "record"]

LEFT = {"move_out": "moved_out", "death": "deceased"}
"""The events after which a person no longer lives here, and the status each leaves."""


def _day(on: date | str | None) -> date:
    day = parse_date(on, "happened_on") or date.today()
    if day > date.today():
        raise GridError("life.in_future", day=day.isoformat())
    return day


def _present(resident_id: str) -> Resident:
    resident = live_row(Resident, resident_id)
    if resident.status != "present":
        raise GridError(f"life.already_{resident.status}", name=resident.name)
    return resident


def record(
    resident_id: str,
    kind: str,
    on: date,
    *,
    actor: str = "",
    from_household: str | None = None,
    to_household: str | None = None,
    before: str = "",
    after: str = "",
    note: str = "",
) -> str:
    """Append one event to a resident's history."""
    return store.create(
        ResidentEvent,
        resident=resident_id,
        kind=kind,
        happened_on=on,
        recorded_at=datetime.now().replace(microsecond=0),
        actor=actor or load_settings().worker_name,
        from_household=from_household,
        to_household=to_household,
        before=before,
        after=after,
        note=note,
    ).id


def move_out(resident_id: str, *, on: date | str | None = None, to: str = "", actor: str = "", note: str = "") -> str:
    """The person has left the community (``to``: where to, if known)."""
    return _leave(resident_id, "move_out", _day(on), actor=actor, after=to, note=note)


def death(resident_id: str, *, on: date | str | None = None, actor: str = "", note: str = "") -> str:
    """The person has died."""
    return _leave(resident_id, "death", _day(on), actor=actor, note=note)


def _leave(resident_id: str, kind: str, day: date, **event: Any) -> str:
    resident = _present(resident_id)
    with store.transaction():
        store.update(Resident, resident_id, status=LEFT[kind], is_head=False)
        _end_registers(resident_id, day)
        _end_volunteering(resident_id, day)
        _emptied(resident.household_id, day)
        return record(resident_id, kind, day, from_household=resident.household_id, **event)


def move(
    resident_id: str,
    household_id: str,
    *,
    relation: str | None = None,
    on: date | str | None = None,
    actor: str = "",
    note: str = "",
) -> str:
    """The person now lives in another household of the community (or is back after moving out)."""
    resident = live_row(Resident, resident_id)
    if resident.status == "deceased":
        raise GridError("life.already_deceased", name=resident.name)
    target = live_row(Household, household_id)
    if target.id == resident.household_id and resident.status == "present":
        raise GridError("life.same_household", name=resident.name, address=target.address)
    day = _day(on)
    relation = relation or "other"
    one_of("relation", relation, RELATIONS)
    with store.transaction():
        before = resident.household_id
        store.update(Resident, resident_id, household=household_id, status="present")
        households.update_resident(resident_id, relation=relation)  # one head in the new household
        if target.status != "active":
            store.update(Household, household_id, status="active")
        if before != household_id:
            _emptied(before, day)
        return record(
            resident_id,
            "move",
            day,
            actor=actor,
            from_household=before,
            to_household=household_id,
            before=resident.relation,
            after=relation,
            note=note,
        )


def arrive(
    household_id: str,
    *,
    born: bool = False,
    on: date | str | None = None,
    actor: str = "",
    note: str = "",
    **fields: Any,
) -> str:
    """A newborn (``born``) or a newcomer joins the household; returns the new resident's id.

    A newborn's birth date is the day unless given, their relation a child's unless given.
    """
    day = _day(on)
    household = live_row(Household, household_id)
    if born:
        fields["birth_date"] = fields.get("birth_date") or day
        fields["relation"] = fields.get("relation") or "child"
    fields["relation"] = fields.get("relation") or "other"
    with store.transaction():
        resident_id = households.add_resident(household_id, **fields)
        if household.status != "active":
            store.update(Household, household_id, status="active")
        record(resident_id, "birth" if born else "arrival", day, actor=actor, to_household=household_id, note=note)
    return resident_id


def change_relation(
    resident_id: str, relation: str, *, on: date | str | None = None, actor: str = "", note: str = ""
) -> str:
    """The person's relation to the head changes (a new head after the old one left, a marriage)."""
    resident = _present(resident_id)
    one_of("relation", relation, RELATIONS)
    if relation == resident.relation:
        raise GridError("life.same_relation", name=resident.name)
    with store.transaction():
        households.update_resident(resident_id, relation=relation)
        return record(
            resident_id,
            "relation",
            _day(on),
            actor=actor,
            from_household=resident.household_id,
            before=resident.relation,
            after=relation,
            note=note,
        )


def _end_registers(resident_id: str, day: date) -> None:
    """The person's register entries end with the day: kept, their ``until`` (the last day an
    entry holds) the day before."""
    last = day - timedelta(days=1)
    for entry in RegisterEntry.select(RegisterEntry.id).where(
        (RegisterEntry.resident == resident_id)
        & live(RegisterEntry)
        & (RegisterEntry.until.is_null() | (RegisterEntry.until > last))
    ):
        store.update(RegisterEntry, entry.id, until=last)


def _end_volunteering(resident_id: str, day: date) -> None:
    """A volunteer who leaves or dies stops volunteering; needs not started go back to the board."""
    from gridtui.domain import volunteers

    for (vid,) in (
        Volunteer.select(Volunteer.id)
        .where((Volunteer.resident == resident_id) & live(Volunteer) & Volunteer.ended_on.is_null())
        .tuples()
    ):
        volunteers.end_volunteer(vid, on=day, assignments="return")


def _emptied(household_id: str, day: date) -> None:
    """A household where nobody lives any more is vacant: its own register entries (hardship,
    subsistence) end with the day and its pairings end."""
    if (
        Resident.select()
        .where((Resident.household == household_id) & (Resident.status == "present") & live(Resident))
        .exists()
    ):
        return
    if Household.get_by_id(household_id).status == "active":
        store.update(Household, household_id, status="vacant")
    last = day - timedelta(days=1)
    for (entry_id,) in (
        RegisterEntry.select(RegisterEntry.id)
        .where(
            (RegisterEntry.household == household_id)
            & live(RegisterEntry)
            & (RegisterEntry.until.is_null() | (RegisterEntry.until > last))
        )
        .tuples()
    ):
        store.update(RegisterEntry, entry_id, until=last)
    for (pairing_id,) in (
        Pairing.select(Pairing.id)
        .where((Pairing.household == household_id) & live(Pairing) & Pairing.until.is_null())
        .tuples()
    ):
        store.update(Pairing, pairing_id, until=day)


@dataclass(frozen=True)
class LifeEvent:
    """One event of a resident's life as a history shows it, with the addresses it moved between."""

    id: str
    resident_id: str
    name: str
    kind: str  # birth | arrival | move | move_out | death | relation
    on: date
    recorded_at: datetime
    actor: str
    from_address: str
    to_address: str
    before: str
    after: str
    note: str

    def to_json(self) -> dict[str, Any]:
        """The keys scripts read: the two addresses are ``from`` and ``to``."""
        names = {"from_address": "from", "to_address": "to"}
        return {names.get(k, k): v for k, v in asdict(self).items()}


def history(*, resident_id: str | None = None, household_id: str | None = None) -> list[LifeEvent]:
    """The events of a resident, or of everyone who lived in or came to a household, oldest first."""
    query = (
        ResidentEvent.select(ResidentEvent, Resident.name.alias("name"))
        .join(Resident, on=(ResidentEvent.resident == Resident.id))
        .where(live(ResidentEvent))
    )
    if resident_id:
        query = query.where(ResidentEvent.resident == resident_id)
    if household_id:
        query = query.where(
            (ResidentEvent.from_household == household_id) | (ResidentEvent.to_household == household_id)
        )
    addresses: dict[str, str] = {}

    def address(hid: str | None) -> str:
        if hid and hid not in addresses:
            addresses[hid] = Household.get_by_id(hid).address
        return addresses.get(hid, "") if hid else ""

    return [
        LifeEvent(
            id=e.id,
            resident_id=e.resident_id,
            name=e.name,
            kind=e.kind,
            on=e.happened_on,
            recorded_at=e.recorded_at,
            actor=e.actor,
            from_address=address(e.from_household_id),
            to_address=address(e.to_household_id),
            before=e.before,
            after=e.after,
            note=e.note,
        )
        for e in query.order_by(ResidentEvent.happened_on, ResidentEvent.seq).objects()
    ]
