"""Residents' life events: each keeps its history and updates the registers it touches."""

from __future__ import annotations

import json
from datetime import date

from openpyxl import load_workbook

from gridtui.core.db import close_database, open_database
from gridtui.core.models import (
    Household,
    Pairing,
    RegisterEntry,
    Resident,
    ResidentEvent,
    Volunteer,
)

from .conftest import PEOPLE, ROSTER, ROSTER_HEADER, ident, sha256, write_xlsx


def resident(community, name: str) -> Resident:
    open_database(community)
    found = Resident.get(Resident.name == name)
    close_database()
    return found


def register_names(run, community, kind: str) -> list[str]:
    out = community.parent / f"registers-{kind}.xlsx"
    code, _, err = run("report", "registers", "--out", out)
    assert code == 0, err
    book = load_workbook(out)
    sheet = next(ws for ws in book.worksheets if ws.title == kind)
    return [row[0] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]]


def test_a_death_ends_the_register_entries_the_volunteering_and_empties_the_household(run, community):
    zhang = PEOPLE["张建国"][0]
    run("volunteers", "add", "张建国", "--id-number", zhang, "--kind", "party_volunteer")
    run("pair", "add", "张建国", "凤飞园3栋2单元502")
    assert "张建国" in register_names(run, community, "Registered party members")
    code, out, err = run("resident", "death", zhang, "--on", "2026-07-01", "--note", "病故")
    assert code == 0, err
    assert "张建国" not in register_names(run, community, "Registered party members")
    open_database(community)
    person = Resident.get(Resident.id_number == zhang)
    assert person.status == "deceased" and not person.deleted  # the register keeps them
    entry = RegisterEntry.get(RegisterEntry.resident == person.id)
    assert str(entry.until) == "2026-06-30"  # held through the day before
    assert str(Volunteer.get(Volunteer.id_number == zhang).ended_on) == "2026-07-01"
    assert Pairing.get().until is not None
    event = ResidentEvent.get(ResidentEvent.resident == person.id)
    assert (event.kind, str(event.happened_on), event.note) == ("death", "2026-07-01", "病故")
    assert Household.get_by_id(person.household_id).status == "active"  # 李秀英 still lives there
    close_database()
    run("resident", "move-out", PEOPLE["李秀英"][0], "--to", "北京")
    open_database(community)
    assert Household.get(Household.address == "凤飞园3栋2单元501").status == "vacant"
    close_database()
    before = sha256(community)
    code, _, err = run("resident", "death", zhang)
    assert code == 1 and "already recorded as deceased" in err and sha256(community) == before


def test_a_move_within_the_community_and_back(run, community):
    wang = PEOPLE["王小明"][0]
    code, out, err = run("resident", "move", wang, "凤飞园4栋1单元101", "--relation", "sibling", lang="zh")
    assert code == 0 and "已搬到" in out, err
    person = resident(community, "王小明")
    open_database(community)
    assert Household.get_by_id(person.household_id).address == "凤飞园4栋1单元101" and person.relation == "sibling"
    assert Household.get(Household.address == "凤飞园3栋2单元502").status == "vacant"
    close_database()
    run("resident", "move-out", wang, "--to", "郑州")
    code, out, _ = run("resident", "move", wang, "凤飞园3栋2单元502", "--relation", "head")
    assert code == 0  # back in the community, head of his old household again
    code, out, _ = run("resident", "show", wang, "--json")
    shown = json.loads(out)
    assert shown["status"] == "present" and shown["address"] == "凤飞园3栋2单元502"
    assert [e["kind"] for e in shown["events"]] == ["move", "move_out", "move"]
    assert shown["events"][1]["after"] == "郑州" and shown["id_number"].startswith("4104**")


def test_a_newborn_and_a_newcomer(run, community):
    code, out, err = run("resident", "add", "凤飞园4栋1单元101", "陈小宝", "--born", "--sex", "M", "--on", "2026-07-10")
    assert code == 0, err
    baby = resident(community, "陈小宝")
    assert (str(baby.birth_date), baby.relation, baby.status) == ("2026-07-10", "child", "present")
    number = ident(date(1990, 2, 2), 41)
    code, out, err = run(
        "resident", "add", "凤飞园4栋1单元101", "陈妹妹", "--arrived", "--id-number", number, "--relation", "sibling"
    )
    assert code == 0, err
    code, out, _ = run("household", "show", "凤飞园4栋1单元101", "--json")
    shown = json.loads(out)
    assert {r["name"] for r in shown["residents"]} == {"陈志强", "刘芳", "陈小宝", "陈妹妹"}
    assert [e["kind"] for e in shown["events"]] == ["birth", "arrival"]
    code, _, err = run("resident", "add", "凤飞园4栋1单元101", "重复", "--id-number", number)
    assert code == 1 and "陈妹妹" in err


def test_a_relation_change_keeps_one_head(run, community):
    code, out, err = run("resident", "relation", PEOPLE["刘芳"][0], "head")
    assert code == 0, err
    open_database(community)
    heads = [
        r.name
        for r in Resident.select().join(Household).where((Household.address == "凤飞园4栋1单元101") & Resident.is_head)
    ]
    close_database()
    assert heads == ["刘芳"]
    code, out, _ = run("resident", "show", "凤飞园4栋1单元101/陈志强", "--json")
    assert json.loads(out)["relation"] == "other"


def test_a_stale_roster_does_not_bring_back_who_has_left(run, community, tmp_path):
    run("resident", "death", PEOPLE["张建国"][0])
    path = write_xlsx(tmp_path / "旧花名册.xlsx", ROSTER_HEADER, ROSTER)
    code, out, err = run("roster", "import", path, lang="zh")
    assert code == 0, err
    assert "张建国 已登记去世，这一行未导入" in out
    assert resident(community, "张建国").status == "deceased"


def test_register_entries_by_hand(run, community):
    assert run("register", "add", "困难群众", "--household", "凤飞园4栋1单元101", "--since", "2026-01-01")[0] == 0
    assert run("register", "add", "chronic_illness", "--resident", PEOPLE["陈志强"][0])[0] == 0
    assert "陈志强" in register_names(run, community, "People in difficulty")
    assert run("register", "end", "People in difficulty", "--household", "凤飞园4栋1单元101")[0] == 0
    assert "陈志强" not in register_names(run, community, "People in difficulty")
    code, _, err = run("register", "end", "困难群众", "--household", "凤飞园4栋1单元101")
    assert code == 1 and "not on that register" in err
    code, _, err = run("register", "add", "在册党员", "--household", "凤飞园4栋1单元101")
    assert code == 1 and len(err.strip().splitlines()) == 1
