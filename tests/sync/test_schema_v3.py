"""Schema 3 (sync tables) on new databases and by migration from 2, in one transaction."""

from __future__ import annotations

import sqlite3

from gridtui.core.db import SCHEMA_VERSION, close_database, open_database

SYNC_TABLES = {"conflict", "sync_peer", "held_row"}


def tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_new_database_has_the_sync_tables(tmp_path):
    open_database(tmp_path / "new.db")
    close_database()
    assert SYNC_TABLES <= tables(tmp_path / "new.db")
    assert SCHEMA_VERSION >= 3  # sync came with version 3


def test_a_version_2_database_gains_them(tmp_path):
    path = tmp_path / "old.db"
    open_database(path)
    close_database()
    conn = sqlite3.connect(path)
    for name in SYNC_TABLES:
        conn.execute(f'DROP TABLE "{name}"')
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    open_database(path)
    close_database()
    assert SYNC_TABLES <= tables(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "conflict_target_table_target_id" in indexes
