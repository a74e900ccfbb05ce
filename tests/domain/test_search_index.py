"""Search through its indexes finds what one scan over every row finds, in the same order, and
the indexes follow every write: a new name, a changed one, a removal, a migration, encryption."""

from __future__ import annotations

import re

import pytest

from gridtui.core import dialect, store
from gridtui.core.db import SCHEMA_VERSION, close_database, open_database
from gridtui.core.models import Household, Resident, database, live
from gridtui.domain import households, search


def scanned(query: str, limit: int = 50) -> list[tuple]:
    """The residents one scan ranking every resident finds (the search before its indexes); by
    initials (rank 4), the initials' order first, then the pinyin's; one or two letters found at
    the start of the pinyin or the initials only."""
    q = re.sub(r"\s+", "", query)
    n = len(q)
    if q.isascii() and q.isalpha():
        q = q.lower()
        inside = "instr(r.name_pinyin, :q) > 0" if n >= 3 else "substr(r.name_pinyin, 1, :n) = :q"
        match = f"({inside} OR substr(r.name_initials, 1, :n) = :q)"
        rank = (
            "CASE WHEN substr(r.name_pinyin, 1, :n) = :q THEN 3 "
            "WHEN substr(r.name_initials, 1, :n) = :q THEN 4 ELSE 5 END"
        )
    elif q.isdigit():
        match, rank = "(substr(r.phone, -:n) = :q OR substr(r.id_number, -:n) = :q)", "7"
    else:
        match = "instr(r.name, :q) > 0"
        rank = "CASE WHEN r.name = :q THEN 0 WHEN substr(r.name, 1, :n) = :q THEN 1 ELSE 2 END"
    return [
        tuple(row)
        for row in database.execute_sql(
            f"SELECT r.id, {rank} AS rank FROM resident r WHERE {match} AND r.deleted = 0 AND r.status = 'present' "
            "AND r.household_id NOT IN (SELECT id FROM household WHERE deleted = 1) "
            "ORDER BY rank, CASE WHEN rank = 4 THEN r.name_initials END, r.name_pinyin, r.id LIMIT :limit",
            {"q": q, "n": n, "limit": limit},
        ).fetchall()
    ]


def found(query: str, limit: int = 50) -> tuple[list[tuple], int]:
    """The residents the search finds, and how many hits of every kind it gave."""
    hits = search.search(query, limit)
    return [(h.resident_id, h.rank) for h in hits if h.kind == "resident"], len(hits)


def test_the_indexes_find_what_a_scan_finds_in_its_order(demo_db):
    people = list(Resident.select().where(live(Resident)).order_by(Resident.id).limit(40))
    queries = {"i", "iq", "qz", "ang", "zz", "a", "x", "琴", "爱琴", "欧阳", "1", "0000"}
    for person in people:
        for word in (person.name, person.name_pinyin, person.name_initials, person.phone[-6:]):
            queries |= {word[:n] for n in range(1, len(word) + 1)} | {word[1:], word[2:]}
    queries.discard("")
    checked = 0
    for query in sorted(queries):
        if query.isdigit() and len(query) < 4:
            continue  # a door, not a tail
        for limit in (5, 50):
            residents, hits = found(query, limit)
            expected = scanned(query, limit)
            assert residents == expected[: len(residents)], (query, limit)
            assert len(residents) == len(expected) or hits == limit, (query, limit)  # shops took the rest
        checked += 1
    assert checked > 200


def test_a_written_name_is_found_by_a_part_of_its_pinyin_and_a_changed_one_no_longer(street):
    someone = households.add_resident(street["h102"], name="欧阳娜娜", relation="child", phone="13700004321")
    assert someone in [h.resident_id for h in search.search("yangna")]  # the trigram index
    assert someone in [h.resident_id for h in search.search("阳娜")]  # the name's suffixes
    assert someone in [h.resident_id for h in search.search("4321")]  # the phone's tail
    households.update_resident(someone, name="欧阳丽丽", phone="13700009876")
    assert someone not in [h.resident_id for h in search.search("yangna")]
    assert someone not in [h.resident_id for h in search.search("4321")]
    assert someone in [h.resident_id for h in search.search("yangli")]
    assert someone in [h.resident_id for h in search.search("9876")]
    households.remove_resident(someone)
    assert someone not in [h.resident_id for h in search.search("yangli")]


def test_an_address_is_found_by_three_characters_or_more_after_a_new_household(street):
    building = street["buildings"][0]
    new = store.create(
        Household, building=building.id, unit=5, floor=7, door="702", address="凤飞园3栋5单元702", addr_key="3-5-702"
    )
    assert new.id in [h.household_id for h in search.search("飞园3栋5")]
    assert new.id in [h.household_id for h in search.search("3-5")]
    store.update(Household, new.id, address="凤飞园3栋6单元702", addr_key="3-6-702")
    assert new.id not in [h.household_id for h in search.search("3栋5单元")]
    assert new.id in [h.household_id for h in search.search("3栋6单元")]


