"""Rows that arrive by a merge are found through the search indexes, on a file and on the hub,
and a name changed by a later bundle is found by its new words only."""

from __future__ import annotations

import pytest

from gridtui.core import store
from gridtui.core.models import Building, Community, Compound, Household, Resident
from gridtui.domain import households, search

from .conftest import make_site, trust_each_other


def ids(query: str) -> list[str | None]:
    return [h.resident_id for h in search.search(query)]


def test_merged_residents_are_found_and_a_merged_rename_moves_them(tmp_path, new_database):
    office = make_site("office", tmp_path / "office.db", tmp_path)
    hub = make_site("hub", new_database("hub"), tmp_path, hub=True)
    trust_each_other(office, hub)
    office.become()
    community = store.create(Community, name="湖光社区")
    compound = store.create(Compound, community=community.id, name="凤飞园")
    building = store.create(Building, compound=compound.id, number="3")
    home = store.create(
        Household, building=building.id, unit=2, floor=5, door="501", address="凤飞园3栋2单元501", addr_key="3-2-501"
    )
    person = store.create(Resident, household=home.id, name="欧阳娜娜", phone="13700004321").id
    hub.import_(office.export(tmp_path / "first.bundle", hub))
    assert person in ids("yangna") and person in ids("阳娜") and person in ids("4321")
    assert home.id in [h.household_id for h in search.search("飞园3栋")]
    office.become()
    households.update_resident(person, name="欧阳丽丽", phone="13700009876")
    hub.import_(office.export(tmp_path / "second.bundle", hub))
    assert person not in ids("yangna") and person not in ids("4321")
    assert person in ids("yangli") and person in ids("阳丽") and person in ids("9876")


@pytest.mark.parametrize("backend", ["postgres"])
def test_an_import_that_makes_statistics_stale_gathers_them_and_a_small_one_does_not(new_database):
    """Right after twenty communities arrive the hub must not plan over tables it thinks empty,
    small ones (1,380 buildings) included."""
    from gridtui.core import dialect
    from gridtui.core.db import close_database, open_database
    from gridtui.core.models import database

    open_database(new_database("hub"))
    try:

        def analyzed(table: str) -> bool:
            return database.execute_sql(
                "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s", (table,)
            ).fetchone()[0]

        dialect.after_bulk_write({"building": dialect.STALE_ROWS})
        assert not analyzed("building")
        dialect.after_bulk_write({"building": 1380, "visit": dialect.STALE_ROWS + 1, "grid": 3})
        assert analyzed("building") and analyzed("visit") and not analyzed("grid")
        assert database.execute_sql("SHOW jit").fetchone()[0] == "off"  # see HubDatabase._connect
    finally:
        close_database()


def test_pg_trgm_makes_chinese_trigrams_on_the_test_server(backend, new_database):
    """The hub's address index needs a UTF-8 character type; the throwaway server has one."""
    from gridtui.core import dialect
    from gridtui.core.db import close_database, open_database

    open_database(new_database("hub"))
    try:
        names = {name for name, _sql in dialect.indexes("household")}
        assert ("household_address_trgm" in names) == (backend == "postgres")
    finally:
        close_database()


def test_a_single_character_finds_the_same_names_in_the_same_order_on_a_file_and_on_the_hub(new_database):
    """On the hub a character further on in a name is walked per place it stands and the pages
    merged; the hits and their order are those of the file, where one sorted read finds them."""
    from gridtui.core.db import close_database, open_database

    open_database(new_database("street"))
    try:
        community = store.create(Community, name="湖光社区")
        compound = store.create(Compound, community=community.id, name="凤飞园")
        building = store.create(Building, compound=compound.id, number="3")
        home = store.create(
            Household,
            building=building.id,
            unit=2,
            floor=5,
            door="501",
            address="凤飞园3栋2单元501",
            addr_key="3-2-501",
        )
        names = [
            "丽娜",
            "丽",
            "王丽",
            "王丽丽",
            "张美丽",
            "欧阳丽娜",
            "司马相丽",
            "李丽华",
            "丽丽",
            "周晓丽",
            "王五",
            "丽江",
        ]
        people = {name: store.create(Resident, household=home.id, name=name).id for name in names}
        for limit in (50, 4, 2):
            hits = [(h.title, h.rank) for h in search.search("丽", limit) if h.kind == "resident"]
            assert (
                hits
                == [
                    ("丽", 0),
                    ("丽江", 1),
                    ("丽丽", 1),
                    ("丽娜", 1),
                    ("李丽华", 2),
                    ("欧阳丽娜", 2),
                    ("司马相丽", 2),
                    ("王丽", 2),
                    ("王丽丽", 2),
                    ("张美丽", 2),
                    ("周晓丽", 2),
                ][:limit]
            )
        assert people["王五"] not in ids("丽")
    finally:
        close_database()
