"""The checklists of gridtui before forms (schema 3), as form definitions: what the migration to
schema 4 gives the campaigns and visits of an older database to point at.

Version 3 shipped four checklists as JSON (``data/legacy_checklists.json``, kept for this
alone). Their items become XLSForm items of the same names: a yes/no item is a single choice of
the ``yes_no`` list (answers ``true``/``false`` become ``"yes"``/``"no"``), a number with a range
an integer or decimal with a constraint, a text with a length limit a text with one.
"""

from __future__ import annotations

import json
from typing import Any

from gridtui import DATA_DIR

__all__ = ["LEGACY_VERSION", "legacy_definitions", "yes_no_items"]

LEGACY_VERSION = "legacy"
YES_NO = [{"name": "yes", "label": {"zh": "是", "en": "Yes"}}, {"name": "no", "label": {"zh": "否", "en": "No"}}]


def _templates() -> list[dict[str, Any]]:
    templates: list[dict[str, Any]] = json.loads((DATA_DIR / "legacy_checklists.json").read_text("utf-8"))["templates"]
    return templates


def _item(item: dict[str, Any], choices: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    kind = item["type"]
    found: dict[str, Any] = {"name": item["key"], "label": {"zh": item["zh"], "en": item["en"]}}
    if item.get("required"):
        found["required"] = "yes"
    if kind == "yesno":
        found.update(type="select_one", list="yes_no")
        choices["yes_no"] = YES_NO
    elif kind in ("choice", "multi"):
        found.update(type="select_one" if kind == "choice" else "select_multiple", list=item["key"])
        choices[item["key"]] = [{"name": c["key"], "label": {"zh": c["zh"], "en": c["en"]}} for c in item["choices"]]
    elif kind == "number":
        found["type"] = "integer" if item.get("integer") else "decimal"
        unit = item.get("unit") or {}
        if "min" in item and "max" in item:
            found["constraint"] = f". >= {item['min']} and . <= {item['max']}"
            found["constraint_message"] = {
                "zh": f"应在{item['min']}到{item['max']}{unit.get('zh', '')}之间",
                "en": f"Between {item['min']} and {item['max']} {unit.get('en', '')}".strip(),
            }
        if unit:
            found["hint"] = {"zh": f"单位：{unit['zh']}", "en": f"in {unit['en']}"}
    elif kind == "text":
        found["type"] = "text"
        if "max_length" in item:
            found["constraint"] = f"string-length(.) <= {item['max_length']}"
            found["constraint_message"] = {
                "zh": f"不超过{item['max_length']}字",
                "en": f"At most {item['max_length']} characters",
            }
    else:
        found["type"] = kind
    return found


def legacy_definitions() -> dict[str, dict[str, Any]]:
    """template key -> the form definition its items make (form key = template key)."""
    found = {}
    for template in _templates():
        choices: dict[str, list[dict[str, Any]]] = {}
        items = [_item(item, choices) for item in template["items"]]
        found[template["key"]] = {
            "format": 1,
            "form_key": template["key"],
            "version": LEGACY_VERSION,
            "default_language": "zh",
            "title": {"zh": template["zh"], "en": template["en"]},
            "groups": [],
            "items": items,
            "choices": choices,
        }
    return found


def yes_no_items() -> list[str]:
    """The answer item ids ("template:key") whose values were true/false."""
    return [f"{t['key']}:{i['key']}" for t in _templates() for i in t["items"] if i["type"] == "yesno"]
