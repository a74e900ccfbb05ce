"""``gridtui form`` and ``gridtui campaign``: the office's forms from Excel to campaigns, with
every refusal one sentence (or, for a form, every problem listed), exit 1 and the database as
it was."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gridtui.core import store
from gridtui.core.db import close_database, open_database
from gridtui.core.models import (
    Building,
    Campaign,
    FormVersion,
    Grid,
    Household,
    RegisterEntry,
    Resident,
)
from gridtui.i18n import t

TODAY = date.today()


def digest(path: Path) -> str:
    """The database as it is on disk: the file and its write-ahead log."""
    found = hashlib.sha256()
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            found.update(part.read_bytes())
    return found.hexdigest()


def born(years: int) -> date:
    return TODAY.replace(year=TODAY.year - years, day=1)


@pytest.fixture
def community(place, db_path):
    """Two grids: 01 with the place's household (a child of 9, a chronic patient) and 02 with
    another household (an adult only); closed so each command opens it as a user would."""
    grid2 = store.create(Grid, community=place["community"].id, code="02", name="第2网格")
    building2 = store.create(Building, compound=place["compound"].id, grid=grid2.id, number="4")
    other = store.create(Household, building=building2.id, unit=1, floor=1, door="101", address="凤飞园4栋1单元101")
    first = place["household"].id
    store.create(Resident, household=first, name="王小明", birth_date=born(9), relation="child")
    grandpa = store.create(Resident, household=first, name="王大爷", birth_date=born(70), relation="parent")
    store.create(RegisterEntry, kind="chronic_illness", resident=grandpa.id)
    store.create(Resident, household=other.id, name="李四", birth_date=born(40))
    close_database()
    return {"db": db_path, "first": first, "other": other.id}


@pytest.fixture
def template(cli, tmp_path) -> Path:
    out = tmp_path / "form.xlsx"
    code, stdout, _ = cli("form", "template", "--out", out, "--lang", "en")
    assert code == 0 and "form check" in stdout
    return out


def edit(path: Path, version: str | None = None, **cells: tuple[int, int, str]) -> Path:
    """Change the workbook as the office would in Excel: a version, or (sheet, row, column) cells."""
    book = load_workbook(path)
    if version is not None:
        book["settings"]["C2"] = version
    for _name, (sheet, cell, value) in cells.items():
        book[sheet][cell] = value
    book.save(path)
    return path


def test_the_template_passes_the_check_in_both_languages(cli, template):
    code, out, err = cli("form", "check", template, "--lang", "zh")
    assert code == 0 and err == "" and "表单没有问题" in out and "my_checklist" in out
    code, out, _ = cli("form", "check", template, "--json")
    found = json.loads(out)
    assert found["ok"] and found["form"]["questions"] == 7 and found["form"]["languages"] == ["en", "zh"]


def test_a_form_with_problems_lists_them_all_and_exits_1(cli, template):
    edit(template, bad=("survey", "J3", ". >>"), other=("survey", "A4", "geopoint"))
    code, out, err = cli("form", "check", template, "--lang", "en")
    lines = err.strip().splitlines()
    assert code == 1 and out == "" and len(lines) == 3 and "2 problems" in lines[0]
    assert "row 3, column relevant" in err or "row 3" in err
    assert "geopoint" in err and "Traceback" not in err
    code, out, _ = cli("form", "check", template, "--json")
    assert code == 1 and len(json.loads(out)["errors"]) == 2


def test_a_campaign_from_the_template_over_a_scope(cli, community, template):
    db = community["db"]
    code, out, err = cli(
        "campaign",
        "new",
        template,
        "--name",
        "防溺水家访",
        "--name-en",
        "Drowning visits",
        "--ages",
        "0-16",
        "--activate",
        "--db",
        db,
        "--lang",
        "en",
        "--json",
    )
    assert code == 0, err
    made = json.loads(out)
    assert (made["targets"], made["active"], made["version"]) == (1, True, "1")  # the household with a child
    code, out, _ = cli(
        "campaign", "new", template, "--name", "慢病随访", "--registers", "慢病患者", "--grids", "01", "--db", db
    )
    assert code == 0
    code, out, _ = cli("campaign", "list", "--json", "--db", db)
    listed = {c["name"]: c for c in json.loads(out)["campaigns"]}
    assert listed["防溺水家访"]["active"] and not listed["慢病随访"]["active"]
    assert listed["慢病随访"]["targets"] == 1 and listed["防溺水家访"]["targets"] == 1
    code, out, _ = cli("campaign", "show", "Drowning visits", "--db", db, "--lang", "en")
    assert code == 0 and "a resident aged: 0-16" in out and "current" in out
    short = listed["慢病随访"]["id"][-8:]
    code, out, _ = cli("campaign", "activate", short, "--db", db, "--lang", "en")
    assert code == 0 and "Opened" in out
    code, out, _ = cli("campaign", "close", short, "--db", db, "--lang", "en")
    assert code == 0 and "Closed" in out
    code, out, _ = cli("campaign", "close", short, "--db", db, "--lang", "en")
    assert code == 0 and "closed already" in out


def test_a_new_version_keeps_the_old_and_the_workbook_comes_back(cli, community, template, tmp_path):
    db = community["db"]
    cli("campaign", "new", template, "--name", "家访", "--activate", "--db", db)
    edit(template, version="2", label=("survey", "C4", "现在实际居住人数"))
    code, out, err = cli("campaign", "update", "家访", template, "--db", db, "--lang", "en")
    assert code == 0 and "version 2" in out, err
    code, out, _ = cli("campaign", "update", "家访", template, "--db", db, "--lang", "en")
    assert code == 0 and "nothing changed" in out
    code, out, _ = cli("campaign", "show", "家访", "--json", "--db", db)
    assert [(v["version"], v["current"]) for v in json.loads(out)["versions"]] == [("1", False), ("2", True)]
    back = tmp_path / "back.xlsx"
    code, out, _ = cli("campaign", "form", "家访", "--out", back, "--db", db, "--lang", "en")
    assert code == 0 and back.exists()
    code, out, _ = cli("form", "check", back, "--json")
    assert json.loads(out)["form"]["version"] == "2"
    old = tmp_path / "old.xlsx"
    assert cli("campaign", "form", "家访", "--version", "1", "--out", old, "--db", db)[0] == 0
    assert load_workbook(old)["survey"]["C4"].value == "目前实际居住人数"


@pytest.mark.parametrize(
    "case",
    [
        "same_version_new_content",
        "type_changed",
        "other_form",
        "bad_form",
        "not_a_workbook",
        "password",
        "unknown_campaign",
        "unknown_grid",
        "bad_ages",
    ],
)
def test_each_refusal_is_one_sentence_exit_1_and_leaves_the_database_as_it_was(
    cli, community, template, tmp_path, case
):
    db = community["db"]
    assert cli("campaign", "new", template, "--name", "家访", "--db", db)[0] == 0
    command = ["campaign", "update", "家访", template]
    if case == "same_version_new_content":
        edit(template, label=("survey", "C4", "改了题目，没改版本"))
    elif case == "type_changed":
        edit(template, version="2", kind=("survey", "A4", "decimal"))  # residents_present was an integer
    elif case == "other_form":
        edit(template, version="2", key=("settings", "B2", "another_form"))
    elif case == "bad_form":
        edit(template, version="2", bad=("survey", "J4", "${nobody} > 1"))
    elif case == "not_a_workbook":
        command[-1] = tmp_path / "notes.xlsx"
        command[-1].write_text("a note, not a workbook")
    elif case == "password":
        command[-1] = tmp_path / "locked.xlsx"
        command[-1].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    elif case == "unknown_campaign":
        command[2] = "没有这个专项"
    elif case == "unknown_grid":
        command = ["campaign", "new", template, "--name", "x", "--grids", "99"]
    elif case == "bad_ages":
        command = ["campaign", "new", template, "--name", "x", "--ages", "16-0"]
    before = digest(db)
    code, out, err = cli(*command, "--db", db, "--lang", "en")
    assert code == 1 and out == "" and "Traceback" not in err
    if case == "bad_form":
        assert "nobody" in err and "row 4" in err
    else:
        assert len(err.strip().splitlines()) == 1, err
    assert digest(db) == before


def test_a_changed_form_needs_a_new_version_even_in_another_campaign(cli, community, template):
    db = community["db"]
    cli("campaign", "new", template, "--name", "甲", "--db", db)
    edit(template, label=("survey", "C4", "改了"))
    code, _, err = cli("campaign", "new", template, "--name", "乙", "--db", db, "--lang", "en")
    assert code == 1 and "needs a new version" in err
    open_database(db)
    try:
        assert Campaign.select().count() == 1 and FormVersion.select().count() == 1
    finally:
        close_database()


def test_help_names_the_scope_options(cli):
    code, out, _ = cli("campaign", "new", "--help", "--lang", "zh")
    assert code == 0 and "--ages" in out and "不满 16 岁" in out
    listing = " ".join(cli("--help", "--lang", "en")[1].split())
    assert " ".join(t("campaigns.cli.help", lang="en").split()) in listing
