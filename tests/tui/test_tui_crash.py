"""Killing the app loses nothing already answered, and leaves a sound database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from gridtui.core.db import close_database, open_database
from gridtui.domain import visits

DRIVER = Path(__file__).with_name("crash_driver.py")
ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_mid_visit_keeps_every_answer(demo_db, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRIDTUI_CONFIG": str(tmp_path / "none.toml")}
    proc = subprocess.Popen(
        [sys.executable, str(DRIVER), str(demo_db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        report = json.loads(line)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert report["errors"] == []

    db = open_database(demo_db)
    try:
        assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        given = {k.removeprefix("door_to_door:"): v for k, v in visits.answers(report["visit"]).items()}
        assert given == {
            "residents_present": 4,
            "moved_in_out": "yes",
            "move_details": "grandson moved in",
            "needs_care": "yes",
            "care_situation": "bedridden",
        }
    finally:
        close_database()
