"""A database that cannot be written opens read-only: reads work, writes say why, nothing changes.

Read-only is made real two ways (tests run as root, who ignores file modes):

* for the CLI, the file is chmod 0444 (or its folder 0555, so no -wal or -shm can be made beside
  it) and gridtui runs without the capabilities that let root ignore modes;
* in this process, ``chattr +i`` makes the file immutable, which even root cannot write.

A read leaves the folder exactly as it was (no -wal or -shm appears beside a protected file);
a write is refused with the one read-only sentence before it does any work.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from gridtui.core import store
from gridtui.core.db import close_database, meta_set, open_database, read_only
from gridtui.core.models import Community
from gridtui.errors import GridError
from gridtui.i18n import t
from gridtui.io.reports import write_report

from .checks import sha256
from .test_disk_faults import run_without_root_powers

READS = [
    ("stats", "--json"),
    ("grid", "list"),
    ("needs", "list"),
    ("report", "coverage", "--out", "{out}/coverage.xlsx"),
]
WRITES = [
    ("community", "set", "新的名字"),
    ("grid", "add", "99", "第99网格"),
    ("roster", "import", "{out}/roster.xlsx"),
    ("report", "registers", "--reveal-ids", "--out", "{out}/registers.xlsx"),
]


@pytest.fixture(params=["file", "folder"])
def protected(request, tmp_path, community_db):
    """The community, read-only by its file's mode or by its folder's."""
    folder = tmp_path / "shelf"
    folder.mkdir()
    db = folder / "community.db"
    community_db.rename(db)
    (tmp_path / "out").mkdir()
    target = db if request.param == "file" else folder
    os.chmod(target, 0o444 if request.param == "file" else 0o555)
    yield db
    os.chmod(target, 0o644 if request.param == "file" else 0o755)


def gridtui(tmp_path, db, *args: str):
    args = [a.format(out=tmp_path / "out") for a in args]
    return run_without_root_powers(tmp_path, "--db", db, "--lang", "en", *args)


def listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_a_read_only_database_is_read_and_left_as_it_was(tmp_path, protected, command):
    before, files = sha256(protected), listing(protected.parent)
    code, out, err = gridtui(tmp_path, protected, *command)
    assert code == 0 and err == "", err
    assert sha256(protected) == before
    assert listing(protected.parent) == files


@pytest.mark.slow
@pytest.mark.parametrize("command", WRITES, ids=" ".join)
def test_a_write_to_a_read_only_database_says_why_before_any_work(tmp_path, protected, command):
    before, files = sha256(protected), listing(protected.parent)
    code, out, err = gridtui(tmp_path, protected, *command)
    assert code == 1 and out == ""
    assert err.strip() == t("db.readonly", lang="en", path=protected)
    assert sha256(protected) == before
    assert listing(protected.parent) == files
    assert listing(tmp_path / "out") == []  # the reveal was refused before any file was written


def commit_and_vanish(db, sql: str) -> None:
    """Commit a write in another process that dies without closing, as a killed program does:
    the rows stay in the -wal, not yet in the file, and the -shm stays beside it."""
    code = f"import os, sqlite3; c = sqlite3.connect({str(db)!r}); c.execute({sql!r}); c.commit(); os._exit(0)"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
def test_a_read_only_folder_still_shows_what_the_wal_holds(tmp_path, community_db):
    folder = tmp_path / "shelf"
    folder.mkdir()
    db = folder / "community.db"
    community_db.rename(db)
    commit_and_vanish(db, "UPDATE grid SET name = '日志里的网格' WHERE code = '01'")
    assert (folder / "community.db-wal").stat().st_size > 0
    os.chmod(folder, 0o555)
    try:
        code, out, err = gridtui(tmp_path, db, "grid", "list")
        assert code == 0 and "日志里的网格" in out, err

        os.chmod(folder, 0o755)
        (folder / "community.db-shm").unlink()  # without it SQLite cannot read the -wal here
        os.chmod(folder, 0o555)
        code, out, err = gridtui(tmp_path, db, "grid", "list")
        assert code == 1 and err.strip() == t("db.readonly_wal", lang="en", path=db)
    finally:
        os.chmod(folder, 0o755)


def test_writes_through_the_store_and_to_local_tables_say_read_only(community_db, immutable):
    before = sha256(community_db)
    immutable(community_db)
    open_database(community_db)
    try:
        assert read_only()
        with pytest.raises(GridError) as refused:
            store.create(Community, name="另一个社区")
        assert refused.value.key == "db.readonly"
        with pytest.raises(GridError) as refused:
            meta_set("note", "a local table")
        assert refused.value.key == "db.readonly"
    finally:
        close_database()
    assert sha256(community_db) == before


def test_an_unaudited_reveal_writes_no_file(community_db, immutable, tmp_path):
    immutable(community_db)
    open_database(community_db)
    try:
        with pytest.raises(GridError) as refused:
            write_report("registers", tmp_path / "full.xlsx", reveal=True)
    finally:
        close_database()
    assert refused.value.key == "db.readonly"
    assert not (tmp_path / "full.xlsx").exists()


def test_an_older_read_only_database_cannot_be_brought_up_to_date(tmp_path, immutable):
    db = tmp_path / "old.db"
    open_database(db)
    close_database()
    conn = sqlite3.connect(db)
    conn.execute('DROP TABLE "held_row"')
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    before = sha256(db)
    immutable(db)
    with pytest.raises(GridError) as refused:
        open_database(db)
    assert refused.value.key == "db.readonly_outdated"
    assert sha256(db) == before
