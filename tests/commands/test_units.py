"""Partner units, their resources and the shops' register: from the office's lists and by hand."""

from __future__ import annotations

import json

from gridtui.core.db import close_database, open_database
from gridtui.core.models import Business, Organization, Resource

from .conftest import content, sha256, write_xlsx

UNIT_HEADER = ["单位名称", "类别", "联系人", "联系电话", "签约日期", "共建项目", "成员数"]
UNITS = [
    ["市交通运输局", "共建单位", "刘科长", "0375-1234567", "2025-03-01", "公益讲座、消防安全", ""],
    ["美音合唱团", "社会组织", "周团长", "13900002222", "", "", 176],
    ["湖滨小学", "驻区单位", "", "", "", "", ""],
    ["错误单位", "外星单位", "", "", "", "", ""],
    ["错日期单位", "共建单位", "", "", "2025-13-45", "", ""],
]


def test_units_from_a_list_then_by_hand(run, community, tmp_path):
    path = write_xlsx(tmp_path / "共建单位.xlsx", UNIT_HEADER, UNITS, title="湖光社区共建单位名单")
    before = sha256(community)
    code, out, err = run("units", "import", path, "--dry-run", "--json")
    assert code == 0, err and sha256(community) == before
    report = json.loads(out)
    assert report["created"] == {"units": 3}
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(6, "类别"), (7, "签约日期")]
    assert sha256(community) == before
    assert run("units", "import", path)[0] == 0
    again = content(community)
    code, out, _ = run("units", "import", path)
    assert "Added 0 units, updated 0, 3 unchanged" in out and content(community) == again

    code, out, _ = run("units", "list", "--kind", "cobuilding", "--json")
    unit = json.loads(out)["units"][0]
    assert unit["projects"] == ["public_lecture", "fire_safety"] and unit["phone"] == "0375-*****67"
    assert run("units", "add", "区财政局", "--agreement", "2024-05-01", "--projects", "政策宣讲")[0] == 0
    assert run("units", "edit", "区财政局", "--contact", "孙主任", "--kind", "resident_unit")[0] == 0
    open_database(community)
    org = Organization.get(Organization.name == "区财政局")
    assert (org.kind, org.contact, org.projects) == ("resident_unit", "孙主任", ["policy_talk"])  # a usual project
    close_database()
    code, _, err = run("units", "add", "市交通运输局")
    assert code == 1 and "already a unit" in err


def test_resources_belong_to_a_unit_a_volunteer_or_a_shop(run, community):
    run("units", "add", "市交通运输局", "--agreement", "2025-03-01")
    run("volunteers", "add", "钱师傅", "--phone", "13611113333")
    run("business", "add", "老王面馆", "--kind", "面馆", "--licence", "92410400MA12345678")
    for owner in (("--unit", "市交通运输局"), ("--volunteer", "钱师傅"), ("--business", "92410400MA12345678")):
        code, out, err = run("resources", "add", "多功能活动室", *owner, "--capacity", "20", "--availability", "周末")
        assert code == 0, err
    code, out, _ = run("resources", "list", "--json")
    rows = json.loads(out)["resources"]
    assert sorted(r["provider_kind"] for r in rows) == ["business", "organization", "volunteer"]
    volunteers = next(r["id"] for r in rows if r["provider_kind"] == "volunteer")
    assert run("resources", "edit", volunteers[-8:], "--capacity", "3", "--item", "volunteer.plumbing")[0] == 0
    code, _, err = run("resources", "edit", volunteers[-8:], "--capacity", "lots")
    assert code == 1 and "number" in err
    open_database(community)
    assert (Resource.get_by_id(volunteers).capacity, Resource.get_by_id(volunteers).item_id) == (
        3,
        "volunteer.plumbing",
    )
    close_database()
    assert run("resources", "end", volunteers[-8:])[0] == 0
    code, out, _ = run("units", "end", "市交通运输局")
    assert code == 0 and "1 resources it offered ended with it" in out
    code, out, _ = run("resources", "list", "--json")
    assert [r["provider_kind"] for r in json.loads(out)["resources"]] == ["business"]
    open_database(community)
    assert Resource.get_by_id(volunteers).deleted  # ended: a tombstone that syncs, never erased
    close_database()


def test_the_shops_register(run, community, tmp_path):
    header = ["字号名称", "经营类别", "经营者", "联系电话", "经营地址", "统一社会信用代码", "食品经营", "所属网格"]
    rows = [
        ["老王面馆", "面馆", "王师傅", "13800001111", "湖滨路12号", "92410400MA12345678", "是", "01"],
        ["福满超市", "超市便利店", "李老板", "", "湖滨路30号", "92410400MA87654321", "否", "02"],
        ["无网格店", "理发店", "", "", "", "", "否", "09"],
        ["重码店", "", "", "", "", "92410400MA12345678", "", ""],
    ]
    path = write_xlsx(tmp_path / "个体工商户.xlsx", header, rows)
    code, out, err = run("business", "import", path, lang="zh")
    assert code == 0, err
    assert "第 4 行 [所属网格]" in out and "第 5 行 [统一社会信用代码]" in out and "新增商户 2 家" in out
    code, out, _ = run("business", "list", "--grid", "01", "--json")
    shop = json.loads(out)["businesses"][0]
    assert (shop["name"], shop["kind"], shop["food"], shop["phone"]) == ("老王面馆", "noodle_shop", True, "138****1111")
    assert run("business", "edit", "老王面馆", "--food", "no", "--grid", "02")[0] == 0
    assert run("business", "end", "92410400MA87654321")[0] == 0
    open_database(community)
    assert Business.get(Business.name == "福满超市").deleted
    assert not Business.get(Business.name == "老王面馆").food
    close_database()
