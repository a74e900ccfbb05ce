"""Shared fixtures: a database per test, the CLI in-process and as a real subprocess.

Every test runs with GRIDTUI_DB and GRIDTUI_CONFIG pointed into its own tmp_path, so nothing
ever touches the developer's real gridtui data or settings.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from gridtui import i18n
from gridtui.core import store
from gridtui.core.db import close_database, open_database
from gridtui.core.models import Building, Community, Compound, Grid, Household

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 7, 14)

# `make test` replays the same fuzz examples every run, so CI cannot turn red by luck;
# `make fuzz` draws new ones (a failure found there is then kept as an @example).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=300)
settings.load_profile(os.environ.get("GRIDTUI_HYPOTHESIS", "repeatable"))


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDTUI_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("GRIDTUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("GRIDTUI_LANG", raising=False)
    yield
    i18n._current = None  # an in-process CLI run sets the language; the next test starts afresh


@pytest.fixture(scope="session")
def demo_community(tmp_path_factory):
    """``demo_community(seed, scale=0.05)``: the path of a demo database built once per test
    process for that seed and scale (dated TODAY). Tests copy it; nobody writes to it."""
    from gridtui.domain import demo

    built: dict[tuple[int, float], Path] = {}

    def build(seed: int, scale: float = 0.05) -> Path:
        if (seed, scale) not in built:
            path = tmp_path_factory.mktemp(f"demo-{seed}-{scale}") / "demo.db"
            open_database(path)
            demo.generate(seed=seed, scale=scale, today=TODAY)
            close_database()
            built[(seed, scale)] = path
        return built[(seed, scale)]

    return build


@pytest.fixture
def demo_copy(demo_community, tmp_path):
    """``demo_copy(seed, scale=0.05, name="demo.db")``: this test's own copy of a demo community
    (closed), so it may write to it freely."""

    def copy(seed: int, scale: float = 0.05, name: str = "demo.db") -> Path:
        path = tmp_path / name
        shutil.copyfile(demo_community(seed, scale), path)
        return path

    return copy


def demo_seed(request: pytest.FixtureRequest, seed: int, scale: float = 0.05) -> tuple[int, float]:
    """The demo community a test asked for with ``pytestmark = pytest.mark.demo(seed=N)`` (a
    module whose expectations were written against that seed), else its folder's default."""
    marker = request.node.get_closest_marker("demo")
    if marker is None:
        return seed, scale
    return marker.kwargs.get("seed", seed), marker.kwargs.get("scale", scale)


@pytest.fixture
def demo_file(demo_copy, request) -> Path:
    """A copy of the demo database, not opened (for the CLI, which opens and closes it)."""
    seed, scale = demo_seed(request, 2026)
    return demo_copy(seed=seed, scale=scale, name="demo-cli.db")


@pytest.fixture
def office_path(demo_copy) -> Path:
    """A fresh copy of the demo database the office's reports and screens are checked on (closed:
    for the CLI and the app)."""
    return demo_copy(seed=1, name="office.db")


@pytest.fixture
def office_db(office_path):
    """The office's copy, open in this process."""
    open_database(office_path)
    yield office_path
    close_database()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "g.db"


@pytest.fixture
def db(db_path):
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def place(db):
    """A community with one grid, compound, building and household: somewhere to put people."""
    community = store.create(Community, name="湖光社区", name_en="Huguang")
    grid = store.create(Grid, community=community.id, code="01", name="第1网格")
    compound = store.create(Compound, community=community.id, name="凤飞园", name_en="Fengfei Garden")
    building = store.create(Building, compound=compound.id, grid=grid.id, number="3")
    household = store.create(Household, building=building.id, unit=2, floor=5, door="501", address="凤飞园3栋2单元501")
    return {"community": community, "grid": grid, "compound": compound, "building": building, "household": household}


@pytest.fixture
def immutable():
    """``immutable(path)``: ``chattr +i`` for this test, so that even root may not write the file
    (or make files in the folder); the flag is taken off again afterwards. Skips where the file
    system or the sandbox has no such flag."""
    flagged: list[Path] = []

    def make(path: Path) -> Path:
        done = shutil.which("chattr") and subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if not done or done.returncode != 0:
            pytest.skip("chattr +i is not available here")
        flagged.append(path)
        return path

    yield make
    for path in reversed(flagged):
        subprocess.run(["chattr", "-i", str(path)], check=False)


@pytest.fixture
def cli(capsys):
    """Run ``gridtui`` in-process: ``cli("stats", "--json") -> (exit code, stdout, stderr)``."""
    from gridtui.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def gridtui_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """An environment for a gridtui subprocess that depends on nothing in the user's home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDTUI_", "LC_"))}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        GRIDTUI_DB=str(tmp_path / "default.db"),
        GRIDTUI_CONFIG=str(tmp_path / "config.toml"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        LANG="C.UTF-8",
        PYTHONIOENCODING="utf-8",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.fixture
def run_gridtui(tmp_path):
    """Run ``python -m gridtui`` as a real process; ``env`` entries override (None removes)."""

    def run(*args: str, env: dict[str, str | None] | None = None, timeout: float = 120):
        return subprocess.run(
            [sys.executable, "-m", "gridtui", *map(str, args)],
            env=gridtui_env(tmp_path, **(env or {})),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )

    return run


def has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


@functools.cache
def builtin_form(key: str):
    """A shipped checklist, read from its workbook once per test process."""
    from gridtui.forms import builtin
    from gridtui.forms.xlsform import read_workbook

    return read_workbook(builtin.workbook(key))


def new_campaign(template: str, **fields):
    """A campaign on a shipped checklist, written as the store writes any row: for tests that
    need a campaign of some shape (``campaign new``'s own path has tests of its own)."""
    from gridtui.core.models import Campaign
    from gridtui.domain.campaigns import store_form

    form = builtin_form(template)
    version = store_form(form)
    return store.create(Campaign, form_key=form.key, form=version, versions=[version], **fields)


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for this test process (see tests/hub_server.py); skips
    where none is installed, unless GRIDTUI_REQUIRE_POSTGRES=1 (CI) makes that a failure."""
    from tests.hub_server import INSTALL_HINT, Server, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        if os.environ.get("GRIDTUI_REQUIRE_POSTGRES") == "1":
            pytest.fail(INSTALL_HINT + " (GRIDTUI_REQUIRE_POSTGRES=1: the hub's tests must run)")
        pytest.skip(INSTALL_HINT)
    server = Server(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request):
    """Each hub test twice: the street's database as a SQLite file and on PostgreSQL."""
    return request.param


@pytest.fixture
def new_database(backend, request, tmp_path, monkeypatch):
    """``new_database(name)``: where a new, empty database of this test's backend lives: a file
    path, or the URL of a fresh database on the throwaway server."""
    monkeypatch.setenv("GRIDTUI_HUB_DIR", str(tmp_path / "hubs"))
    server = request.getfixturevalue("pg_server") if backend == "postgres" else None

    def make(name: str) -> Path | str:
        return server.new_database() if server is not None else tmp_path / f"{name}.db"

    return make
