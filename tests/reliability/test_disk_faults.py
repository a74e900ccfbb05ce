"""A full disk or a read-only database file: one clear sentence, and no partial write.

How the faults are made real, since tests run as root (which ignores file modes):

* disk full: SQLite's own ``max_page_count`` set just above the file's size, so SQLite raises
  its genuine "database or disk is full" (SQLITE_FULL) in the middle of ``gridtui demo``;
* a write the operating system refuses: ``RLIMIT_FSIZE`` on the gridtui process, so the kernel
  fails the write with EFBIG part-way through (SQLite calls that a disk I/O error);
* read-only: the file is chmod 0444 and, when running as root, the gridtui process is started
  without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH / CAP_FOWNER (dropped from its bounding set
  before exec), so the kernel applies the file mode to it like to any user.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sqlite3

import pytest

from gridtui.core import db as core_db
from gridtui.i18n import t

from .checks import count, gridtui, integrity, one_sentence, sha256

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3


def page_count(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA page_count").fetchone()[0]
    finally:
        conn.close()


def run_demo_on_a_nearly_full_disk(db, run_cli, monkeypatch) -> tuple[int, str]:
    monkeypatch.setitem(core_db.PRAGMAS, "max_page_count", page_count(db) + 40)
    code, _, err = run_cli("--db", db, "--lang", "en", "demo", "--scale", "0.05")
    return code, err.strip().splitlines()[-1]  # the lines before are demo's progress


def test_disk_full_stops_cleanly_and_writes_nothing(empty_db, run_cli, monkeypatch):
    code, last = run_demo_on_a_nearly_full_disk(empty_db, run_cli, monkeypatch)
    assert code == 1
    assert one_sentence(last) and str(empty_db) in last
    assert integrity(empty_db) == "ok"
    assert count(empty_db, "household") == 0
    assert count(empty_db, "resident") == 0


def test_disk_full_says_the_disk_is_full(empty_db, run_cli, monkeypatch):
    _, last = run_demo_on_a_nearly_full_disk(empty_db, run_cli, monkeypatch)
    assert last == t("db.disk_full", lang="en", path=empty_db)


@pytest.mark.slow
def test_a_write_the_system_refuses_is_one_sentence_and_nothing_half_written(tmp_path, empty_db):
    limit = os.path.getsize(empty_db) + 256 * 1024

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = gridtui(tmp_path, "--db", empty_db, "demo", "--scale", "0.1", preexec_fn=small_files)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert one_sentence(err.splitlines()[-1]) and "Traceback" not in err, err
    assert str(empty_db) in err.splitlines()[-1]
    assert integrity(empty_db) == "ok"
    assert count(empty_db, "household") == 0


def without_root_powers() -> None:
    """In the child, before exec: lose the capabilities that let root ignore file modes."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_without_root_powers(tmp_path, *args: str) -> tuple[int, str, str]:
    proc = gridtui(tmp_path, *args, preexec_fn=without_root_powers)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


@pytest.mark.slow
def test_a_read_only_database_is_left_untouched(tmp_path, empty_db):
    os.chmod(empty_db, 0o444)
    before = sha256(empty_db)
    code, _, _ = run_without_root_powers(tmp_path, "--db", empty_db, "demo", "--scale", "0.02")
    assert code == 1
    assert sha256(empty_db) == before
    assert integrity(empty_db) == "ok"


@pytest.mark.slow
def test_a_read_only_database_refuses_in_one_sentence(tmp_path, empty_db):
    os.chmod(empty_db, 0o444)
    _, _, err = run_without_root_powers(tmp_path, "--db", empty_db, "demo", "--scale", "0.02")
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == t("db.readonly", lang="en", path=empty_db)


@pytest.mark.slow
def test_a_read_only_database_can_still_be_read(tmp_path, community_db):
    os.chmod(community_db, 0o444)
    before = sha256(community_db)
    code, out, err = run_without_root_powers(tmp_path, "--db", community_db, "stats", "--json")
    assert code == 0, err
    assert '"households"' in out
    assert sha256(community_db) == before
