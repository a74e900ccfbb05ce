"""The README's path, end to end: a community built only through user commands (rosters,
volunteer, unit and shop lists in Excel, needs from the office, a collective issue from three
needs, a resident who moves out, a grid handed to a new worker) supports the worker's screens and
the office's reports. Real workbooks, real SQLite, the CLI in-process and the real app by Pilot."""

from __future__ import annotations

import json
from datetime import date

from openpyxl import load_workbook

from gridtui.core.db import close_database, open_database, self_device

from .conftest import PEOPLE, ident, write_xlsx

VOLUNTEERS = (
    ["姓名", "身份证号", "手机号", "工作单位", "志愿服务队", "技能"],
    [
        ["赵在职", ident(date(1985, 1, 1), 21), "13611112222", "市交通运输局", "党员志愿队", "停车难、政策咨询"],
        ["钱师傅", "", "13611113333", "", "家政维修志愿队", "水管及下水道维修"],
        ["孙阿姨", "", "13611114444", "", "银发志愿队", "助餐送餐、老人陪伴"],
        ["陈志强", PEOPLE["陈志强"][0], PEOPLE["陈志强"][1], "区财政局", "", "助餐送餐"],
    ],
)
UNITS = (
    ["单位名称", "类别", "联系人", "签约日期", "共建项目"],
    [
        ["市交通运输局", "共建单位", "刘科长", "2025-03-01", "公益讲座"],
        ["美音合唱团", "社会组织", "周团长", "", ""],
    ],
)
SHOPS = (
    ["名称", "经营类别", "经营者", "经营地址", "统一社会信用代码", "食品经营", "网格"],
    [
        ["老王面馆", "面馆", "王师傅", "湖滨路12号", "92410400MA12345678", "是", "01"],
    ],
)


def sheet_rows(path, title: str) -> list[tuple]:
    book = load_workbook(path)
    sheet = next((ws for ws in book.worksheets if ws.title == title[:31]), None)  # Excel: 31 at most
    assert sheet is not None, [ws.title for ws in book.worksheets]
    return [row for row in sheet.iter_rows(min_row=3, values_only=True) if any(row)]


async def test_a_community_built_only_through_commands(run, community, tmp_path):
    def ok(*args: str) -> str:
        code, out, err = run(*map(str, args))
        assert code == 0, (args, err)
        return out

    ok("volunteers", "import", write_xlsx(tmp_path / "双报到名单.xlsx", *VOLUNTEERS, title="志愿者名单"))
    ok("units", "import", write_xlsx(tmp_path / "共建单位.xlsx", *UNITS))
    ok("business", "import", write_xlsx(tmp_path / "个体工商户.xlsx", *SHOPS))
    ok("resources", "add", "多功能活动室", "--unit", "市交通运输局", "--capacity", "40", "--availability", "周末")
    ok("pair", "add", "赵在职", "凤飞园3栋2单元502")

    parking = []
    for address in ("凤飞园3栋2单元501", "凤飞园3栋2单元502", "凤飞园4栋1单元101"):
        ok("needs", "add", "--household", address, "--item", "停车难", "--source", "walk-in")
        parking.append(json.loads(ok("needs", "list", "--json", "--limit", "1000"))["needs"])
    ids = sorted({n["id"] for rows in parking for n in rows})
    ok("collective", "open", "凤飞园停车位改造", *ids)
    ok(
        "collective",
        "meeting",
        "凤飞园停车位改造",
        "--date",
        "2026-06-01",
        "--attendees",
        "业委会、党员、共建单位",
        "--decision",
        "改造现有停车位，增加车位27个",
    )
    ok("collective", "close", "凤飞园停车位改造", "--on", "2026-06-26")

    ok("needs", "add", "--resident", PEOPLE["张爱琴"][0], "--item", "助餐送餐", "--source", "12345")
    meal = next(n["id"] for n in json.loads(ok("needs", "list", "--json", "--status", "open"))["needs"])
    suggestions = json.loads(ok("dispatch", "suggest", meal, "--json"))["candidates"]
    assert suggestions[0]["parts"]["skill"] == 40  # a volunteer who listed meal delivery comes first
    for move in (
        ("assign", meal),
        ("done", meal, "--hours", "2"),
        ("followup", meal, "--satisfaction", "satisfied"),
        ("close", meal),
    ):
        ok("needs", *move)
    ok("resident", "move-out", PEOPLE["王小明"][0], "--to", "郑州")

    stats = json.loads(ok("stats", "--json"))
    assert (stats["volunteers"], stats["cobuilding_units"], stats["social_orgs"], stats["businesses"]) == (4, 1, 1, 1)
    assert stats["needs_by_status"]["done"] == 3 and stats["needs_by_status"]["closed"] == 1

    # The worker's screens: grid 01 given to this laptop is its own, with its needs.
    open_database(community)
    me = self_device().name
    close_database()
    ok("grid", "worker", "01", me, "--name", "王芳")
    from gridtui.tui import GridApp
    from gridtui.tui.screens.needs import NeedsBoard
    from gridtui.tui.widgets.paged_list import PagedList
    from tests.tui.tui_helpers import screen_text, settle

    app = GridApp(db_path=community, lang="en", today=date(2026, 7, 14))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = screen_text(app)
        assert "第1网格" in home and "第2网格" not in home
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, NeedsBoard)
        board = app.screen.query_one(PagedList)
        assert board.count == 3 and {board.row(i).grid for i in range(3)} == {"第1网格"}
        assert not app.errors

    # The grid goes to a new worker: this laptop is the office again, every grid on home.
    ok("grid", "worker", "01", "李明")
    app = GridApp(db_path=community, lang="en", today=date(2026, 7, 14))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "第1网格" in screen_text(app) and "第2网格" in screen_text(app)

    # The office's reports.
    registers = tmp_path / "台账.xlsx"
    ok("report", "registers", "--out", registers)
    assert [r[0] for r in sheet_rows(registers, "Subsistence allowance households")] == []  # he moved out
    assert [r[0] for r in sheet_rows(registers, "Registered party members")] == ["张建国"]
    volunteers = tmp_path / "志愿者.xlsx"
    ok("report", "volunteers", "--out", volunteers)
    hours = {r[0]: r[9] for r in sheet_rows(volunteers, "Volunteers")}
    assert sum(hours.values()) == 2 and set(hours) == {"赵在职", "钱师傅", "孙阿姨", "陈志强"}
    zhao = next(r for r in sheet_rows(volunteers, "Volunteers") if r[0] == "赵在职")
    assert zhao[1].startswith("4104**") and zhao[2] == "136****2222"  # masked, as a resident's
    collective = tmp_path / "议题.xlsx"
    ok("report", "collective", "--out", collective)
    issue = sheet_rows(collective, "Collective issues")[0]
    assert issue[0] == "凤飞园停车位改造" and 25 in issue
    resources = tmp_path / "资源.xlsx"
    ok("report", "resources", "--out", resources)
    assert [r[3] for r in sheet_rows(resources, "Resources")] == ["市交通运输局"]
    needs = tmp_path / "需求.xlsx"
    ok("report", "needs", "--out", needs)
    assert len(sheet_rows(needs, "Needs")) == 4
