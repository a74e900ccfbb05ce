"""Catalogs and strings as data: the article's counts, a complete string catalog. (The shipped
checklists are forms now: tests/forms/test_builtin_forms.py.)"""

from __future__ import annotations

import ast
import json
import string
from importlib import resources
from pathlib import Path

from gridtui.core import catalogs, validate

PACKAGE = Path(__file__).resolve().parents[2] / "gridtui"


def test_need_and_resource_catalogs_match_the_article():
    assert len(catalogs.need_categories()) == 5
    assert len(catalogs.need_items()) == 31
    assert len(catalogs.resource_categories()) == 5
    assert len(catalogs.resource_items()) == 39


def test_catalog_keys_are_unique_and_named_in_both_languages():
    for entries in (
        catalogs.need_categories(),
        catalogs.need_items(),
        catalogs.resource_categories(),
        catalogs.resource_items(),
        catalogs.register_kinds(),
        catalogs.teams(),
    ):
        keys = [e["key"] for e in entries]
        assert len(keys) == len(set(keys))
        assert all(e["zh"].strip() and e["en"].strip() for e in entries)


def test_register_kinds_are_the_five_ledgers_and_six_care_groups():
    kinds = catalogs.register_kinds()
    assert len(kinds) == 11
    assert [k["group"] for k in kinds].count("ledger") == 5
    assert [k["group"] for k in kinds].count("care") == 6


# -- the string catalog -----------------------------------------------------------------------------


def string_files() -> dict[str, dict]:
    """Every strings/*.json, read so that a key repeated inside one file is noticed."""

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"repeated keys: {sorted(k for k in keys if keys.count(k) > 1)}"
        return dict(pairs)

    folder = resources.files("gridtui") / "data" / "strings"
    return {
        entry.name: json.loads(entry.read_text("utf-8"), object_pairs_hook=no_duplicates)
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }


def merged_catalog() -> dict[str, dict]:
    merged = {}
    for entries in string_files().values():
        merged.update(entries)
    return merged


def placeholders(text: str) -> set[str]:
    """Field names; an English plural ``{count|household}`` counts as ``count``."""
    return {name.split("|")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_string_has_zh_and_en_with_the_same_placeholders():
    for name, entries in string_files().items():
        for key, entry in entries.items():
            assert isinstance(entry.get("zh"), str) and entry["zh"].strip(), f"{name}: {key} zh"
            assert isinstance(entry.get("en"), str) and entry["en"].strip(), f"{name}: {key} en"
            assert placeholders(entry["zh"]) == placeholders(entry["en"]), f"{name}: {key}"


def test_english_counts_agree_with_their_number():
    from gridtui.i18n import t

    assert t("needs.board.count", lang="en", count=1) == "1 need"
    assert t("needs.board.count", lang="en", count=0) == "0 needs"
    assert t("businesses.walk.count", lang="en", count=2) == "2 businesses"
    summary = t(
        "roster.summary",
        lang="en",
        rows=1,
        good=1,
        bad=0,
        compounds=1,
        buildings=2,
        households=1,
        residents=3,
        registers=1,
        updated=0,
        unchanged=0,
    )
    assert "Created 1 compound, 2 buildings, 1 household, 3 residents, 1 register entry;" in summary
    assert t("needs.board.count", lang="zh", count=1) == "共 1 条"
    assert t("office.dashboard.days", lang="en", days="1") == "1 day"  # a number already formatted
    assert t("office.dashboard.days", lang="en", days="1,000") == "1,000 days"


def test_no_key_is_defined_in_two_string_files():
    seen: dict[str, str] = {}
    for name, entries in sorted(string_files().items()):
        for key in entries:
            assert key not in seen, f"{key} is in both {seen[key]} and {name}"
            seen[key] = name


def used_keys() -> set[tuple[str, str]]:
    """(file, key) for every literal catalog key in the package's source."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            position = {"t": 0, "GridError": 0, "ValidationError": 1}.get(name)
            if position is None or len(node.args) <= position:
                continue
            if name == "t" and any(k.arg == "default" for k in node.keywords):
                continue  # a key allowed to be missing, with its own fallback
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add((path.relative_to(PACKAGE).as_posix(), arg.value))
    return found


def test_every_key_used_in_the_source_exists():
    catalog = merged_catalog()
    missing = sorted(f"{file}: {key}" for file, key in used_keys() if key not in catalog)
    assert missing == []


def test_every_validated_field_has_a_label():
    """A message names its field in the user's language, so every field name needs a label."""
    source = Path(validate.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    fields = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ValidationError":
            if node.args and isinstance(node.args[0], ast.Constant):
                fields.add(node.args[0].value)
        if isinstance(node, ast.arguments):  # def phone(value, field="phone")
            names = [a.arg for a in node.args[-len(node.defaults) :]] if node.defaults else []
            fields |= {
                d.value
                for n, d in zip(names, node.defaults, strict=True)
                if n == "field" and isinstance(d, ast.Constant)
            }
    fields |= {label for rules in validate.FIELD_RULES.values() for label, _rule in rules.values()}
    catalog = merged_catalog()
    assert sorted(f for f in fields if f"field.{f}" not in catalog) == []
