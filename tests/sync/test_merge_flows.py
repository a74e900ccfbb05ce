"""Merge guarantees on real databases: LWW per field, conflicts, idempotence, order, hub flow."""

from __future__ import annotations

from gridtui.core import hlc, store
from gridtui.core.db import meta_get, meta_set
from gridtui.core.models import (
    Building,
    Community,
    Compound,
    Conflict,
    Grid,
    HeldRow,
    Household,
    Resident,
    live,
)
from gridtui.domain import campaigns, places, walk
from gridtui.sync import conflicts, transfer
from tests.conftest import new_campaign

from .conftest import conflict_set, dump, new_work, send


def seed(laptop) -> dict[str, str]:
    laptop.become()
    with store.transaction():
        community = store.create(Community, name="湖光社区")
        grid = store.create(Grid, community=community.id, code="01", name="第1网格")
        compound = store.create(Compound, community=community.id, name="凤飞园")
        building = store.create(Building, compound=compound.id, grid=grid.id, number="3")
        household = store.create(Household, building=building.id, unit=2, floor=5, door="501")
    return {"household": household.id}


def everyone_has_everything(tmp_path, hub, workers):
    """Workers send to the hub, the hub sends back to each: two rounds settle everything."""
    for _ in range(2):
        for w in workers:
            send(w, hub, tmp_path)
        for w in workers:
            send(hub, w, tmp_path)


def states(laptops):
    found = []
    for laptop in laptops:
        laptop.become()
        found.append((dump(), conflict_set()))
    return found


def test_edits_of_different_fields_both_survive(laptops, tmp_path):
    office, w1, w2 = laptops("office", "w1", "w2")
    ids = seed(office)
    everyone_has_everything(tmp_path, office, [w1, w2])
    w1.become()
    store.update(Household, ids["household"], note="屋顶漏水")
    w2.become()
    store.update(Household, ids["household"], status="vacant")
    everyone_has_everything(tmp_path, office, [w1, w2])
    found = states([office, w1, w2])
    assert found[0] == found[1] == found[2]
    office.become()
    household = Household.get_by_id(ids["household"])
    assert (household.note, household.status) == ("屋顶漏水", "vacant")
    assert not conflict_set()


def test_concurrent_edits_of_one_field_are_one_conflict_everywhere(laptops, tmp_path):
    office, w1, w2 = laptops("office", "w1", "w2")
    ids = seed(office)
    everyone_has_everything(tmp_path, office, [w1, w2])
    w1.become()
    store.update(Household, ids["household"], note="独居老人，需每周探访")
    w2.become()
    store.update(Household, ids["household"], note="老人已搬去女儿家")  # later: the LWW winner
    everyone_has_everything(tmp_path, office, [w1, w2])
    found = states([office, w1, w2])
    assert found[0] == found[1] == found[2]
    assert len(found[0][1]) == 1
    office.become()
    assert Household.get_by_id(ids["household"]).note == "老人已搬去女儿家"
    [listed] = conflicts.open_conflicts()
    assert (listed.mine, listed.theirs) == ("老人已搬去女儿家", "独居老人，需每周探访")
    assert listed.theirs_device == w1.id

    conflicts.resolve(listed.id[:8], "theirs")  # the office takes w1's value: a synced change
    assert conflicts.open_conflicts() == []
    everyone_has_everything(tmp_path, office, [w1, w2])
    found = states([office, w1, w2])
    assert found[0] == found[1] == found[2]
    for laptop in (office, w1, w2):
        laptop.become()
        assert Household.get_by_id(ids["household"]).note == "独居老人，需每周探访"
        assert [c.status for c in Conflict.select()] == ["taken"]


