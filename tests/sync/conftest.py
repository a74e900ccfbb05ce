"""Several laptops in one test: each a database file in tmp_path, opened in turn ("become")."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridtui.core.db import close_database, open_database
from gridtui.core.models import SYNCED_MODELS, AuditLog, Conflict, database
from gridtui.sync import keys, transfer


@dataclass
class Laptop:
    """One device: its database file, its name and its public card."""

    name: str
    path: Path
    id: str = ""

    def become(self) -> Laptop:
        """Make this laptop's database the process-wide one (closing whichever was open)."""
        if database.database != str(self.path) or database.is_closed():
            open_database(self.path)
        return self

    @property
    def card(self) -> Path:
        return self.path.with_suffix(".card")

    def export(self, out: Path, to: list[Laptop] | None = None, **kwargs) -> Path:
        self.become()
        transfer.export_bundle(out, to=[p.name for p in to or []], **kwargs)
        return out

    def import_(self, *files: Path, **kwargs):
        self.become()
        return transfer.import_bundles(list(files), **kwargs)


def make_laptop(folder: Path, name: str) -> Laptop:
    laptop = Laptop(name, folder / f"{name}.db")
    laptop.become()
    keys.rename(name)
    identity = keys.ensure_identity()
    laptop.id = identity.device.id
    laptop.card.write_text(json.dumps(keys.make_card(identity)), encoding="utf-8")
    close_database()
    return laptop


def introduce(*laptops: Laptop) -> None:
    """Every laptop trusts every other one (as after handing cards round at the office)."""
    for me in laptops:
        me.become()
        for other in laptops:
            if other is not me:
                keys.trust(other.card, role="office")
    close_database()


@pytest.fixture
def laptops(tmp_path):
    """``laptops("office", "w1", "w2")``: fresh databases that all trust each other."""

    def make(*names: str) -> list[Laptop]:
        made = [make_laptop(tmp_path, n) for n in names]
        introduce(*made)
        return made

    yield make
    close_database()


def send(src: Laptop, dst: Laptop, folder: Path, **kwargs):
    """src exports for dst (incremental unless full=True), dst imports; returns the summary."""
    bundle = folder / f"{src.name}-to-{dst.name}-{len(list(folder.glob('*.bundle')))}.bundle"
    src.export(bundle, to=[dst], **kwargs)
    return dst.import_(bundle)


def dump() -> dict:
    """The logical state: every synced row's content and tombstone, no sync bookkeeping."""
    out = {}
    for model in SYNCED_MODELS:
        if model in (Conflict, AuditLog):  # each laptop's trust of the others is audited there
            continue
        fields = [model._meta.fields[f] for f in ["id", "deleted", *model.data_fields()]]
        out[model.__name__] = sorted(model.select(*fields).tuples())
    return out


def conflict_set() -> set:
    return set(Conflict.select(Conflict.id, Conflict.status, Conflict.target_field).tuples())


def file_digest(path: Path) -> str:
    """The database file's bytes, after the caller closed it (WAL checkpointed away)."""
    close_database()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return hashlib.sha256(path.read_bytes()).hexdigest()


def has_cjk_text(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def new_work(summary) -> int:
    """New rows an import brought, less the audit log's entries (each laptop's trust of the
    others is one, written when the fixture hands the cards round)."""
    return summary.new - summary.tables.get("audit_log", 0)
