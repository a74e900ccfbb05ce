"""A collective issue from three needs that share a cause, its meeting and its completion."""

from __future__ import annotations

import json

from gridtui.core.db import close_database, open_database
from gridtui.core.models import Building, CollectiveIssue, Compound, Need


def test_from_three_needs_to_done(run, community):
    ids = []
    for address in ("凤飞园3栋2单元501", "凤飞园3栋2单元502", "凤飞园4栋1单元101"):
        run("needs", "add", "--household", address, "--item", "停车难", "--source", "walk-in")
    code, out, _ = run("needs", "list", "--json")
    ids = [n["id"][-8:] for n in json.loads(out)["needs"]]
    code, out, err = run("collective", "open", "凤飞园停车位改造", *ids)
    assert code == 0 and "with 3 needs" in out, err
    open_database(community)
    issue = CollectiveIssue.get()
    assert Compound.get_by_id(issue.compound_id).name == "凤飞园"  # the place the three needs share
    assert issue.building_id is None  # two buildings
    close_database()
    assert run("collective", "detach", "凤飞园停车位改造", ids[2])[0] == 0
    assert run("collective", "attach", issue.id[-8:], ids[2])[0] == 0
    code, _, err = run("collective", "close", "凤飞园停车位改造")
    assert code == 1 and "meeting" in err
    assert (
        run(
            "collective",
            "meeting",
            "凤飞园停车位改造",
            "--date",
            "2026-06-01",
            "--attendees",
            "业委会、党员居民、共建单位",
            "--decision",
            "改造现有停车位，增加车位27个",
        )[0]
        == 0
    )
    code, out, err = run("collective", "close", "凤飞园停车位改造", "--on", "2026-06-26", lang="zh")
    assert code == 0, err
    code, out, _ = run("collective", "show", "凤飞园停车位改造", lang="zh")
    assert "25 天" in out
    open_database(community)
    assert {n.status for n in Need.select()} == {"done"}
    close_database()
    code, _, err = run("collective", "detach", "凤飞园停车位改造", "nosuchneed")
    assert code == 1
    assert Building  # the issue may name one building when the needs share it


def test_one_building_is_the_issues_place(run, community):
    for address in ("凤飞园3栋2单元501", "凤飞园3栋2单元502"):
        run("needs", "add", "--household", address, "--item", "供暖不足", "--source", "phone")
    code, out, _ = run("needs", "list", "--json")
    run("collective", "open", "3栋供暖不足", *[n["id"] for n in json.loads(out)["needs"]])
    open_database(community)
    issue = CollectiveIssue.get()
    assert Building.get_by_id(issue.building_id).number == "3"
    close_database()