def test_keep_mine_on_the_laptop_whose_edit_lost_restores_its_value(laptops, tmp_path):
    office, w1, w2 = laptops("office", "w1", "w2")
    ids = seed(office)
    everyone_has_everything(tmp_path, office, [w1, w2])
    w1.become()
    store.update(Household, ids["household"], note="独居老人，需每周探访")
    w2.become()
    store.update(Household, ids["household"], note="老人已搬去女儿家")  # later: the LWW winner
    everyone_has_everything(tmp_path, office, [w1, w2])
    w1.become()
    [listed] = conflicts.open_conflicts()
    # On w1, "mine" is what w1 wrote, even though w2's value is the one in force.
    assert (listed.mine, listed.theirs, listed.in_force) == ("独居老人，需每周探访", "老人已搬去女儿家", "theirs")
    conflicts.resolve(listed.id, "mine")
    everyone_has_everything(tmp_path, office, [w1, w2])
    for laptop in (office, w1, w2):
        laptop.become()
        assert Household.get_by_id(ids["household"]).note == "独居老人，需每周探访"
        assert [c.status for c in Conflict.select()] == ["kept"]


def test_a_concurrent_rename_is_one_conflict_and_resolving_it_keeps_search_right(laptops, tmp_path):
    office, w1, w2 = laptops("office", "w1", "w2")
    ids = seed(office)
    resident = store.create(Resident, household=ids["household"], name="张山").id
    everyone_has_everything(tmp_path, office, [w1, w2])
    w1.become()
    store.update(Resident, resident, name="张三")
    w2.become()
    store.update(Resident, resident, name="李四")
    everyone_has_everything(tmp_path, office, [w1, w2])
    w1.become()
    [listed] = conflicts.open_conflicts()  # the name only: its pinyin keys follow it
    assert (listed.field, listed.mine, listed.theirs) == ("name", "张三", "李四")
    conflicts.resolve(listed.id, "mine")
    row = Resident.get_by_id(resident)
    assert (row.name, row.name_pinyin, row.name_initials) == ("张三", "zhangsan", "zs")


def test_a_laptop_that_named_its_community_first_still_has_one_community(laptops, tmp_path):
    office, w1 = laptops("office", "w1")
    office.become()
    places.set_community("湖光社区", subdistrict="湖滨路街道")
    w1.become()
    places.set_community("湖光")  # before its first bundle from the office
    send(office, w1, tmp_path)
    send(w1, office, tmp_path)
    for laptop in (office, w1):
        laptop.become()
        assert [c.name for c in Community.select().where(live(Community))] == ["湖光"]


def test_sequential_edits_are_not_conflicts(laptops, tmp_path):
    office, w1, w2 = laptops("office", "w1", "w2")
    ids = seed(office)
    everyone_has_everything(tmp_path, office, [w1, w2])
    w1.become()
    store.update(Household, ids["household"], note="第一次")
    everyone_has_everything(tmp_path, office, [w1, w2])
    w2.become()
    store.update(Household, ids["household"], note="第二次")
    office.become()
    store.update(Household, ids["household"], status="vacant")
    everyone_has_everything(tmp_path, office, [w1, w2])
    found = states([office, w1, w2])
    assert found[0] == found[1] == found[2]
    assert found[0][1] == set()


def test_deletion_is_a_field_like_any_other(laptops, tmp_path):
    office, w1 = laptops("office", "w1")
    ids = seed(office)
    send(office, w1, tmp_path)
    w1.become()
    store.update(Household, ids["household"], note="改了备注")
    office.become()
    store.delete(Household, ids["household"])
    send(office, w1, tmp_path)
    send(w1, office, tmp_path)
    found = states([office, w1])
    assert found[0] == found[1]
    row = Household.get_by_id(ids["household"])
    assert row.deleted and row.note == "改了备注"


