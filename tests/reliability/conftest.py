"""Fixtures for the reliability tests: a small demo community and the CLI as a real process."""

from __future__ import annotations

import contextlib
import io
from datetime import date
from pathlib import Path

import pytest

from gridtui.core.db import close_database, open_database

from .checks import gridtui

TODAY = date(2026, 7, 14)


@pytest.fixture(scope="session")
def community_template(demo_community) -> Path:
    """The demo community at scale 0.05, built once per test process."""
    return demo_community(seed=7, scale=0.05)


@pytest.fixture
def community_db(demo_copy) -> Path:
    return demo_copy(seed=7, name="community.db")


@pytest.fixture
def empty_db(tmp_path) -> Path:
    """A gridtui database with its tables and catalogs but no community yet."""
    path = tmp_path / "empty.db"
    open_database(path)
    close_database()
    return path


@pytest.fixture
def gridtui_run(tmp_path):
    """Run ``gridtui`` to the end: (exit code, stdout, stderr)."""

    def run(*args: str, timeout: float = 120, **popen) -> tuple[int, str, str]:
        proc = gridtui(tmp_path, *args, **popen)
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err

    return run


@pytest.fixture
def run_cli():
    """``gridtui ARGS`` in-process (the real main, fast): (exit code, stdout, stderr)."""
    from gridtui.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
        return code, out.getvalue(), err.getvalue()

    return run


@pytest.fixture
def bundle_and_receiver(community_db, tmp_path, run_cli):
    """A full plaintext bundle of the small community, and a new database trusting its sender."""
    card, bundle, receiver = tmp_path / "card.json", tmp_path / "full.bundle", tmp_path / "receiver.db"
    for args in (
        ("--db", community_db, "device", "card", "--out", card),
        ("--db", receiver, "device", "trust", card, "--role", "office"),
        ("--db", community_db, "export", "--full", "--insecure-plaintext", "--out", bundle),
    ):
        code, _, err = run_cli(*args)
        assert code == 0, err
    return bundle, receiver
