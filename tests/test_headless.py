"""Nothing under core/, domain/, sync/, io/ or the CLI's commands imports Textual or Rich.

That keeps ``gridtui stats`` and ``gridtui import`` fast to start and usable without a screen.
Checked in a fresh interpreter, since this test process may have imported Textual already.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, gridtui_env

PROBE = """
import importlib, json, pkgutil, sys

imported = []
for name in ("gridtui.core", "gridtui.core.store", "gridtui.domain", "gridtui.cli"):
    importlib.import_module(name)
    imported.append(name)
for package in ("gridtui.core", "gridtui.domain", "gridtui.forms", "gridtui.sync", "gridtui.io", "gridtui.commands"):
    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError:
        continue  # a layer that does not exist yet
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
import gridtui.cli
gridtui.cli.build_parser()  # every command's register() runs too
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(json.dumps({"imported": imported, "heavy": heavy}))
"""


def test_headless_layers_do_not_import_textual_or_rich(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=gridtui_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"gridtui.core.store", "gridtui.domain.stats", "gridtui.commands.stats"} <= set(report["imported"])
    assert report["heavy"] == []


SERVER_PROBE = """
import json, sys
import gridtui.core.models, gridtui.core.db, gridtui.domain.search
before = "psycopg" in sys.modules
from gridtui.core import dialect
dialect.server_driver()
import peewee
print(json.dumps({"before": before, "after": peewee.psycopg is sys.modules.get("psycopg") is not None}))
"""


def test_a_laptop_never_loads_the_server_driver_until_a_server_is_opened(tmp_path):
    """peewee would import psycopg with itself (~90 ms and ~15 MiB of every start); it gets the
    driver only when a street hub is opened."""
    done = subprocess.run(
        [sys.executable, "-c", SERVER_PROBE],
        env=gridtui_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"before": False, "after": True}
