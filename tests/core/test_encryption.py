"""Encryption at rest: a lost laptop is not a breach, and a wrong passphrase changes nothing.

Every test works on real SQLCipher 4 files through the same commands a user runs.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import pty
import signal
import sqlite3
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher
from stdnum.cn import ric

from gridtui.core import unlock
from gridtui.core.db import close_database, open_database
from gridtui.i18n import t
from tests.conftest import gridtui_env

PHRASE = "湖光社区 night shift 7"
NAME, PHONE = "欧阳测试", "13912345678"
BODY = "41040219550307001"
ID_NUMBER = BODY + ric.calc_check_digit(BODY + "0")


@pytest.fixture
def phrase_file(tmp_path) -> Path:
    path = tmp_path / "phrase.txt"
    path.write_text(PHRASE + "\n", encoding="utf-8")
    return path


def roster(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["小区", "楼栋", "单元", "门牌号", "姓名", "身份证号", "手机号", "与户主关系"])
        out.writerow(["新华苑", "1栋", "1单元", "101", NAME, ID_NUMBER, PHONE, "户主"])
    return path


def a_laptop(cli, tmp_path, db: Path, *passphrase: object) -> None:
    """A laptop made by user commands: a community, a roster with one known person, its keys."""
    assert cli("--db", db, *passphrase, "community", "set", "新华社区")[0] == 0
    assert cli("--db", db, *passphrase, "roster", "import", roster(tmp_path))[0] == 0
    assert cli("--db", db, *passphrase, "device", "card", "--out", tmp_path / "me.card")[0] == 0


def found_anywhere(db: Path) -> list[str]:
    """Which of the person's name, ID number and phone can be read in any file of the laptop."""
    blobs = b"".join(p.read_bytes() for p in db.parent.glob(f"{db.name}*") if p.is_file())
    return [what for what in (NAME, ID_NUMBER, PHONE) if what.encode() in blobs]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_stolen_laptop_holds_no_readable_person(cli, tmp_path, phrase_file):
    plain, sealed = tmp_path / "plain" / "g.db", tmp_path / "sealed" / "g.db"
    plain.parent.mkdir()
    sealed.parent.mkdir()
    a_laptop(cli, tmp_path, plain)
    assert found_anywhere(plain) == [NAME, ID_NUMBER, PHONE]  # the search finds them where they lie open
    a_laptop(cli, tmp_path, sealed, "--passphrase-file", phrase_file)
    # a correction still in the -wal, as on a laptop taken while the app is open
    close_database()
    open_database(sealed, create=False, cipher=unlock.key_for(sealed, PHRASE))
    from gridtui.core.models import Resident
    from gridtui.domain import households

    households.update_resident(Resident.get(Resident.name == NAME).id, phone=PHONE[:-1] + "9")
    assert Path(f"{sealed}-wal").stat().st_size > 0
    assert found_anywhere(sealed) == []
    assert sealed.read_bytes()[:16] != unlock.SQLITE_MAGIC
    keys = Path(f"{sealed}.keys").read_bytes()
    assert unlock.is_sealed(keys) and b"sign_private" not in keys
    close_database()


def test_a_wrong_passphrase_is_one_sentence_and_changes_nothing(cli, tmp_path, phrase_file, run_gridtui):
    db = tmp_path / "g.db"
    a_laptop(cli, tmp_path, db, "--passphrase-file", phrase_file)
    close_database()
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    before = sha(db), sorted(p.name for p in tmp_path.iterdir())
    for lang in ("zh", "en"):
        done = run_gridtui("--db", db, "--lang", lang, "stats", env={"GRIDTUI_PASSPHRASE_FILE": str(wrong)})
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr.strip() == t("unlock.wrong", lang=lang, path=db)
    done = run_gridtui("--db", db, "--lang", "en", "stats")  # no passphrase and no terminal
    assert done.returncode == 1 and done.stderr.strip() == t("unlock.needed", lang="en", path=db)
    assert (sha(db), sorted(p.name for p in tmp_path.iterdir())) == before


