"""A street in one test: community offices (SQLite files) and the street office's hub, which is
a SQLite file or PostgreSQL (the ``backend`` parameter), each opened in turn ("become")."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from gridtui.core.db import close_database, mark_street_hub, open_database
from gridtui.core.models import SYNCED_MODELS, database
from gridtui.sync import keys, street, transfer

TODAY = date(2026, 7, 14)


@dataclass
class Site:
    """One database (an office's file or the hub) with its device name and card."""

    name: str
    where: Path | str
    card: Path

    def become(self) -> Site:
        if database.database != str(self.where) or database.is_closed():
            open_database(self.where)
        return self

    def export(self, out: Path, *to: Site) -> Path:
        self.become()
        transfer.export_bundle(out, to=[s.name for s in to])
        return out

    def import_(self, *bundles: Path):
        self.become()
        return transfer.import_bundles(list(bundles))


def make_site(name: str, where: Path | str, folder: Path, hub: bool = False) -> Site:
    site = Site(name, where, folder / f"{name}.card")
    site.become()
    if hub:
        mark_street_hub()
    keys.rename(name)
    site.card.write_text(json.dumps(keys.make_card(keys.ensure_identity())), encoding="utf-8")
    close_database()
    return site


def trust_each_other(*sites: Site) -> None:
    """Peers that trust each other as equals: each takes the others' bundles as the office's
    (who may change what is sync/authority's own tests)."""
    for me in sites:
        me.become()
        for other in sites:
            if other is not me:
                keys.trust(other.card, "office")
    close_database()


def dump() -> dict:
    """The logical state: every synced row's content and tombstone, no sync bookkeeping, less
    this database's own audit rows (its trusting the others, which each database did itself)."""
    from gridtui.core.db import self_device
    from gridtui.core.models import AuditLog

    me = self_device().id
    out = {}
    for model in SYNCED_MODELS:
        fields = [model._meta.fields[f] for f in ["id", "deleted", *model.data_fields()]]
        query = model.select(*fields)
        if model is AuditLog:
            query = query.where(AuditLog.origin != me)
        out[model.__name__] = sorted(query.tuples())
    return out


@pytest.fixture(scope="session")
def office_files(tmp_path_factory):
    """Four community offices' databases (demo communities, small), built once per test process."""
    folder = tmp_path_factory.mktemp("offices")
    paths = street.offices(4, folder, seed=7, scale=0.02, today=TODAY)
    close_database()
    return paths


@pytest.fixture
def town(office_files, new_database, tmp_path):
    """Two offices (copies) and an empty hub of this test's backend, all trusting each other."""
    yield from _town(office_files[:2], new_database, tmp_path)


@pytest.fixture
def big_town(office_files, new_database, tmp_path):
    """Four offices and an empty hub."""
    yield from _town(office_files, new_database, tmp_path)


def _town(office_files, new_database, tmp_path):
    offices = []
    for n, path in enumerate(office_files):
        copy = tmp_path / path.name
        shutil.copyfile(path, copy)
        offices.append(Site(f"office-{n + 1:02d}", copy, tmp_path / f"office-{n + 1:02d}.card"))
        shutil.copyfile(path.with_suffix(".card"), offices[-1].card)
        keys_file = Path(f"{path}.keys")
        shutil.copyfile(keys_file, Path(f"{copy}.keys"))
    hub = make_site("hub", new_database("hub"), tmp_path, hub=True)
    trust_each_other(hub, *offices)
    yield hub, offices
    close_database()
