"""Every report kind written to XLSX and CSV, read back, and checked against the database."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from peewee import fn

from gridtui import i18n
from gridtui.core import store, validate
from gridtui.core.db import close_database, open_database
from gridtui.core.models import (
    AuditLog,
    Building,
    Campaign,
    CollectiveIssue,
    Grid,
    Household,
    Need,
    RegisterEntry,
    RegisterKind,
    Resident,
    Resource,
    Visit,
    Volunteer,
)
from gridtui.domain.campaigns import coverage as grid_coverage
from gridtui.errors import GridError
from gridtui.i18n import pick, t
from gridtui.io import reports
from gridtui.io.reports import KINDS, write_report
from gridtui.io.sheets import column_widths
from gridtui.textwidth import display_width

TODAY = date(2026, 7, 14)  # the demo fixture's today (tests/conftest.py)

MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")
MASKED_PHONE = re.compile(r"^1\d\d\*{4}\d{4}$")


def live(model):
    return model.select().where(~model.deleted)


def active_campaigns():
    return list(live(Campaign).where(Campaign.active).order_by(Campaign.starts, Campaign.name))


def expected_registers() -> dict[str, int]:
    """Live entries of live residents (in live households) or of live households, per kind."""
    counts = {}
    for kind in RegisterKind.select():
        on_resident = (
            live(RegisterEntry)
            .join(Resident, on=(RegisterEntry.resident == Resident.id))
            .join(Household, on=(Resident.household == Household.id))
            .where((RegisterEntry.kind == kind.key) & (~Resident.deleted) & (~Household.deleted))
            .count()
        )
        on_household = (
            live(RegisterEntry)
            .join(Household, on=(RegisterEntry.household == Household.id))
            .where((RegisterEntry.kind == kind.key) & RegisterEntry.resident.is_null() & (~Household.deleted))
            .count()
        )
        counts[pick(kind.zh, kind.en)] = on_resident + on_household
    return counts


def expected_counts(kind: str) -> dict[str, int]:
    """Sheet name -> rows, counted straight from the tables."""
    if kind == "registers":
        return {name[:31]: n for name, n in expected_registers().items()}  # Excel's limit
    if kind == "needs":
        return {t("office.kind.needs"): live(Need).count()}
    if kind == "resources":
        return {t("office.kind.resources"): live(Resource).count()}
    if kind == "volunteers":
        return {t("office.kind.volunteers"): live(Volunteer).count()}
    if kind == "collective":
        return {t("office.kind.collective"): live(CollectiveIssue).count()}
    out = {}
    for c in active_campaigns():
        target = Visit.business if c.target == "business" else Visit.household
        if kind == "visits":
            n = (
                live(Visit)
                .where((Visit.campaign == c.id) & target.is_null(False))
                .select(fn.COUNT(target.distinct()))
                .scalar()
            )
        elif c.target == "business":
            n = len(grid_coverage(c.id))
        else:  # buildings that hold at least one active household
            n = (
                Household.select(fn.COUNT(Household.building.distinct()))
                .join(Building, on=(Household.building == Building.id))
                .where((~Household.deleted) & (Household.status == "active") & (~Building.deleted))
                .scalar()
            )
        out[pick(c.name, c.name_en)[:31]] = n
    return out


def data_rows(ws) -> list[tuple]:
    return list(ws.iter_rows(min_row=3, values_only=True))


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_as_xlsx_matches_the_database(office_db, tmp_path, lang, kind):
    out = tmp_path / f"{kind}.xlsx"
    result = write_report(kind, out, today=TODAY)
    expected = expected_counts(kind)
    wb = load_workbook(out)
    assert wb.sheetnames == list(expected)
    assert {s.name[:31]: s.rows for s in result.sheets} == expected
    sheets, _ = reports.build(kind, today=TODAY)
    for sheet, ws in zip(sheets, wb.worksheets, strict=True):
        header = [c.value for c in ws[2]]
        assert header == [c.header for c in sheet.columns]
        assert len(data_rows(ws)) == expected[ws.title]
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref == f"A2:{ws.cell(2, len(header)).column_letter}{expected[ws.title] + 2}"
        title = ws.cell(1, 1).value
        assert "湖光社区" in title if lang == "zh" else "Huguang" in title
        assert TODAY.isoformat() in title
        for col, column in enumerate(sheet.columns, start=1):
            cells = [ws.cell(r, col) for r in range(3, ws.max_row + 1) if ws.cell(r, col).value is not None]
            if column.kind in ("date", "datetime"):
                assert all(c.is_date and isinstance(c.value, datetime) for c in cells), column.header
    if lang == "zh":
        assert all(re.search(r"[\u4e00-\u9fff]", c.value) for c in wb.worksheets[0][2])
    else:
        assert not any(re.search(r"[\u4e00-\u9fff]", c.value) for c in wb.worksheets[0][2])


def test_registers_are_masked_unless_revealed_and_a_reveal_is_audited(office_db, tmp_path):
    before = live(AuditLog).count()
    write_report("registers", tmp_path / "masked.xlsx", today=TODAY)
    [listed] = list(live(AuditLog).where(AuditLog.seq > 0).order_by(AuditLog.seq.desc()).limit(1))
    assert live(AuditLog).count() == before + 1  # a report of people is audited, masked or not
    assert (listed.action, listed.target_table, listed.target_id) == ("report", "report", "registers")
    before += 1
    ws = load_workbook(tmp_path / "masked.xlsx").worksheets[0]
    header = [c.value for c in ws[2]]
    ids = [r[header.index(t("office.col.id_number"))] for r in data_rows(ws)]
    phones = [r[header.index(t("office.col.phone"))] for r in data_rows(ws) if r[header.index(t("office.col.phone"))]]
    assert ids and all(MASKED_ID.match(i) for i in ids)
    assert phones and all(MASKED_PHONE.match(p) for p in phones)

    result = write_report("registers", tmp_path / "full.xlsx", today=TODAY, reveal=True, actor="王主任")
    assert result.revealed
    ws = load_workbook(tmp_path / "full.xlsx").worksheets[0]
    ids = [r[header.index(t("office.col.id_number"))] for r in data_rows(ws)]
    assert all(validate.id_number(i) == i for i in ids)
    audits = list(live(AuditLog).order_by(AuditLog.seq))
    assert len(audits) == before + 1
    entry = audits[-1]
    assert (entry.action, entry.actor, entry.target_table, entry.target_id) == (
        "reveal",
        "王主任",
        "report",
        "registers",
    )
    assert "full.xlsx" in entry.detail and "id_number" in entry.detail


def test_reports_without_personal_data_never_audit(office_db, tmp_path):
    before = live(AuditLog).count()
    result = write_report("coverage", tmp_path / "c.xlsx", reveal=True, today=TODAY)
    assert not result.revealed and live(AuditLog).count() == before


@pytest.mark.parametrize("kind", ["needs", "volunteers", "visits"])
def test_phones_are_masked_in_every_personal_report(office_db, tmp_path, kind):
    write_report(kind, tmp_path / "r.xlsx", today=TODAY)
    for ws in load_workbook(tmp_path / "r.xlsx").worksheets:
        col = [c.value for c in ws[2]].index(t("office.col.phone"))
        phones = [r[col] for r in data_rows(ws) if r[col]]
        assert all(MASKED_PHONE.match(p) for p in phones), ws.title


def test_csv_is_one_file_with_a_bom_and_a_register_column(office_db, tmp_path, lang):
    out = tmp_path / "registers.csv"
    write_report("registers", out, today=TODAY)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == t("office.col.register")
    assert rows[0][1:] == [c.header for c in reports.build("registers", today=TODAY)[0][0].columns]
    per_sheet: dict[str, int] = {}
    for row in rows[1:]:
        per_sheet[row[0]] = per_sheet.get(row[0], 0) + 1
    assert per_sheet == {k: v for k, v in expected_registers().items() if v}
    since = rows[0].index(t("office.col.since"))
    assert all(re.match(r"^\d{4}-\d\d-\d\d$", r[since]) for r in rows[1:] if r[since])


def test_csv_of_needs_has_every_need(office_db, tmp_path):
    out = tmp_path / "needs.csv"
    write_report("needs", out, today=TODAY)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == live(Need).count()


def test_coverage_per_building_adds_up_to_the_grid_coverage(office_db, tmp_path):
    campaign = next(c for c in active_campaigns() if c.target == "household")
    sheets, _ = reports.build("coverage", campaign=campaign.name, today=TODAY)
    assert len(sheets) == 1
    keys = ("total", "done", "nobody_home", "refused", "moved_away", "in_progress", "not_visited")
    summed: dict[str, list[int]] = {}
    for row in sheets[0].rows:
        acc = summed.setdefault(row[0], [0] * len(keys))
        for i in range(len(keys)):
            acc[i] += row[4 + i]
        assert row[-1] == pytest.approx(row[5] / row[4])
    assert summed == {r.grid: [getattr(r, k) for k in keys] for r in grid_coverage(campaign.id, TODAY)}


def test_visits_render_answers_in_words(office_db, tmp_path):
    i18n.set_language("zh")
    campaign = next(c for c in active_campaigns() if c.form_key == "door_to_door")
    out = tmp_path / "visits.xlsx"
    write_report("visits", out, campaign=campaign.name, today=TODAY)
    ws = load_workbook(out).worksheets[0]
    header = [c.value for c in ws[2]]
    assert "是否有人员迁入或迁出" in "".join(header)
    moved = header.index(next(h for h in header if "迁入或迁出" in h and "说明" not in h))
    assert {r[moved] for r in data_rows(ws)} - {None} <= {"是", "否"}
    gas = header.index(next(h for h in header if "燃气" in h))
    assert all(isinstance(r[gas], str) and "_" not in r[gas] for r in data_rows(ws) if r[gas])
    assert len(header) >= 14


def test_grid_filter_keeps_only_that_grid(office_db, tmp_path):
    first = live(Grid).order_by(Grid.code).first()
    grid = store.create(Grid, community=first.community_id, code="99", name="第99网格")
    store.update(Building, live(Building).order_by(Building.walk_order).first().id, grid=grid.id)
    sheets, filters = reports.build("registers", grid=grid.code, today=TODAY)
    assert grid.name in filters.describe()
    names = {row[6] for s in sheets for row in s.rows}
    assert names == {grid.name}
    assert 0 < sum(len(s.rows) for s in sheets) < sum(expected_registers().values())


def test_column_widths_count_chinese_characters_twice(office_db):
    sheets, _ = reports.build("registers", today=TODAY)
    sheet = next(s for s in sheets if s.rows)
    widths = column_widths(sheet)
    address = [c.header for c in sheet.columns].index(t("office.col.address"))
    longest = max(r[address] for r in sheet.rows if r[address])
    assert widths[address] >= display_width(longest) > len(longest)


def test_cli_report_in_english_and_chinese(office_path, tmp_path, cli):
    code, out, err = cli("--db", office_path, "--lang", "en", "report", "needs", "--out", tmp_path / "n.xlsx", "--json")
    assert code == 0, err
    assert json.loads(out)["path"] == str(tmp_path / "n.xlsx") and json.loads(out)["rows"] > 0
    ws = load_workbook(tmp_path / "n.xlsx").worksheets[0]
    assert ws.cell(2, 1).value == "Opened"
    code, out, err = cli(
        "--db", office_path, "--lang", "zh", "report", "registers", "--out", tmp_path / "r.csv", "--reveal-ids"
    )
    assert code == 0, err
    assert "已导出" in out and "审计" in err
    open_database(office_path)
    try:
        assert live(AuditLog).where(AuditLog.action == "reveal").count() == 1
    finally:
        close_database()


@pytest.mark.parametrize(
    "args, key",
    [
        (["resources", "--grid", "01"], "office.filter_not_applicable"),
        (["registers", "--grid", "没有这个网格"], "places.no_grid"),
        (["visits", "--campaign", "nope"], "office.unknown_campaign"),
    ],
)
def test_cli_refuses_bad_filters_in_one_sentence(office_path, tmp_path, cli, args, key):
    code, out, err = cli("--db", office_path, "--lang", "en", "report", *args, "--out", tmp_path / "x.xlsx")
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_refuses_an_unknown_suffix_and_a_missing_folder(office_path, tmp_path, cli):
    code, _, err = cli("--db", office_path, "--lang", "en", "report", "needs", "--out", tmp_path / "x.pdf")
    assert code == 1 and ".xlsx" in err
    code, _, err = cli("--db", office_path, "--lang", "zh", "report", "needs", "--out", tmp_path / "no" / "x.xlsx")
    assert code == 1 and "不存在" in err


def test_csv_of_campaigns_with_different_checklists_is_refused_but_coverage_gets_a_campaign_column(office_db, tmp_path):
    with pytest.raises(GridError) as caught:
        write_report("visits", tmp_path / "v.csv", today=TODAY)
    assert caught.value.key == "report.csv_one_table" and not (tmp_path / "v.csv").exists()
    write_report("coverage", tmp_path / "c.csv", today=TODAY)
    with (tmp_path / "c.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == t("office.col.campaign")
    assert {r[0] for r in rows[1:]} == {pick(c.name, c.name_en) for c in active_campaigns()}
    campaign = next(c for c in active_campaigns() if c.form_key == "door_to_door")
    write_report("visits", tmp_path / "one.csv", campaign=campaign.id, today=TODAY)
    assert (tmp_path / "one.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_visits_without_any_active_campaign_say_so(db, tmp_path):
    with pytest.raises(GridError) as caught:
        write_report("coverage", tmp_path / "c.xlsx")
    assert caught.value.key == "office.no_active_campaign"
