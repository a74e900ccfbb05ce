"""Schema 5 (a real community's registers) on new databases and by migration from 4."""

from __future__ import annotations

import sqlite3

from gridtui.core import store
from gridtui.core.db import SCHEMA_VERSION, close_database, open_database
from gridtui.core.models import Grid, Pairing, ResidentEvent, Volunteer

NEW_COLUMNS = {"grid": "worker_device", "volunteer": "id_number", "pairing": "until"}


def columns(path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}


def downgrade_to_v4(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute('DROP TABLE "resident_event"')
    conn.execute('DROP INDEX "volunteer_id_number"')
    for table, column in (*NEW_COLUMNS.items(), ("volunteer", "ended_on")):
        conn.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()


def test_a_version_4_database_gains_the_registers_and_keeps_its_rows(place, db_path):
    volunteer = store.create(Volunteer, name="王芳", phone="13812345678")
    close_database()
    downgrade_to_v4(db_path)
    assert "worker_device" not in columns(db_path, "grid")

    open_database(db_path)
    assert SCHEMA_VERSION >= 5
    for table, column in NEW_COLUMNS.items():
        assert column in columns(db_path, table), (table, column)
    kept = Volunteer.get_by_id(volunteer.id)
    assert (kept.name, kept.phone, kept.id_number, kept.ended_on) == ("王芳", "13812345678", "", None)
    assert Grid.get_by_id(place["grid"].id).worker_device == ""
    assert ResidentEvent.select().count() == 0 and Pairing.select().count() == 0
    store.update(Volunteer, volunteer.id, id_number="11010519491231002X")
    assert Volunteer.get_by_id(volunteer.id).id_number == "11010519491231002X"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
