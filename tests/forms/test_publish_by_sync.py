"""Publishing by sync: a campaign, its form and its versions are synced rows like any other, so a
worker's laptop learns the office's new campaign, and the form to walk it with, from the
office's bundle; the answers come back to the office with the worker's."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gridtui import i18n
from gridtui.core import store
from gridtui.core.db import close_database, open_database
from gridtui.core.models import (
    Building,
    Community,
    Compound,
    FormVersion,
    Grid,
    Household,
    Resident,
    database,
)
from gridtui.domain import campaigns, visits, walk
from gridtui.domain.campaigns import Scope
from gridtui.forms.workbook import starter, write_workbook
from gridtui.forms.xlsform import read_workbook
from gridtui.io import reports
from gridtui.sync import keys, transfer

TODAY = date(2026, 7, 14)


class Laptop:
    """A device: its database file, opened in turn (one process plays every laptop)."""

    def __init__(self, folder: Path, name: str) -> None:
        self.name, self.path = name, folder / f"{name}.db"
        self.become()
        keys.rename(name)
        self.card = folder / f"{name}.card"
        self.card.write_text(json.dumps(keys.make_card(keys.ensure_identity())), encoding="utf-8")
        close_database()

    def become(self) -> Laptop:
        if database.database != str(self.path) or database.is_closed():
            open_database(self.path)
        return self

    def send(self, other: Laptop, folder: Path):
        bundle = folder / f"{self.name}-to-{other.name}-{len(list(folder.glob('*.bundle')))}.bundle"
        self.become()
        transfer.export_bundle(bundle, to=[other.name])
        other.become()
        return transfer.import_bundles([bundle])


@pytest.fixture
def office_and_worker(tmp_path):
    office, worker = Laptop(tmp_path, "office"), Laptop(tmp_path, "wang-fang")
    for me, other, role in ((office, worker, "worker"), (worker, office, "office")):
        me.become()
        keys.trust(other.card, role)
    worker_id = worker.become() and keys.load_identity().device.id
    office.become()
    community = store.create(Community, name="湖光社区")
    grid = store.create(Grid, community=community.id, code="01", name="第1网格", worker_device=worker_id)
    compound = store.create(Compound, community=community.id, name="凤飞园")
    building = store.create(Building, compound=compound.id, grid=grid.id, number="3")
    for door in ("101", "102"):
        home = store.create(
            Household, building=building.id, unit=1, floor=1, door=door, address=f"凤飞园3栋1单元{door}"
        )
        store.create(Resident, household=home.id, name=f"户主{door}", birth_date=date(1970, 1, 1))
    yield office, worker
    close_database()


def test_a_campaign_reaches_the_worker_and_the_answers_come_back(office_and_worker, tmp_path):
    office, worker = office_and_worker
    form = read_workbook(write_workbook(starter(), tmp_path / "form.xlsx"))
    office.become()
    campaign_id = campaigns.create(form, name="入户走访", scope=Scope(), activate=True, today=TODAY)
    summary = office.send(worker, tmp_path)
    assert summary.new > 0

    # the worker's laptop: the campaign, open, with its form, and nothing to install
    assert [c.id for c in campaigns.campaigns(active_only=True)] == [campaign_id]
    assert campaigns.active_campaign_id() == campaign_id
    assert visits.checklist(campaign_id).digest == form.digest
    home = walk.HOUSEHOLDS.ids(campaign_id, today=TODAY)[0]
    visit = visits.open_visit(campaign_id, home, worker="王芳")
    visits.answer(visit, "my_checklist:residents_present", 3, today=TODAY)
    visits.answer(visit, "my_checklist:needs_care", "yes", today=TODAY)
    visits.answer(visit, "my_checklist:care_kind", "bedridden", today=TODAY)
    visits.set_outcome(visit, "done", today=TODAY)
    worker.send(office, tmp_path)

    # the office: the answers, in the report of the campaign
    i18n.set_language("en")
    [sheet], _ = reports.build("visits", campaign=campaign_id, today=TODAY)
    headers = [c.header for c in sheet.columns]
    row = dict(zip(headers, sheet.rows[0], strict=True))
    assert (row["Outcome"], row["Worker"], row["Who needs care"], row["People living here now"]) == (
        "Done",
        "王芳",
        "Bedridden",
        3,
    )
    assert campaigns.coverage(campaign_id, TODAY)[0].done == 1


def test_a_new_version_reaches_the_worker_and_a_resumed_visit_moves_to_it(office_and_worker, tmp_path):
    office, worker = office_and_worker
    path = write_workbook(starter(), tmp_path / "form.xlsx")
    office.become()
    campaign_id = campaigns.create(read_workbook(path), name="入户走访", activate=True, today=TODAY)
    office.send(worker, tmp_path)
    home = walk.HOUSEHOLDS.ids(campaign_id, today=TODAY)[0]
    visit = visits.open_visit(campaign_id, home)
    visits.answer(visit, "my_checklist:residents_present", 2, today=TODAY)
    worker.send(office, tmp_path)

    book = load_workbook(path)  # the office edits the form in Excel: a new question, a new version
    book["survey"].append(["integer", "rooms", "房间数", "Rooms"])
    book["settings"]["C2"] = "2"
    book.save(path)
    office.become()
    assert campaigns.update_form(campaign_id, read_workbook(path))
    office.send(worker, tmp_path)

    assert FormVersion.select().count() == 2
    state = visits.form_state(visit, today=TODAY)
    given = {"residents_present": 2, "next_visit": "2026-07-14"}  # the second: the form's default, today()
    assert state.form.version == "2" and state.values == given
    visits.answer(visit, "my_checklist:rooms", 3, today=TODAY)
    worker.send(office, tmp_path)
    assert visits.answers(visit) == {f"my_checklist:{k}": v for k, v in {**given, "rooms": 3}.items()}
