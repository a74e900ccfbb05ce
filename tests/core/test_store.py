"""The one write path: stamps, sequence numbers, tombstones, transactions and the clock.

Sync depends on these being right from the first row: a stamp per changed field only, a
sequence that never repeats, a clock that never runs backwards.
"""

from __future__ import annotations

import re
import uuid

import pytest

from gridtui.core import hlc, store
from gridtui.core.db import close_database, meta_get, open_database, self_device
from gridtui.core.models import Community, Compound, Resident, WriteOutsideStore
from gridtui.errors import GridError, ValidationError

STAMP = re.compile(r"^[0-9a-f]{16}-[0-9a-f]{16}$")


def test_create_stamps_origin_and_sequence(db):
    device = self_device().id
    first = store.create(Community, name="湖光社区")
    second = store.create(Community, name="青山社区")

    for row in (first, second):
        assert STAMP.match(row.stamp)
        assert hlc.stamp_device(row.stamp) == device
        assert row.origin == device
        assert uuid.UUID(row.id).version == 7
    assert second.seq == first.seq + 1
    assert second.stamp > first.stamp
    assert store.current_seq() == second.seq
    assert int(meta_get("clock")) == hlc.stamp_clock(second.stamp)

    stored = Community.get_by_id(first.id)
    assert (stored.deleted, stored.stamps, stored.seq, stored.stamp) == (False, {}, first.seq, first.stamp)
    assert stored.field_stamp("name") == first.stamp


def test_update_stamps_only_the_fields_that_change(place):
    resident = store.create(Resident, household=place["household"].id, name="张爱琴", phone="13812345678")
    before = store.current_seq()

    changed = store.update(Resident, resident.id, name="张爱琴", phone="139 1234 5678", note="")
    assert changed == ["phone"]

    row = Resident.get_by_id(resident.id)
    assert row.phone == "13912345678"
    assert set(row.stamps) == {"phone"}
    assert row.stamps["phone"] > resident.stamp
    assert row.field_stamp("name") == resident.stamp
    assert row.seq == before + 1 == store.current_seq()


def test_update_without_change_writes_nothing(place):
    resident = store.create(Resident, household=place["household"].id, name="李明", phone="13812345678")
    before_seq, before_clock = store.current_seq(), meta_get("clock")

    assert store.update(Resident, resident.id, phone="+86 138-1234-5678", name="李明") == []

    row = Resident.get_by_id(resident.id)
    assert (row.seq, row.stamps) == (resident.seq, {})
    assert store.current_seq() == before_seq
    assert meta_get("clock") == before_clock


def test_delete_leaves_a_tombstone(db):
    row = store.create(Community, name="湖光社区")

    assert store.delete(Community, row.id) is True

    kept = Community.get_by_id(row.id)
    assert kept.deleted is True
    assert kept.name == "湖光社区"
    assert kept.stamps["deleted"] > row.stamp
    assert kept.seq == row.seq + 1
    assert store.delete(Community, row.id) is False  # already gone: nothing new to say
    with pytest.raises(GridError) as err:
        store.update(Community, row.id, name="别的")
    assert err.value.key == "store.not_found"


def test_nested_transaction_rolls_back_as_a_whole(db):
    before_seq, before_clock = store.current_seq(), meta_get("clock")

    with pytest.raises(RuntimeError), store.transaction():
        store.create(Community, name="甲")
        with store.transaction():
            store.create(Community, name="乙")
            raise RuntimeError("power cut")

    assert Community.select().count() == 0
    assert (store.current_seq(), meta_get("clock")) == (before_seq, before_clock)


