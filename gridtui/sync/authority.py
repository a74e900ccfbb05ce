"""Who may change what: the office, and each worker in its own grids.

**Roles.** Every device this laptop knows has a role, ``office`` or ``worker``. A peer's role
is what this laptop was told when it trusted its card (``device trust CARD --role office``;
worker unless said) or later (``device role NAME office|worker``). A laptop's own role comes
from the office: every bundle carries the role its sender gave each reader (``roles`` in the
signed header), and a laptop takes its own from a bundle signed by a device it trusts as the
office. So a worker's laptop learns that it is a worker, and who the office is, from the one
step a worker does anyway: trusting the office's card as the office and importing its bundle.
A laptop no office has spoken to yet (a new database, the demo, a single office laptop) is the
office; nothing it writes is taken by an office that does not hold it to be one.

**The matrix.** :data:`MATRIX` says, table by table, what a worker's bundle may change:

* ``office``: only the office (the community, grids and places, campaigns and forms, units,
  shops, teams, volunteers and their pairings, resources, collective issues); on a worker's
  laptop the commands and keys that write them are refused (:data:`COMMANDS`, :data:`KEYS`).
  "Assignments" that only the office makes are a building's grid and a grid's worker;
  dispatching a volunteer to a need is a worker's work on its needs.
* ``grids``: a worker in its own grids (:mod:`gridtui.sync.scope`): visits and answers,
  households and residents and their life events, register entries, needs and their events,
  dispatches and hours of service. A row outside any grid (a need for no household) is anyone's.
* ``append``: added by anyone, never changed by anyone (the audit log).
* ``derived``: conflicts, which every laptop computes alike from two stamps: a worker may send
  those about rows in its grids, and its resolutions.

**The import's check** (every laptop, for every bundle whose signer it holds to be a worker):
only what would change a row here counts. A worker may send only its own writing: every stamp
that would win must be its own (so no relaying of others' rows, no writing in the office's or
another worker's name), a new row must be its own, and a row must be in its grids before and
after the change. Work a worker did in a grid that has since gone to someone else is still its
own: it is taken when the worker had not yet seen the handover when it wrote (its bundle says
what it knew) or wrote before the handover's stamp. An existing audit row changes for no one.
What fails is held (``HeldRow``, with its reason), listed in the import's summary, and can be
taken on purpose with ``quarantine accept``; the rest of the bundle applies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gridtui.core import hlc
from gridtui.core.models import SYNCED_MODELS, AuditLog, Device, Grid, Synced, live
from gridtui.errors import GridError
from gridtui.sync import scope

ROLES = ("office", "worker")
OFFICE, GRIDS, APPEND, DERIVED = "office", "grids", "append", "derived"


@dataclass(frozen=True)
class Rule:
    """What a worker's laptop may do with a table's rows, and why."""

    kind: str
    why: str


MATRIX: dict[str, Rule] = {
    "community": Rule(OFFICE, "one community, named by the office"),
    "grid": Rule(OFFICE, "grids and who works them are the office's assignment"),
    "compound": Rule(OFFICE, "places come from the office's roster"),
    "building": Rule(OFFICE, "a building's grid is the office's assignment"),
    "household": Rule(GRIDS, "corrections at the door, in the worker's grids"),
    "resident": Rule(GRIDS, "corrections at the door, in the worker's grids"),
    "resident_event": Rule(GRIDS, "births, moves and deaths the worker records in its grids"),
    "organization": Rule(OFFICE, "units and agreements are the office's"),
    "business": Rule(OFFICE, "the shops register is the office's"),
    "register_entry": Rule(GRIDS, "the worker keeps its grids' residents on the registers"),
    "form_version": Rule(OFFICE, "forms are published by the office"),
    "campaign": Rule(OFFICE, "campaigns are designed by the office"),
    "visit": Rule(GRIDS, "the worker's calls at its grids' doors"),
    "answer": Rule(GRIDS, "the answers of the worker's visits"),
    "collective_issue": Rule(OFFICE, "deliberation is the office's"),
    "need": Rule(GRIDS, "needs the worker records and follows in its grids"),
    "need_event": Rule(GRIDS, "the steps of those needs"),
    "team": Rule(OFFICE, "teams are the office's register"),
    "volunteer": Rule(OFFICE, "volunteers report to the office"),
    "volunteer_skill": Rule(OFFICE, "volunteers report to the office"),
    "pairing": Rule(OFFICE, "pairings are arranged by the office"),
    "resource": Rule(OFFICE, "resources are agreed by the office"),
    "assignment": Rule(GRIDS, "a volunteer dispatched to a need in the worker's grids"),
    "service_log": Rule(GRIDS, "hours served on the worker's needs"),
    "audit_log": Rule(APPEND, "the worker's own reveals and acts; no one rewrites the log"),
    "conflict": Rule(DERIVED, "conflicts about the worker's rows, and its resolutions"),
}

LOCAL_OFFICE = frozenset({"device"})
"""Local tables only the office changes: which devices are trusted, and as what."""


def office_only(tables: Iterable[str]) -> bool:
    """Whether writing these tables is the office's alone."""
    return any(t in LOCAL_OFFICE or (t in MATRIX and MATRIX[t].kind == OFFICE) for t in tables)