def test_import_is_idempotent_and_order_independent(laptops, tmp_path):
    a, b, c, d = laptops("a", "b", "c", "d")
    ids = seed(a)
    send(a, b, tmp_path)
    a.become()
    store.update(Household, ids["household"], note="from a", floor=6)
    store.create(Resident, household=ids["household"], name="张三", id_number="")
    b.become()
    store.update(Household, ids["household"], note="from b", door="502")
    store.create(Resident, household=ids["household"], name="李四")
    bundle_a = a.export(tmp_path / "a.bundle", to=[c, d])
    bundle_b = b.export(tmp_path / "b.bundle", to=[c, d])
    first = c.import_(bundle_a, bundle_b)  # one transaction, a then b
    d.import_(bundle_b)
    d.import_(bundle_a)
    assert (new_work(first), first.conflicts) == (7, 1)  # 5 places, 2 residents; one note
    found = states([c, d])
    assert found[0] == found[1]
    again = c.import_(bundle_b, bundle_a)
    assert (again.new, again.updated, again.conflicts) == (0, 0, 0)
    assert states([c])[0] == found[0]


def test_hub_gives_each_worker_only_what_it_lacks(laptops, tmp_path):
    office, *workers = laptops("office", "w1", "w2", "w3")
    ids = seed(office)
    for w in workers:
        send(office, w, tmp_path)
    for n, w in enumerate(workers):
        w.become()
        for i in range(3):
            store.create(Resident, household=ids["household"], name=f"居民{n}{i}")
        store.update(Household, ids["household"], **{("note", "door", "status")[n]: ("新备注", "503", "vacant")[n]})
    bundles = [w.export(tmp_path / f"{w.name}.bundle", to=[office]) for w in workers]
    summary = office.import_(*bundles)  # every worker's bundle in one import
    assert (new_work(summary), summary.updated, summary.conflicts) == (9, 1, 0)
    for w in workers:
        out = office.export(tmp_path / f"to-{w.name}.bundle", to=[w])
        got = w.import_(out)
        assert new_work(got) == 6  # the other workers' residents, not its own three back again
        assert got.unchanged == 0
    found = states([office, *workers])
    assert all(f == found[0] for f in found)
    office.become()
    household = Household.get_by_id(ids["household"])
    assert (household.note, household.door, household.status) == ("新备注", "503", "vacant")


def test_a_stamp_from_the_future_is_held_and_never_moves_our_clock(laptops, tmp_path):
    office, w1 = laptops("office", "w1")
    ids = seed(office)
    send(office, w1, tmp_path)
    w1.become()
    ahead = hlc.pack(hlc.wall_ms() + 3 * 24 * 3600 * 1000, 0)
    meta_set("clock", str(ahead))  # a laptop whose clock runs three days fast
    store.create(Resident, household=ids["household"], name="王五")
    office.become()
    before = int(meta_get("clock"))
    summary = send(w1, office, tmp_path)
    assert summary.quarantined == 1 and new_work(summary) == 0
    office.become()
    assert int(meta_get("clock")) < ahead and int(meta_get("clock")) >= before
    assert not Resident.select().where(Resident.name == "王五").exists()
    [held] = transfer.quarantined()
    assert held["kind"] == "row" and held["table"] == "resident"
    assert HeldRow.select().count() == 1
    transfer.accept_quarantined()  # still a day ahead: stays held
    assert HeldRow.select().count() == 1
    three_days_later = hlc.wall_ms() + 3 * 24 * 3600 * 1000
    assert transfer.accept_quarantined(now_ms=three_days_later).new == 1
    assert HeldRow.select().count() == 0
    assert Resident.select().where(Resident.name == "王五").exists()


def test_residents_registered_twice_offline_are_flagged(laptops, tmp_path):
    office, w1, w2 = laptops("office", "w1", "w2")
    ids = seed(office)
    everyone_has_everything(tmp_path, office, [w1, w2])
    for w in (w1, w2):
        w.become()
        store.create(Resident, household=ids["household"], name="赵敏", id_number="410402198001010022")
    send(w1, office, tmp_path)
    summary = send(w2, office, tmp_path)
    assert summary.duplicates == 1
    office.become()
    [group] = conflicts.duplicates()
    assert group.id_number == "4104**********0022"
    assert len(group.residents) == 2


