"""A SIGKILL in the middle of a large write loses that write whole, never half of it.

`gridtui demo` writes the community in one transaction, so after a kill the database holds
either no household or all of them, and SQLite's own check finds nothing wrong. (The TUI's
mid-visit kill is tested with the TUI.)
"""

from __future__ import annotations

import signal

import pytest

from .checks import count, gridtui, integrity


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
