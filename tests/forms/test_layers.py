"""Where the form engine sits: pyxform is loaded by the form and campaign commands (and the demo)
only, never by the app's start or a visit; the engine itself imports nothing of gridtui's layers."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, gridtui_env

PROBE = """
import importlib, json, sys
for name in NAMES:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "pyxform" or m.startswith("gridtui."))))
"""


def loaded(tmp_path, names: list[str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"NAMES = {names!r}\n" + PROBE],
        env=gridtui_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_app_and_a_visit_never_load_pyxform(tmp_path):
    modules = loaded(
        tmp_path,
        [
            "gridtui.tui.app",
            "gridtui.tui.screens.home",
            "gridtui.tui.screens.visit",
            "gridtui.tui.screens.campaigns",
            "gridtui.domain.visits",
            "gridtui.domain.campaigns",
            "gridtui.domain.walk",
            "gridtui.io.reports",
            "gridtui.sync.transfer",
            "gridtui.cli",
        ],
    )
    assert not [m for m in modules if m.startswith("pyxform")]
    assert "gridtui.forms.xlsform" not in modules


def test_the_form_engine_imports_nothing_of_the_layers(tmp_path):
    modules = loaded(tmp_path, ["gridtui.forms.expr", "gridtui.forms.model", "gridtui.forms.workbook"])
    layers = ("gridtui.core", "gridtui.domain", "gridtui.io", "gridtui.sync", "gridtui.commands", "gridtui.tui")
    assert [m for m in modules if m.startswith(layers)] == []


def test_only_the_adapter_imports_pyxform():
    sources = [
        p
        for p in (ROOT / "gridtui").rglob("*.py")
        if "pyxform" in p.read_text("utf-8")
        and ("import pyxform" in p.read_text("utf-8") or "from pyxform" in p.read_text("utf-8"))
    ]
    assert [p.relative_to(ROOT).as_posix() for p in sources] == ["gridtui/forms/xlsform.py"]
