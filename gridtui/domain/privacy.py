"""Masking of ID numbers and phones, and the audited reveal.

Every list, report and export shows masked values; the full value is shown only after an
explicit reveal, and each reveal is written to the audit log (which syncs to the office).
"""

from __future__ import annotations

import getpass
from datetime import datetime

from gridtui.core import store
from gridtui.core.models import AuditLog

__all__ = ["mask_id", "mask_phone", "record_reveal"]


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
    """Write one audit entry for a reveal of personal data (screen, report or export).

    Without a worker name in the settings, the entry names this laptop and its user, so the
    office can still tell who saw the numbers."""
    if not actor:
        from gridtui.core.db import self_device

        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no login name in a bare container
            user = "?"
        actor = f"{self_device().name}/{user}"
    store.create(
        AuditLog, at=datetime.now(), actor=actor, action="reveal", target_table=table,
        target_id=row_id, detail=f"{fields} {where}".strip(),
    )