def stats_of(cli, db: Path, *passphrase: object) -> dict:
    code, out, err = cli("--db", db, *passphrase, "stats", "--json")
    assert code == 0, err
    return json.loads(out)


def test_db_encrypt_keeps_everything_and_leaves_no_plaintext(cli, demo_copy, phrase_file):
    db = demo_copy(seed=11)
    assert cli("--db", db, "device", "card", "--out", db.parent / "a.card")[0] == 0
    _, shown, _ = cli("--db", db, "device", "show")
    before = stats_of(cli, db)
    code, out, err = cli("--db", db, "--passphrase-file", phrase_file, "db", "encrypt")
    assert code == 0, err
    assert out.strip() == t("unlock.encrypted", path=db)
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(("demo", ".demo"))) == [
        "demo.db",
        "demo.db.keys",
    ]
    assert db.read_bytes()[:16] != unlock.SQLITE_MAGIC
    assert stats_of(cli, db, "--passphrase-file", phrase_file) == before
    assert cli("--db", db, "--passphrase-file", phrase_file, "device", "show")[1] == shown  # same keys
    assert unlock.is_sealed(Path(f"{db}.keys").read_bytes())
    close_database()
    # the standard format: SQLCipher 4 opens it with the passphrase itself
    conn = sqlcipher.connect(str(db))
    conn.execute(f"PRAGMA key = '{PHRASE}'")
    assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == before["households"]
    conn.close()
    code, _, err = cli("--db", db, "--passphrase-file", phrase_file, "db", "encrypt")
    assert code == 1 and err.strip() == t("unlock.already", path=db)


def test_db_passphrase_changes_it_for_the_database_and_its_keys(cli, tmp_path, phrase_file):
    db = tmp_path / "g.db"
    a_laptop(cli, tmp_path, db, "--passphrase-file", phrase_file)
    _, shown, _ = cli("--db", db, "--passphrase-file", phrase_file, "device", "show")
    new = tmp_path / "new.txt"
    new.write_text("a longer, newer phrase\n")
    code, _, err = cli("--db", db, "--passphrase-file", phrase_file, "db", "passphrase", "--new-passphrase-file", new)
    assert code == 0, err
    code, _, err = cli("--db", db, "--passphrase-file", phrase_file, "stats")
    assert code == 1 and err.strip() == t("unlock.wrong", path=db)
    assert cli("--db", db, "--passphrase-file", new, "device", "show")[1] == shown
    short = tmp_path / "short.txt"
    short.write_text("short\n")
    code, _, err = cli("--db", db, "--passphrase-file", new, "db", "passphrase", "--new-passphrase-file", short)
    assert code == 1 and err.strip() == t("unlock.too_short", minimum=unlock.MIN_PASSPHRASE)
    assert cli("--db", db, "--passphrase-file", new, "stats")[0] == 0


def test_a_plain_key_file_beside_an_encrypted_database_is_sealed_on_first_use(cli, demo_copy, phrase_file):
    """As after a ``db encrypt`` stopped between the database and its keys."""
    db = demo_copy(seed=11)
    assert cli("--db", db, "device", "card", "--out", db.parent / "a.card")[0] == 0
    plain_keys = Path(f"{db}.keys").read_bytes()
    close_database()
    unlock.encrypt_file(db, unlock.new_key(PHRASE))
    assert Path(f"{db}.keys").read_bytes() == plain_keys
    code, _, err = cli("--db", db, "--passphrase-file", phrase_file, "device", "card", "--out", db.parent / "b.card")
    assert code == 0, err
    assert unlock.is_sealed(Path(f"{db}.keys").read_bytes())