def test_a_row_pointing_at_a_held_row_is_held_with_it(laptops, tmp_path):
    """A household stamped days ahead is held; a resident added to it with a sane stamp (a
    laptop whose clock was put right) waits with it instead of refusing the whole bundle."""
    import json as json_

    from gridtui.core.models import Household as H
    from gridtui.core.stored import columns as merge_columns
    from gridtui.sync import bundle, keys, merge

    office, w1 = laptops("office", "w1")
    ids = seed(w1)
    store.create(Resident, household=ids["household"], name="孙七")
    identity = keys.load_identity()
    header, chunks = merge.collect([], True)
    ahead = hlc.make_stamp(hlc.pack(hlc.wall_ms() + 3 * 24 * 3600 * 1000, 0), w1.id)
    stamp = merge_columns(H).index("stamp")
    chunks = [
        (table, names, [(*r[:stamp], ahead, *r[stamp + 1 :]) if table == "household" else r for r in rows])
        for table, names, rows in chunks
    ]
    recipient = json_.loads(office.card.read_text())["age_recipient"]
    data, _header = bundle.seal(header, chunks, identity, recipients=[recipient])
    (tmp_path / "w1.bundle").write_bytes(data)
    summary = office.import_(tmp_path / "w1.bundle")
    assert summary.quarantined == 2  # the household and its resident
    assert not H.select().exists() and not Resident.select().exists()
    assert {h["table"] for h in transfer.quarantined()} == {"household", "resident"}
    assert transfer.accept_quarantined(now_ms=hlc.wall_ms() + 3 * 24 * 3600 * 1000).new == 2
    assert Resident.select().count() == 1


def test_a_shop_check_travels_to_the_office_against_the_shop(laptops, tmp_path):
    """Two workers check two shops of one business campaign; the office ends with both visits
    written against their shops (not households), every answer, and the coverage they give."""
    from datetime import date

    from gridtui.core.models import Answer, Business, Visit
    from gridtui.domain import visits

    office, w1, w2 = laptops("office", "w1", "w2")
    seed(office)
    office.become()
    grid = Grid.get().id
    shops = [
        store.create(Business, name=name, kind="grocery", address=address, grid=grid, phone="13700001234").id
        for name, address in (("家乐超市", "凤凰大道29号"), ("新潮理发店", "凤凰大道79号"))
    ]
    check = new_campaign("business_safety", name="商户安全检查", target="business", starts=date(2026, 7, 1)).id
    everyone_has_everything(tmp_path, office, [w1, w2])
    for laptop, shop, outcome in ((w1, shops[0], "refused"), (w2, shops[1], "nobody_home")):
        laptop.become()
        visit = visits.open_visit(check, shop, worker=laptop.name)
        visits.answer(visit, "business_safety:license_displayed", "yes")
        visits.answer(visit, "business_safety:extinguisher_count", 3)
        visits.set_outcome(visit, outcome, today=date(2026, 7, 14))
    everyone_has_everything(tmp_path, office, [w1, w2])
    found = states([office, w1, w2])
    assert found[0] == found[1] == found[2]
    office.become()
    written = {v.business_id: v for v in Visit.select().where(Visit.campaign == check)}
    assert set(written) == set(shops) and all(v.household_id is None for v in written.values())
    assert {written[s].worker for s in shops} == {"w1", "w2"}
    assert Answer.select().where(Answer.visit.in_([v.id for v in written.values()])).count() == 4
    status = {r.business_id: r.status for r in walk.SHOPS.page(check, today=date(2026, 7, 14))}
    assert status == {shops[0]: "refused", shops[1]: "nobody_home"}
    assert campaigns.coverage(check, today=date(2026, 7, 14))[0].refused == 1
