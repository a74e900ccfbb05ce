"""Roster import: office spreadsheets with good rows and every kind of bad row, in both languages."""

from __future__ import annotations

import csv
import hashlib
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from stdnum.cn import ric

from gridtui import i18n
from gridtui.core import store, validate
from gridtui.core.db import close_database, open_database
from gridtui.core.models import Building, Compound, Household, RegisterEntry, Resident, live
from gridtui.errors import ValidationError
from gridtui.io.roster import find_header, import_roster

ZH_HEADER = [
    "序号",
    "小区",
    "楼号",
    "单元",
    "房号",
    "姓名",
    "性别",
    "身份证号码",
    "出生日期",
    "联系电话",
    "与户主关系",
    "人员类别",
    "备注",
]
EN_HEADER = [
    "No.",
    "Compound",
    "Building",
    "Unit",
    "Door",
    "Name",
    "Sex",
    "ID number",
    "Date of birth",
    "Phone",
    "Relationship",
    "Register",
    "Note",
]


def ident(born: date, order: int) -> str:
    body = f"410402{born:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def roster_rows(existing: Household, known: Resident) -> list[list]:
    """Data rows (Excel rows 4..) in ZH_HEADER order: five good, then one of each problem."""
    ex = existing.building
    place = [ex.compound.name, f"{ex.number}栋", existing.unit, existing.door]
    kp = known.household
    known_place = [kp.building.compound.name, kp.building.number, kp.unit, kp.door]
    zhang = ident(date(1950, 3, 2), 1)
    return [
        [
            1,
            "新华苑",
            "1栋",
            "1单元",
            "101",
            "张建国",
            "男",
            zhang,
            "1950-03-02",
            "13812345678",
            "户主",
            "在册党员、独居老人",
            "腿脚不便",
        ],
        [
            2,
            "新华苑",
            "1",
            1,
            101,
            "李秀英",
            "女",
            ident(date(1952, 5, 6), 2),
            datetime(1952, 5, 6),
            "",
            "配偶",
            "Subsistence allowance households",
            "",
        ],
        [
            3,
            "新华苑",
            "1号楼",
            "1",
            "201室",
            "王小明",
            "",
            ident(date(2015, 1, 1), 3),
            "",
            "",
            "孙子",
            "left_behind_child",
            "",
        ],
        [4, *place, "赵六", "女", "", "", "", "其他", "", ""],
        [5, *known_place, known.name, "", known.id_number, "", "13900001111", "", "", ""],
        # row 9 on: the problems
        [6, "新华苑", "1", "2", "202", "钱七", "男", wrong_check_digit(ident(date(1960, 1, 1), 5)), "", "", "", "", ""],
        [7, "新华苑", "1", "2", "202", "孙八", "男", ident(date(1961, 2, 3), 7), "1961-02-04", "", "", "", ""],
        [8, "新华苑", "1", "2", "203", "周九", "男", zhang, "", "", "", "", ""],
        [9, "新华苑", "1", "", "204", "吴十", "女", "", "", "", "", "", ""],
        [10, "新华苑", "1", "3", "301", "郑一", "女", "", "1950-13-45", "", "", "", ""],
        [11, "新华苑", "1", "3", "302", "冯二", "男", "", "", "", "", "VIP会员", ""],
    ]


EXPECTED_PROBLEMS = [  # (Excel row, column index in ZH_HEADER, catalog key)
    (9, 7, "validate.id_checksum"),
    (10, 8, "validate.id_birth_mismatch"),
    (11, 7, "roster.duplicate_id"),
    (12, 3, "roster.missing_address"),
    (13, 8, "validate.date"),
    (14, 11, "roster.unknown_register"),
]
EXPECTED_CREATED = {"compounds": 1, "buildings": 1, "households": 2, "residents": 4, "registers": 4}


def fixtures_from_db() -> tuple[Household, Resident]:
    existing = Household.select().where(live(Household)).order_by(Household.id).first()
    known = (
        Resident.select()
        .where((live(Resident)) & (Resident.id_number != "") & (Resident.household != existing.id))
        .order_by(Resident.id)
        .first()
    )
    return existing, known


def write_xlsx(path, header, rows, *, extra_rows=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["湖光社区居民花名册（2026年7月）"])
    ws.append([])
    ws.append(header)
    for row in [*rows, *extra_rows]:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path, header, rows, encoding="utf-8-sig"):
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["湖光社区居民花名册"])
        w.writerow([])
        w.writerow(header)
        for row in rows:
            w.writerow(["" if v is None else v.date().isoformat() if isinstance(v, datetime) else v for v in row])
    return path