KILLED_AT = """
import os, signal, sys
from sqlcipher3 import dbapi2
real, nth = dbapi2.connect, int(sys.argv[1])


def connect(*args, **kwargs):
    conn, steps = real(*args, **kwargs), [0]

    def tick():
        steps[0] += 1
        if steps[0] >= nth:
            os.kill(os.getpid(), signal.SIGKILL)
        return 0

    conn.set_progress_handler(tick, 1000)
    return conn


dbapi2.connect = connect
from gridtui.cli import main
sys.exit(main(sys.argv[2:]))
"""
"""gridtui, SIGKILLed by itself after N thousand SQLCipher steps: a kill at an exact point."""


@pytest.mark.slow
@pytest.mark.parametrize("thousands", [500, 6_000], ids=["exporting", "checking"])
def test_db_encrypt_killed_midway_leaves_one_whole_database(demo_copy, tmp_path, phrase_file, run_gridtui, thousands):
    """The full-scale community, killed while its encrypted copy is written (or checked)."""
    db = demo_copy(seed=2026, scale=1.0, name="full.db")
    conn = sqlite3.connect(db)
    households = conn.execute("SELECT count(*) FROM household").fetchone()[0]
    conn.close()
    work = db.with_name(f".{db.name}.encrypting")
    env = gridtui_env(tmp_path, GRIDTUI_PASSPHRASE_FILE=str(phrase_file))
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AT, str(thousands), "--db", str(db), "db", "encrypt"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert work.exists() and not unlock.encrypted(db)  # stopped half-way: the old file is still in place
    assert whole(db, households)
    done = run_gridtui("--db", db, "db", "encrypt", env={"GRIDTUI_PASSPHRASE_FILE": str(phrase_file)})
    assert done.returncode == 0, done.stderr
    assert unlock.encrypted(db) and whole(db, households) and not work.exists()


def whole(db: Path, households: int) -> bool:
    if unlock.encrypted(db):
        conn = sqlcipher.connect(str(db))
        conn.execute(f"PRAGMA key = '{PHRASE}'")
    else:
        conn = sqlite3.connect(db)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return ok and conn.execute("SELECT count(*) FROM household").fetchone()[0] == households
    finally:
        conn.close()


def on_a_terminal(tmp_path, args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run gridtui with a terminal of its own, answering its questions as they come."""
    leader, follower = pty.openpty()

    def take_terminal() -> None:
        os.setsid()
        fcntl.ioctl(follower, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        [sys.executable, "-m", "gridtui", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=tmp_path,
        env=gridtui_env(tmp_path),
        preexec_fn=take_terminal,
    )
    os.close(follower)
    seen = b""
    for answer in answers:
        while b": " not in seen.rsplit(b"\n", 1)[-1] and b"\xef\xbc\x9a" not in seen.rsplit(b"\n", 1)[-1]:
            seen += os.read(leader, 1024)
        os.write(leader, answer.encode() + b"\n")
        seen += b"\n"
    out = b""
    while True:
        try:
            chunk = os.read(leader, 1024)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    return proc.wait(timeout=60), (seen + out).decode("utf-8", "replace")


def test_a_new_database_on_a_terminal_asks_for_its_passphrase_twice(tmp_path):
    db = tmp_path / "g.db"
    code, shown = on_a_terminal(
        tmp_path, ["--db", str(db), "--lang", "en", "community", "set", "新华社区"], [PHRASE, PHRASE]
    )
    assert code == 0, shown
    assert (
        t("unlock.ask_new", lang="en", path=db).strip() in shown and t("unlock.ask_again", lang="en").strip() in shown
    )
    assert unlock.encrypted(db) and PHRASE not in shown
    other = tmp_path / "h.db"
    code, shown = on_a_terminal(
        tmp_path, ["--db", str(other), "--lang", "en", "community", "set", "x"], [PHRASE, PHRASE + "!"]
    )
    assert code == 1 and t("unlock.mismatch", lang="en") in shown and not other.exists()
    code, shown = on_a_terminal(tmp_path, ["--db", str(db), "--lang", "en", "grid", "list"], [PHRASE])
    assert code == 0 and t("unlock.ask", lang="en", path=db).strip() in shown
