"""`gridtui needs`, `dispatch suggest` and `volunteers list` in both languages: JSON shapes,
aligned tables, one sentence and exit 1 for unknown ids."""

from __future__ import annotations

import json

import pytest

from gridtui.textwidth import display_width

pytestmark = pytest.mark.demo(seed=7)  # the needs' demo community

NEED_KEYS = {
    "id",
    "item_key",
    "item",
    "category_key",
    "household_id",
    "address",
    "grid_id",
    "grid",
    "resident",
    "urgency",
    "status",
    "source",
    "opened_at",
    "due_at",
    "overdue",
    "collective_id",
}


def has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


PARTS = {"skill", "place", "pairing", "load", "available", "satisfaction"}


def _json(cli, *args):
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_needs_list_json(cli, demo_file):
    data = _json(cli, "--db", demo_file, "needs", "list")
    assert data["total"] == len(data["needs"]) == 32
    assert set(data["needs"][0]) == NEED_KEYS
    dues = [n["due_at"] for n in data["needs"]]
    assert dues == sorted(dues)


def test_needs_list_filters(cli, demo_file):
    open_ = _json(cli, "--db", demo_file, "needs", "list", "--status", "open")
    assert open_["total"] > 0 and {n["status"] for n in open_["needs"]} == {"open"}
    late = _json(cli, "--db", demo_file, "needs", "list", "--overdue")
    assert late["total"] > 0 and all(n["overdue"] for n in late["needs"])
    grid = _json(cli, "--db", demo_file, "needs", "list", "--grid", "1")
    assert {n["grid"] for n in grid["needs"]} == {"第1网格"}
    assert _json(cli, "--db", demo_file, "needs", "list", "--grid", "第1网格") == grid
    few = _json(cli, "--db", demo_file, "needs", "list", "--limit", "3")
    assert len(few["needs"]) == 3 and few["total"] == 32


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_needs_list_table_is_aligned_for_cjk(cli, demo_file, lang):
    code, out, _ = cli("--db", demo_file, "--lang", lang, "needs", "list", "--limit", "8")
    assert code == 0
    lines = out.splitlines()
    header, rows = lines[0], lines[1:-1]
    assert has_cjk(header) == (lang == "zh")
    # the last column (due time) starts at the same cell on every line
    starts = [display_width(line[: line.rindex("2026-")]) for line in rows]
    assert len(set(starts)) == 1
    assert ("共 32 条" if lang == "zh" else "of 32") in lines[-1]


def test_needs_show(cli, demo_file):
    first = _json(cli, "--db", demo_file, "needs", "list", "--status", "closed")["needs"][0]
    detail = _json(cli, "--db", demo_file, "needs", "show", first["id"][-8:])
    assert detail["id"] == first["id"]
    assert [e["to_status"] for e in detail["events"]] == [
        "open",
        "assigned",
        "in_progress",
        "done",
        "followed_up",
        "closed",
    ]
    assert detail["assignments"][0]["status"] == "done"
    assert "****" in detail["phone"] or detail["phone"] == ""
    code, out, _ = cli("--db", demo_file, "--lang", "zh", "needs", "show", first["id"])
    assert code == 0 and "办理经过" in out and "已关闭" in out


@pytest.mark.parametrize(("lang", "sentence"), [("zh", "找不到需求 nope123。"), ("en", "There is no need nope123.")])
def test_unknown_need_is_one_sentence_and_exit_1(cli, demo_file, lang, sentence):
    for args in (("needs", "show", "nope123"), ("dispatch", "suggest", "nope123")):
        code, out, err = cli("--db", demo_file, "--lang", lang, *args)
        assert (code, out, err.strip()) == (1, "", sentence)


def test_unknown_grid_and_team(cli, demo_file):
    code, _, err = cli("--db", demo_file, "--lang", "en", "needs", "list", "--grid", "99")
    assert code == 1 and err.strip() == "There is no grid with the code or name '99'."
    code, _, err = cli("--db", demo_file, "--lang", "zh", "volunteers", "list", "--team", "无此队")
    assert code == 1 and err.strip() == "没有名为“无此队”的志愿队。"


def test_usage_errors_exit_2(cli, demo_file):
    assert cli("--db", demo_file, "needs", "list", "--status", "lost")[0] == 2
    assert cli("--db", demo_file, "needs")[0] == 2
    assert cli("--db", demo_file, "dispatch", "suggest")[0] == 2


