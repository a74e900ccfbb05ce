"""The registry screens' parts: every binding has an id and a tooltip in both languages, no
screen key hides a NAV key, every string is in both languages, and a missing row is a notice."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from textual.dom import DOMNode

from gridtui.i18n import catalog
from gridtui.tui.app import NAV
from gridtui.tui.screens.collective import IssueScreen
from gridtui.tui.screens.volunteers import VolunteerScreen

from .tui_helpers import settle

pytestmark = pytest.mark.demo(seed=11)
SIZE = (150, 44)  # the registers' wide columns

SCREENS = Path(__file__).resolve().parents[2] / "gridtui" / "tui" / "screens"
MODULES = ("residents", "volunteers", "collective", "resources", "forms")


def own_bindings():
    for name in MODULES:
        module = importlib.import_module(f"gridtui.tui.screens.{name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, DOMNode) and value.__module__ == module.__name__:
                for binding in value.__dict__.get("BINDINGS", []):
                    yield value.__name__, binding


def test_bindings_have_ids_tooltips_and_leave_the_nav_keys_alone():
    strings = catalog()
    nav_keys = {key for _, key, _, _ in NAV} | {"question_mark", "ctrl+p", "ctrl+q"}
    seen = list(own_bindings())
    assert len(seen) >= 15
    for owner, binding in seen:
        assert binding.id, (owner, binding.key)
        for key in (binding.description, binding.tooltip):
            assert strings[key]["zh"] and strings[key]["en"], key
        assert not set(binding.key.split(",")) & nav_keys, (owner, binding.key)
    for name, _key, label, _path in NAV[-4:]:
        assert strings[label]["zh"] and strings[f"key.app.{name}.tip"]["en"]


def test_every_string_the_registry_screens_use_is_in_both_languages():
    strings = catalog()
    used = set()
    for name in MODULES:
        used |= set(re.findall(r'\bt\("([a-z_]+\.[a-z_.]+)"', (SCREENS / f"{name}.py").read_text(encoding="utf-8")))
    assert len(used) > 40
    assert not sorted(k for k in used if not all(strings.get(k, {}).get(lang) for lang in ("zh", "en")))
    for kind in ("party_registered", "hardship", "elderly_alone", "left_behind_child"):
        assert strings[f"registry.reg.{kind}"]["zh"]


async def test_a_missing_volunteer_or_issue_is_one_sentence(make_app):
    app = make_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(VolunteerScreen("no-such-volunteer"))
        await settle(pilot)
        app.push_screen(IssueScreen("no-such-issue"))
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert "There is no volunteer no-such-volunteer." in notices
        assert "There is no collective issue no-such-issue." in notices
        await pilot.press("m", "d", "a", "l")  # nothing loaded: the keys do nothing
        await settle(pilot)
        assert isinstance(app.screen, IssueScreen)
        assert not app.errors
