"""Office fixtures: one demo community (scale 0.05) per session, copied into each test's tmp_path."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from gridtui import i18n
from gridtui.core.db import close_database, open_database

TODAY = date(2026, 7, 14)


@pytest.fixture(scope="session")
def office_template(demo_community) -> Path:
    """The demo community for these tests, built once per test process; tests copy it."""
    return demo_community(seed=1, scale=0.05)


@pytest.fixture
def office_path(office_template, tmp_path) -> Path:
    """A fresh copy of the demo database (closed: for the CLI)."""
    path = tmp_path / "office.db"
    shutil.copy(office_template, path)
    return path


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
