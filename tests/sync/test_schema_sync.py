"""The sync tables on new databases, by migration from 2 (schema 3), and schema 4's
acknowledgement bookkeeping by migration from 3, each in one transaction."""

from __future__ import annotations

import sqlite3

from gridtui.core.db import SCHEMA_VERSION, close_database, open_database

SYNC_TABLES = {"conflict", "sync_peer", "held_row"}
PEER_COLUMNS = {"device", "known_clock", "received_seq", "acked_seq", "echo", "scopes"}


def tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def peer_columns(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute('PRAGMA table_info("sync_peer")')}


def version(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def test_new_database_has_the_sync_tables(tmp_path):
    open_database(tmp_path / "new.db")
    close_database()
    assert SYNC_TABLES <= tables(tmp_path / "new.db")
    assert peer_columns(tmp_path / "new.db") == PEER_COLUMNS
    assert SCHEMA_VERSION >= 7


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
    assert version(path) == SCHEMA_VERSION
    with sqlite3.connect(path) as conn:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "conflict_target_table_target_id" in indexes


def test_a_version_3_database_starts_its_acknowledgements_afresh(tmp_path):
    """Version 3 kept what was sent, which says nothing of what arrived: that starts afresh, so
    the next bundles carry everything; the newest clock seen of a device stays its knowledge."""
    path = tmp_path / "v3.db"
    open_database(path)
    close_database()
    conn = sqlite3.connect(path)
    conn.execute('DROP TABLE "sync_peer"')
    conn.execute(
        'CREATE TABLE "sync_peer" ("device" VARCHAR(32) NOT NULL PRIMARY KEY, '
        '"sent_seq" INTEGER NOT NULL, "seen_clock" INTEGER NOT NULL)'
    )
    conn.execute("INSERT INTO sync_peer VALUES ('ab12', 40, 99)")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    open_database(path)
    close_database()
    assert version(path) == SCHEMA_VERSION and peer_columns(path) == PEER_COLUMNS
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT device, known_clock, received_seq, acked_seq, echo FROM sync_peer").fetchall() == [
            ("ab12", 99, 0, 0, "[]")
        ]