def reorder(header, rows, order):
    """The same table with its columns in another order (offices never agree on one)."""
    return [header[i] for i in order], [[row[i] for i in order] for row in rows]


def check_problems(result, header):
    got = sorted((p.row, p.column, p.key) for p in result.problems)
    assert got == sorted((row, header[col], key) for row, col, key in EXPECTED_PROBLEMS)


def test_xlsx_roster_imports_good_rows_and_lists_every_bad_one(office_db, tmp_path):
    i18n.set_language("zh")
    existing, known = fixtures_from_db()
    rows = roster_rows(existing, known)
    id_as_number = [12, "新华苑", "1", "3", "303", "陈三", "女", 410402195001010021, "", "", "", "", ""]
    numbered_blank = [13] + [None] * 12  # offices pre-number rows they have not filled in yet
    path = write_xlsx(tmp_path / "roster.xlsx", ZH_HEADER, rows, extra_rows=[id_as_number, numbered_blank])
    households_before = Household.select().count()

    result = import_roster(path)

    assert result.header_row == 3 and result.sheet == "花名册" and result.rows == 12
    assert result.mapping["楼号"] == "building" and result.mapping["房号"] == "door"
    assert result.ignored_columns == ["序号"]
    problems = sorted((p.row, p.column, p.key) for p in result.problems)
    assert problems == sorted(
        [(r, ZH_HEADER[c], k) for r, c, k in EXPECTED_PROBLEMS] + [(15, "身份证号码", "roster.id_as_number")]
    )
    reasons = {p.row: p.reason for p in result.problems}
    assert "校验位" in reasons[9] and "1961-02-03" in reasons[10] and "第 4 行" in reasons[11]
    assert "单元" in reasons[12] and "1950-13-45" in reasons[13] and "VIP会员" in reasons[14]
    assert result.created == EXPECTED_CREATED
    assert (result.updated, result.unchanged, result.good_rows, result.bad_rows) == (1, 0, 5, 7)
    assert result.buildings_without_grid == 1
    assert Household.select().count() == households_before + 2

    compound = Compound.get(Compound.name == "新华苑")
    building = Building.get(Building.compound == compound.id)
    assert building.grid_id is None and building.number == "1"
    zhang = Resident.get(Resident.name == "张建国")
    assert (zhang.sex, zhang.birth_date, zhang.relation, zhang.is_head, zhang.party_member, zhang.note) == (
        "M",
        date(1950, 3, 2),
        "head",
        True,
        True,
        "腿脚不便",
    )
    assert zhang.household.address == "新华苑1栋1单元101"
    li = Resident.get(Resident.name == "李秀英")
    assert li.household_id == zhang.household_id and li.relation == "spouse"
    assert Resident.get(Resident.name == "王小明").household.addr_key == "1-1-201"
    assert Resident.get(Resident.name == "赵六").household_id == existing.id
    assert Resident.get_by_id(known.id).phone == "13900001111"
    kinds = {
        (e.kind_id, e.resident_id or e.household_id)
        for e in RegisterEntry.select().where(
            RegisterEntry.resident.in_([zhang.id, li.id])
            | (RegisterEntry.household == zhang.household_id)
            | (RegisterEntry.resident == Resident.get(Resident.name == "王小明").id)
        )
    }
    assert {k for k, _ in kinds} == {"party_registered", "elderly_alone", "subsistence", "left_behind_child"}
    assert ("subsistence", zhang.household_id) in kinds


def test_reimporting_the_same_file_changes_nothing(office_db, tmp_path):
    existing, known = fixtures_from_db()
    path = write_xlsx(tmp_path / "roster.xlsx", ZH_HEADER, roster_rows(existing, known))
    import_roster(path)
    seq = store.current_seq()

    again = import_roster(path)

    assert again.created == dict.fromkeys(EXPECTED_CREATED, 0)
    assert (again.updated, again.unchanged) == (0, 5)
    assert store.current_seq() == seq