COMMANDS: dict[str, tuple[str, ...]] = {
    "demo": ("community", "campaign"),
    "stats": (),
    "community": (),
    "community set": ("community",),
    "grid": (),
    "grid add": ("grid",),
    "grid list": (),
    "grid assign": ("building",),
    "grid worker": ("grid",),
    "grid end": ("grid",),
    "compound": (),
    "compound rename": ("compound",),
    "compound remove": ("compound",),
    "building": (),
    "building remove": ("building",),
    "form": (),
    "form check": (),
    "form template": (),
    "campaign": (),
    "campaign new": ("campaign", "form_version"),
    "campaign list": (),
    "campaign show": (),
    "campaign activate": ("campaign",),
    "campaign close": ("campaign",),
    "campaign update": ("campaign", "form_version"),
    "campaign form": (),
    "resident": (),
    "resident add": ("resident", "resident_event"),
    "resident move": ("resident", "resident_event"),
    "resident move-out": ("resident", "resident_event"),
    "resident death": ("resident", "resident_event"),
    "resident relation": ("resident", "resident_event"),
    "resident edit": ("resident",),
    "resident show": (),
    "household": (),
    "household add": ("household",),
    "household edit": ("household",),
    "household show": (),
    "register": (),
    "register add": ("register_entry",),
    "register end": ("register_entry",),
    "needs": (),
    "needs list": (),
    "needs show": (),
    "needs add": ("need", "need_event"),
    "needs assign": ("need", "need_event", "assignment"),
    "needs start": ("need", "need_event"),
    "needs done": ("need", "need_event", "assignment", "service_log"),
    "needs followup": ("need", "need_event"),
    "needs close": ("need", "need_event"),
    "needs unassign": ("assignment",),
    "collective": (),
    "collective list": (),
    "collective show": (),
    "collective open": ("collective_issue",),
    "collective attach": ("collective_issue", "need"),
    "collective detach": ("collective_issue", "need"),
    "collective meeting": ("collective_issue",),
    "collective close": ("collective_issue",),
    "collective rename": ("collective_issue",),
    "dispatch": (),
    "dispatch suggest": (),
    "dispatch batch": ("assignment", "need", "need_event"),
    "dispatch card": (),
    "volunteers": (),
    "volunteers list": (),
    "volunteers show": (),
    "volunteers import": ("volunteer",),
    "volunteers add": ("volunteer", "volunteer_skill"),
    "volunteers edit": ("volunteer", "volunteer_skill"),
    "volunteers end": ("volunteer",),
    "volunteers log": ("service_log",),
    "team": (),
    "team add": ("team",),
    "team list": (),
    "team edit": ("team",),
    "team end": ("team",),
    "pair": (),
    "pair add": ("pairing",),
    "pair end": ("pairing",),
    "pair list": (),
    "units": (),
    "units list": (),
    "units import": ("organization",),
    "units add": ("organization",),
    "units edit": ("organization",),
    "units end": ("organization",),
    "resources": (),
    "resources list": (),
    "resources add": ("resource",),
    "resources edit": ("resource",),
    "resources end": ("resource",),
    "business": (),
    "business list": (),
    "business import": ("business",),
    "business add": ("business",),
    "business edit": ("business",),
    "business end": ("business",),
    "report": ("audit_log",),
    "roster": (),
    "roster import": ("compound", "building", "household", "resident"),
    "device": (),
    "device show": (),
    "device card": (),
    "device trust": ("device", "audit_log"),
    "device list": (),
    "device revoke": ("device", "audit_log"),
    "device role": ("device", "audit_log"),
    "device rename": (),
    "device new-identity": (),
    "export": (),
    "import": (),
    "conflicts": (),
    "conflicts resolve": ("conflict",),
    "quarantine": (),
    "quarantine accept": (),
    "db": (),
    "db encrypt": (),
    "db passphrase": (),
    "audit": (),
    "audit list": (),
}
"""Every command (and command group), with the synced tables it writes (and ``device``, the
trust list): a command writing an office table is refused on a worker's laptop."""

