"""`gridtui stats`: live counts, and campaign coverage from each target's latest visit."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from gridtui.commands.stats import render
from gridtui.core import store
from gridtui.core.db import close_database
from gridtui.core.models import (
    Building,
    Business,
    Grid,
    Household,
    Need,
    Organization,
    RegisterEntry,
    Resident,
    Visit,
)
from gridtui.core.validate import NEED_STATUSES
from gridtui.domain.campaigns import COVERAGE_KEYS, coverage
from gridtui.domain.stats import stats
from gridtui.i18n import set_language
from gridtui.textwidth import display_width, pad, table
from tests.conftest import TODAY, new_campaign


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 7, day, hour)


@pytest.fixture
def community(place):
    """Two grids (codes 2 and 10, to check the order), four households in grid 2, one in 10."""
    grid2 = place["grid"]
    store.update(Grid, grid2.id, code="2", name="第2网格")
    grid10 = store.create(Grid, community=place["community"].id, code="10", name="第10网格")
    b10 = store.create(Building, compound=place["compound"].id, grid=grid10.id, number="9")
    homes = [place["household"]] + [
        store.create(Household, building=place["building"].id, unit=1, floor=f, door=f"{f}01") for f in (1, 2, 3)
    ]
    far = store.create(Household, building=b10.id, unit=1, floor=1, door="101")
    vacant = store.create(Household, building=b10.id, unit=1, floor=2, door="201", status="vacant")
    campaign = new_campaign(
        "door_to_door", name="2026年大走访", name_en="Door-to-door 2026", target="household", starts=date(2026, 7, 1)
    )
    return {"grid2": grid2, "grid10": grid10, "homes": homes, "far": far, "vacant": vacant, "campaign": campaign}


def visit(campaign, household, when, outcome, revisit_due=None):
    return store.create(
        Visit, campaign=campaign.id, household=household.id, visited_at=when, outcome=outcome, revisit_due=revisit_due
    )


def test_coverage_follows_the_latest_visit(community):
    c, homes = community["campaign"], community["homes"]
    visit(c, homes[0], at(1), "nobody_home", date(2026, 7, 4))
    visit(c, homes[0], at(5), "done")  # the revisit found them in
    visit(c, homes[1], at(2), "done")
    visit(c, homes[1], at(9), "refused")  # a later call is what counts
    visit(c, homes[2], at(10), "nobody_home", date(2026, 7, 13))  # due
    visit(c, homes[3], at(12), "nobody_home", date(2026, 7, 20))  # not yet due
    gone = visit(c, community["far"], at(3), "done")
    store.delete(Visit, gone.id)  # a deleted visit is as if it never happened
    visit(c, community["vacant"], at(3), "done")  # not active, but called on in this campaign: counted

    rows = coverage(c.id, today=TODAY)

    assert [r.grid for r in rows] == ["2", "10"]
    assert rows[0].to_json() == {
        "grid": "2",
        "grid_name": "第2网格",
        "total": 4,
        "done": 1,
        "nobody_home": 2,
        "refused": 1,
        "moved_away": 0,
        "in_progress": 0,
        "revisit_due": 1,
        "not_visited": 0,
        "community": community["grid2"].community_id,
    }
    assert rows[1].to_json() == {
        "grid": "10",
        "grid_name": "第10网格",
        "total": 2,
        "done": 1,
        "nobody_home": 0,
        "refused": 0,
        "moved_away": 0,
        "in_progress": 0,
        "revisit_due": 0,
        "not_visited": 1,
        "community": community["grid2"].community_id,
    }
    for row in rows:
        outcomes = sum(getattr(row, k) for k in ("done", "nobody_home", "refused", "moved_away", "in_progress"))
        assert outcomes + row.not_visited == row.total


def test_coverage_honours_the_campaign_scope(community):
    scoped = new_campaign(
        "door_to_door",
        name="第10网格专项",
        target="household",
        starts=date(2026, 7, 1),
        scope={"grids": [community["grid10"].id]},
    )
    assert [(r.grid, r.total) for r in coverage(scoped.id, TODAY)] == [("10", 1)]

    someone = store.create(Resident, household=community["homes"][1].id, name="赵大爷")
    store.create(RegisterEntry, kind="chronic_illness", resident=someone.id)
    chronic = new_campaign(
        "chronic_followup",
        name="慢病随访",
        target="household",
        starts=date(2026, 7, 1),
        scope={"registers": ["chronic_illness"]},
    )
    assert [(r.grid, r.total) for r in coverage(chronic.id, TODAY)] == [("2", 1)]


def test_business_campaign_groups_by_the_businesses_grid(community):
    shop = store.create(Business, name="老王面馆", kind="restaurant", grid=community["grid10"].id, food=True)
    store.create(Business, name="无网格小店", kind="retail")
    check = new_campaign("business_safety", name="食品安全检查", target="business", starts=date(2026, 7, 1))
    store.create(Visit, campaign=check.id, business=shop.id, visited_at=at(8), outcome="done")

    rows = coverage(check.id, TODAY)
    assert [(r.grid, r.total, r.done, r.not_visited) for r in rows] == [("10", 1, 1, 0), (None, 1, 0, 1)]


def test_stats_counts_live_rows_and_every_status(community):
    homes = community["homes"]
    kept = store.create(Resident, household=homes[0].id, name="张爱琴")
    gone = store.create(Resident, household=homes[0].id, name="张强")
    store.delete(Resident, gone.id)
    store.create(Organization, kind="cobuilding", name="市交通运输局")
    store.create(Organization, kind="resident_unit", name="第一中学")
    store.create(
        Need,
        household=homes[0].id,
        resident=kept.id,
        item="home_environment.roof_leak",
        opened_at=at(2),
        status="assigned",
    )
    store.create(RegisterEntry, kind="elderly_alone", resident=kept.id)
    inactive = new_campaign(
        "door_to_door", name="2025年大走访", target="household", starts=date(2025, 7, 1), active=False
    )

    result = stats(TODAY)

    assert (result["households"], result["residents"], result["grids"]) == (6, 1, 2)
    assert (result["cobuilding_units"], result["units"], result["social_orgs"]) == (1, 1, 0)
    assert result["needs_by_status"] == {**dict.fromkeys(NEED_STATUSES, 0), "assigned": 1}
    assert result["register_entries_by_kind"]["elderly_alone"] == 1
    assert sum(result["register_entries_by_kind"].values()) == 1
    assert [c["id"] for c in result["campaigns"]] == [community["campaign"].id]
    assert inactive.id not in json.dumps(result)
    campaign = result["campaigns"][0]
    assert campaign["template"] == "door_to_door" and campaign["target"] == "household"
    assert set(campaign["coverage"][0]) == {"grid", "grid_name", "community", *COVERAGE_KEYS}


def test_plain_stats_align_chinese_by_cell_width(community):
    visit(community["campaign"], community["homes"][0], at(5), "done")
    for lang in ("zh", "en"):
        set_language(lang)
        lines = render(stats(TODAY), "g.db")
        header = next(i for i, line in enumerate(lines) if "2026" in line) + 1
        block = lines[header : header + 4]  # column titles, grid 2, grid 10, total
        ends = {display_width(line) for line in block}
        assert len(ends) == 1, block  # right-aligned numbers end in the same column


def test_stats_json_from_the_cli(cli, community, db_path):
    close_database()
    code, out, err = cli("stats", "--json", "--db", db_path)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["campaigns"][0]["name"] == "2026年大走访"
    assert result["households"] == 6


def test_text_width_counts_chinese_as_two_cells():
    assert display_width("凤飞园3栋") == 9
    assert display_width("e\u0301") == 1  # a combining accent takes no cell
    assert pad("网格", 6) == "网格  "
    assert pad("12", 5, "right") == "   12"
    assert pad("超出宽度", 2) == "超出宽度"
    assert table([["小区", 21], ["Buildings", 69]], "lr") == ["小区       21", "Buildings  69"]