def test_a_bad_value_inside_a_transaction_rolls_back_everything(place):
    before = Resident.select().count()
    with pytest.raises(ValidationError), store.transaction():
        store.create(Resident, household=place["household"].id, name="王芳")
        store.create(Resident, household=place["household"].id, name="王强", phone="12345")
    assert Resident.select().count() == before


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda row: Community.create(name="x"), id="create"),
        pytest.param(lambda row: Community.insert(name="x").execute(), id="insert"),
        pytest.param(lambda row: Community.insert_many([{"name": "x"}]).execute(), id="insert_many"),
        pytest.param(lambda row: Community.replace(id=row.id, name="x").execute(), id="replace"),
        pytest.param(lambda row: Community.update(name="x").execute(), id="update"),
        pytest.param(lambda row: Community.delete().execute(), id="delete"),
        pytest.param(lambda row: row.delete_instance(), id="delete_instance"),
        pytest.param(lambda row: (setattr(row, "name", "x"), row.save()), id="save"),
    ],
)
def test_writes_outside_the_store_are_refused(db, write):
    row = store.create(Community, name="湖光社区")
    seq = store.current_seq()

    with pytest.raises(WriteOutsideStore):
        write(Community.get_by_id(row.id))

    assert [(c.id, c.name, c.deleted) for c in Community.select()] == [(row.id, "湖光社区", False)]
    assert store.current_seq() == seq


def test_unknown_field_is_an_error_not_silently_dropped(db):
    with pytest.raises(GridError) as err:
        store.create(Community, name="湖光社区", nmae="typo")
    assert err.value.key == "store.unknown_field"
    assert Community.select().count() == 0


def test_clock_never_goes_backwards():
    now = 1_800_000_000_000
    last = hlc.pack(now, 7)
    assert hlc.tick(last, now - 60_000) == hlc.pack(now, 8)  # wall clock set back a minute
    assert hlc.tick(last, now) == hlc.pack(now, 8)
    assert hlc.tick(last, now + 5) == hlc.pack(now + 5, 0)
    full = hlc.pack(now, (1 << hlc.COUNTER_BITS) - 1)
    assert hlc.tick(full, now) == hlc.pack(now + 1, 0)  # counter overflow borrows a millisecond


def test_store_stamps_keep_rising_when_the_wall_clock_falls(db, monkeypatch):
    first = store.create(Community, name="甲")
    monkeypatch.setattr(hlc, "wall_ms", lambda: hlc.unpack(hlc.stamp_clock(first.stamp))[0] - 3_600_000)
    second = store.create(Community, name="乙")
    third = store.create(Community, name="丙")
    assert first.stamp < second.stamp < third.stamp


@pytest.mark.parametrize(
    ("last", "remote", "now", "expected"),
    [
        ((100, 5), (200, 3), 150, (200, 4)),  # remote ahead: adopt its time, step its counter
        ((300, 2), (200, 9), 250, (300, 3)),  # local ahead: keep ours, step our counter
        ((300, 2), (300, 7), 100, (300, 8)),  # same millisecond: past the larger counter
        ((100, 2), (200, 3), 500, (500, 0)),  # wall clock ahead of both: fresh counter
    ],
)
def test_receive_rules(last, remote, now, expected):
    assert hlc.receive(hlc.pack(*last), hlc.pack(*remote), now) == hlc.pack(*expected)


def test_receive_always_moves_past_both_clocks():
    import random

    rng = random.Random(7)
    for _ in range(500):
        last = hlc.pack(rng.randint(0, 1000), rng.randint(0, 5))
        remote = hlc.pack(rng.randint(0, 1000), rng.randint(0, 5))
        got = hlc.receive(last, remote, rng.randint(0, 1000))
        assert got > last and got > remote


def test_far_future_stamps_are_flagged():
    now = 1_800_000_000_000
    assert hlc.too_far_ahead(hlc.pack(now + hlc.MAX_DRIFT_MS + 1, 0), now)
    assert not hlc.too_far_ahead(hlc.pack(now + 60_000, 0), now)


def test_stamps_order_by_clock_then_device():
    assert hlc.make_stamp(5, "a" * 16) < hlc.make_stamp(6, "0" * 16)
    assert hlc.make_stamp(5, "a" * 16) < hlc.make_stamp(5, "b" * 16)


def test_sequence_and_clock_survive_close_and_reopen(db_path, monkeypatch):
    open_database(db_path)
    device = self_device().id
    first = store.create(Community, name="湖光社区")
    close_database()

    # the next "process" starts with its wall clock an hour behind the last one
    monkeypatch.setattr(hlc, "wall_ms", lambda: hlc.unpack(hlc.stamp_clock(first.stamp))[0] - 3_600_000)
    open_database(db_path)
    try:
        assert self_device().id == device
        second = store.create(Compound, community=first.id, name="凤飞园")
        assert second.seq == first.seq + 1
        assert second.stamp > first.stamp
    finally:
        close_database()
