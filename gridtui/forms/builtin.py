"""The checklists gridtui ships: XLSForm workbooks in the top-level ``data/checklists`` folder
(in the wheel, ``gridtui/checklists``), read like any office's workbook."""

from __future__ import annotations

from pathlib import Path

__all__ = ["KEYS", "workbook"]

KEYS = ("door_to_door", "drowning_prevention", "chronic_followup", "business_safety")


def _folder() -> Path:
    package = Path(__file__).resolve().parents[1]
    inside = package / "checklists"  # an installed wheel
    return inside if inside.is_dir() else package.parent / "data" / "checklists"  # the source tree


def workbook(key: str) -> Path:
    """The workbook of a shipped checklist (``door_to_door``, ``business_safety``...)."""
    if key not in KEYS:
        raise KeyError(key)
    return _folder() / f"{key}.xlsx"
