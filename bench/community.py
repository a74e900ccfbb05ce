"""The demo community the bench runs on: built once per (scale, seed, generator), then copied.

The cache lives in ``.bench-cache/`` at the repository root. Its key carries a hash of the demo
generator and the data model, so editing either rebuilds the community instead of timing a
stale one. Measurements that write get their own copy; the cached file is never opened for writing.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench-cache"
KEYED_SOURCES = (
    "gridtui/domain/demo.py",
    "gridtui/core/models.py",
    *(
        f"data/checklists/{key}.xlsx"
        for key in ("door_to_door", "drowning_prevention", "chronic_followup", "business_safety")
    ),
)
"""What the demo is made from: its generator, the data model, and the workbooks of its campaigns."""


def gridtui_cmd() -> list[str]:
    """``gridtui`` from this tree (run with cwd=ROOT): an installed script may point elsewhere."""
    return [sys.executable, "-m", "gridtui"]


def cache_key(scale: float, seed: int) -> str:
    digest = hashlib.sha256()
    for name in KEYED_SOURCES:
        digest.update((ROOT / name).read_bytes())
    return f"scale{scale:g}-seed{seed}-{digest.hexdigest()[:12]}"


def make_demo(path: Path, scale: float, seed: int) -> None:
    """Run ``gridtui demo`` into a fresh file, exactly as a user would."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    done = subprocess.run(
        [*gridtui_cmd(), "--db", str(path), "--lang", "en", "demo", "--scale", str(scale), "--seed", str(seed)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"gridtui demo failed: {done.stderr.strip()}")


def settle(path: Path) -> None:
    """Fold the WAL into the main file so one file copy is the whole database (an encrypted
    one, which sqlite3 cannot open, was folded by its last connection closing)."""
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            return
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def community(scale: float, seed: int, say=print) -> Path:
    """The cached demo database for this scale and seed, built on first use."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{cache_key(scale, seed)}.db"
    if not path.exists():
        say(f"building the demo community at scale {scale:g} (once; cached in {path.relative_to(ROOT)})")
        building = path.with_suffix(".building")
        make_demo(building, scale, seed)
        settle(building)
        building.rename(path)
        for stale in CACHE.glob(f"scale{scale:g}-seed{seed}-*.db"):
            if stale != path:
                stale.unlink()
    return path


def working_copy(source: Path, folder: Path, name: str = "work.db") -> Path:
    """A private copy of the community for a measurement that writes (or opens read-write)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target
