"""A SIGKILL in the middle of a large write loses that write whole, never half of it.

`gridtui demo` writes the community in one transaction, so after a kill the database holds
either no household or all of them; `gridtui import` verifies, then merges in one transaction,
so a kill at its 2,000th row leaves no row of the bundle; `gridtui roster import` writes its
good rows in one transaction, so a kill at its 300th row leaves none of them. SQLite's own check finds nothing
wrong, and running the command again finishes the job. (The TUI's mid-visit kill is tested
with the TUI.)
"""

from __future__ import annotations

import csv
import signal
import subprocess
import sys

import pytest

from gridtui.core.models import SYNCED_MODELS

from .checks import ROOT, count, env, gridtui, integrity

SYNCED_TABLES = [m._meta.table_name for m in SYNCED_MODELS]


@pytest.mark.slow
def test_demo_killed_mid_write_leaves_nothing_half_done(tmp_path, gridtui_run):
    db = tmp_path / "g.db"
    proc = gridtui(tmp_path, "--db", db, "demo", "--scale", "0.3")
    # "Filling …", then one line per stage: the third line means households are written and
    # residents are being written, all inside the one open transaction.
    lines = [proc.stderr.readline() for _ in range(3)]
    assert all(lines), lines
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    assert integrity(db) == "ok"
    assert count(db, "household") == 0
    assert count(db, "resident") == 0

    # and the user can simply run it again
    code, _, err = gridtui_run("--db", db, "demo", "--scale", "0.02")
    assert code == 0, err
    assert count(db, "household") > 0
    assert integrity(db) == "ok"


@pytest.mark.slow
def test_import_killed_mid_write_leaves_nothing_half_applied(tmp_path, bundle_and_receiver, community_db, gridtui_run):
    bundle, receiver = bundle_and_receiver
    killed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.reliability.kill_driver",
            "2000",
            "--",
            "--db",
            str(receiver),
            "import",
            str(bundle),
        ],
        env=env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    assert integrity(receiver) == "ok"
    for table in SYNCED_TABLES:  # the audit log holds the receiver's trust of the sender, from before
        assert count(receiver, table) == (1 if table == "audit_log" else 0), table

    code, _, err = gridtui_run("--db", receiver, "import", bundle)
    assert code == 0, err
    for table in SYNCED_TABLES:
        assert count(receiver, table) == count(community_db, table) + (table == "audit_log"), table


@pytest.mark.slow
def test_roster_import_killed_mid_write_leaves_nothing_half_applied(tmp_path, community_db, gridtui_run):
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        rows = csv.writer(fh)
        rows.writerow(["姓名", "小区", "楼栋", "单元", "门牌号", "性别"])
        for n in range(600):
            rows.writerow(
                [f"测试{n:03d}", "试验园", f"{n // 100 + 1}栋", n % 4 + 1, f"{n % 6 + 1}0{n % 3 + 1}", "男女"[n % 2]]
            )
    before = {table: count(community_db, table) for table in SYNCED_TABLES}

    killed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.reliability.kill_driver",
            "300",
            "--",
            "--db",
            str(community_db),
            "roster",
            "import",
            str(roster),
        ],
        env=env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert integrity(community_db) == "ok"
    assert {table: count(community_db, table) for table in SYNCED_TABLES} == before

    code, _, err = gridtui_run("--db", community_db, "roster", "import", roster)
    assert code == 0, err
    assert count(community_db, "resident") >= before["resident"] + 600
