"""Office fixtures: one demo community (scale 0.05) per session, copied into each test's tmp_path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gridtui import i18n
from gridtui.core.db import close_database, open_database

TODAY = date(2026, 7, 14)


@pytest.fixture
def office_path(demo_copy) -> Path:
    """A fresh copy of the demo database (closed: for the CLI)."""
    return demo_copy(seed=1, name="office.db")


@pytest.fixture
def office_db(office_path):
    """The copy, open in this process."""
    open_database(office_path)
    yield office_path
    close_database()


@pytest.fixture(params=["zh", "en"])
def lang(request):
    i18n.set_language(request.param)
    return request.param
