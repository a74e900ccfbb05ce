"""TUI fixtures: one demo community per session, copied into each test's own directory.

The demo is built with a fixed seed and a fixed ``today`` and the app is given the same
``today``, so lists, coverage and snapshots do not change with the calendar.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import demo_seed

from .tui_helpers import SCALE, SEED, TODAY


@pytest.fixture
def demo_db(demo_copy, request) -> Path:
    """This test's copy of the demo (closed: the app opens it); a module's ``demo`` mark may ask
    for another seed."""
    seed, scale = demo_seed(request, SEED, SCALE)
    return demo_copy(seed=seed, scale=scale)


@pytest.fixture
def make_app(demo_db):
    """``make_app(lang="en", **kw)``: a GridApp on this test's copy of the demo."""
    from gridtui.tui import GridApp

    def make(lang: str = "zh", **kwargs) -> GridApp:
        return GridApp(db_path=demo_db, lang=lang, today=TODAY, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _no_visits_opened_by_an_earlier_test():
    """visits.open_visit remembers opened-but-unwritten visits per process (by campaign and
    household); every test here starts from a copy of the same community, so one test's opened
    visit would be resumed, with its worker name, by the next test in the same process."""
    from gridtui.domain import visits

    visits._pending.clear()
    yield
    visits._pending.clear()