KEYS: dict[str, tuple[str, ...]] = {
    "campaigns.activate": ("campaign",),
    "campaigns.close": ("campaign",),
    "volunteers.add": ("volunteer",),
    "volunteers.new_team": ("team",),
    "volunteer.available": ("volunteer",),
    "volunteer.edit": ("volunteer",),
    "volunteer.end": ("volunteer",),
    "volunteer.pair": ("pairing",),
    "volunteer.unpair": ("pairing",),
    "resources.agreement": ("organization",),
    "resources.new": ("resource",),
    "resources.new_unit": ("organization",),
    "resources.edit": ("resource",),
    "resources.end": ("resource",),
    "collective.meeting": ("collective_issue",),
    "collective.complete": ("collective_issue",),
    "collective.attach": ("collective_issue",),
    "collective.detach": ("collective_issue",),
    "collective.rename": ("collective_issue",),
    "needs.collective": ("collective_issue",),
    "app.audit": ("audit_log",),
}
"""Screen keys that write, by binding id, with their tables (keys not listed write only what a
worker may); ``app.audit`` opens the audit screen, which is the office's."""
OFFICE_SCREENS = frozenset({"app.audit"})


def office_only_command(path: str) -> bool:
    return office_only(COMMANDS.get(path, ()))


def office_only_key(binding_id: str) -> bool:
    return binding_id in OFFICE_SCREENS or office_only(KEYS.get(binding_id, ()))


# -- roles --------------------------------------------------------------------------------------


def my_role() -> str:
    me = Device.get_or_none(Device.is_self == True)  # noqa: E712
    return me.role if me is not None and me.role in ROLES else "office"


def is_worker_laptop() -> bool:
    return my_role() == "worker"


def role_of(device_id: str) -> str:
    """A device's role as this laptop holds it (a device it does not know: a worker)."""
    found = Device.get_or_none(Device.id == device_id)
    if found is None:
        return "worker"
    if found.is_self:
        return my_role()
    if found.role == "hub":  # a street office's hub speaks for the offices below it
        return "office"
    return found.role if found.role in ROLES else "worker"


def check_role(role: str) -> str:
    if role not in ROLES:
        raise GridError("authority.bad_role", role=role)
    return role


def require_office(what: str) -> None:
    """One sentence on a worker's laptop for a command or key that is the office's."""
    if is_worker_laptop():
        raise GridError("authority.office_only", what=what)


def offices() -> list[str]:
    """The devices this laptop trusts as the office."""
    return [
        d.id
        for d in Device.select(Device.id).where(
            (Device.is_self == False)  # noqa: E712
            & (Device.trusted == True)  # noqa: E712
            & (Device.revoked == False)  # noqa: E712
            & Device.role.in_(("office", "hub"))
        )
    ]


def take_role(signer: str, header: dict[str, Any]) -> str | None:
    """This laptop's role, as a bundle signed by a device trusted here as the office gives it;
    None when the bundle says nothing that counts."""
    me = Device.get_or_none(Device.is_self == True)  # noqa: E712
    role = (header.get("roles") or {}).get(me.id) if me is not None else None
    if role not in ROLES or role_of(signer) != "office" or role == me.role:
        return None
    Device.update(role=role).where(Device.id == me.id).execute()
    return role


# -- the import's check -------------------------------------------------------------------------


def _handovers(signer: str) -> dict[str, str]:
    """Grid id -> the stamp of the latest handover of that grid away from ``signer``, from audit
    rows written by the office (this laptop, or a device trusted here as the office)."""
    writers = {*offices(), *(d.id for d in Device.select(Device.id).where(Device.is_self == True))}  # noqa: E712
    found: dict[str, str] = {}
    query = AuditLog.select(AuditLog.target_id, AuditLog.detail, AuditLog.stamp, AuditLog.origin).where(
        live(AuditLog) & (AuditLog.action == "handover") & (AuditLog.target_table == "grid")
    )
    for grid, detail, stamp, origin in query.tuples():
        try:
            moved = json.loads(detail)
        except ValueError:
            continue
        if origin in writers and isinstance(moved, dict) and moved.get("from") == signer:
            found[grid] = max(found.get(grid, ""), stamp)
    return found


