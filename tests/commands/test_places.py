"""Grids and their workers, compounds, buildings and households kept by hand."""

from __future__ import annotations

import json

from gridtui.config import load_settings
from gridtui.core.db import close_database, open_database, self_device
from gridtui.core.models import Device, Grid, Household
from gridtui.domain import places

from .conftest import sha256


def test_a_grid_goes_to_a_laptop_or_a_name(run, community):
    open_database(community)
    me = self_device()
    assert places.my_grids([]) == []  # the office: every grid
    close_database()
    code, out, err = run("grid", "worker", "01", me.name, "--name", "李明", "--phone", "13512340000")
    assert code == 0 and "李明" in out, err
    open_database(community)
    grid = Grid.get(Grid.code == "01")
    assert (grid.worker_name, grid.worker_device, grid.worker_phone) == ("李明", me.id, "13512340000")
    assert places.my_grids([]) == ["01"]  # this laptop now holds grid 01 as its own
    assert places.my_grids(["02"]) == ["02"]  # a my_grids setting still decides
    close_database()
    code, out, _ = run("grid", "list", "--json")
    listed = {g["code"]: g for g in json.loads(out)["grids"]}
    assert listed["01"]["device"] == me.id and listed["02"]["device"] == ""

    assert run("grid", "worker", "01", "赵新")[0] == 0  # a new worker with no laptop known here yet
    open_database(community)
    grid = Grid.get(Grid.code == "01")
    assert (grid.worker_name, grid.worker_device) == ("赵新", "")
    assert places.my_grids([]) == []  # the grid has left this laptop
    close_database()


def test_a_revoked_or_shared_device_name_is_refused(run, community):
    from datetime import datetime

    from gridtui.core import models

    open_database(community)
    with models.database.atomic():
        Device.insert(
            id="aaaa1111bbbb2222", name="old-laptop", revoked=True, trusted=True, added_at=datetime(2026, 1, 1)
        ).execute()
    close_database()
    before = sha256(community)
    code, _, err = run("grid", "worker", "01", "old-laptop")
    assert code == 1 and "revoked" in err and sha256(community) == before


def test_grids_compounds_and_buildings_end_only_when_empty(run, community):
    before = sha256(community)
    for args, words in (
        (("grid", "end", "01"), "still holds"),
        (("compound", "remove", "凤飞园"), "still has"),
        (("building", "remove", "凤飞园3栋"), "still has"),
    ):
        code, _, err = run(*args)
        assert code == 1 and words in err, (args, err)
    assert sha256(community) == before
    assert run("grid", "add", "03", "第3网格")[0] == 0
    assert run("grid", "end", "03")[0] == 0
    assert run("compound", "rename", "九天庄园", "九天花园")[0] == 0
    open_database(community)
    assert Household.get(Household.address == "九天花园7栋1单元101")
    close_database()
    assert run("household", "add", "九天花园7栋1单元102")[0] == 0
    code, _, err = run("household", "add", "九天花园7栋1单元102")
    assert code == 1 and "already" in err
    assert run("household", "edit", "九天花园7栋1单元102", "--status", "vacant", "--note", "出租中")[0] == 0
    assert load_settings().my_grids == []
