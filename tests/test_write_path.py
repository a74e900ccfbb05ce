"""Nothing but gridtui.core.store writes synced rows: a static check over the whole package.

The models refuse peewee writes at run time (WriteOutsideStore); this check also catches raw
SQL writes and code paths no test happens to run. It reads the source with ``ast``, so a
``dict.update`` or ``str.replace`` does not trip it: model-only verbs are flagged only on a
synced model's name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gridtui.core.models import SYNCED_MODELS

PACKAGE = Path(__file__).resolve().parents[1] / "gridtui"
ALLOWED = {
    "core/store.py",
    "core/db.py",
    "core/catalogs.py",
    "core/dialect.py",
}  # dialect: the meta upsert both databases take
"""The write path itself, and the opening of the database (local tables, migrations)."""

SYNCED_NAMES = {m.__name__ for m in SYNCED_MODELS}
ON_MODEL = {"insert", "update", "create", "replace", "replace_many", "get_or_create", "delete"}
"""Verbs too common elsewhere (dict.update, str.replace) to flag unless called on a synced model."""
BULK = {"insert_many", "insert_from", "bulk_create", "bulk_update"}
"""Peewee's bulk writes: flagged on any receiver but the store module itself."""
SQL_CALLS = {"execute_sql", "execute", "executemany", "executescript"}
SQL_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _leading_text(node: ast.AST, names: dict[str, str]) -> str | None:
    """The literal text an SQL argument starts with, if the source shows it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        return _leading_text(node.values[0], names)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _leading_text(node.left, names)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _leading_text(node.func.value, names)
    if isinstance(node, ast.Name):
        return names.get(node.id)
    return None


def violations(source: str, filename: str = "<source>") -> list[str]:
    """Every direct write to a synced table in ``source``, as ``file:line: what``."""
    tree = ast.parse(source, filename)
    strings: dict[str, str] = {}
    for node in ast.walk(tree):  # sql = "INSERT ..."; cursor.execute(sql)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            text = _leading_text(node.value, strings)
            if text is not None:
                strings[node.targets[0].id] = text
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        verb, receiver = node.func.attr, node.func.value
        if isinstance(receiver, ast.Call) and getattr(receiver.func, "id", None) == "super":
            continue  # a model's own guarded override handing on to peewee
        name = receiver.id if isinstance(receiver, ast.Name) else None
        bad = (
            (verb in ON_MODEL and name in SYNCED_NAMES)
            or (verb in BULK and name != "store")
            or verb == "delete_instance"
            or (verb == "save" and not node.args and name not in ("self", "cls"))
        )
        if not bad and verb in SQL_CALLS and node.args:
            text = _leading_text(node.args[0], strings)
            bad = text is not None and text.lstrip(" \n\t(").upper().startswith(SQL_WRITES)
        if bad:
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node.func)}(...)")
    return found


def test_only_the_store_writes_synced_tables():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative not in ALLOWED:
            found += violations(path.read_text(encoding="utf-8"), f"gridtui/{relative}")
    assert found == [], "write through gridtui.core.store instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "planted",
    [
        "Resident.create(name='x')",
        "Household.insert(door='1').execute()",
        "Visit.update(outcome='done').where(Visit.id == vid).execute()",
        "Need.replace(id='n', status='open').execute()",
        "Community.delete().execute()",
        "Answer.insert_many(rows).execute()",
        "Resident.bulk_create(rows)",
        "Model.bulk_update(rows, fields=['name'])",
        "row.save()",
        "row.save(only=[Resident.name])",
        "row.delete_instance()",
        "database.execute_sql('INSERT INTO resident (id) VALUES (?)', (rid,))",
        "database.execute_sql(' update household set status = ?', ('vacant',))",
        "cursor.executemany(f'DELETE FROM visit WHERE id = {x}', rows)",
        "cursor.execute('REPLACE INTO need VALUES (?)'.format(), ())",
        "sql = 'INSERT INTO answer VALUES (?)'\ncursor.executemany(sql, rows)",
    ],
)
def test_the_check_catches_a_planted_write(planted):
    assert len(violations(planted)) == 1, planted


def test_the_check_leaves_ordinary_code_alone():
    source = """
counts = {}
counts.update(a=1)
text = "a-b".replace("-", "")
workbook.save(path)
self.save()
store.create(Resident, name="x")
store.update(Resident, rid, phone="13812345678")
store.bulk_create(Visit, rows)
database.execute_sql("SELECT COUNT(*) FROM resident")
cursor.execute("PRAGMA user_version")
Meta.replace(key="k", value="v").execute()
"""
    assert violations(source) == []
