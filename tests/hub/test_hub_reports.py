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
    code, _, err = cli("--db", hub.where, "report", "coverage", "--out", tmp_path / "one.csv",
                       "--community", "湖光社区", "--lang", "en")
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
