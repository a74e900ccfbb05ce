"""The demo community matches the article's figures and is the same for the same seed."""

from __future__ import annotations

from datetime import date

import pytest

from gridtui.core import store
from gridtui.core.db import close_database, open_database
from gridtui.core.models import (
    SYNCED_MODELS,
    Building,
    Business,
    Compound,
    Grid,
    Household,
    Need,
    Organization,
    RegisterEntry,
    RegisterKind,
    Resident,
    Visit,
    Volunteer,
)
from gridtui.domain import demo
from gridtui.errors import GridError

TODAY = date(2026, 7, 14)


def live(model):
    return model.select().where(~model.deleted)


@pytest.fixture(scope="module")
def full_scale(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "full.db"
    open_database(path)
    counts = demo.generate(seed=2026, scale=1.0, today=TODAY)
    yield counts
    close_database()


@pytest.mark.slow
def test_full_scale_matches_the_article(full_scale):
    assert live(Compound).count() == 21
    assert live(Grid).count() == 19
    assert live(Building).count() == 69
    assert live(Household).count() == 5969
    assert live(Resident).count() >= 18000
    assert live(Organization).where(Organization.kind == "resident_unit").count() == 17
    assert live(Organization).where(Organization.kind == "cobuilding").count() == 16
    assert live(Business).count() == 344
    assert live(Volunteer).where(Volunteer.kind == "in_service_party").count() == 810
    team_party = live(Volunteer).where(Volunteer.kind == "party_volunteer", Volunteer.team.is_null(False))
    assert team_party.count() == 287
    assert {v.team_id for v in team_party} and len({v.team_id for v in team_party}) == 3
    # every register kind has entries, every need status has needs, visits span a year
    for kind in RegisterKind.select():
        assert live(RegisterEntry).where(RegisterEntry.kind == kind.key).count() > 0, kind.key
    for status in ("open", "assigned", "in_progress", "done", "followed_up", "closed"):
        assert live(Need).where(Need.status == status).count() >= 20, status
    first = Visit.select(Visit.visited_at).order_by(Visit.visited_at).first().visited_at
    assert (TODAY - first.date()).days >= 300
    # one head per household
    heads = live(Resident).where(Resident.is_head).count()
    assert heads == 5969


@pytest.mark.slow
def test_the_articles_resident_is_found_by_her_initials(full_scale):
    from gridtui.domain import search

    hits = [h for h in search.search("zaq") if h.title.startswith("张爱琴")]
    assert hits and "九天庄园" in hits[0].subtitle


@pytest.mark.slow
def test_every_demo_id_number_is_valid_and_matches_birth_date(full_scale):
    from gridtui.core import validate

    for number, born in Resident.select(Resident.id_number, Resident.birth_date).tuples():
        assert validate.id_number(number) == number
        assert validate.id_birth_date(number) == born


def dump() -> dict:
    """Every synced row's content (not its stamps, which carry wall-clock time)."""
    out = {}
    for model in SYNCED_MODELS:
        fields = ["id", *model.data_fields()]
        out[model.__name__] = sorted(model.select(*[model._meta.fields[f] for f in fields]).tuples())
    return out


def test_same_seed_same_community(tmp_path):
    dumps = []
    for name in ("a.db", "b.db"):
        open_database(tmp_path / name)
        demo.generate(seed=7, scale=0.03, today=TODAY)
        dumps.append(dump())
        close_database()
    assert dumps[0] == dumps[1]
    open_database(tmp_path / "c.db")
    demo.generate(seed=8, scale=0.03, today=TODAY)
    assert dump() != dumps[0]
    close_database()


def test_demo_refuses_a_non_empty_database(tmp_path):
    open_database(tmp_path / "g.db")
    demo.generate(seed=1, scale=0.02, today=TODAY)
    with pytest.raises(GridError) as err:
        demo.generate(seed=1, scale=0.02, today=TODAY)
    assert "--force" in err.value.message("en")
    close_database()


def test_demo_rows_are_stamped_by_the_store(tmp_path):
    open_database(tmp_path / "g.db")
    demo.generate(seed=1, scale=0.02, today=TODAY)
    resident = live(Resident).first()
    assert resident.stamp.endswith(resident.origin)
    assert resident.name_pinyin and resident.name_initials
    assert resident.seq <= store.current_seq()
    close_database()


VISITS_SECTION = {"put", "campaigns_and_visits", "_visits", "_answer"}
"""The demo's campaigns, visits and answers: written in the store's batch mode until the
campaigns' own commands replace that section."""


def test_the_demo_builds_its_community_through_the_domain_functions_only():
    """No private writer: outside its visits section the demo never calls the store itself, so
    every row of the community is made by a function a command or a screen also calls."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(demo))
    demo_class = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "_Demo")
    writers = []
    for method in demo_class.body:
        if not isinstance(method, ast.FunctionDef) or method.name in VISITS_SECTION:
            continue
        for node in ast.walk(method):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and getattr(node.func.value, "id", "") == "store"
                and node.func.attr != "transaction"
            ):
                writers.append(f"{method.name}: store.{node.func.attr}")
    assert writers == []
    section = {n.name for n in demo_class.body if isinstance(n, ast.FunctionDef)} & VISITS_SECTION
    assert section == VISITS_SECTION  # the section is still there to be replaced, and named
