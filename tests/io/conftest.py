"""Fixtures for the office's files: reports, dashboards and rosters, in both languages."""

from __future__ import annotations

import pytest

from gridtui import i18n


@pytest.fixture(params=["zh", "en"])
def lang(request):
    i18n.set_language(request.param)
    return request.param
