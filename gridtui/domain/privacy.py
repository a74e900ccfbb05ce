"""Masking of ID numbers and phones, and the audited reveal.

Every list, report and export shows masked values; the full value is shown only after an
explicit reveal, and each reveal is written to the audit log (which syncs to the office), as is
every report that lists people and every act on who may sync (see :data:`ACTIONS`).
"""

from __future__ import annotations

import getpass
from datetime import date, datetime
from typing import Any

from gridtui.core import store
from gridtui.core.models import AuditLog

__all__ = ["ACTIONS", "audit_entries", "mask_id", "mask_phone", "record", "record_reveal", "who"]


def mask_id(number: str | None) -> str:
    """4104**********123X: region prefix and the last four, the birth date hidden."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """138****5678 for mobiles; landlines keep the area code and the last two digits."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    if "-" in phone:
        area, local = phone.split("-", 1)
        return f"{area}-" + "*" * max(0, len(local) - 2) + local[-2:]
    return "*" * max(0, len(phone) - 4) + phone[-4:]


def record_reveal(table: str, row_id: str, fields: str, actor: str = "", where: str = "") -> None:
    """Write one audit entry for a reveal of personal data (screen, report or export)."""
    record("reveal", table, row_id, f"{fields} {where}".strip(), actor)


ACTIONS = ("reveal", "report", "trust", "revoke", "role", "handover")
"""What the audit log records: a reveal of ID numbers or phones, a report listing people, a
device trusted, revoked or given another role, a grid handed to another worker."""


def record(action: str, table: str = "", row_id: str = "", detail: str = "", actor: str = "") -> None:
    """Append one audit entry (it travels to the office, and no one may change it there).

    Without a worker name in the settings, the entry names this laptop and its user, so the
    office can still tell who did it."""
    if not actor:
        actor = who()
    store.create(
        AuditLog, at=datetime.now(), actor=actor, action=action, target_table=table, target_id=row_id, detail=detail
    )


def who() -> str:
    """This laptop and its login name, as an audit entry names the one who acted."""
    from gridtui.core.db import self_device

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        user = "?"
    return f"{self_device().name}/{user}"


def audit_entries(
    since: date | None = None, actor: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """The audit log, newest first: from ``since`` (a day), by ``actor`` (a name, or part of
    one, as the entries name people and laptops)."""
    from gridtui.core.models import Device

    names = dict(Device.select(Device.id, Device.name).tuples())
    query = AuditLog.select().where(AuditLog.deleted == False)  # noqa: E712 - the log is never tombstoned
    if since is not None:
        query = query.where(AuditLog.at >= datetime.combine(since, datetime.min.time()))
    if actor:
        query = query.where(AuditLog.actor.contains(actor.strip()))
    query = query.order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(sep=" ", timespec="seconds"),
            "actor": e.actor,
            "action": e.action,
            "table": e.target_table,
            "target": e.target_id,
            "detail": e.detail,
            "device": names.get(e.origin, e.origin),
            "summary": _summary(e),
        }
        for e in query
    ]


def _summary(entry: AuditLog) -> str:
    """An entry's detail as people read it (a handover's JSON as "from -> to")."""
    detail = str(entry.detail)
    if entry.action != "handover":
        return detail
    import json

    try:
        moved = json.loads(detail)
        return f"{moved.get('grid', '')}: {moved.get('from_name') or '-'} -> {moved.get('to_name') or '-'}"
    except (ValueError, AttributeError):
        return detail
