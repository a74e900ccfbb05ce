"""Several office users import into one hub at once: no row lost or doubled, and the same state
as importing the same bundles one after the other."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from gridtui.core.models import SYNCED_MODELS

from .conftest import dump, make_site, trust_each_other


@pytest.mark.slow
def test_four_importers_at_once_end_as_four_one_after_the_other(big_town, tmp_path, new_database):
    hub, offices = big_town
    calm = make_site("calm-hub", new_database("calm"), tmp_path, hub=True)
    trust_each_other(calm, *offices)
    bundles = [o.export(tmp_path / f"{o.name}.bundle", hub, calm) for o in offices]
    hub.become()
    hub_db = str(hub.where)
    from gridtui.core.db import close_database

    close_database()
    env = _env(tmp_path)
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "gridtui", "--db", hub_db, "import", str(b)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for b in bundles
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in running]
    assert all(code == 0 for code, _err in results), results
    for bundle in bundles:
        calm.import_(bundle)
    calm.become()
    expected = dump()
    hub.become()
    assert dump() == expected
    assert sum(len(rows) for rows in expected.values()) > 1000
    assert _sequence_numbers_once()


def _sequence_numbers_once() -> bool:
    """Every row's change sequence number is its own (none handed out twice)."""
    seqs = list(itertools.chain.from_iterable(m.select(m.seq).tuples() for m in SYNCED_MODELS))
    return len(seqs) == len(set(seqs))


def _env(tmp_path):
    import os

    from tests.conftest import gridtui_env

    return gridtui_env(tmp_path, GRIDTUI_HUB_DIR=os.environ["GRIDTUI_HUB_DIR"])
