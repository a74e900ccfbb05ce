"""The community's catalogs, shipped as data in ``gridtui/data`` and mirrored into local tables.

Needs (5 categories / 31 items), resources (5 / 39), register kinds and the volunteer teams are
data, not code: an office can read and review them as JSON, and every laptop
has the same stable keys, so records that point at them merge cleanly.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from gridtui import DATA_DIR

CATALOG_FILES = ("needs", "resources", "registers", "teams")
"""Checklists are not catalogs any more: they are forms the office writes (gridtui.forms), stored
in the database and synced; the built-in ones are XLSForm workbooks in the top-level data/."""


def read_data(name: str) -> Any:
    """A JSON file from the package's data folder."""
    return json.loads((DATA_DIR / f"{name}.json").read_text("utf-8"))


@cache
def raw_files() -> dict[str, Any]:
    return {name: read_data(name) for name in CATALOG_FILES}


def need_categories() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = raw_files()["needs"]["categories"]
    return found


def need_items() -> list[dict[str, Any]]:
    return [item for cat in need_categories() for item in cat["items"]]


def resource_categories() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = raw_files()["resources"]["categories"]
    return found


def resource_items() -> list[dict[str, Any]]:
    return [item for cat in resource_categories() for item in cat["items"]]


def register_kinds() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = raw_files()["registers"]["kinds"]
    return found


def teams() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = raw_files()["teams"]["teams"]
    return found


def write_tables(raw: dict[str, Any]) -> None:
    """Replace the local catalog tables with the shipped data (inside the caller's transaction)."""
    from gridtui.core.dialect import put
    from gridtui.core.models import (
        NeedCategory,
        NeedItem,
        RegisterKind,
        ResourceCategory,
        ResourceItem,
    )

    for pos, cat in enumerate(raw["needs"]["categories"]):
        put(NeedCategory, key=cat["key"], zh=cat["zh"], en=cat["en"], position=pos)
        for ipos, item in enumerate(cat["items"]):
            put(
                NeedItem,
                key=item["key"],
                category=cat["key"],
                zh=item["zh"],
                en=item["en"],
                urgency=item.get("urgency", "normal"),
                position=pos * 100 + ipos,
            )
    for pos, cat in enumerate(raw["resources"]["categories"]):
        put(ResourceCategory, key=cat["key"], zh=cat["zh"], en=cat["en"], position=pos)
        for ipos, item in enumerate(cat["items"]):
            unit = item.get("unit") or {}
            put(
                ResourceItem,
                key=item["key"],
                category=cat["key"],
                zh=item["zh"],
                en=item["en"],
                unit_zh=unit.get("zh", ""),
                unit_en=unit.get("en", ""),
                serves=item.get("serves", []),
                position=pos * 100 + ipos,
            )
    for pos, kind in enumerate(raw["registers"]["kinds"]):
        put(
            RegisterKind,
            key=kind["key"],
            zh=kind["zh"],
            en=kind["en"],
            group=kind["group"],
            target=kind["target"],
            flag=kind.get("flag"),
            position=pos,
        )
