"""The path of the README's "From an empty database to a report", step by step, as a new office
takes it: real processes for every command, real workbooks, the real app at the door.

community set → roster import → grid add/assign → form template → the form edited in Excel →
form check → campaign new --activate → the worker's laptop imports the office's bundle → walks
the grid with skip logic working, in Chinese and in English → the office imports the answers →
report visits --campaign has them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from gridtui.core.db import close_database
from gridtui.tui import GridApp
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.widgets.checklist import Checklist

TODAY = date(2026, 7, 14)


def ident(born: date, order: int) -> str:
    body = f"410402{born:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def write_roster(path: Path) -> Path:
    """The office's own roster: three households of 凤飞园3栋, one with a child."""
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "小区", "楼栋", "单元", "门牌号", "与户主关系"])
    sheet.append(["王建国", ident(date(1980, 4, 1), 11), "凤飞园", "3栋", "1单元", "101", "户主"])
    sheet.append(["王小宝", ident(date(2016, 9, 1), 12), "凤飞园", "3栋", "1单元", "101", "子女"])
    sheet.append(["李秀英", ident(date(1950, 2, 3), 22), "凤飞园", "3栋", "1单元", "102", "户主"])
    sheet.append(["张三", ident(date(1990, 6, 7), 31), "凤飞园", "3栋", "1单元", "201", "户主"])
    book.save(path)
    return path


def edit_in_excel(path: Path) -> None:
    """What the office does to the template: its own title and id, a question of its own with a
    skip rule, the version it publishes."""
    book = load_workbook(path)
    book["survey"].append(
        [
            "select_one yes_no",
            "swims",
            "孩子暑期是否下水游泳",
            "Do the children swim in summer?",
            None,
            None,
            None,
            None,
            None,
            "${residents_present} > 2",
        ]
    )
    settings = book["settings"]
    settings["A2"], settings["B2"], settings["C2"] = "湖光社区入户走访", "huguang_visit", "2026.1"
    book.save(path)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.app.typeahead.wait()
    await pilot.pause()


def shown(app) -> str:
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


async def walk_the_grid(db: Path, lang: str, skip: int, words: dict[str, str]) -> None:
    """A grid worker's morning: home, the grid, the whole grid, a household; answer it."""
    app = GridApp(db_path=db, lang=lang, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert words["campaign"] in shown(app)
        await pilot.press("enter", "enter")  # my grid; the whole grid
        await settle(pilot)
        await pilot.press(*["j"] * skip, "enter")  # a household on the walk list
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)
        checklist = app.screen.query_one(Checklist)
        assert words["care"] not in shown(app) and words["swims"] not in shown(app)
        await pilot.press("3", "enter")  # three people live here: the swimming question is asked
        await settle(pilot)
        assert words["swims"] in shown(app)
        await pilot.press("j", "space")  # income left empty; someone needs care: the care section opens
        await settle(pilot)
        assert words["care"] in shown(app)
        assert checklist.current.name == "needs_care"
        await pilot.press("j", "1", "j", "1", "3")  # elderly alone; meals and home visits
        for _ in range(3):
            await pilot.press("j")
        assert checklist.current.name == "swims"
        await pilot.press("space", "D")  # swims: yes; done
        await settle(pilot)
        from gridtui.domain import visits

        assert visits.visit_state(app.screen.data.visit_id).outcome == "done" and not app.errors
    close_database()


@pytest.mark.slow
async def test_from_an_empty_database_to_a_report(run_gridtui, tmp_path):
    office, worker = tmp_path / "office.db", tmp_path / "worker.db"

    def gridtui(*args, db: Path = office, lang: str = "zh") -> str:
        done = run_gridtui(*args, "--db", db, "--lang", lang)
        assert done.returncode == 0, done.stderr
        return done.stdout

    # the office: a community from its roster, a grid, a form of its own
    gridtui("community", "set", "湖光社区")
    assert "3" in gridtui("roster", "import", write_roster(tmp_path / "花名册.xlsx"))
    gridtui("grid", "add", "01", "第1网格", "--worker", "王芳")
    gridtui("grid", "assign", "01", "凤飞园3栋")
    form = tmp_path / "走访清单.xlsx"
    gridtui("form", "template", "--out", form)
    edit_in_excel(form)
    assert "huguang_visit" in gridtui("form", "check", form)
    gridtui("campaign", "new", form, "--name", "2026年入户走访", "--name-en", "Home visits 2026", "--activate")

    # the laptops meet once: each takes the other's card
    gridtui("device", "rename", "office")
    gridtui("device", "rename", "wang-fang", db=worker)
    gridtui("device", "card", "--out", tmp_path / "office.card")
    gridtui("device", "card", "--out", tmp_path / "wang-fang.card", db=worker)
    gridtui("device", "trust", tmp_path / "wang-fang.card")
    gridtui("device", "trust", tmp_path / "office.card", "--role", "office", db=worker)
    gridtui("grid", "worker", "01", "wang-fang", "--name", "王芳")

    # the campaign reaches the worker's laptop in the office's bundle
    gridtui("export", "--to", "wang-fang", "--out", tmp_path / "to-wang-fang.bundle")
    gridtui("import", tmp_path / "to-wang-fang.bundle", db=worker)
    assert "2026年入户走访" in gridtui("campaign", "list", db=worker)

    # at the doors, in Chinese and in English
    await walk_the_grid(
        worker, "zh", 0, {"campaign": "2026年入户走访", "care": "照料情况", "swims": "孩子暑期是否下水游泳"}
    )
    await walk_the_grid(
        worker, "en", 1, {"campaign": "Home visits 2026", "care": "Care", "swims": "Do the children swim in summer?"}
    )

    # the answers come back, and the office reports them
    gridtui("export", "--to", "office", "--out", tmp_path / "wang-fang.bundle", db=worker)
    gridtui("import", tmp_path / "wang-fang.bundle")
    report = tmp_path / "走访.xlsx"
    gridtui("report", "visits", "--campaign", "2026年入户走访", "--out", report)
    sheet = load_workbook(report).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if "孩子暑期是否下水游泳" in row)
    answered = [dict(zip(header, row, strict=False)) for row in rows[rows.index(header) + 1 :]]
    assert len(answered) == 2
    for row in answered:
        assert row["目前实际居住人数"] == 3 and row["孩子暑期是否下水游泳"] == "是"
        assert row["需照料人员情况"] == "独居老人" and row["希望得到的帮助"] == "助餐、上门医疗"
        assert row["家庭月收入（元）"] is None
