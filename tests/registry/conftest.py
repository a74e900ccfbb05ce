"""Registry screens' fixtures: one demo community at scale 0.05 per session, copied per test.

The demo and the app share a fixed ``today`` so ages, due times and default dates do not move
with the calendar.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tui.tui_helpers import screen_text, settle  # noqa: F401 (used by this folder's tests)

TODAY = date(2026, 7, 14)
SIZE = (150, 44)


@pytest.fixture
def demo_db(demo_copy) -> Path:
    return demo_copy(seed=11)


@pytest.fixture
def make_app(demo_db):
    """``make_app(lang="zh", **kw)``: a GridApp on this test's copy of the demo."""
    from gridtui.tui import GridApp

    def make(lang: str = "zh", **kwargs):
        return GridApp(db_path=demo_db, lang=lang, today=TODAY, **kwargs)

    return make

