"""The app on a database it cannot write: home says so, and a key that would write says why.

Made read-only with ``chattr +i`` (the file, or the folder so that no -wal or -shm can be made),
which even root cannot get round; the file is compared byte for byte afterwards.
"""

from __future__ import annotations

import hashlib

import pytest

from gridtui.i18n import t
from gridtui.tui.screens.household import HouseholdScreen
from gridtui.tui.screens.visit import VisitScreen
from gridtui.tui.screens.walk import BuildingsScreen, WalkScreen

from .tui_helpers import SIZE, TODAY, screen_text, settle


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=["file", "folder"])
def shelved(request, demo_db, tmp_path, immutable):
    """The demo community, read-only by an immutable file or an immutable folder."""
    folder = tmp_path / "shelf"
    folder.mkdir()
    db = folder / demo_db.name
    demo_db.rename(db)
    immutable(db if request.param == "file" else folder)
    return db


def app_on(db):
    from gridtui.tui import GridApp

    return GridApp(db_path=db, lang="en", today=TODAY)


async def test_home_shows_its_figures_under_a_read_only_banner(shelved):
    before = digest(shelved)
    app = app_on(shelved)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        banner = str(app.screen.query_one("#home-banner").render())
    assert app.read_only
    assert banner == t("tui.home.read_only", lang="en", path=shelved)
    assert text.splitlines()[1].strip().startswith("Read-only: nothing can be saved")  # under the header
    assert t("tui.home.loading", lang="en") not in text
    assert "第1网格" in text  # the grids were read
    assert not app.errors and not app._notifications
    assert digest(shelved) == before
    assert list(shelved.parent.iterdir()) == [shelved]  # no -wal or -shm made beside it


async def test_a_visit_is_not_opened_and_a_reveal_is_not_made_and_each_says_why(shelved):
    before = digest(shelved)
    readonly = t("db.readonly", lang="en", path=shelved)
    app = app_on(shelved)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the first grid
        await settle(pilot)
        assert isinstance(app.screen, BuildingsScreen)
        await pilot.press("enter")  # the whole grid
        await settle(pilot)
        assert isinstance(app.screen, WalkScreen)
        await pilot.press("enter")  # visit the first household
        await settle(pilot)
        assert isinstance(app.screen, WalkScreen) and not isinstance(app.screen, VisitScreen)
        assert [n.message for n in app._notifications] == [readonly]

        await pilot.press("d")  # household detail
        await settle(pilot)
        assert isinstance(app.screen, HouseholdScreen)
        await pilot.press("r")  # reveal an ID number: written to the audit log first
        await settle(pilot)
        notices = [n.message for n in app._notifications]
    assert notices[-1] == readonly
    assert not app.errors
    assert digest(shelved) == before
