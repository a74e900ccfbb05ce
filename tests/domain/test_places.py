"""An office starting from an empty database: name the community, import a roster, draw grids."""

from __future__ import annotations

import json

from stdnum.cn import ric

from gridtui.core.db import close_database, open_database
from gridtui.core.models import Building, Grid
from gridtui.i18n import t

BODY = "11010119500302101"
ROSTER = f"""姓名,身份证号,小区,楼栋,单元,门牌号,与户主关系
张建国,{BODY + ric.calc_check_digit(BODY + "0")},新华苑,1栋,1,101,户主
李秀英,,新华苑,2栋,1,201,户主
"""


def test_from_an_empty_database_to_grids(cli, db_path, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8-sig")
    open_database(db_path)  # a new, empty gridtui database
    close_database()

    code, _, err = cli("--db", db_path, "--lang", "en", "roster", "import", roster)
    assert code == 1 and "community set" in err and "Traceback" not in err

    assert cli("--db", db_path, "community", "set", "湖光社区", "--subdistrict", "湖滨路街道")[0] == 0
    assert cli("--db", db_path, "roster", "import", roster)[0] == 0
    assert cli("--db", db_path, "grid", "add", "01", "第1网格", "--worker", "王芳")[0] == 0

    code, out, _ = cli("--db", db_path, "--lang", "en", "grid", "list", "--json")
    assert json.loads(out)["unassigned_buildings"] == ["新华苑1栋", "新华苑2栋"]

    code, out, _ = cli("--db", db_path, "--lang", "en", "grid", "assign", "第1网格", "新华苑1栋", "新华苑 2")
    assert code == 0 and "2 buildings put in grid" in out
    code, out, _ = cli("--db", db_path, "grid", "list", "--json")
    listed = json.loads(out)
    assert listed["unassigned_buildings"] == [] and listed["grids"][0]["buildings"] == 2

    open_database(db_path)
    grid = Grid.get(Grid.code == "01")
    assert {b.grid_id for b in Building.select()} == {grid.id}
    close_database()


def test_refusals_are_one_sentence_and_change_nothing(cli, db_path):
    assert cli("--db", db_path, "community", "set", "湖光社区")[0] == 0
    code, _, err = cli("--db", db_path, "--lang", "zh", "grid", "assign", "09", "凤飞园3栋")
    assert code == 1 and err.strip() == t("places.no_grid", lang="zh", grid="09")
    assert cli("--db", db_path, "grid", "add", "01", "第1网格")[0] == 0
    code, _, err = cli("--db", db_path, "--lang", "en", "grid", "add", "01", "again")
    assert code == 1 and err.strip() == t("places.grid_exists", lang="en", grid="01")
    code, _, err = cli("--db", db_path, "--lang", "en", "grid", "assign", "01", "nowhere 9")
    assert code == 1 and err.strip() == t("places.no_building", lang="en", building="nowhere 9")
    code, _, err = cli("--db", db_path, "--lang", "en", "grid", "add", "02", "x", "--phone", "12345")
    assert code == 1 and "12345" in err and len(err.strip().splitlines()) == 1


def test_one_grid_lookup_for_every_command(cli, db_path, tmp_path):
    assert cli("--db", db_path, "community", "set", "湖光社区")[0] == 0
    assert cli("--db", db_path, "grid", "add", "01", "第1网格")[0] == 0
    for ref in ("01", "1", "第1网格"):
        assert cli("--db", db_path, "needs", "list", "--grid", ref)[0] == 0
        assert cli("--db", db_path, "report", "needs", "--grid", ref, "--out", tmp_path / "n.csv")[0] == 0


def test_a_grid_needs_a_code_and_a_name_each_named_in_the_message(cli, tmp_path):
    db = str(tmp_path / "g.db")
    assert cli("--db", db, "community", "set", "湖光社区")[0] == 0
    code, _, err = cli("--db", db, "--lang", "zh", "grid", "add", "07", " ")
    assert code == 1 and err.strip() == "网格名称不能为空。"
    code, _, err = cli("--db", db, "--lang", "en", "grid", "add", "", "第7网格")
    assert code == 1 and err.strip() == "Grid code is required."
    code, out, _ = cli("--db", db, "--lang", "en", "grid", "add", " 07", "第7网格")
    assert code == 0 and "Grid 07 第7网格 added." in out