class Check:
    """The rows of one bundle held to its signer's role, grids and own writing."""

    def __init__(self, signer: str, knows: dict[str, int], *, on_purpose: bool = False) -> None:
        self.signer, self.knows = signer, knows
        self.worker = not on_purpose and role_of(signer) != "office"
        self.on_purpose = on_purpose
        self.grids: set[str] = set()
        self.handovers: dict[str, str] = {}
        if self.worker:
            self.grids = {
                g for (g,) in Grid.select(Grid.id).where(live(Grid) & (Grid.worker_device == signer)).tuples()
            }
            self.handovers = _handovers(signer)
        self.places = scope.Grids()

    def wanted(self, table: str) -> bool:
        """Whether a table's rows need looking at: every row of a worker's, audit rows of all."""
        return self.worker or (table == "audit_log" and not self.on_purpose)

    def next_table(self) -> None:
        """Rows of earlier tables were written: the grid of a row is read afresh."""
        self.places = scope.Grids()

    def reason(self, model: type[Synced], names: list[str], row: tuple, mine: tuple | None) -> str | None:
        """Why this row may not change this laptop's copy, or None."""
        table = model._meta.table_name
        winning = _winning(model, names, mine, row)
        if not winning:
            return None
        if table == "audit_log" and mine is not None:
            return "audit"
        if not self.worker:
            return None
        rule = MATRIX[table]
        if rule.kind == OFFICE:
            return "office"
        if table == "conflict" and mine is None:
            return self._conflict(dict(zip(names, row, strict=True)))
        if any(hlc.stamp_device(s) != self.signer for s in winning) or (mine is None and row[2] != self.signer):
            return "origin"
        if rule.kind == GRIDS:
            rows = [row] if mine is None else [mine, row]
            if any(not self._in_grids(table, dict(zip(names, r, strict=True)), winning) for r in rows):
                return "grid"
        return None

    def _in_grids(self, table: str, row: dict[str, Any], winning: list[str]) -> bool:
        grid = self.places.of_row(table, row)
        if grid in (scope.UNSCOPED, scope.MISSING) or grid in self.grids:
            return True
        handed = self.handovers.get(grid)
        if handed is None:
            return False
        office = hlc.stamp_device(handed)
        return self.knows.get(office, 0) < hlc.stamp_clock(handed) or all(s < handed for s in winning)

    def _conflict(self, row: dict[str, Any]) -> str | None:
        """A conflict the worker found: about a row it may write, in its grids."""
        table = row["target_table"]
        if table not in MATRIX or MATRIX[table].kind != GRIDS:
            return "office"
        found = _stored_row(table, row["target_id"])
        if found is not None and not self._in_grids(table, found, []):
            return "grid"
        return None


def _stored_row(table: str, row_id: str) -> dict[str, Any] | None:
    from gridtui.core.models import database

    cursor = database.cursor().execute(f'SELECT * FROM "{table}" WHERE "id" = ?', (row_id,))
    names = [d[0] for d in cursor.description]
    found = cursor.fetchone()
    return None if found is None else dict(zip(names, found, strict=True))


def _winning(model: type[Synced], names: list[str], mine: tuple | None, theirs: tuple) -> list[str]:
    """The stamps of ``theirs`` that would change this laptop's copy (all of them, for a row
    not here): what the sender is asking this laptop to take."""
    from gridtui.sync.merge import row_stamps

    if mine is None:
        return list(row_stamps(theirs))
    mine_stamps = json.loads(mine[4]) if mine[4] != "{}" else {}
    their_stamps = json.loads(theirs[4]) if theirs[4] != "{}" else {}
    out = [theirs[3]] if theirs[3] > mine[3] else []
    for name in ("deleted", *model.data_fields()):
        a, b = mine_stamps.get(name, mine[3]), their_stamps.get(name, theirs[3])
        if b > a:
            out.append(b)
    return out


def tables_covered() -> set[str]:
    return {m._meta.table_name for m in SYNCED_MODELS}
