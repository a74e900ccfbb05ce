"""Random spreadsheets into ``gridtui roster import``: bad rows are listed, a bad file is refused
in one sentence with the database untouched, a dry run never writes, and nothing ends in a
traceback.

Hypothesis builds real .xlsx (openpyxl) and .csv files: a title row or not, headers drawn from
the office's real column names and from junk, cells of text (Chinese too), numbers, dates and
ID-like digit strings. Most sheets carry every required column, so rows reach validation.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from gridtui.io.roster import ALIASES, REQUIRED_COLUMNS

from .checks import integrity, one_sentence, sha256

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

printable = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
words = st.sampled_from(
    [
        "凤飞园",
        "3栋",
        "2单元",
        "501",
        "户主",
        "配偶",
        "低保户",
        "独居老人",
        "男",
        "女",
        "王秀英",
        "张伟",
        "1958-03-02",
        "1958年3月",
        "三",
        "X",
        "",
    ]
)
cells = st.one_of(
    st.none(),
    words,
    st.text(printable, max_size=12),
    st.integers(-(10**6), 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(date(1900, 1, 1), date(2030, 12, 31)),
    st.from_regex(r"\A4104\d{13}[\dX]\Z"),
    st.from_regex(r"\A1[3-9]\d{9}\Z"),
)
known_headers = st.sampled_from([alias for aliases in ALIASES.values() for alias in aliases])
headers = st.lists(st.one_of(known_headers, st.text(printable, min_size=1, max_size=8)), min_size=1, max_size=8)


@st.composite
def sheets(draw):
    header = draw(headers)
    if draw(st.integers(0, 3)):  # most sheets: every required column, so rows reach validation
        header = [ALIASES[field][draw(st.integers(0, 2))] for field in REQUIRED_COLUMNS] + header
        header = draw(st.permutations(header))
    rows = draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=6))
    title = draw(st.sampled_from([None, "湖光社区居民花名册", "2026年 人员台账"]))
    return ([[title]] if title else []) + [header] + rows


def write(path: Path, table: list[list]) -> None:
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            csv.writer(fh).writerows([["" if c is None else c for c in row] for row in table])
        return
    book = Workbook()
    for row in table:
        book.active.append([datetime.combine(c, datetime.min.time()) if type(c) is date else c for c in row])
    book.save(path)


def roster_import(run_cli, community_db: Path, table, suffix: str, *flags: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "g.db"
        shutil.copyfile(community_db, db)
        sheet = Path(folder) / f"roster{suffix}"
        write(sheet, table)
        before = sha256(db)
        code, _, err = run_cli("--db", db, "--lang", "en", "roster", "import", sheet, *flags)
        assert code in (0, 1), err
        if code == 1:
            assert one_sentence(err), err
        if code == 1 or "--dry-run" in flags:
            assert sha256(db) == before
        assert integrity(db) == "ok"


@pytest.mark.slow
@FUZZ
@given(table=sheets(), suffix=st.sampled_from([".xlsx", ".csv"]))
def test_a_random_roster_never_ends_in_a_traceback(community_db, run_cli, table, suffix):
    roster_import(run_cli, community_db, table, suffix)


@FUZZ
@given(table=sheets(), suffix=st.sampled_from([".xlsx", ".csv"]))
def test_a_dry_run_of_a_random_roster_writes_nothing(community_db, run_cli, table, suffix):
    roster_import(run_cli, community_db, table, suffix, "--dry-run")


@FUZZ
@given(
    junk=st.binary(max_size=4096),
    suffix=st.sampled_from([".xlsx", ".csv", ".xls"]),
    prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
)
def test_random_bytes_as_a_roster_are_refused(community_db, run_cli, junk, suffix, prefix):
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "g.db"
        shutil.copyfile(community_db, db)
        sheet = Path(folder) / f"roster{suffix}"
        sheet.write_bytes(prefix + junk)
        before = sha256(db)
        code, _, err = run_cli("--db", db, "--lang", "en", "roster", "import", sheet)
        if code != 0:  # a .csv of junk may still be read as text with no known headers
            assert code == 1 and one_sentence(err), err
            assert sha256(db) == before
