"""Opening a database: a mistyped path or an empty file never becomes a new database.

Only the commands that start a database (demo, community set, import, and the device commands
a new laptop begins with: card, trust, rename) create one, and they say so in one line; every
other command, and the app, refuse in one sentence and leave the path as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gridtui.core.db import close_database, open_database
from gridtui.i18n import t
from tests.test_cli import all_commands, one_sentence

GROUPS = {
    ("community",),
    ("grid",),
    ("needs",),
    ("dispatch",),
    ("volunteers",),
    ("roster",),
    ("compound",),
    ("building",),
    ("resident",),
    ("household",),
    ("register",),
    ("collective",),
    ("team",),
    ("pair",),
    ("units",),
    ("resources",),
    ("business",),
    ("db",),
    ("form",),
    ("campaign",),
    ("audit",),
}
"""Command groups that, bare, only print their help: they open nothing."""

NO_DATABASE = {("form", "check"), ("form", "template")}
"""Commands about a workbook alone: they never open a database."""

CREATORS = {("demo",), ("community", "set"), ("import",), ("device", "card"), ("device", "trust"), ("device", "rename")}


def arguments(tmp: Path) -> dict[tuple[str, ...], list[object]]:
    """Every command that opens the database, with arguments that take it that far."""
    some_file = tmp / "some.file"  # exists; never read, the database is refused first
    some_file.write_text("x")
    return {
        (): [],
        ("demo",): ["--scale", "0.01"],
        ("stats",): [],
        ("community", "set"): ["湖光社区"],
        ("grid", "add"): ["01", "第1网格"],
        ("grid", "list"): [],
        ("grid", "assign"): ["01", "1栋"],
        ("needs", "list"): [],
        ("needs", "show"): ["x"],
        ("dispatch", "suggest"): ["x"],
        ("dispatch", "batch"): ["--campaign", "x"],
        ("dispatch", "card"): ["x"],
        ("volunteers", "list"): [],
        ("volunteers", "show"): ["x"],
        ("volunteers", "import"): [some_file],
        ("volunteers", "add"): ["王芳"],
        ("volunteers", "edit"): ["王芳", "--phone", "13812345678"],
        ("volunteers", "end"): ["王芳"],
        ("volunteers", "log"): ["王芳", "2"],
        ("team", "add"): ["环保志愿队"],
        ("team", "list"): [],
        ("team", "edit"): ["环保志愿队", "--note", "x"],
        ("team", "end"): ["环保志愿队"],
        ("pair", "add"): ["王芳", "凤飞园3栋2单元501"],
        ("pair", "end"): ["王芳", "凤飞园3栋2单元501"],
        ("pair", "list"): [],
        ("units", "list"): [],
        ("units", "import"): [some_file],
        ("units", "add"): ["市交通运输局"],
        ("units", "edit"): ["市交通运输局", "--contact", "x"],
        ("units", "end"): ["市交通运输局"],
        ("resources", "list"): [],
        ("resources", "add"): ["多功能活动室", "--unit", "市交通运输局"],
        ("resources", "edit"): ["x", "--capacity", "2"],
        ("resources", "end"): ["x"],
        ("business", "list"): [],
        ("business", "import"): [some_file],
        ("business", "add"): ["老王面馆", "--kind", "面馆"],
        ("business", "edit"): ["老王面馆", "--phone", "13812345678"],
        ("business", "end"): ["老王面馆"],
        ("needs", "add"): ["--household", "凤飞园3栋2单元501", "--item", "助餐送餐", "--source", "phone"],
        **{("needs", move): ["x"] for move in ("assign", "start", "done", "close", "unassign")},
        ("needs", "followup"): ["x", "--satisfaction", "satisfied"],
        ("collective", "list"): [],
        ("collective", "show"): ["x"],
        ("collective", "open"): ["停车难"],
        ("collective", "attach"): ["x", "y"],
        ("collective", "detach"): ["x", "y"],
        ("collective", "meeting"): ["x", "--date", "2026-07-01", "--decision", "y"],
        ("collective", "close"): ["x"],
        ("collective", "rename"): ["x", "y"],
        ("resident", "add"): ["凤飞园3栋2单元501", "王小宝", "--born"],
        ("resident", "move"): ["x", "凤飞园3栋2单元501"],
        ("resident", "move-out"): ["x"],
        ("resident", "death"): ["x"],
        ("resident", "relation"): ["x", "head"],
        ("resident", "edit"): ["x", "--phone", "13812345678"],
        ("resident", "show"): ["x"],
        ("household", "add"): ["凤飞园3栋2单元501"],
        ("household", "edit"): ["凤飞园3栋2单元501", "--status", "vacant"],
        ("household", "show"): ["凤飞园3栋2单元501"],
        ("register", "add"): ["低保户", "--household", "凤飞园3栋2单元501"],
        ("register", "end"): ["低保户", "--household", "凤飞园3栋2单元501"],
        ("grid", "worker"): ["01", "王芳"],
        ("grid", "end"): ["01"],
        ("compound", "rename"): ["凤飞园", "凤飞花园"],
        ("compound", "remove"): ["凤飞园"],
        ("building", "remove"): ["凤飞园3栋"],
        ("report",): ["coverage", "--out", tmp / "r.xlsx"],
        ("roster", "import"): [some_file],
        ("campaign", "new"): [some_file, "--name", "x"],
        ("campaign", "list"): [],
        ("campaign", "show"): ["x"],
        ("campaign", "activate"): ["x"],
        ("campaign", "close"): ["x"],
        ("campaign", "update"): ["x", some_file],
        ("campaign", "form"): ["x", "--out", tmp / "f.xlsx"],
        ("device",): [],
        ("device", "show"): [],
        ("device", "card"): ["--out", tmp / "me.card"],
        ("device", "trust"): [some_file],
        ("device", "list"): [],
        ("device", "revoke"): ["x"],
        ("device", "role"): ["x", "office"],
        ("audit", "list"): [],
        ("device", "rename"): ["x"],
        ("device", "new-identity"): [],
        ("export",): ["--insecure-plaintext", "--out", tmp / "x.bundle"],
        ("import",): [some_file],
        ("conflicts",): [],
        ("conflicts", "resolve"): ["x", "--mine"],
        ("quarantine",): [],
        ("quarantine", "accept"): [],
        ("db", "encrypt"): [],
        ("db", "passphrase"): [],
    }


def run(cli, tmp: Path, command: tuple[str, ...], db: Path, lang: str = "en"):
    return cli(*command, *arguments(tmp)[command], "--db", db, "--lang", lang)


def opening_commands() -> list[tuple[str, ...]]:
    return [c for c in all_commands() if c not in GROUPS | NO_DATABASE]


def test_every_command_is_listed_here_with_arguments(tmp_path):
    """A new command belongs in ``arguments`` (and in CREATORS if it may start a database)."""
    assert set(opening_commands()) == set(arguments(tmp_path))


@pytest.mark.parametrize(
    "command", [c for c in opening_commands() if c not in CREATORS], ids=lambda c: " ".join(c) or "gridtui"
)
def test_a_missing_path_is_never_made_into_a_database(cli, tmp_path, command):
    db = tmp_path / "nowhere" / "g.db"  # a typo in a folder that does not exist either
    code, out, err = run(cli, tmp_path, command, db)
    assert code == 1 and out == ""
    assert err.strip() == t("db.missing", lang="en", path=db)
    assert not db.parent.exists()


@pytest.mark.parametrize("command", opening_commands(), ids=lambda c: " ".join(c) or "gridtui")
def test_a_zero_byte_file_is_refused_by_every_command(cli, tmp_path, command):
    db = tmp_path / "empty.db"
    db.touch()
    code, out, err = run(cli, tmp_path, command, db, lang="zh")
    assert code == 1 and out == ""
    assert one_sentence(err) and err.strip() == t("db.empty_file", lang="zh", path=db)
    assert db.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db", "some.file"]


@pytest.mark.parametrize("command", sorted(CREATORS), ids=" ".join)
def test_commands_that_start_a_database_say_so_once(cli, tmp_path, command):
    """With no passphrase (a script), a new database is plain and says so; the demo's always is."""
    db = tmp_path / "new.db"
    _, _, err = run(cli, tmp_path, command, db)
    said = "db.created" if command == ("demo",) else "unlock.created_plain"
    assert err.splitlines()[0] == t(said, lang="en", path=db)
    close_database()
    open_database(db, create=False)  # a gridtui database, whatever the command did next
    close_database()
    _, _, err = run(cli, tmp_path, command, db)
    assert t("db.created", lang="en", path=db) not in err


async def test_the_app_never_makes_a_database_and_home_says_it_could_not_read(tmp_path):
    from gridtui.tui import GridApp

    db = tmp_path / "nowhere" / "g.db"
    app = GridApp(db_path=db, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        campaign = str(app.screen.query_one("#home-campaign").render())
        notices = [n.message for n in app._notifications]
    assert not db.parent.exists()
    assert t("db.missing", lang="en", path=db) in notices
    assert campaign == t("tui.home.unreadable", lang="en")
    assert not app.errors
