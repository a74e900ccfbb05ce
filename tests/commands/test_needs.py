"""Needs from the office (a call, a walk-in, the 12345 hotline, the online platform), and every
move of a need from the command line."""

from __future__ import annotations

import json

import pytest

from gridtui.core.db import close_database, open_database
from gridtui.core.models import Need, NeedEvent

from .conftest import PEOPLE, sha256


def newest(community) -> Need:
    open_database(community)
    need = Need.select().order_by(Need.opened_at.desc(), Need.id.desc()).first()
    close_database()
    return need


@pytest.mark.parametrize(
    ("source", "key"),
    [
        ("12345", "hotline"),
        ("online", "platform"),
        ("walk-in", "walk_in"),
        ("电话", "phone"),
        ("来访", "walk_in"),
        ("visit", "visit"),
    ],
)
def test_a_need_from_any_source(run, community, source, key):
    code, out, err = run(
        "needs",
        "add",
        "--household",
        "九天庄园7栋1单元101",
        "--item",
        "助餐送餐",
        "--source",
        source,
        "--note",
        "腿脚不便，需要送餐",
    )
    assert code == 0, err
    need = newest(community)
    assert (need.source, need.item_id, need.urgency, need.status) == (
        key,
        "daily_living.meal_delivery",
        "normal",
        "open",
    )
    assert need.resident_id is not None  # the head of the household, when no one is named


def test_a_need_for_a_resident_named_by_id_number(run, community):
    code, out, err = run(
        "needs",
        "add",
        "--resident",
        PEOPLE["李秀英"][0],
        "--item",
        "home_environment.plumbing",
        "--source",
        "phone",
        "--urgency",
        "urgent",
        "--at",
        "2026-07-10T09:30",
    )
    assert code == 0, err
    need = newest(community)
    assert need.urgency == "urgent" and f"{need.opened_at}" == "2026-07-10 09:30:00"
    assert f"{need.due_at}" == "2026-07-11 09:30:00"  # an urgent need is due in 24 hours


def test_every_move_from_the_command_line(run, community):
    run("volunteers", "add", "钱师傅", "--phone", "13611113333", "--skills", "助餐送餐")
    run("needs", "add", "--household", "凤飞园3栋2单元502", "--item", "助餐送餐", "--source", "12345")
    need = newest(community).id[-8:]
    for move in (
        ("assign", need),
        ("start", need),
        ("done", need, "--hours", "1.5"),
        ("followup", need, "--satisfaction", "basically"),
        ("close", need, "--note", "回访满意"),
    ):
        code, out, err = run("needs", *move, lang="zh")
        assert code == 0 and "现在是" in out, (move, err)
    code, out, _ = run("needs", "show", need, "--json")
    detail = json.loads(out)
    assert [e["to_status"] for e in detail["events"]] == [
        "open",
        "assigned",
        "in_progress",
        "done",
        "followed_up",
        "closed",
    ]
    assert detail["assignments"][0]["volunteer"] == "钱师傅" and detail["assignments"][0]["hours"] == 1.5


def test_unassign_and_refusals(run, community):
    run("volunteers", "add", "钱师傅", "--phone", "13611113333")
    run("needs", "add", "--household", "凤飞园3栋2单元502", "--item", "助餐送餐", "--source", "phone")
    need = newest(community).id
    run("needs", "assign", need, "--volunteer", "钱师傅")
    assert run("needs", "unassign", need)[0] == 0
    assert newest(community).status == "open"
    before = sha256(community)
    for args, words in (
        (("needs", "close", need), "cannot"),
        (
            ("needs", "add", "--household", "凤飞园9栋9单元909", "--item", "助餐送餐", "--source", "phone"),
            "no household",
        ),
        (("needs", "add", "--household", "凤飞园3栋2单元502", "--item", "飞天", "--source", "phone"), "no item"),
        (("needs", "add", "--household", "凤飞园3栋2单元502", "--item", "助餐送餐", "--source", "pigeon"), "pigeon"),
        (("needs", "unassign", need), "no"),
        (("needs", "assign", need, "--volunteer", "无此人"), "no volunteer"),
    ):
        code, out, err = run(*args)
        assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err, args
        assert words in err.lower(), (args, err)
    assert sha256(community) == before
    open_database(community)
    assert NeedEvent.select().where(NeedEvent.need == need).count() == 3  # open, assigned, open again
    close_database()
