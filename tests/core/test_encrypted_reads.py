"""Reading an encrypted database gives the rows a plain one gives: LIMIT and OFFSET are written
into the statement for SQLCipher's SQLite (which re-prepares a statement whenever a bound LIMIT
changes hands), and what comes back is the same page of rows."""

from __future__ import annotations

import pytest

from gridtui.core import store, unlock
from gridtui.core.db import close_database, open_database
from gridtui.core.models import Community, _fixed_limit, database


@pytest.mark.parametrize(
    ("sql", "params", "expected"),
    [
        (
            "SELECT a FROM t WHERE b = ? LIMIT ? OFFSET ?",
            ("x", 5, 10),
            ("SELECT a FROM t WHERE b = ? LIMIT 5 OFFSET 10", ("x",)),
        ),
        ("SELECT a FROM t WHERE b = ? LIMIT ?", ["x", 1], ("SELECT a FROM t WHERE b = ? LIMIT 1", ["x"])),
        ("SELECT a FROM t WHERE b = ? LIMIT ?", ["x", "1; DROP TABLE t"], None),  # only numbers go in
        ("SELECT a FROM t LIMIT ?", [True], None),
        ("SELECT a FROM t WHERE b = ?", ["x"], None),
        ("SELECT a FROM (SELECT a FROM t LIMIT ?) WHERE b = ?", [3, "x"], None),  # not the statement's end
        (  # named: anywhere, as a search's subquery has it
            "SELECT a FROM (SELECT a FROM t WHERE b = :b LIMIT :limit) m ORDER BY a",
            {"b": "x", "limit": 50},
            ("SELECT a FROM (SELECT a FROM t WHERE b = :b LIMIT 50) m ORDER BY a", {"b": "x"}),
        ),
        (
            "SELECT a FROM t LIMIT :limit OFFSET :offset",
            {"limit": 50, "offset": 100},
            ("SELECT a FROM t LIMIT 50 OFFSET 100", {}),
        ),
        ("SELECT a FROM t LIMIT :limit", {"limit": "1; DROP TABLE t"}, None),
        ("SELECT a FROM t WHERE n < :limit LIMIT :limit", {"limit": 5}, None),  # used elsewhere: stays bound
        ("SELECT a FROM t WHERE b = :b", {"b": 1}, None),
    ],
)
def test_only_a_numeric_limit_is_written_in(sql, params, expected):
    assert _fixed_limit(sql, params) == (expected or (sql, params))


@pytest.mark.parametrize("encrypted", [False, True])
def test_pages_of_rows_are_the_same_encrypted_or_not(tmp_path, encrypted):
    cipher = unlock.new_key("a passphrase for the test") if encrypted else None
    open_database(tmp_path / "grid.db", cipher=cipher)
    try:
        for n in range(12):
            store.create(Community, name=f"社区{n:02d}")
        names = [c.name for c in Community.select().order_by(Community.name)]
        pages = [
            [c.name for c in Community.select().order_by(Community.name).limit(5).offset(start)] for start in (0, 5, 10)
        ]
        assert pages == [names[0:5], names[5:10], names[10:12]]
        assert Community.select().order_by(Community.name.desc()).first().name == "社区11"
        assert Community.get_or_none(Community.name == "社区07").name == "社区07"
        named = "SELECT name FROM (SELECT name FROM community ORDER BY name LIMIT :limit OFFSET :offset) ORDER BY name"
        for start in (0, 5, 10):
            rows = database.execute_sql(named, {"limit": 5, "offset": start}).fetchall()
            assert [r[0] for r in rows] == names[start : start + 5]
    finally:
        close_database()
