"""A real community built only through user commands: named, its roster imported from a real
workbook, its grids drawn. Built once per test process, copied for each test (the CLI runs
in-process, on the copy)."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from stdnum.cn import ric

ROSTER_HEADER = ["小区", "楼号", "单元", "房号", "姓名", "身份证号码", "联系电话", "与户主关系", "人员类别"]


def ident(born: date, order: int, region: str = "410402") -> str:
    """A fictitious ID number with a valid check digit (odd order: a man, even: a woman)."""
    body = f"{region}{born:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


PEOPLE = {  # name: (ID number, phone)
    "张建国": (ident(date(1950, 3, 2), 11), "13812345678"),
    "李秀英": (ident(date(1952, 5, 6), 12), ""),
    "王小明": (ident(date(1980, 1, 1), 13), "13900001111"),
    "张爱琴": (ident(date(1959, 1, 1), 14), "13700001234"),
    "陈志强": (ident(date(1975, 8, 8), 15), "13600005678"),
    "刘芳": (ident(date(1978, 9, 9), 16), ""),
}
ROSTER = [
    ["凤飞园", "3栋", "2", "501", "张建国", PEOPLE["张建国"][0], PEOPLE["张建国"][1], "户主", "在册党员"],
    ["凤飞园", "3栋", "2", "501", "李秀英", PEOPLE["李秀英"][0], "", "配偶", ""],
    ["凤飞园", "3栋", "2", "502", "王小明", PEOPLE["王小明"][0], PEOPLE["王小明"][1], "户主", "低保户"],
    ["凤飞园", "4栋", "1", "101", "陈志强", PEOPLE["陈志强"][0], PEOPLE["陈志强"][1], "户主", ""],
    ["凤飞园", "4栋", "1", "101", "刘芳", PEOPLE["刘芳"][0], "", "配偶", ""],
    ["九天庄园", "7栋", "1", "101", "张爱琴", PEOPLE["张爱琴"][0], PEOPLE["张爱琴"][1], "户主", "独居老人"],
]


def write_xlsx(path: Path, header: list, rows: list[list], title: str | None = None, sheet: str = "Sheet1") -> Path:
    """A real workbook as the office keeps one: an optional title row, the header, the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def sha256(path: Path) -> str:
    """The file's bytes: a refused command or a dry run must leave them all as they were."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def content(path: Path) -> dict[str, list]:
    """Every row of every table, stamps and change sequence included: what a second import of
    the same file must leave as it was (its empty transaction still touches the file's header)."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}


@pytest.fixture(scope="session")
def built_community(tmp_path_factory):
    """The database of a community made by `community set`, `roster import`, `grid add|assign`."""
    from gridtui import i18n
    from gridtui.cli import main

    folder = tmp_path_factory.mktemp("community")
    db = folder / "community.db"
    roster = write_xlsx(folder / "花名册.xlsx", ROSTER_HEADER, ROSTER, title="湖光社区居民花名册")
    for args in (
        ("community", "set", "湖光社区", "--en", "Huguang Community"),
        ("roster", "import", roster),
        ("grid", "add", "01", "第1网格", "--worker", "王芳"),
        ("grid", "add", "02", "第2网格"),
        ("grid", "assign", "01", "凤飞园3栋", "凤飞园4栋"),
        ("grid", "assign", "02", "九天庄园7栋"),
    ):
        assert main(["--db", str(db), "--lang", "en", *map(str, args)]) == 0, args
    i18n._current = None
    from gridtui.core.db import close_database

    close_database()
    return db


@pytest.fixture
def community(built_community, tmp_path) -> Path:
    """This test's own copy of the built community (closed: for the CLI)."""
    path = tmp_path / "community.db"
    shutil.copyfile(built_community, path)
    return path


@pytest.fixture
def run(cli, community):
    """``run("needs", "list", lang="en")``: the CLI on this test's community."""

    def go(*args: str, lang: str = "en") -> tuple[int, str, str]:
        return cli("--db", community, "--lang", lang, *args)

    return go