def test_a_database_of_the_version_before_gains_the_indexes_over_its_rows(tmp_path):
    where = tmp_path / "old.db"
    open_database(where)
    store.create(Resident, household=_household().id, name="上官婉儿")
    with dialect.write_transaction():
        for table, _column in dialect.SEARCHED:
            database.execute_sql(f'DROP TABLE "{table}_search"')
            for event in ("insert", "update", "delete"):
                database.execute_sql(f'DROP TRIGGER "{table}_search_{event}"')
        for name in ("resident_phone_tail", "resident_name_from_2", "resident_surname_pinyin"):
            database.execute_sql(f'DROP INDEX "{name}"')
        dialect.set_schema_version(7)  # the version before the search indexes
    close_database()
    open_database(where)
    try:
        assert dialect.schema_version() == SCHEMA_VERSION
        assert [h.title for h in search.search("guanwan")] == ["上官婉儿"]
        assert [h.title for h in search.search("官婉")] == ["上官婉儿"]
    finally:
        close_database()


def test_an_encrypted_copy_searches_its_rows_where_they_now_lie(tmp_path):
    from gridtui.core import unlock

    where = tmp_path / "sealed.db"
    open_database(where)
    home = _household()
    for name in ("司马相如", "卓文君"):
        store.create(Resident, household=home.id, name=name)
    close_database()
    key = unlock.new_key("a long enough passphrase for the test")
    unlock.encrypt_file(where, key)
    open_database(where, cipher=key)
    try:
        assert [h.title for h in search.search("maxiang")] == ["司马相如"]
        assert [h.title for h in search.search("wenjun")] == ["卓文君"]
    finally:
        close_database()


def test_an_encrypted_copy_finds_what_the_plain_one_finds_page_by_page(demo_file, tmp_path):
    """On an encrypted file a search's LIMIT is written into its statements (SQLCipher's SQLite
    prepares a bound one anew each time): the hits are the same, whatever the page's size."""
    import shutil

    from gridtui.core import unlock

    sealed = tmp_path / "sealed.db"
    shutil.copyfile(demo_file, sealed)
    key = unlock.new_key("a long enough passphrase for the test")
    unlock.encrypt_file(sealed, key)
    queries = ["张", "王", "zh", "wang", "li", "zaq", "凤飞园", "凤飞园3", "3-2", "0000", "501", "明"]
    seen: dict[str, list[list[search.Hit]]] = {}
    for path, cipher in ((demo_file, None), (sealed, key)):
        open_database(path, create=False, cipher=cipher)
        try:
            for query in queries:
                seen.setdefault(query, []).append([h for limit in (3, 50) for h in search.search(query, limit)])
        finally:
            close_database()
    assert all(plain == encrypted for plain, encrypted in seen.values())
    assert sum(len(plain) for plain, _ in seen.values()) > 100


def _household() -> Household:
    from gridtui.core.models import Building, Community, Compound

    community = store.create(Community, name="湖光社区")
    compound = store.create(Compound, community=community.id, name="凤飞园")
    building = store.create(Building, compound=compound.id, number="1")
    return store.create(
        Household, building=building.id, unit=1, floor=1, door="101", address="凤飞园1栋1单元101", addr_key="1-1-101"
    )


@pytest.fixture(autouse=True)
def _closed():
    yield
    close_database()


def test_a_whole_community_imported_into_an_empty_database_is_found_by_search(demo_copy, tmp_path):
    """A laptop's first full bundle loads each table with its indexes dropped and built once at
    the end; the trigram index (kept by triggers row by row) is built whole the same way."""
    import json

    from gridtui.sync import keys, transfer

    source = demo_copy(seed=3, scale=0.1)
    open_database(source)
    try:
        card = tmp_path / "source.card"
        card.write_text(json.dumps(keys.make_card(keys.ensure_identity())), encoding="utf-8")
        bundle = tmp_path / "full.bundle"
        transfer.export_bundle(bundle, full=True, plaintext=True)
        people = list(Resident.select().where(live(Resident)).order_by(Resident.id).limit(30))
        queries = sorted({p.name_pinyin[1:5] for p in people} | {p.name_pinyin[2:] for p in people})
        expected = {q: scanned(q) for q in queries}
        assert Resident.select().count() > store.BULK_CHUNK // 2  # enough for the bulk path
    finally:
        close_database()
    open_database(tmp_path / "new.db")
    try:
        keys.trust(card, "office")
        transfer.import_bundles([bundle])
        triggers = database.execute_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'resident_search_%'"
        ).fetchone()[0]
        assert triggers == 3  # put back after the load
        for query in queries:
            assert found(query)[0] == expected[query], query
        person = people[0]
        store.update(Resident, person.id, name="上官婉儿")  # and kept in step again afterwards
        assert [h.title for h in search.search("guanwan")] == ["上官婉儿"]
    finally:
        close_database()