def test_dispatch_suggest_json_has_score_parts(cli, demo_file):
    need = _json(cli, "--db", demo_file, "needs", "list", "--status", "open")["needs"][0]
    data = _json(cli, "--db", demo_file, "dispatch", "suggest", need["id"], "--limit", "5")
    assert data["need_id"] == need["id"]
    cands = data["candidates"]
    assert [c["rank"] for c in cands] == [1, 2, 3, 4, 5]
    for c in cands:
        assert set(c["parts"]) == PARTS
        assert c["score"] == pytest.approx(sum(c["parts"].values()))
        assert len(c["reasons"]) >= 5
    assert [c["score"] for c in cands] == sorted((c["score"] for c in cands), reverse=True)
    assert _json(cli, "--db", demo_file, "dispatch", "suggest", need["id"], "--limit", "5") == data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dispatch_suggest_table(cli, demo_file, lang):
    need = _json(cli, "--db", demo_file, "needs", "list", "--status", "open")["needs"][0]
    code, out, _ = cli("--db", demo_file, "--lang", lang, "dispatch", "suggest", need["id"], "--limit", "3")
    assert code == 0
    assert ("满意度" if lang == "zh" else "Satisfaction") in out
    assert out.count("\n1. ") == 1


def test_volunteers_list(cli, demo_file):
    data = _json(cli, "--db", demo_file, "volunteers", "list", "--team", "silver")
    assert data["total"] == len(data["volunteers"]) > 0
    assert {v["team_id"] for v in data["volunteers"]} == {"b56cceda-4fe2-5bf2-8543-fa7e454577f4"}
    assert all("****" in v["phone"] for v in data["volunteers"])
    code, out, _ = cli("--db", demo_file, "--lang", "zh", "volunteers", "list", "--limit", "5")
    assert code == 0 and "服务时长" in out


def test_real_process_in_both_languages(run_gridtui, demo_file):
    done = run_gridtui("--db", demo_file, "needs", "show", "zzzzzz", env={"GRIDTUI_LANG": "en"})
    assert (done.returncode, done.stderr.strip()) == (1, "There is no need zzzzzz.")
    done = run_gridtui("--db", demo_file, "--lang", "zh", "volunteers", "list", "--limit", "2")
    assert done.returncode == 0 and "姓名" in done.stdout


def _open_collective(demo_file, count: int = 3) -> str:
    """A collective issue with ``count`` open needs, written before the CLI opens the file."""
    from gridtui.core.db import close_database, open_database
    from gridtui.core.models import Household
    from gridtui.domain import collective, needs

    open_database(demo_file)
    issue = collective.create_issue("凤飞园水管老化")
    for hh in Household.select().order_by(Household.id).limit(count):
        needs.open_need(hh.id, "home_environment.plumbing", collective_id=issue)
    close_database()
    return issue


def test_dispatch_batch_and_task_card(cli, demo_file):
    issue = _open_collective(demo_file)
    data = _json(cli, "--db", demo_file, "dispatch", "batch", "--collective", issue[-8:])
    assert len(data["assigned"]) == 3
    assert set(data["assigned"][0]) == {"need_id", "volunteer_id", "assignment_id"}
    assert _json(cli, "--db", demo_file, "dispatch", "batch", "--collective", issue) == {"assigned": []}
    code, out, _ = cli("--db", demo_file, "--lang", "zh", "dispatch", "card", data["assigned"][0]["assignment_id"][-8:])
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("【湖光社区志愿服务任务】") and lines[1] == "需求：水管及下水道维修（较急）"
    assert "****" in out or "电话：-" in out
    code, _, err = cli("--db", demo_file, "--lang", "en", "dispatch", "card", "nope-nope")
    assert (code, err.strip()) == (1, "There is no assignment nope-nope.")


def test_dispatch_batch_text_and_scope_errors(cli, demo_file):
    issue = _open_collective(demo_file, 2)
    code, out, _ = cli("--db", demo_file, "--lang", "en", "dispatch", "batch", "--collective", issue)
    assert code == 0 and out.strip().endswith("Assigned: 2 needs.")
    code, _, err = cli("--db", demo_file, "--lang", "en", "dispatch", "batch", "--campaign", "nope-nope")
    assert (code, err.strip()) == (1, "There is no campaign nope-nope.")
    assert cli("--db", demo_file, "dispatch", "batch")[0] == 2  # one scope is required
