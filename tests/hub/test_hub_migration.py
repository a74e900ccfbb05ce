"""The hub's schema step (7) on a file and on a hub: an older database brought up to date in place, a newer one
refused untouched, and a community's shared id replaced by its own only when its office first
sends to a hub."""

from __future__ import annotations

import re

import pytest

from gridtui.core import dialect
from gridtui.core.db import SCHEMA_VERSION, close_database, open_database
from gridtui.core.models import Community, Compound, Device, DeviceCommunity, Grid, database
from gridtui.domain import places
from gridtui.errors import GridError

from .conftest import dump, make_site, trust_each_other


def _set_version(version: int) -> None:
    with dialect.write_transaction():
        dialect.set_schema_version(version)


def test_the_version_before_gains_the_hub_tables_and_keeps_its_rows(new_database):
    where = new_database("old")
    open_database(where)
    places.set_community("湖光社区")
    places.add_grid("01", "第1网格")
    before = dump()
    with dialect.write_transaction():
        database.execute_sql(f'DROP TABLE "{DeviceCommunity._meta.table_name}"')
        database.execute_sql('ALTER TABLE "device" DROP COLUMN "role"')
        dialect.set_schema_version(6)  # the version before the hub's step
    close_database()
    open_database(where)
    assert dialect.schema_version() == SCHEMA_VERSION
    assert "role" in {c.name for c in database.get_columns("device")}
    assert DeviceCommunity.select().count() == 0 and Device.select().count() == 1
    assert dump() == before


def test_a_newer_database_is_refused_and_left_as_it_was(new_database):
    where = new_database("newer")
    open_database(where)
    places.set_community("湖光社区")
    _set_version(SCHEMA_VERSION + 1)
    before = dump()
    close_database()
    with pytest.raises(GridError) as refused:
        open_database(where)
    assert refused.value.key == "db.newer_schema"
    if dialect.is_url(str(where)):
        open_database_unchecked(where)
    else:
        import sqlite3

        with sqlite3.connect(where) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        return
    assert dialect.schema_version() == SCHEMA_VERSION + 1 and dump() == before


def open_database_unchecked(url: str) -> None:
    """The hub's connection without the version check, to look at what the refusal left."""
    hub = dialect.HubDatabase(url)
    database.initialize(hub)
    hub.connect()


def test_an_office_takes_its_own_community_id_when_it_first_sends_to_a_hub(tmp_path, new_database):
    office = make_site("office", tmp_path / "office.db", tmp_path)
    laptop = make_site("laptop", tmp_path / "laptop.db", tmp_path)
    hub = make_site("hub", new_database("hub"), tmp_path, hub=True)
    trust_each_other(office, laptop, hub)
    office.become()
    assert places.set_community("湖光社区") == places.LEGACY_COMMUNITY_ID
    places.add_grid("01", "第1网格")
    laptop.import_(office.export(tmp_path / "first.bundle", laptop))
    hub.import_(office.export(tmp_path / "up.bundle", hub))
    office.become()
    own = places.own_community_id()
    assert own not in (None, places.LEGACY_COMMUNITY_ID)
    assert {g.community_id for g in Grid.select()} == {own}
    hub.become()
    assert [c.id for c in Community.select()] == [own]  # the old shared row stays below the hub
    laptop.import_(office.export(tmp_path / "second.bundle", laptop))
    laptop.become()
    assert places.own_community_id() == own and {g.community_id for g in Grid.select()} == {own}
    assert Compound.select().where(Compound.community == places.LEGACY_COMMUNITY_ID).count() == 0
    close_database()


def test_the_version_before_gains_the_bounded_read_indexes_and_keeps_its_rows(new_database):
    where = new_database("v8")
    open_database(where)
    places.set_community("湖光社区")
    places.add_grid("01", "第1网格")
    before = dump()
    names = [re.search(r'INDEX IF NOT EXISTS "([a-z_]+)"', ddl).group(1) for ddl in dialect.BOUNDED_READ_INDEXES]
    with dialect.write_transaction():
        for name in names:
            database.execute_sql(f'DROP INDEX "{name}"')
        dialect.set_schema_version(8)  # the version before the bounded reads
    close_database()
    open_database(where)
    assert dialect.schema_version() == SCHEMA_VERSION
    held = {name for table in ("household", "resident") for name, _sql in dialect.indexes(table)}
    assert set(names) <= held and len(names) == 5
    assert dump() == before


def test_a_hub_gains_its_own_indexes_and_statistics_as_it_opens_and_a_file_never_has_them(new_database, backend):
    where = new_database("hub")
    open_database(where)
    places.set_community("湖光社区")
    before = dump()
    with dialect.write_transaction():
        for name in dialect.HUB_INDEXES:
            database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    close_database()
    open_database(where)
    held = {name for table in ("building", "resident") for name, _sql in dialect.indexes(table)}
    assert held & set(dialect.HUB_INDEXES) == (set(dialect.HUB_INDEXES) if backend == "postgres" else set())
    assert len(dialect.HUB_INDEXES) == 3
    if backend == "postgres":  # and the prefixes a keystroke walks are planned from a larger sample
        targets = {
            database.execute_sql(
                "SELECT attstattarget FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s",
                (f'"{table}"', column),
            ).fetchone()[0]
            for table, column in dialect.PREFIXED
        }
        assert targets == {dialect.PREFIX_STATISTICS}
    assert dialect.schema_version() == SCHEMA_VERSION and dump() == before
