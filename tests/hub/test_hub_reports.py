"""The street's figures: every community with its own breakdown, or one community alone, from
``stats`` and the coverage report, on a SQLite hub and on PostgreSQL."""

from __future__ import annotations

import csv
import json

from gridtui.domain import stats

from .conftest import TODAY


def _street(town, tmp_path):
    hub, (a, b) = town
    hub.import_(a.export(tmp_path / "a.bundle", hub), b.export(tmp_path / "b.bundle", hub))
    hub.become()
    return hub


def test_stats_show_every_community_and_one_alone(town, tmp_path, cli):
    hub = _street(town, tmp_path)
    whole = stats.stats(today=TODAY)
    parts = {c["name"]: c for c in whole["communities"]}
    assert set(parts) == {"湖光社区", "天河社区"}
    for key in ("households", "residents", "grids", "visits", "needs", "volunteers", "businesses"):
        assert sum(p[key] for p in parts.values()) == whole[key], key
    code, out, err = cli("--db", hub.where, "stats", "--json", "--community", "天河社区")
    assert code == 0, err
    alone = json.loads(out)
    assert "communities" not in alone
    assert alone["households"] == parts["天河社区"]["households"]
    covered = [row for c in alone["campaigns"] for row in c["coverage"]]
    assert covered and {row["community"] for row in covered} == {parts["天河社区"]["id"]}
    code, out, _ = cli("--db", hub.where, "stats", "--lang", "en")
    assert code == 0 and "Per community" in out and "Tianhe Community" in out


def test_the_coverage_report_names_each_rows_community_or_keeps_to_one(town, tmp_path, cli):
    hub = _street(town, tmp_path)
    code, _, err = cli("--db", hub.where, "report", "coverage", "--out", tmp_path / "all.csv", "--lang", "en")
    assert code == 0, err
    every = _rows(tmp_path / "all.csv")
    assert {r["Community"] for r in every} == {"Huguang Community", "Tianhe Community"}
    code, _, err = cli(
        "--db",
        hub.where,
        "report",
        "coverage",
        "--out",
        tmp_path / "one.csv",
        "--community",
        "湖光社区",
        "--lang",
        "en",
    )
    assert code == 0, err
    alone = _rows(tmp_path / "one.csv")
    assert "Community" not in alone[0]
    huguang = [{k: v for k, v in r.items() if k != "Community"} for r in every if r["Community"] == "Huguang Community"]
    assert alone == huguang


def _rows(path):
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_an_unknown_community_is_one_sentence(town, tmp_path, cli):
    hub = _street(town, tmp_path)
    code, out, err = cli("--db", hub.where, "stats", "--community", "不存在社区", "--lang", "zh")
    assert code == 1 and out == "" and err.strip() == "没有名为“不存在社区”的社区。"


def test_every_report_kind_names_each_rows_community_or_keeps_to_one(town, tmp_path):
    from gridtui.domain import places
    from gridtui.i18n import set_language
    from gridtui.io.reports import KINDS, build

    _street(town, tmp_path)
    set_language("en")
    named = {c.name: c.name_en for c in places.communities()}
    seen = set()
    for kind in KINDS:
        every, _ = build(kind, today=TODAY)
        for zh, en in named.items():
            alone, filters = build(kind, today=TODAY, community=zh)
            assert filters.community.name == zh
            assert all(whole.columns[0].header == "Community" for whole in every), kind
            assert all("Community" not in [c.header for c in part.columns] for part in alone), kind
            # sheets as well as rows: a community's own campaign is no sheet of another's report
            theirs = [row[1:] for whole in every for row in whole.rows if row[0] == en]
            assert theirs == [row for part in alone for row in part.rows], kind
            seen |= {(kind, en)} if theirs else set()
        assert all(row[0] in named.values() or row[0] == "" for sheet in every for row in sheet.rows), kind
    for kind in ("registers", "needs", "visits", "coverage"):  # each community has rows of these
        assert {en for k, en in seen if k == kind} == set(named.values()), kind


def test_every_report_kind_refuses_an_unknown_community_in_one_sentence(town, tmp_path, cli):
    hub = _street(town, tmp_path)
    for kind in ("registers", "resources", "collective"):
        code, out, err = cli(
            "--db", hub.where, "report", kind, "--out", tmp_path / "x.xlsx", "--community", "Nowhere", "--lang", "en"
        )
        assert code == 1 and out == "" and err.strip() == "There is no community named Nowhere.", kind
        assert not (tmp_path / "x.xlsx").exists()


def test_the_dashboard_breaks_every_community_down_or_shows_one(town, tmp_path):
    from gridtui.core.models import Need
    from gridtui.domain import places
    from gridtui.domain.stats import in_community
    from gridtui.io.dashboard import dashboard

    _street(town, tmp_path)
    held = places.communities()
    whole = dashboard(today=TODAY)
    assert [p["id"] for p in whole.communities] == [c.id for c in held] and not whole.community
    assert sum(p["total"] for p in whole.communities) == sum(r["total"] for r in whole.coverage) > 0
    assert {r["community"] for r in whole.coverage} <= {p["name"] for p in whole.communities}
    needs = 0
    for c in held:
        alone = dashboard(today=TODAY, community=c.id)
        part = next(p for p in whole.communities if p["id"] == c.id)
        assert alone.communities == [] and alone.community_id == c.id
        assert sum(r["total"] for r in alone.coverage) == part["total"]
        assert sum(r["done"] for r in alone.coverage) == part["done"]
        counted = Need.select().where((Need.deleted == False) & in_community(Need, c.id)).count()  # noqa: E712
        assert sum(n["total"] for n in alone.needs) == counted > 0
        assert part["open"] == counted - sum(n["closed"] for n in alone.needs)
        needs += counted
    assert sum(n["total"] for n in whole.needs) == needs


def test_a_street_campaigns_coverage_sums_each_community_or_keeps_to_one(town, tmp_path, cli):
    from datetime import date

    from gridtui.core.db import close_database
    from gridtui.domain import campaigns
    from gridtui.forms import builtin

    hub = _street(town, tmp_path)
    made = campaigns.create_from_workbook(
        builtin.workbook("drowning_prevention"),
        name="暑期防溺水",
        name_en="Summer drowning prevention",
        starts=date(2026, 7, 1),
        activate=True,
        today=TODAY,
    )
    close_database()
    code, out, err = cli("--db", hub.where, "--lang", "en", "campaign", "show", made, "--json")
    assert code == 0, err
    whole = json.loads(out)["coverage"]
    code, out, err = cli("--db", hub.where, "--lang", "en", "campaign", "show", made)
    assert code == 0, err
    sums = [line.split() for line in out.splitlines() if " Total " in f" {line} "]
    assert len(sums) == 2  # one per community, each after its grids
    assert sorted(int(s[s.index("Total") + 1]) for s in sums) == sorted(
        sum(r["total"] for r in whole if r["community"] == c) for c in {r["community"] for r in whole}
    )
    code, out, err = cli(
        "--db", hub.where, "--lang", "en", "campaign", "show", made, "--json", "--community", "Tianhe Community"
    )
    assert code == 0, err
    tianhe = json.loads(out)["coverage"]
    assert tianhe and tianhe == [r for r in whole if r["community"] == tianhe[0]["community"]] != whole
    code, out, err = cli("--db", hub.where, "--lang", "en", "campaign", "show", made, "--community", "Nowhere")
    assert code == 1 and err.strip() == "There is no community named Nowhere."
