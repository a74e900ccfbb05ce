"""Fixtures for the domain functions: a scale 0.05 demo community built once per session and
copied for each test; a small hand-built street whose walk order, flags and people are known
exactly (visits); and a small hand-built town of two grids (needs, volunteers and dispatch)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from stdnum.cn import ric

from gridtui.core import store
from gridtui.core.db import close_database, open_database
from gridtui.core.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Need,
    RegisterEntry,
    Resident,
)
from gridtui.domain import volunteers
from tests.conftest import demo_seed, new_campaign

TODAY = date(2026, 7, 14)


@pytest.fixture
def demo_db(demo_copy, request):
    """A copy of the demo community (seed 2026, scale 0.05, unless the module's ``demo`` mark
    says otherwise), open in this process."""
    seed, scale = demo_seed(request, 2026)
    path = demo_copy(seed=seed, scale=scale)
    open_database(path)
    yield path
    close_database()


def id_number(born: str, order: int = 1) -> str:
    """A valid 18-digit ID number for a birth date like "19480312"."""
    body = f"410402{born}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


ZHANG_ID = id_number("19480312", 2)  # 410402194803120022
ZHANG_PHONE = "13812345678"


@pytest.fixture
def street(db):
    """One community, grids 01 and 02, compound 凤飞园 with buildings 3 (walked first) and 1.

    Households are created out of order so the walk order must come from the query. Building 3
    (grid 01): 1-1-101 张爱琴 (elderly alone, open need, ID and phone), 1-1-102 李国强 (party
    member), 1-2-201 王芳 (hardship household), 2-1-101 nobody. Building 1 (grid 01):
    1-1-101 赵磊. Grid 02 has building 9 with one household. One active door-to-door campaign.
    """
    community = store.create(Community, name="湖光社区", name_en="Huguang")
    g1 = store.create(Grid, community=community.id, code="01", name="第1网格", worker_name="刘敏")
    g2 = store.create(Grid, community=community.id, code="02", name="第2网格", worker_name="陈静")
    ff = store.create(Compound, community=community.id, name="凤飞园", name_en="Fengfei Garden")
    b3 = store.create(Building, compound=ff.id, grid=g1.id, number="3", walk_order=1)
    b1 = store.create(Building, compound=ff.id, grid=g1.id, number="1", walk_order=2)
    b9 = store.create(Building, compound=ff.id, grid=g2.id, number="9", walk_order=3)

    def household(building, unit, floor, door):
        return store.create(
            Household,
            building=building.id,
            unit=unit,
            floor=floor,
            door=door,
            address=f"凤飞园{building.number}栋{unit}单元{door}",
            addr_key=f"{building.number}-{unit}-{door}",
        )

    h_2101 = household(b3, 2, 1, "101")
    h_b1 = household(b1, 1, 1, "101")
    h_201 = household(b3, 1, 2, "201")
    h_102 = household(b3, 1, 1, "102")
    h_101 = household(b3, 1, 1, "101")
    h_b9 = household(b9, 1, 1, "101")
    zhang = store.create(
        Resident, household=h_101.id, name="张爱琴", is_head=True, id_number=ZHANG_ID, phone=ZHANG_PHONE
    )
    li = store.create(Resident, household=h_102.id, name="李国强", is_head=True, party_member=True, phone="13900001111")
    li_wife = store.create(Resident, household=h_102.id, name="周梅", relation="spouse")
    wang = store.create(Resident, household=h_201.id, name="王芳", is_head=True)
    zhao = store.create(Resident, household=h_b1.id, name="赵磊", is_head=True)
    chen = store.create(Resident, household=h_b9.id, name="陈红", is_head=True)
    store.create(RegisterEntry, kind="elderly_alone", resident=zhang.id)
    store.create(RegisterEntry, kind="hardship", household=h_201.id)
    store.create(
        Need,
        household=h_101.id,
        resident=zhang.id,
        item="daily_living.meal_delivery",
        opened_at=datetime.combine(TODAY, datetime.min.time()) - timedelta(days=2),
    )
    campaign = new_campaign(
        "door_to_door",
        name="2026年大走访",
        name_en="Door-to-door 2026",
        target="household",
        starts=TODAY - timedelta(days=30),
        active=True,
    )
    return {
        "grids": (g1, g2),
        "buildings": (b3, b1, b9),
        "campaign": campaign.id,
        "walk": [h_101.id, h_102.id, h_201.id, h_2101.id, h_b1.id],
        "h101": h_101.id,
        "h102": h_102.id,
        "h201": h_201.id,
        "h2101": h_2101.id,
        "hb1": h_b1.id,
        "hb9": h_b9.id,
        "zhang": zhang.id,
        "li": li.id,
        "li_wife": li_wife.id,
        "wang": wang.id,
        "zhao": zhao.id,
        "chen": chen.id,
    }


def _household(building, number: int, name: str, phone: str = "") -> dict:
    hh = store.create(
        Household,
        building=building.id,
        unit=1,
        floor=number // 100,
        door=str(number),
        address=f"{building.number}栋1单元{number}",
    )
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
        "grids": (g1, g2),
        "compounds": (ff, fw, jt),
        "teams": teams,
        "buildings": {"ff1": b_ff1, "ff2": b_ff2, "fw1": b_fw1, "jt1": b_jt1},
        "target": _household(b_ff1, 501, "王秀英", "13812345678"),
        "same_building": _household(b_ff1, 302, "李强"),
        "same_compound": _household(b_ff2, 201, "张伟"),
        "same_grid": _household(b_fw1, 101, "刘洋"),
        "other_grid": _household(b_jt1, 101, "陈静"),
        "make_household": _household,
    }
