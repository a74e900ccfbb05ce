"""Volunteers and party members from the office's lists and by hand: import, add, edit, end;
teams; 一带多帮 pairings. Real workbooks, real SQLite, the CLI in-process."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from gridtui.core.db import close_database, open_database
from gridtui.core.models import Assignment, Need, Pairing, Volunteer, VolunteerSkill, live

from .conftest import PEOPLE, content, ident, sha256, write_xlsx

ZH_HEADER = ["序号", "姓名", "身份证号", "手机号", "工作单位", "志愿服务队", "技能特长", "服务时间", "备注"]
GOOD = [
    [
        1,
        "赵在职",
        ident(date(1985, 1, 1), 21),
        "13611112222",
        "市交通运输局",
        "党员志愿队",
        "政策咨询、停车难",
        "周末",
        "",
    ],
    [2, "钱志愿", "", "136 1111 3333", "", "家政维修志愿队", "水管及下水道维修", "工作日晚上", "会修水管"],
    [3, "张建国", PEOPLE["张建国"][0], PEOPLE["张建国"][1], "", "银发志愿队", "助餐送餐", "随时", ""],
]
BAD = [  # Excel rows 6..: one problem each, in the column named
    ([4, "孙错号", ident(date(1985, 1, 1), 23)[:-1] + "0", "", "", "", "", "", ""], "身份证号", "validate.id_checksum"),
    ([5, "李电话", "", "1361111", "", "", "", "", ""], "手机号", "validate.phone"),
    ([6, "周无队", "", "", "", "飞行队", "", "", ""], "志愿服务队", "volunteers.unknown_team"),
    ([7, "吴技能", "", "", "", "", "飞天遁地", "", ""], "技能特长", "needs.unknown_item"),
    ([8, "郑重复", ident(date(1985, 1, 1), 21), "", "区财政局", "", "", "", ""], "身份证号", "roster.duplicate_id"),
    ([9, "王数字", 410402198501010251, "", "", "", "", "", ""], "身份证号", "roster.id_as_number"),
]


def volunteers_file(tmp_path, rows=None):
    return write_xlsx(
        tmp_path / "双报到名单.xlsx",
        ZH_HEADER,
        rows if rows is not None else GOOD + [r for r, _, _ in BAD],
        title="湖光社区志愿者及双报到党员名单",
    )


def test_the_offices_list_imports_good_rows_and_names_every_bad_one(run, community, tmp_path):
    path = volunteers_file(tmp_path)
    before = sha256(community)
    code, out, err = run("volunteers", "import", path, "--dry-run", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert sha256(community) == before  # a dry run writes nothing
    assert report["created"] == {"volunteers": 3} and report["bad_rows"] == len(BAD)
    found = [(p["row"], p["column"], p["key"]) for p in report["problems"]]
    assert found == [(6 + i, column, key) for i, (_, column, key) in enumerate(BAD)]

    code, out, _ = run("volunteers", "import", path, lang="zh")
    assert code == 0 and "第 6 行 [身份证号]" in out and "新登记志愿者 3 人" in out
    open_database(community)
    zhao = Volunteer.get(Volunteer.name == "赵在职")
    assert (zhao.kind, zhao.work_unit, zhao.availability) == ("in_service_party", "市交通运输局", "周末")
    assert {s.item_id for s in VolunteerSkill.select().where(VolunteerSkill.volunteer == zhao.id)} == {
        "culture_care.policy_consultation",
        "home_environment.parking",
    }
    qian = Volunteer.get(Volunteer.name == "钱志愿")
    assert (qian.kind, qian.phone, qian.note) == ("resident", "13611113333", "会修水管")
    zhang = Volunteer.get(Volunteer.name == "张建国")
    assert zhang.resident_id is not None  # found among the residents by his ID number: dispatch knows where he lives
    close_database()

    after = content(community)
    code, out, _ = run("volunteers", "import", path)
    assert code == 0 and "Registered 0 volunteers, updated 0, 3 unchanged" in out
    assert content(community) == after  # the same file again changes nothing


def test_an_english_csv_updates_what_changed(run, community, tmp_path):
    run("volunteers", "import", volunteers_file(tmp_path, GOOD))
    path = tmp_path / "volunteers.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(["Phone", "Full name", "Team", "Skills", "Availability"])
        writer.writerow(
            [
                "13611113333",
                "钱志愿",
                "Home repair volunteers",
                "Plumbing and drain repair; Roof or wall leak",
                "weekends",
            ]
        )
    code, out, err = run("volunteers", "import", path)
    assert code == 0, err
    assert "updated 1, 0 unchanged" in out
    open_database(community)
    qian = Volunteer.get(Volunteer.name == "钱志愿")
    assert qian.availability == "weekends" and qian.note == "会修水管"  # a column the file lacks is left alone
    assert len(VolunteerSkill.select().where((VolunteerSkill.volunteer == qian.id) & (live(VolunteerSkill)))) == 2
    close_database()


def test_ids_and_phones_are_masked_and_checked_by_hand_too(run, community):
    number = ident(date(1990, 6, 1), 31)
    code, out, err = run(
        "volunteers",
        "add",
        "林党员",
        "--id-number",
        number,
        "--phone",
        "13512345678",
        "--kind",
        "in_service_party",
        "--work-unit",
        "区财政局",
        "--team",
        "党员志愿队",
        "--skills",
        "政策咨询",
    )
    assert code == 0, err
    code, out, _ = run("volunteers", "show", number)
    assert "4104**********" in out and number not in out and "135****5678" in out and "13512345678" not in out
    code, out, _ = run("volunteers", "list", "--json")
    assert number not in out and "13512345678" not in out
    before = sha256(community)
    for args, words in (
        (("volunteers", "add", "坏号码", "--id-number", number[:-1] + "0"), "check digit"),
        (("volunteers", "add", "重号", "--id-number", number), "already registered"),
        (("volunteers", "add", "在职无单位", "--kind", "in_service_party"), "required"),
        (("volunteers", "edit", "林党员", "--phone", "12345"), "not a valid"),
        (("volunteers", "edit", "无此人", "--phone", "13512345678"), "no volunteer"),
    ):
        code, out, err = run(*args)
        assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and words in err, (args, err)
    assert sha256(community) == before


def assigned_need(run, community, volunteer: str, address: str = "凤飞园3栋2单元501") -> str:
    code, out, err = run("needs", "add", "--household", address, "--item", "助餐送餐", "--source", "phone")
    assert code == 0, err
    open_database(community)
    need = Need.select().order_by(Need.opened_at.desc(), Need.id.desc()).first().id
    close_database()
    assert run("needs", "assign", need, "--volunteer", volunteer)[0] == 0
    return need


def test_ending_a_volunteer_with_needs_asks_what_to_do_with_them(run, community):
    run("volunteers", "add", "赵志愿", "--phone", "13611110000", "--skills", "助餐送餐")
    first, second = assigned_need(run, community, "赵志愿"), assigned_need(run, community, "赵志愿")
    assert run("needs", "start", second)[0] == 0
    run("pair", "add", "赵志愿", "凤飞园3栋2单元502")
    before = sha256(community)
    code, out, err = run("volunteers", "end", "赵志愿", lang="zh")
    assert code == 1 and "还有 2 条需求未完成" in err and "--assignments" in err
    assert sha256(community) == before

    code, out, err = run("volunteers", "end", "13611110000", "--assignments", "return", "--on", "2026-07-01")
    assert code == 0, err
    assert "1 needs back on the board, 1 left to finish, 1 pairings ended" in out
    open_database(community)
    assert Need.get_by_id(first).status == "open"  # back on the board
    assert Need.get_by_id(second).status == "in_progress"  # started: theirs to finish
    volunteer = Volunteer.get(Volunteer.name == "赵志愿")
    assert str(volunteer.ended_on) == "2026-07-01" and not volunteer.deleted
    assert Pairing.get(Pairing.volunteer == volunteer.id).until is not None
    running = Assignment.get((Assignment.need == second) & (Assignment.status == "assigned"))
    close_database()
    assert run("needs", "done", second, "--hours", "2")[0] == 0  # they finish it, hours in the ledger
    code, out, _ = run("volunteers", "list", "--json")
    assert "赵志愿" not in out  # gone from the registry
    code, out, _ = run("report", "volunteers", "--out", community.parent / "v.xlsx")
    assert code == 0
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(community.parent / "v.xlsx").active.iter_rows(values_only=True) for c in row]
    assert "赵志愿" in cells and running  # their hours stay in the office's report


def test_teams_and_pairings(run, community):
    assert run("team", "add", "环保志愿队", "--en", "Green volunteers")[0] == 0
    run("volunteers", "add", "钱队员", "--team", "Green volunteers")
    code, out, _ = run("team", "list", "--json")
    teams = {t["name"]: t for t in json.loads(out)["teams"]}
    assert teams["Green volunteers"]["members"] == 1
    assert run("team", "edit", "环保志愿队", "--name", "绿色家园志愿队")[0] == 0
    assert run("team", "end", "绿色家园志愿队")[0] == 0
    code, out, _ = run("volunteers", "show", "钱队员", "--json")
    assert json.loads(out)["team"] == ""

    run("volunteers", "add", "党员老李", "--kind", "party_volunteer", "--phone", "13700002222")
    for address in ("凤飞园3栋2单元502", "九天庄园7栋1单元101"):
        assert run("pair", "add", "党员老李", address, "--since", "2026-01-01")[0] == 0
    code, out, _ = run("pair", "list", "党员老李", "--json")
    assert sorted(p["address"] for p in json.loads(out)["pairings"]) == ["九天庄园7栋1单元101", "凤飞园3栋2单元502"]
    assert run("pair", "end", "党员老李", "九天庄园7栋1单元101")[0] == 0
    code, out, _ = run("pair", "list", "--json")
    assert [p["address"] for p in json.loads(out)["pairings"]] == ["凤飞园3栋2单元502"]
    code, _, err = run("pair", "add", "党员老李", "九天庄园7栋9单元909")
    assert code == 1 and "no household" in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_speaks_the_users_language(run, lang):
    for group in (("volunteers", "import"), ("volunteers", "end"), ("team", "add"), ("pair", "add")):
        code, out, _ = run(*group, "--help", lang=lang)
        assert code == 0
        assert ("用法" in out) == (lang == "zh"), group
