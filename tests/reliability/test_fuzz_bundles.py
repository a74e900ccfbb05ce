"""Damaged bundles and random bytes into ``gridtui import``: refused in one sentence, the
database untouched.

A bundle is signed over its header and the payload's hash (and a sealed one is an age file), so
every change to a real bundle must be refused: hypothesis flips, truncates and inserts bytes in
a plaintext and a sealed full export of the small demo community, and also feeds plain junk.
Each example imports into a fresh copy of a database that trusts the sender.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from .checks import one_sentence, sha256
from .test_fuzz_files import mutate, mutations

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def sealed_bundle(bundle_and_receiver, community_db, tmp_path, run_cli) -> Path:
    """A full export of the same community, encrypted to the receiver (age, X25519)."""
    _, receiver = bundle_and_receiver
    card, sealed = tmp_path / "receiver-card.json", tmp_path / "sealed.bundle"
    for args in (
        ("--db", receiver, "device", "rename", "laptop-b"),
        ("--db", receiver, "device", "card", "--out", card),
        ("--db", community_db, "device", "trust", card, "--role", "office"),
        ("--db", community_db, "export", "--full", "--to", "laptop-b", "--out", sealed),
    ):
        code, _, err = run_cli(*args)
        assert code == 0, err
    return sealed


def import_refused(run_cli, receiver: Path, data: bytes) -> None:
    """Import ``data`` into a fresh copy of the receiver: one sentence, exit 1, file as it was."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "receiver.db"
        shutil.copyfile(receiver, db)
        keys = Path(f"{receiver}.keys")
        if keys.exists():
            shutil.copyfile(keys, Path(f"{db}.keys"))
        bundle = Path(folder) / "in.bundle"
        bundle.write_bytes(data)
        before = sha256(db)
        code, _, err = run_cli("--db", db, "--lang", "en", "import", bundle)
        assert code == 1, err
        assert one_sentence(err), err
        assert sha256(db) == before


def test_the_untouched_bundles_do_import(bundle_and_receiver, sealed_bundle, run_cli):
    """The fuzzing below starts from bundles that are good as they are."""
    bundle, receiver = bundle_and_receiver
    for good in (bundle, sealed_bundle):
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "receiver.db"
            shutil.copyfile(receiver, db)
            shutil.copyfile(Path(f"{receiver}.keys"), Path(f"{db}.keys"))
            code, _, err = run_cli("--db", db, "import", good)
            assert code == 0, err


@pytest.mark.slow
@FUZZ
@given(steps=mutations)
def test_a_damaged_plaintext_bundle_is_refused(bundle_and_receiver, run_cli, steps):
    bundle, receiver = bundle_and_receiver
    good = bundle.read_bytes()
    damaged = mutate(good, steps)
    assume(damaged != good)  # two flips of one byte cancel out
    import_refused(run_cli, receiver, damaged)


@pytest.mark.slow
@FUZZ
@given(steps=mutations)
def test_a_damaged_sealed_bundle_is_refused(bundle_and_receiver, sealed_bundle, run_cli, steps):
    _, receiver = bundle_and_receiver
    good = sealed_bundle.read_bytes()
    damaged = mutate(good, steps)
    assume(damaged != good)
    import_refused(run_cli, receiver, damaged)


@FUZZ
@given(junk=st.binary(max_size=4096), prefix=st.sampled_from([b"", b"GRIDTUI-BUNDLE\n", b"age-encryption.org/v1\n"]))
def test_random_bytes_are_refused(bundle_and_receiver, run_cli, junk, prefix):
    _, receiver = bundle_and_receiver
    import_refused(run_cli, receiver, prefix + junk)
