"""CLI conduct: help in the user's language, exit codes 0/1/2, one sentence and no traceback."""

from __future__ import annotations

import argparse
import json
import os
import sys

import peewee
import pytest

import gridtui
from gridtui.cli import COMMAND_MODULES, build_parser, command_module
from gridtui.core.db import close_database, open_database
from gridtui.i18n import set_language
from tests.conftest import has_cjk


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every registered (sub)command, nested ones included: ("stats",), ("device", "add")..."""
    paths = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths += command_paths(sub, (*prefix, name))
    return paths


def all_commands() -> list[tuple[str, ...]]:
    set_language("en")
    return command_paths(build_parser())


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "gridtui")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_speaks_the_users_language(cli, path, lang):
    code, out, err = cli(*path, "--help", "--lang", lang)
    assert code == 0 and err == ""
    assert "--db" in out and "--lang" in out
    if lang == "zh":
        assert has_cjk(out)
        assert "用法" in out and "usage:" not in out and "show this help" not in out
    else:
        assert not has_cjk(out), out


def test_stats_is_registered():
    assert ("stats",) in all_commands()


@pytest.mark.parametrize("module", list(COMMAND_MODULES))
def test_each_module_registers_the_commands_listed_for_it(module):
    set_language("en")
    only = build_parser(module)
    assert [p[0] for p in command_paths(only) if len(p) == 1] == list(COMMAND_MODULES[module])


def test_a_command_line_builds_only_its_modules_parser():
    assert command_module(["--db", "x.db", "--lang=en", "import", "a.bundle", "--json"]) == "sync"
    assert command_module(["--passphrase-file", "import", "stats"]) == "stats"  # a value, not the command
    assert command_module(["--help"]) is None and command_module([]) is None
    assert command_module(["--db", "x.db", "nonsense"]) is None  # the whole parser says what there is
    set_language("en")
    line = ["--db", "x.db", "import", "a.bundle", "b.bundle", "--dry-run"]
    assert vars(build_parser("sync").parse_args(line)) == vars(build_parser().parse_args(line))


def test_version(run_gridtui):
    done = run_gridtui("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"gridtui {gridtui.__version__}"


def one_sentence(text: str) -> bool:
    return len(text.strip().splitlines()) == 1 and "Traceback" not in text


@pytest.mark.parametrize(
    "args",
    [
        ("--bogus",),
        ("stats", "--bogus"),
        ("no-such-command",),
        ("--lang", "fr", "stats"),
        ("stats", "--json=yes"),
    ],
)
def test_usage_errors_exit_2_in_one_line(run_gridtui, args):
    for lang in ("zh", "en"):
        done = run_gridtui(*args, env={"GRIDTUI_LANG": lang})
        assert done.returncode == 2
        assert one_sentence(done.stderr), done.stderr
        assert "gridtui" in done.stderr
        assert has_cjk(done.stderr) == (lang == "zh")


def test_stats_on_an_empty_database_is_all_zeros(cli, db_path):
    open_database(db_path)
    close_database()

    code, out, err = cli("stats", "--json", "--db", db_path)
    assert (code, err) == (0, "")
    result = json.loads(out)
    catalogs = {"need_categories": 5, "need_items": 31, "resource_categories": 5, "resource_items": 39}
    for key, value in result.items():
        if key in catalogs:
            assert value == catalogs[key]
        elif key in ("needs_by_status", "register_entries_by_kind"):
            assert value and set(value.values()) == {0}
        elif key == "campaigns":
            assert value == []
        else:
            assert value == 0, key
    assert len(result["register_entries_by_kind"]) == 11

    for lang in ("zh", "en"):
        code, out, err = cli("stats", "--db", db_path, "--lang", lang)
        assert (code, err) == (0, "")
        assert str(db_path) in out
        assert has_cjk(out) == (lang == "zh")


def test_stats_does_not_create_a_missing_database(cli, tmp_path):
    missing = tmp_path / "typo.db"
    code, out, err = cli("stats", "--db", missing, "--lang", "en")
    assert code == 1 and out == ""
    assert one_sentence(err) and str(missing) in err
    assert not missing.exists()


def unusable_paths(tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    return {"folder": folder, "under-a-file": a_file / "g.db", "missing": tmp_path / "nowhere" / "g.db"}


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        (("stats",), "folder"),
        (("stats",), "under-a-file"),
        (("stats",), "missing"),
        (("demo", "--scale", "0.01"), "folder"),
        (("demo", "--scale", "0.01"), "under-a-file"),
    ],
)
def test_unusable_db_paths_fail_in_one_sentence(run_gridtui, tmp_path, command, kind):
    path = unusable_paths(tmp_path)[kind]
    for lang in ("zh", "en"):
        done = run_gridtui(*command, "--db", path, "--lang", lang)
        assert done.returncode == 1, done.stderr
        assert one_sentence(done.stderr), done.stderr
        assert has_cjk(done.stderr) == (lang == "zh")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_db_fails_in_one_sentence(cli, tmp_path):
    path = tmp_path / "locked.db"
    open_database(path)
    close_database()
    path.chmod(0)
    try:
        code, out, err = cli("stats", "--db", path, "--lang", "en")
    finally:
        path.chmod(0o600)
    assert code == 1 and one_sentence(err)


def test_db_flag_before_the_command_is_kept(cli, db_path):
    open_database(db_path)
    close_database()
    code, out, _ = cli("--db", db_path, "stats", "--lang", "en")
    assert code == 0 and str(db_path) in out


def test_gridtui_db_variable_is_respected(run_gridtui, tmp_path):
    chosen = tmp_path / "chosen.db"
    open_database(chosen)
    close_database()
    done = run_gridtui("stats", "--lang", "en", env={"GRIDTUI_DB": str(chosen)})
    assert done.returncode == 0, done.stderr
    assert str(chosen) in done.stdout
    other = tmp_path / "other.db"
    done = run_gridtui("stats", "--lang", "en", "--db", other, env={"GRIDTUI_DB": str(chosen)})
    assert done.returncode == 1 and str(other) in done.stderr  # --db wins over the variable


@pytest.mark.parametrize(
    ("env", "chinese"),
    [
        ({"LANG": "zh_CN.UTF-8"}, True),
        ({"LANG": "en_US.UTF-8"}, False),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, True),
        ({"LANG": "zh_CN.UTF-8", "GRIDTUI_LANG": "en"}, False),
        ({"LANG": "en_US.UTF-8", "GRIDTUI_LANG": "zh"}, True),
    ],
)
def test_language_follows_environment(cli, monkeypatch, env, chinese):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    code, out, _ = cli("stats", "--help")
    assert code == 0 and has_cjk(out) == chinese


def test_lang_flag_beats_the_environment_in_a_real_process(run_gridtui):
    done = run_gridtui("--help", env={"GRIDTUI_LANG": "en", "LANG": "en_US.UTF-8"})
    assert not has_cjk(done.stdout)
    done = run_gridtui("--help", "--lang", "zh", env={"GRIDTUI_LANG": "en"})
    assert has_cjk(done.stdout)
    done = run_gridtui("--help", env={"LANG": "zh_CN.UTF-8"})
    assert has_cjk(done.stdout)


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (KeyboardInterrupt(), "Interrupted"),
        (peewee.OperationalError("database is locked"), "Another program is writing"),
        (peewee.OperationalError("attempt to write a readonly database"), "read-only"),
        (FileNotFoundError(2, "No such file or directory", "/nowhere/x"), "/nowhere/x"),
    ],
)
def test_failures_during_a_command_are_one_sentence(cli, db_path, monkeypatch, failure, words):
    open_database(db_path)
    close_database()

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr("gridtui.commands.stats.stats", fail)
    code, out, err = cli("stats", "--db", db_path, "--lang", "en")
    assert code == 1 and out == ""
    assert one_sentence(err) and words in err


def test_no_command_without_the_tui_says_so(cli, monkeypatch, db_path):
    open_database(db_path)
    close_database()
    monkeypatch.setitem(sys.modules, "gridtui.tui", None)  # as if the TUI were not installed
    code, out, err = cli("--db", db_path, "--lang", "en")
    assert code == 1 and one_sentence(err) and "not installed" in err


def test_no_command_refuses_a_foreign_file_before_the_screen(cli, monkeypatch, tmp_path):
    path = tmp_path / "future.db"
    path.write_bytes(os.urandom(100))
    monkeypatch.setitem(sys.modules, "gridtui.tui", None)
    code, _, err = cli("--db", path, "--lang", "zh")
    assert code == 1 and "不是 gridtui 数据库" in err