def test_english_csv_in_another_column_order(office_db, tmp_path):
    i18n.set_language("en")
    existing, known = fixtures_from_db()
    order = [11, 5, 7, 9, 1, 2, 3, 4, 10, 6, 8, 12, 0]
    header, rows = reorder(EN_HEADER, roster_rows(existing, known), order)
    path = write_csv(tmp_path / "roster.csv", header, rows)

    result = import_roster(path)

    assert result.header_row == 3
    assert result.mapping == {
        h: f
        for h, f in zip(
            header,
            [
                "register",
                "name",
                "id_number",
                "phone",
                "compound",
                "building",
                "unit",
                "door",
                "relation",
                "sex",
                "birth_date",
                "note",
            ],
            strict=False,
        )
    }
    check_problems(result, EN_HEADER)
    reasons = {p.row: p.reason for p in result.problems}
    assert "check digit" in reasons[9] and "row 4" in reasons[11] and "VIP会员" in reasons[14]
    assert result.created == EXPECTED_CREATED


def test_csv_saved_by_chinese_excel_in_gb18030(office_db, tmp_path):
    existing, known = fixtures_from_db()
    path = write_csv(tmp_path / "roster.csv", ZH_HEADER, roster_rows(existing, known)[:3], encoding="gb18030")
    result = import_roster(path)
    assert result.created["residents"] == 3 and not result.problems


def test_header_variants_are_recognised():
    rows = [
        (1, ["社区花名册"]),
        (2, ["证件号码", "名字", "手机", "所在小区", "栋", "单元号", "层", "户号", "关系", "出生年月", "类别", "说明"]),
    ]
    _, mapping, _ = find_header(rows)
    assert list(mapping.values()) == [
        "id_number",
        "name",
        "phone",
        "compound",
        "building",
        "unit",
        "floor",
        "door",
        "relation",
        "birth_date",
        "register",
        "note",
    ]


def test_dry_run_writes_nothing_and_counts_what_an_import_would_do(office_path, tmp_path, cli):
    open_database(office_path)
    existing, known = fixtures_from_db()
    close_database()
    path = write_xlsx(tmp_path / "roster.xlsx", ZH_HEADER, roster_rows(existing, known))
    before = sha256(office_path)

    code, out, err = cli("--db", office_path, "--lang", "zh", "roster", "import", path, "--dry-run", "--json")

    assert code == 0, err
    assert sha256(office_path) == before
    import json

    report = json.loads(out)
    assert report["dry_run"] and report["created"] == EXPECTED_CREATED and report["bad_rows"] == 6
    assert [p["row"] for p in report["problems"]] == [9, 10, 11, 12, 13, 14]
    code, out, _ = cli("--db", office_path, "--lang", "zh", "roster", "import", path)
    assert code == 0 and "导入完成" in out and "第 9 行 [身份证号码]" in out and "1 栋楼还没有分配网格" in out
    assert "表头在“花名册”第 3 行" in out and "楼号 → 楼栋" in out and "房号 → 门牌号" in out and "序号" in out
    assert sha256(office_path) != before


def test_a_row_the_store_refuses_leaves_nothing_half_written(office_db, tmp_path, monkeypatch):
    rows = roster_rows(*fixtures_from_db())[:3]
    path = write_xlsx(tmp_path / "roster.xlsx", ZH_HEADER, rows)
    # Fault injection: the store's own rules refuse the third row's household, after the first
    # rows were written in the same transaction.
    refused_door = str(rows[2][ZH_HEADER.index(next(h for h in ZH_HEADER if h in ("门牌号", "房号")))])
    household_rules = validate.CLEANERS["household"]

    def refuse_one(values, row):
        if str(values.get("door", "")).startswith(refused_door.rstrip("室号户")):
            raise ValidationError("door", "validate.required")
        return household_rules(values, row)

    monkeypatch.setitem(validate.CLEANERS, "household", refuse_one)
    seq = store.current_seq()
    with pytest.raises(Exception) as caught:
        import_roster(path)
    assert caught.value.key == "roster.row_failed" and caught.value.params["row"] == 6
    assert store.current_seq() == seq
    assert not Compound.select().where(Compound.name == "新华苑").exists()


def make_file(case: str, tmp_path) -> tuple:
    """A file that is not a roster we can read, and a word its refusal must contain."""
    if case == "binary":
        path = tmp_path / "photo.xlsx"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
        return path, ("not an Excel", "不是 Excel")
    if case == "foreign_zip":
        path = tmp_path / "letter.xlsx"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("word/document.xml", "<w:document/>")
        return path, ("not an Excel", "不是 Excel")
    if case == "encrypted":
        path = tmp_path / "locked.xlsx"
        path.write_bytes(
            compound_file(
                {
                    "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + bytes(200),
                    "EncryptedPackage": bytes(range(256)) * 20,
                }
            )
        )
        return path, ("password", "密码")
    if case == "old_xls":
        path = tmp_path / "old.xls"
        path.write_bytes(compound_file({"Workbook": bytes(5000)}))
        return path, (".xls", ".xls")
    if case == "no_headers":
        path = tmp_path / "notes.csv"
        path.write_text("今天开会\n讨论停车位\n,,,\n", encoding="utf-8")
        return path, ("header", "表头")
    path = write_xlsx(tmp_path / "short.xlsx", ["姓名", "身份证号", "手机号"], [["张三", "", ""]])
    return path, ("missing", "缺少")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", ["binary", "foreign_zip", "encrypted", "old_xls", "no_headers", "missing_columns"])
