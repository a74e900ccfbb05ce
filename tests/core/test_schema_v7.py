"""Schema 7 (who may change what) by migration from 6: this laptop the office, its peers workers."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from gridtui.core.db import SCHEMA_VERSION, close_database, open_database
from gridtui.core.models import Device, HeldRow, SyncPeer

NEW_COLUMNS = {"device": "role", "held_row": "reason", "sync_peer": "scopes"}


def columns(path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}


def test_a_version_6_database_gains_roles_and_keeps_its_peers(db_path):
    open_database(db_path)
    Device.create(id="0123456789abcdef", name="office", trusted=True, added_at=datetime(2026, 7, 1))
    SyncPeer.create(device="0123456789abcdef", acked_seq=5)
    HeldRow.create(
        target_table="resident", target_id="x", data={}, sender="0123456789abcdef", received_at=datetime(2026, 7, 1)
    )
    close_database()
    conn = sqlite3.connect(db_path)
    for table, column in NEW_COLUMNS.items():
        conn.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()
    assert "role" not in columns(db_path, "device")

    open_database(db_path)
    roles = {d.name: (d.is_self, d.role) for d in Device.select()}
    assert roles["office"] == (False, "worker")  # a peer: a worker until said otherwise
    assert [role for is_self, role in roles.values() if is_self] == ["office"]  # this laptop
    assert SyncPeer.get(SyncPeer.device == "0123456789abcdef").scopes == []
    assert HeldRow.get().reason == "future"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
