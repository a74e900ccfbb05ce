"""The wheel carries its data: built, installed into a fresh venv outside the tree, and run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_source_tree(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    wheel = next(dist.glob("gridtui-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    # The fresh venv borrows the test venv's installed dependencies through a plain path line, so
    # the test needs no network. A path line does not run the editable install's own .pth hook,
    # so gridtui itself can only come from the wheel.
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    deps = subprocess.run(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "_gridtui_test_deps.pth").write_text(deps + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True, cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRIDTUI_DB", "GRIDTUI_CONFIG")}
    env.update(GRIDTUI_LANG="en", HOME=str(tmp_path))
    db = tmp_path / "w.db"
    where = subprocess.run(
        [str(py), "-c", "import gridtui, sys; print(gridtui.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=env,
    ).stdout
    assert str(env_dir) in where, where
    gridtui = env_dir / "bin" / "gridtui"
    subprocess.run(
        [str(gridtui), "demo", "--db", str(db), "--scale", "0.05"],
        check=True,
        cwd=tmp_path,
        env=env,
        capture_output=True,
    )
    out = subprocess.run(
        [str(gridtui), "stats", "--json", "--db", str(db)],
        check=True,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    stats = json.loads(out)
    assert stats["households"] == round(5969 * 0.05)
    assert stats["need_items"] == 31 and stats["resource_items"] == 39
