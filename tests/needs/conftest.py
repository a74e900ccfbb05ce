"""Fixtures for needs, volunteers and dispatch: a small hand-built town, and a scale 0.05 demo
community built once per session and copied for each test that needs it."""

from __future__ import annotations

from datetime import date

import pytest

from gridtui.core import store
from gridtui.core.db import close_database, open_database
from gridtui.core.models import Building, Community, Compound, Grid, Household, Resident
from gridtui.domain import volunteers

TODAY = date(2026, 7, 14)


@pytest.fixture
def demo_db(demo_copy):
    """A copy of the demo community (seed 7, scale 0.05), open in this process."""
    path = demo_copy(seed=7)
    open_database(path)
    yield path
    close_database()


def _household(building, number: int, name: str, phone: str = "") -> dict:
    hh = store.create(Household, building=building.id, unit=1, floor=number // 100, door=str(number),
                      address=f"{building.number}栋1单元{number}")
    person = store.create(Resident, household=hh.id, name=name, phone=phone, is_head=True, relation="head")
    return {"household": hh, "resident": person}


@pytest.fixture
def town(db):
    """Two grids; compound 凤飞园 with buildings 1 and 2 (grid 1), 凤舞园 building 1 (grid 1),
    九天庄园 building 1 (grid 2); one household per building and a few more to live in."""
    community = store.create(Community, name="湖光社区")
    g1 = store.create(Grid, community=community.id, code="01", name="第1网格")
    g2 = store.create(Grid, community=community.id, code="02", name="第2网格")
    ff = store.create(Compound, community=community.id, name="凤飞园")
    fw = store.create(Compound, community=community.id, name="凤舞园")
    jt = store.create(Compound, community=community.id, name="九天庄园")
    b_ff1 = store.create(Building, compound=ff.id, grid=g1.id, number="1")
    b_ff2 = store.create(Building, compound=ff.id, grid=g1.id, number="2")
    b_fw1 = store.create(Building, compound=fw.id, grid=g1.id, number="1")
    b_jt1 = store.create(Building, compound=jt.id, grid=g2.id, number="1")
    teams = volunteers.ensure_teams()
    return {
        "grids": (g1, g2), "compounds": (ff, fw, jt), "teams": teams,
        "buildings": {"ff1": b_ff1, "ff2": b_ff2, "fw1": b_fw1, "jt1": b_jt1},
        "target": _household(b_ff1, 501, "王秀英", "13812345678"),
        "same_building": _household(b_ff1, 302, "李强"),
        "same_compound": _household(b_ff2, 201, "张伟"),
        "same_grid": _household(b_fw1, 101, "刘洋"),
        "other_grid": _household(b_jt1, 101, "陈静"),
        "make_household": _household,
    }


@pytest.fixture
def demo_file(demo_copy):
    """A copy of the demo database, not opened (for the CLI, which opens and closes it)."""
    return demo_copy(seed=7, name="demo-cli.db")
