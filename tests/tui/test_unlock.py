"""The app on an encrypted database: nothing is read before the passphrase, a wrong one is one
sentence, and the idle lock hides the screen and gives it back with nothing typed lost."""

from __future__ import annotations

import time

import pytest

from gridtui.core import unlock
from gridtui.core.db import close_database
from gridtui.domain import visits, walk
from gridtui.i18n import t
from gridtui.tui.screens.home import HomeScreen
from gridtui.tui.screens.unlock import UnlockScreen
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.widgets.checklist import Checklist

from .tui_helpers import SIZE, TODAY, screen_text, settle

PHRASE = "correct horse battery"


@pytest.fixture
def sealed_db(demo_db):
    close_database()
    unlock.encrypt_file(demo_db, unlock.new_key(PHRASE))
    return demo_db


def sealed_app(db, **kwargs):
    from gridtui.tui import GridApp

    return GridApp(db_path=db, lang="en", today=TODAY, **kwargs)


async def type_in(pilot, text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_the_passphrase_comes_before_anything_is_read(sealed_db):
    app = sealed_app(sealed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert "第1网格" not in screen_text(app) and not app.errors
        await type_in(pilot, "not it at all")
        assert isinstance(app.screen, UnlockScreen)
        status = str(app.screen.query_one("#unlock-status").render())
        assert status == t("unlock.wrong", lang="en", path=sealed_db)
        await type_in(pilot, PHRASE)
        assert isinstance(app.screen, HomeScreen)
        assert "第1网格" in screen_text(app) and app.at_rest == "encrypted"
        assert not app.errors


async def test_a_passphrase_file_opens_it_without_a_question(sealed_db, tmp_path):
    given = tmp_path / "phrase.txt"
    given.write_text(PHRASE + "\n")
    app = sealed_app(sealed_db, passphrase_file=given)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and "第1网格" in screen_text(app)


async def test_a_passphrase_file_is_stretched_once_while_the_app_starts(sealed_db, tmp_path):
    given = tmp_path / "phrase.txt"
    given.write_text(PHRASE + "\n")
    app = sealed_app(sealed_db, passphrase_file=given)
    assert app.early_home.done.wait(30)
    early = app.early_home
    assert early.opened_with is not None and not early.plain
    assert early.quick is not None and early.quick["grids"]  # home's figures, read with that key
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and "第1网格" in screen_text(app)
        assert app.cipher is early.opened_with  # the key the early read stretched: no second stretch
        assert app.at_rest == "encrypted" and not app.errors


async def test_a_wrong_passphrase_file_asks_and_reads_nothing(sealed_db, tmp_path):
    given = tmp_path / "phrase.txt"
    given.write_text("not the passphrase\n")
    app = sealed_app(sealed_db, passphrase_file=given)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert app.early_home.opened_with is None and app.early_home.quick is None
        assert isinstance(app.screen, UnlockScreen) and "第1网格" not in screen_text(app)
        status = str(app.screen.query_one("#unlock-status").render())
        assert status == t("unlock.wrong", lang="en", path=sealed_db)
        await type_in(pilot, PHRASE)
        assert isinstance(app.screen, HomeScreen) and "第1网格" in screen_text(app)
        assert not app.errors


async def test_the_idle_lock_hides_the_screen_and_loses_nothing_typed(sealed_db):
    app = sealed_app(sealed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_in(pilot, PHRASE)
        ids = walk.HOUSEHOLDS.ids(app.campaign_id, filter="not_visited", today=app.today)
        app.open_visit(ids)
        await settle(pilot)
        visit = app.screen
        assert isinstance(visit, VisitScreen)
        head = visit.data.detail.residents[0].name
        await pilot.press("1", "2")  # typing a number, not saved with Enter yet
        await settle(pilot)
        app.lock_if_idle(now=time.monotonic() + 60 * app.settings.lock_minutes - 5)
        await settle(pilot)
        assert app.screen is visit  # not idle long enough yet
        app.lock_if_idle(now=time.monotonic() + 60 * app.settings.lock_minutes + 1)
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen) and head not in screen_text(app)
        await type_in(pilot, "wrong passphrase")
        assert isinstance(app.screen, UnlockScreen)
        await type_in(pilot, PHRASE)
        assert app.screen is visit and head in screen_text(app)
        checklist = visit.query_one(Checklist)
        first = checklist.rows[0]
        saved = visits.answers(visit.data.visit_id).get(f"{checklist.form.key}:{first.name}")
        assert saved == 12 and checklist.state.values.get(first.name) == 12  # saved as the lock came, and still shown
        assert not app.errors


async def test_home_says_when_a_database_is_not_encrypted(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.at_rest == "demo"
        assert t("tui.home.demo", lang="en") in screen_text(app)