def test_files_that_cannot_be_read_are_refused_in_one_sentence(office_path, tmp_path, cli, case, lang):
    path, words = make_file(case, tmp_path)
    before = sha256(office_path)
    code, out, err = cli("--db", office_path, "--lang", lang, "roster", "import", path)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert words[0 if lang == "en" else 1] in err
    assert sha256(office_path) == before


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal Compound File Binary (OLE2, version 3) holding ``streams`` at the root.

    Password-protected Office files are such containers with EncryptionInfo and
    EncryptedPackage streams; this writes a real one without needing Office. Streams are
    padded to 4096 bytes so they live in regular sectors (no mini stream needed).
    """
    import struct

    end, free, fat_sect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    datas = [streams[n].ljust(max(4096, -(-len(streams[n]) // 512) * 512), b"\0") for n in names]
    sectors_per = [len(d) // 512 for d in datas]
    fat = [fat_sect, end]
    start, starts = 2, []
    for count in sectors_per:
        starts.append(start)
        fat += [start + i + 1 for i in range(count - 1)] + [end]
        start += count
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, left: int, right: int, child: int, first: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, left, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IQ", first, size)
        )

    # Directory siblings are a tree ordered by (name length, upper-case name): a right-leaning chain.
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))
    entries = [b""] * len(names)
    for pos, i in enumerate(order):
        right = order[pos + 1] + 1 if pos + 1 < len(order) else nostream
        entries[i] = entry(names[i], 2, nostream, right, nostream, starts[i], len(streams[names[i]]))
    directory = entry("Root Entry", 5, nostream, nostream, order[0] + 1, end, 0) + b"".join(entries)
    directory = directory.ljust(512, b"\0")
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    return header + struct.pack("<128I", *fat) + directory + b"".join(datas)


def test_a_resident_found_by_id_at_a_new_address_moves_there(office_db, tmp_path):
    _, known = fixtures_from_db()
    rows = [[1, "新华苑", "5", "1", "101", known.name, "", known.id_number, "", "", "户主", "", ""]]
    path = write_xlsx(tmp_path / "moved.xlsx", ZH_HEADER, rows)
    residents = Resident.select().count()

    result = import_roster(path)

    assert result.created["households"] == 1 and result.created["residents"] == 0 and result.updated == 1
    moved = Resident.get_by_id(known.id)
    assert moved.household.address == "新华苑5栋1单元101" and moved.is_head
    assert Resident.select().count() == residents


def test_a_door_written_with_its_unit_is_the_door_alone(office_db, tmp_path):
    """1-501 or 1单元501 in unit 1 is door 501 on floor 5, found by 501; 2-1 may be the second
    floor's first door, and stays as written."""
    from gridtui.domain.search import search

    def person_id(serial: str) -> str:
        base = f"41040219700101{serial}"
        return base + ric.calc_check_digit(base + "0")

    header = ["小区", "楼号", "单元", "房号", "姓名", "身份证号码"]
    rows = [
        ["新河苑", "9", "1", "1-501", "门一", person_id("101")],
        ["新河苑", "9", "2", "2单元1203室", "门二", person_id("102")],
        ["新河苑", "9", "2", "2-1", "门三", person_id("103")],
    ]
    result = import_roster(write_xlsx(tmp_path / "doors.xlsx", header, rows))
    assert not result.problems, [p.reason for p in result.problems]
    doors = {
        r.name: (r.household.door, r.household.floor, r.household.address)
        for r in Resident.select()
        if r.name.startswith("门")
    }
    assert doors["门一"] == ("501", 5, "新河苑9栋1单元501")
    assert doors["门二"] == ("1203", 12, "新河苑9栋2单元1203")
    assert doors["门三"][0] == "2-1"
    assert "新河苑9栋1单元501" in {hit.title for hit in search("501")}
