"""Who may change what: the office decides; a worker's bundle changes only what the worker wrote
itself, in its own grids; each laptop holds only its grids, and forgets one that went to someone
else once its own work there is in; every act on who may sync is audited."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from gridtui.core import hlc, store
from gridtui.core.db import close_database
from gridtui.core.models import (
    SYNCED_MODELS,
    AuditLog,
    Building,
    Campaign,
    Community,
    Compound,
    Device,
    Grid,
    HeldRow,
    Household,
    Resident,
    Visit,
    Volunteer,
    live,
)
from gridtui.domain import campaigns, places, privacy, visits
from gridtui.forms.workbook import starter, write_workbook
from gridtui.forms.xlsform import read_workbook
from gridtui.sync import authority, keys, transfer

from .conftest import Laptop, make_laptop

TODAY = date(2026, 7, 14)


@pytest.fixture
def community(tmp_path):
    """The office and two workers' laptops, each worker with its grid, 01 and 02: each has a
    building with a household of one resident, and a campaign is on."""
    office, w1, w2 = (make_laptop(tmp_path, n) for n in ("office", "w1", "w2"))
    office.become()
    for worker in (w1, w2):
        keys.trust(worker.card)  # a worker, as every card is unless said otherwise
    for worker in (w1, w2):
        worker.become()
        keys.trust(office.card, "office")
    office.become()
    c = store.create(Community, name="湖光社区")
    compound = store.create(Compound, community=c.id, name="凤飞园")
    ids: dict[str, str] = {"community": c.id}
    for code, worker in (("01", w1), ("02", w2)):
        grid = store.create(Grid, community=c.id, code=code, name=f"第{int(code)}网格")
        places.set_grid_worker(code, worker.name)
        building = store.create(Building, compound=compound.id, grid=grid.id, number=code[-1])
        home = store.create(
            Household, building=building.id, unit=1, floor=1, door="101", address=f"凤飞园{code[-1]}栋1单元101"
        )
        resident = store.create(
            Resident,
            household=home.id,
            name=f"居民{code}",
            phone="13812345678",
            id_number="110101199003077774" if code == "01" else "",
        )
        ids.update(
            {
                f"grid{code}": grid.id,
                f"building{code}": building.id,
                f"home{code}": home.id,
                f"resident{code}": resident.id,
            }
        )
    store.create(Volunteer, name="李志愿", phone="13912345678", id_number="110101198001010010")
    form = read_workbook(write_workbook(starter(), tmp_path / "form.xlsx"))
    ids["campaign"] = campaigns.create(form, name="入户走访", activate=True, today=TODAY)
    for worker in (w1, w2):
        send(office, worker, tmp_path)
    yield office, w1, w2, ids
    close_database()


def send(src: Laptop, dst: Laptop, folder: Path):
    out = folder / f"{src.name}-to-{dst.name}-{len(list(folder.glob('*.bundle')))}.bundle"
    src.export(out, to=[dst])
    return dst.import_(out)


# -- the matrix -------------------------------------------------------------------------------


def test_every_synced_table_is_in_the_matrix():
    assert set(authority.MATRIX) == {m._meta.table_name for m in SYNCED_MODELS}
    assert {r.kind for r in authority.MATRIX.values()} <= {
        authority.OFFICE,
        authority.GRIDS,
        authority.APPEND,
        authority.DERIVED,
    }


def test_every_command_is_in_the_list_of_what_it_writes():
    from gridtui.cli import build_parser

    found = set()

    def walk(parser, path):
        if path:
            found.add(" ".join(path))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, (*path, name))

    walk(build_parser(), ())
    assert found == set(authority.COMMANDS)
    assert all(t in authority.MATRIX or t in authority.LOCAL_OFFICE for ts in authority.COMMANDS.values() for t in ts)


# -- roles ------------------------------------------------------------------------------------


def test_a_worker_learns_its_role_from_the_office_and_device_list_shows_roles(community, cli):
    office, w1, _w2, _ids = community
    w1.become()
    assert authority.my_role() == "worker"
    assert authority.role_of(office.id) == "office"
    office.become()
    assert authority.my_role() == "office"
    code, out, _ = cli("--db", office.path, "--lang", "en", "device", "list", "--json")
    roles = {d["name"]: d["role"] for d in json.loads(out)}
    assert roles == {"office": "office", "w1": "worker", "w2": "worker"}
    code, out, _ = cli("--db", office.path, "--lang", "en", "device", "role", "w2", "office")
    assert code == 0 and "office" in out
    office.become()
    assert authority.role_of(w2_id(office)) == "office"


def w2_id(office: Laptop) -> str:
    office.become()
    return Device.get(Device.name == "w2").id


@pytest.mark.parametrize(
    ("command", "lang", "words"),
    [
        (("grid", "add", "03", "第3网格"), "en", "worker's laptop"),
        (("grid", "assign", "01", "凤飞园2栋"), "zh", "网格员的电脑"),
        (("grid", "worker", "01", "w2"), "en", "office's to do"),
        (("community", "set", "别的社区"), "en", "gridtui community set"),
        (("device", "trust", "x.card"), "en", "gridtui device trust"),
        (("campaign", "close", "x"), "zh", "办公室"),
    ],
)
def test_office_commands_are_refused_on_a_workers_laptop_in_one_sentence(community, cli, command, lang, words):
    _office, w1, _w2, _ids = community
    close_database()
    code, out, err = cli("--db", w1.path, "--lang", lang, *command)
    assert code == 1 and out == "" and words in err and len(err.strip().splitlines()) == 1


def test_a_workers_own_work_is_not_refused(community, cli):
    _office, w1, _w2, _ids = community
    close_database()
    code, _, err = cli("--db", w1.path, "--lang", "en", "household", "edit", "凤飞园1栋1单元101", "--note", "独居老人")
    assert code == 0, err


# -- what a worker's bundle may change ----------------------------------------------------------


def test_a_worker_bundle_that_overreaches_is_held_row_by_row_and_the_rest_applies(community, tmp_path, cli):
    office, w1, w2, ids = community
    w1.become()
    store.update(Campaign, ids["campaign"], name="改掉的走访", active=False)  # a campaign
    store.update(Grid, ids["grid01"], name="我的网格")  # a grid
    store.update(Building, ids["building01"], number="9")  # a building's grid assignment's row
    store.update(Resident, ids["resident01"], phone="13800001111")  # its own grid: fine
    visit = visits.open_visit(ids["campaign"], ids["home01"], worker="w1")  # fine
    visits.set_outcome(visit, "nobody_home", today=TODAY)
    # rows reaching into another grid, and rows in others' names, as a hostile laptop would write them
    other = store.create(
        Household, building=ids["building02"], unit=1, floor=2, door="201", address="凤飞园2栋1单元201"
    )  # a door in w2's grid
    w2.become()
    store.update(Resident, ids["resident02"], note="w2写的")  # w2's own work, not yet at the office
    w1.become()
    forged = hlc.make_stamp(hlc.tick(int(store_clock())), office.id)
    row = Household.get_by_id(ids["home01"])
    Device.update(role="office").where(Device.id == office.id).execute()
    with store.transaction() as tx:  # a field stamped in the office's name
        store._write_fields(
            Household, row.id, {"note": "以办公室名义", "stamps": {"note": forged}, "seq": tx.next_seq()}
        )
    summary = send(w1, office, tmp_path)
    office.become()
    assert summary.refused == {"office": 3, "grid": 1, "origin": 1}
    held = {(h.table, h.reason) for h in summary.held}
    assert summary.as_dict()["held"][0] == {  # as --json prints it
        "table": summary.held[0].table,
        "id": summary.held[0].id,
        "sender": w1.id,
        "reason": summary.held[0].reason,
    }
    assert held == {
        ("campaign", "office"),
        ("grid", "office"),
        ("building", "office"),
        ("household", "grid"),
        ("household", "origin"),
    }
    assert Campaign.get_by_id(ids["campaign"]).name == "入户走访"
    assert Grid.get_by_id(ids["grid01"]).name == "第1网格"
    assert Building.get_by_id(ids["building01"]).number == "1"
    assert Household.get_by_id(ids["home01"]).note == ""
    assert Resident.get_by_id(ids["resident01"]).phone == "13800001111"  # the rest applied
    assert Visit.get_by_id(visit).household_id == ids["home01"]
    assert Household.get_or_none(Household.id == other.id) is None
    listing = transfer.quarantined()
    assert {row["reason"] for row in listing} == {"office", "grid", "origin"}
    code, out, _ = cli("--db", office.path, "--lang", "en", "quarantine")
    assert "only the office may change it" in out and "outside the sender's grids" in out
    office.become()
    campaign_row = next(r for r in listing if r["table"] == "campaign")
    summary = transfer.accept_quarantined(only=[campaign_row["id"]])  # taken on purpose
    assert Campaign.get_by_id(ids["campaign"]).name == "改掉的走访" and summary.updated == 1
    assert HeldRow.select().count() == len(listing) - 1


def test_a_visit_held_outside_the_senders_grids_holds_its_answers_and_the_rest_applies(community, tmp_path):
    """Answers hang on their visit: when the visit is held (a door in another worker's grid), its
    answers are held with it, not taken for answers to no visit that refuse the whole bundle."""
    office, w1, w2, ids = community
    w1.become()
    store.update(Resident, ids["resident01"], phone="13800002222")  # its own grid: fine
    other = store.create(
        Household, building=ids["building02"], unit=1, floor=2, door="201", address="凤飞园2栋1单元201"
    )  # a door in w2's grid
    visit = visits.open_visit(ids["campaign"], other.id, worker="w1")
    form = visits.visit_form(visit)
    item = next(i for i in form.items if i.type == "select_one" and not i.relevant)
    visits.answer(visit, visits.item_id(form, item), form.choices[item.list][0].name, today=TODAY)
    summary = send(w1, office, tmp_path)
    office.become()
    held = {(h.table, h.reason) for h in summary.held}
    assert {"household", "visit", "answer"} <= {table for table, _reason in held}
    assert Resident.get_by_id(ids["resident01"]).phone == "13800002222"  # the rest applied
    assert Visit.get_or_none(Visit.id == visit) is None
    assert HeldRow.select().where(HeldRow.target_table == "answer").count() >= 1


def store_clock() -> str:
    from gridtui.core.db import meta_get

    return meta_get("clock", "0")


def test_a_worker_cannot_relay_another_workers_rows(community, tmp_path):
    """w1 takes w2's bundle (it trusts w2 as the office on a bad day, and w2 it) and passes it on:
    the office takes from w1 only what w1 wrote itself."""
    office, w1, w2, ids = community
    w1.become()
    keys.trust(w2.card, "office")
    w2.become()
    keys.trust(w1.card, "office")
    privacy.record("reveal", "resident", ids["resident02"], "id_number")
    send(w2, w1, tmp_path)
    summary = send(w1, office, tmp_path)
    assert summary.refused.get("origin", 0) >= 1
    assert all(h.sender == w1.id for h in summary.held)
    office.become()
    assert not AuditLog.select().where(AuditLog.origin == w2.id).exists()
    send(w2, office, tmp_path)  # from w2 itself, the same rows are w2's own: taken
    office.become()
    assert AuditLog.select().where((AuditLog.origin == w2.id) & (AuditLog.action == "reveal")).exists()


def test_an_audit_row_never_changes_whoever_sends_it(community, tmp_path):
    office, w1, _w2, _ids = community
    w1.become()
    privacy.record("reveal", "resident", "x", "id_number")
    send(w1, office, tmp_path)
    office.become()
    entry = AuditLog.get(AuditLog.action == "reveal")
    assert entry.origin == w1.id
    w1.become()
    with store.transaction() as tx:
        stamp = tx.next_stamp()
        store._write_fields(
            AuditLog, entry.id, {"detail": "nothing", "stamps": {"detail": stamp}, "seq": tx.next_seq()}
        )
    summary = send(w1, office, tmp_path)
    assert summary.refused == {"audit": 1}
    office.become()
    assert AuditLog.get_by_id(entry.id).detail == "id_number"


# -- each laptop holds only its grids ---------------------------------------------------------


def test_a_worker_receives_only_its_grids_and_volunteers_without_their_numbers(community):
    _office, w1, _w2, ids = community
    w1.become()
    assert {r.id for r in Resident.select()} == {ids["resident01"]}
    assert {h.id for h in Household.select()} == {ids["home01"]}
    assert Grid.select().count() == 2 and Building.select().count() == 2  # places every laptop needs
    [volunteer] = Volunteer.select()
    assert (volunteer.name, volunteer.phone, volunteer.id_number) == ("李志愿", "", "")
    assert not AuditLog.select().where(AuditLog.origin != w1.id).exists()
    assert Campaign.select().count() == 1


def test_reassigning_a_grid_purges_the_old_laptop_only_after_its_pending_work_is_in(community, tmp_path):
    office, w1, w2, ids = community
    w1.become()
    store.update(Resident, ids["resident01"], note="搬走前的最后一次走访")  # pending work in grid 01
    office.become()
    places.set_grid_worker("01", "w2")  # the grid goes to w2
    got = send(office, w1, tmp_path)
    assert got.waiting == ["01"] and got.purged == []
    w1.become()
    assert Resident.get_by_id(ids["resident01"]).note == "搬走前的最后一次走访"  # kept: not in yet

    got = send(w1, office, tmp_path)  # the work reaches the office, though the grid is w2's now
    assert got.refused == {}
    office.become()
    assert Resident.get_by_id(ids["resident01"]).note == "搬走前的最后一次走访"

    got = send(office, w1, tmp_path)  # the office acknowledges it: now the old copy goes
    assert got.purged == ["01"]
    w1.become()
    assert Resident.select().count() == 0 and Household.select().count() == 0
    assert Grid.select().count() == 2  # places stay; nothing of the forgetting travels
    assert send(w1, office, tmp_path).new == 0
    office.become()
    assert Resident.select().where(live(Resident) & (Resident.id == ids["resident01"])).exists()

    got = send(office, w2, tmp_path)  # the new worker gets the grid whole, with w1's last work
    w2.become()
    assert Resident.get_by_id(ids["resident01"]).note == "搬走前的最后一次走访"
    assert Resident.get_by_id(ids["resident01"]).id_number == "110101199003077774"


def test_a_grid_with_nothing_pending_is_forgotten_at_once(community, tmp_path):
    office, w1, _w2, ids = community
    send(w1, office, tmp_path)
    send(office, w1, tmp_path)
    office.become()
    places.set_grid_worker("01", "w2")
    got = send(office, w1, tmp_path)
    assert got.purged == ["01"]


# -- the audit log ------------------------------------------------------------------------------


def test_each_audited_act_writes_one_entry_that_reaches_the_office(community, tmp_path, cli):
    office, w1, w2, ids = community
    office.become()
    actions = [a for (a,) in AuditLog.select(AuditLog.action).tuples()]
    assert actions.count("trust") == 2 and actions.count("handover") == 2
    code, _, err = cli("--db", office.path, "device", "role", "w2", "office")
    code, _, err = cli("--db", office.path, "device", "revoke", "w2")
    assert code == 0, err
    w1.become()
    from gridtui.domain import households
    from gridtui.io.reports import write_report

    assert households.reveal(ids["resident01"], actor="w1")[0] == "110101199003077774"
    write_report("registers", tmp_path / "r.xlsx", today=TODAY)
    write_report("registers", tmp_path / "full.xlsx", today=TODAY, reveal=True)
    send(w1, office, tmp_path)
    office.become()
    found = {(e["action"], e["device"]) for e in privacy.audit_entries()}
    assert {("role", "office"), ("revoke", "office"), ("reveal", "w1"), ("report", "w1")} <= found
    assert sum(1 for e in privacy.audit_entries() if e["action"] == "reveal" and e["device"] == "w1") == 2
    code, out, _ = cli("--db", office.path, "--lang", "en", "audit", "list", "--actor", "w1", "--json")
    assert code == 0 and {e["action"] for e in json.loads(out)} == {"trust", "reveal", "report"}  # w1's own acts
    code, out, _ = cli("--db", office.path, "--lang", "zh", "audit", "list", "--since", "2999-01-01")
    assert code == 0 and "没有" in out
    code, _, err = cli("--db", office.path, "--lang", "en", "audit", "list", "--since", "yesterday")
    assert code == 1 and "2026-07-14" in err
    code, out, _ = cli("--db", office.path, "--lang", "en", "audit", "list")
    assert "handover" in out and "01: w1 -> w1" not in out


def test_a_handover_entry_names_the_laptops(community):
    office, w1, w2, _ids = community
    office.become()
    places.set_grid_worker("01", "w2")
    entry = AuditLog.select().where(AuditLog.action == "handover").order_by(AuditLog.seq.desc()).first()
    moved = json.loads(entry.detail)
    assert (moved["from"], moved["to"], moved["grid"]) == (w1.id, w2.id, "01")
    assert isinstance(entry.at, datetime)


# -- the screens --------------------------------------------------------------------------------


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_office_screens_and_keys_are_refused_on_a_workers_laptop(community):
    from gridtui.tui import GridApp
    from gridtui.tui.screens.audit import AuditScreen
    from gridtui.tui.screens.campaigns import CampaignsScreen

    _office, w1, _w2, ids = community
    close_database()
    app = GridApp(db_path=w1.path, lang="en", today=TODAY)
    notices: list[str] = []
    app.notify = lambda message, **_kw: notices.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert not isinstance(app.screen, AuditScreen)
        assert notices and "worker's laptop" in notices[-1] and "Audit log" in notices[-1]
        app.push_screen(CampaignsScreen())
        await settle(pilot)
        notices.clear()
        await pilot.press("x")  # close the campaign: the office's
        await settle(pilot)
        assert len(notices) == 1 and "worker's laptop" in notices[0]
    w1.become()
    assert Campaign.get_by_id(ids["campaign"]).active


async def test_the_office_reads_the_audit_log_on_its_screen(community):
    from gridtui.tui import GridApp
    from gridtui.tui.screens.audit import AuditScreen
    from gridtui.tui.widgets.paged_list import PagedList

    office, _w1, _w2, _ids = community
    close_database()
    app = GridApp(db_path=office.path, lang="zh", today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        assert app.screen.query_one(PagedList).count == 4  # two trusts, two handovers
