"""The community's catalogs, shipped as data in ``gridtui/data`` and mirrored into local tables.

Needs (5 categories / 31 items), resources (5 / 39), register kinds, checklist templates and the
volunteer teams are data, not code: an office can read and review them as JSON, and every laptop
has the same stable keys, so records that point at them merge cleanly.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from gridtui import DATA_DIR

CATALOG_FILES = ("needs", "resources", "registers", "checklists", "teams")


def read_data(name: str) -> Any:
    """A JSON file from the package's data folder."""
    return json.loads((DATA_DIR / f"{name}.json").read_text("utf-8"))


@cache
def raw_files() -> dict[str, Any]:
    return {name: read_data(name) for name in CATALOG_FILES}


def need_categories() -> list[dict]:
    return raw_files()["needs"]["categories"]


def need_items() -> list[dict]:
    return [item for cat in need_categories() for item in cat["items"]]


def resource_categories() -> list[dict]:
    return raw_files()["resources"]["categories"]


def resource_items() -> list[dict]:
    return [item for cat in resource_categories() for item in cat["items"]]


def register_kinds() -> list[dict]:
    return raw_files()["registers"]["kinds"]


def templates() -> list[dict]:
    return raw_files()["checklists"]["templates"]


@cache
def template(key: str) -> dict:
    for tpl in templates():
        if tpl["key"] == key:
            return tpl
    raise KeyError(key)


@cache
def _checklist_items() -> dict[str, dict]:
    return {f"{tpl['key']}:{item['key']}": item for tpl in templates() for item in tpl["items"]}


def checklist_item(item_id: str) -> dict | None:
    """A checklist item by its id ("<template>:<item>"), with its type and spec keys."""
    return _checklist_items().get(item_id)


def teams() -> list[dict]:
    return raw_files()["teams"]["teams"]


ITEM_SPEC_KEYS = ("choices", "unit", "min", "max", "integer", "max_length")


def write_tables(raw: dict[str, Any]) -> None:
    """Replace the local catalog tables with the shipped data (inside the caller's transaction)."""
    from gridtui.core.dialect import put
    from gridtui.core.models import (
        ChecklistItem,
        ChecklistTemplate,
        NeedCategory,
        NeedItem,
        RegisterKind,
        ResourceCategory,
        ResourceItem,
    )

    for pos, cat in enumerate(raw["needs"]["categories"]):
        put(NeedCategory, key=cat["key"], zh=cat["zh"], en=cat["en"], position=pos)
        for ipos, item in enumerate(cat["items"]):
            put(NeedItem,
                key=item["key"], category=cat["key"], zh=item["zh"], en=item["en"],
                urgency=item.get("urgency", "normal"), position=pos * 100 + ipos,
            )
    for pos, cat in enumerate(raw["resources"]["categories"]):
        put(ResourceCategory, key=cat["key"], zh=cat["zh"], en=cat["en"], position=pos)
        for ipos, item in enumerate(cat["items"]):
            unit = item.get("unit") or {}
            put(ResourceItem,
                key=item["key"], category=cat["key"], zh=item["zh"], en=item["en"],
                unit_zh=unit.get("zh", ""), unit_en=unit.get("en", ""),
                serves=item.get("serves", []), position=pos * 100 + ipos,
            )
    for pos, kind in enumerate(raw["registers"]["kinds"]):
        put(RegisterKind,
            key=kind["key"], zh=kind["zh"], en=kind["en"], group=kind["group"],
            target=kind["target"], flag=kind.get("flag"), position=pos,
        )
    for pos, tpl in enumerate(raw["checklists"]["templates"]):
        put(ChecklistTemplate,
            key=tpl["key"], zh=tpl["zh"], en=tpl["en"], target=tpl["target"], position=pos
        )
        for ipos, item in enumerate(tpl["items"]):
            put(ChecklistItem,
                id=f"{tpl['key']}:{item['key']}", template=tpl["key"], key=item["key"],
                zh=item["zh"], en=item["en"], type=item["type"],
                required=bool(item.get("required", False)),
                spec={k: item[k] for k in ITEM_SPEC_KEYS if k in item}, position=ipos,
            )
