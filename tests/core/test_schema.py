"""The database file: pragmas, migration up, and refusing what is not ours without touching it."""

from __future__ import annotations

import hashlib
import os
import sqlite3

import pytest

from gridtui.core import db as core_db
from gridtui.core import store
from gridtui.core.db import SCHEMA_VERSION, close_database, open_database
from gridtui.core.models import Resident
from gridtui.errors import GridError

V2_INDEXES = ("building_grid_walk", "resident_household_id")


def pragma(database, name):
    return database.execute_sql(f"PRAGMA {name}").fetchone()[0]


def test_new_database_has_version_and_pragmas(db):
    assert pragma(db, "user_version") == SCHEMA_VERSION
    assert pragma(db, "journal_mode") == "wal"
    assert pragma(db, "foreign_keys") == 1
    assert pragma(db, "synchronous") == 1
    assert pragma(db, "busy_timeout") == 5000


def indexes(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def downgrade_to_v1(path) -> None:
    conn = sqlite3.connect(path)
    for name in V2_INDEXES:
        conn.execute(f'DROP INDEX "{name}"')
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_version_1_database_is_migrated_and_keeps_its_rows(place, db_path):
    resident = store.create(Resident, household=place["household"].id, name="张爱琴", phone="13812345678")
    close_database()
    downgrade_to_v1(db_path)
    assert not set(V2_INDEXES) & indexes(db_path)

    database = open_database(db_path)
    assert pragma(database, "user_version") == SCHEMA_VERSION
    assert set(V2_INDEXES) <= indexes(db_path)
    kept = Resident.get_by_id(resident.id)
    assert (kept.name, kept.phone, kept.stamp, kept.seq) == ("张爱琴", "13812345678", resident.stamp, resident.seq)


def test_a_failing_migration_leaves_the_old_version(place, db_path, monkeypatch):
    close_database()
    downgrade_to_v1(db_path)

    def broken(database):
        core_db._migrate_1_to_2(database)
        database.execute_sql("SELECT * FROM no_such_table")

    monkeypatch.setitem(core_db.MIGRATIONS, 1, broken)
    with pytest.raises(GridError):
        open_database(db_path)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert not set(V2_INDEXES) & indexes(db_path)


# -- files that are refused untouched ------------------------------------------------------------


def newer_gridtui_db(path):
    open_database(path)
    close_database()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


def negative_version_db(path):
    """A damaged header: the 4 bytes of user_version read as a negative number."""
    open_database(path)
    close_database()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = -2147483645")
    conn.close()


def random_bytes(path):
    path.write_bytes(os.urandom(4000))


def random_pages(path):
    """Whole pages of random bytes: to anyone without a passphrase, an encrypted database."""
    path.write_bytes(os.urandom(4096))


def foreign_sqlite(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO recipes (name) VALUES ('饺子')")
    conn.commit()
    conn.close()


def fingerprint(path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def side_files(path):
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


@pytest.mark.parametrize(
    ("make", "key", "words"),
    [
        (newer_gridtui_db, "db.newer_schema", {"zh": "更新版本", "en": "newer gridtui"}),
        (random_bytes, "db.not_gridtui", {"zh": "不是 gridtui 数据库", "en": "not a gridtui database"}),
        (random_pages, "unlock.needed", {"zh": "不是未加密的 gridtui 数据库", "en": "not a plain gridtui database"}),
        (negative_version_db, "db.not_gridtui", {"zh": "不是 gridtui 数据库", "en": "not a gridtui database"}),
        (foreign_sqlite, "db.not_gridtui", {"zh": "不是 gridtui 数据库", "en": "not a gridtui database"}),
    ],
    ids=["newer-schema", "random-bytes", "random-pages", "negative-version", "foreign-sqlite"],
)
def test_refused_files_are_left_untouched(tmp_path, run_gridtui, make, key, words):
    path = tmp_path / "files" / "their.db"
    path.parent.mkdir()
    make(path)
    assert side_files(path) == []
    before = fingerprint(path)

    with pytest.raises(GridError) as err:
        open_database(path)
    assert err.value.key == key
    for lang in ("zh", "en"):
        done = run_gridtui("stats", "--db", path, "--lang", lang)
        assert done.returncode == 1
        assert done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert words[lang] in done.stderr
        assert "Traceback" not in done.stderr

    assert fingerprint(path) == before
    assert side_files(path) == []
