"""A hub's address that is wrong, a server that is down or refuses the password, a server that
goes away mid-import: one sentence each in the user's language, exit 1, nothing half-applied."""

from __future__ import annotations

import os

import pytest

from gridtui.core.db import close_database
from gridtui.core.models import database
from gridtui.errors import GridError
from gridtui.sync import transfer

from .conftest import dump


@pytest.mark.parametrize(
    "url, zh, en",
    [
        ("mysql://me@host/street", "不是 gridtui 能打开的数据库地址", "is not a database address gridtui can open"),
        ("postgresql://me@host:notaport/street", "写得不对", "is malformed"),
    ],
)
def test_an_address_gridtui_cannot_use_is_one_sentence_and_makes_nothing(run_gridtui, tmp_path, url, zh, en):
    for lang, words in (("zh", zh), ("en", en)):
        done = run_gridtui("--db", url, "--lang", lang, "stats")
        assert done.returncode == 1 and words in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(("home", "xdg"))) == []


def test_a_server_that_is_not_there_is_one_sentence(run_gridtui, tmp_path):
    url = f"postgresql://postgres@/street?host={tmp_path}"  # no server listens there
    for lang, words in (("zh", "连不上汇总库"), ("en", "Cannot reach the hub")):
        done = run_gridtui("--db", url, "--lang", lang, "stats")
        assert done.returncode == 1 and words in done.stderr and "Traceback" not in done.stderr


def test_a_refused_password_and_a_missing_database_are_one_sentence_each(run_gridtui, pg_server):
    from tests.hub_server import PASSWORD_USER

    wrong = pg_server.url("postgres", user=PASSWORD_USER, password="wrong-password")
    done = run_gridtui("--db", wrong, "--lang", "en", "stats")
    assert done.returncode == 1 and "refused the login" in done.stderr and "wrong-password" not in done.stderr
    missing = pg_server.url("no_such_street")
    done = run_gridtui("--db", missing, "--lang", "zh", "stats")
    assert done.returncode == 1 and "服务器上没有" in done.stderr


def test_an_empty_hub_is_not_made_by_a_command_that_only_reads(run_gridtui, pg_server):
    url = pg_server.new_database()
    done = run_gridtui("--db", url, "--lang", "en", "stats")
    assert done.returncode == 1 and "holds no gridtui data yet" in done.stderr
    import psycopg

    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_server_that_goes_away_mid_import_leaves_the_hub_as_it_was(town, tmp_path, pg_server):
    hub, (a, b) = town
    hub.import_(a.export(tmp_path / "a.bundle", hub))
    bundle = b.export(tmp_path / "b.bundle", hub)
    hub.become()
    before = dump()
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]

    def cut(done, _total, what):
        if what == "household":  # halfway through the merge, the server drops this connection
            pg_server.sql(f"SELECT pg_terminate_backend({pid})")

    with pytest.raises(GridError) as failed:
        try:
            transfer.import_bundles([bundle], progress=cut)
        except Exception as exc:  # noqa: BLE001 - as the command turns any database error into a sentence
            from gridtui.core.db import translate_operational

            raise translate_operational(exc, hub.where) from None
    assert failed.value.key == "hub.gone"
    assert "连接中断" in failed.value.message("zh") and "was lost" in failed.value.message("en")
    close_database()
    hub.become()
    assert dump() == before


def test_hub_folder_for_keys_is_not_beside_any_file(tmp_path, pg_server, monkeypatch):
    """A hub has no file: its keys live under GRIDTUI_HUB_DIR, named after host and database."""
    from gridtui.core import dialect
    from gridtui.core.db import open_database

    monkeypatch.setenv("GRIDTUI_HUB_DIR", str(tmp_path / "hubs"))
    url = pg_server.new_database()
    open_database(url)
    place = dialect.side_path(".keys")
    close_database()
    assert place.parent == tmp_path / "hubs" and url.split("?")[0].rsplit("/", 1)[1] in place.name
    assert os.stat(place.parent).st_mode & 0o077 == 0
