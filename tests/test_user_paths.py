"""Every synced model has a way in for a person: a command or a screen key that creates its rows,
one that edits them and one that ends them. A model with no user path fails here.

A path is a command (``"volunteers end"``, with the options it needs) or a screen key
(:func:`key`: a screen or widget class and a binding id). Some records are appended and never
changed, by design (a need's events, the hours ledger, the audit log, residents' life events):
they are :func:`appended`, and the test checks that nothing in the package ever updates or
deletes them. One database is one community, which is never ended.
"""

from __future__ import annotations

import argparse
import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridtui.core.models import SYNCED_MODELS

PACKAGE = Path(__file__).resolve().parents[1] / "gridtui"


@dataclass(frozen=True)
class Key:
    """A screen's (or a widget's) key: its class and the binding id the ``?`` screen shows."""

    owner: str  # "module:Class" under gridtui.tui
    binding: str


@dataclass(frozen=True)
class Appended:
    """No edit or end: the record is appended, never rewritten (``why`` says so)."""

    why: str


@dataclass(frozen=True)
class Never:
    why: str


@dataclass(frozen=True)
class Elsewhere:
    """A path that the campaigns' own work brings (their commands are not on this branch)."""

    why: str


def key(owner: str, binding: str) -> Key:
    return Key(owner, binding)


def appended(why: str) -> Appended:
    return Appended(why)


VISIT = "screens.visit:VisitScreen"
CHECKLIST = "widgets.checklist:Checklist"
HOUSEHOLD = "screens.household:HouseholdScreen"
VOLUNTEER = "screens.volunteers:VolunteerScreen"

PATHS: dict[str, dict[str, object]] = {
    "Community": {
        "create": "community set",
        "edit": "community set",
        "end": "export",
    },  # the shared id's row ends when its office first exports to a hub
    "Grid": {"create": "grid add", "edit": "grid worker", "end": "grid end"},
    "Compound": {"create": "roster import", "edit": "compound rename", "end": "compound remove"},
    "Building": {"create": "roster import", "edit": "grid assign", "end": "building remove"},
    "Household": {"create": "household add", "edit": "household edit --note", "end": key(VISIT, "visit.moved_away")},
    "Resident": {
        "create": "resident add --born",
        "edit": key(HOUSEHOLD, "household.edit_resident"),
        "end": "resident death",
    },
    "ResidentEvent": {
        "create": key(HOUSEHOLD, "household.life_event"),
        "edit": appended("a resident's history"),
        "end": appended("a resident's history"),
    },
    "Organization": {"create": "units import", "edit": "units edit --agreement", "end": "units end"},
    "Business": {"create": "business import", "edit": "business edit --grid", "end": "business end"},
    "RegisterEntry": {"create": "register add", "edit": "register add --since", "end": "register end"},
    "FormVersion": {
        "create": "campaign new",
        "edit": Never("a published version is never rewritten: a new version is made instead"),
        "end": Never("visits answered in a version are shown in it for good"),
    },
    "Campaign": {"create": "campaign new --grids", "edit": "campaign update", "end": "campaign close"},
    "Visit": {
        "create": key(CHECKLIST, "checklist.toggle"),
        "edit": key(VISIT, "visit.nobody_home"),
        "end": key(VISIT, "visit.done"),
    },
    "Answer": {
        "create": key(CHECKLIST, "checklist.toggle"),
        "edit": key(CHECKLIST, "checklist.toggle"),
        "end": key(CHECKLIST, "checklist.clear"),
    },
    "CollectiveIssue": {
        "create": key("screens.needs:NeedsBoard", "needs.collective"),
        "edit": "collective meeting",
        "end": "collective close",
    },
    "Need": {"create": key("screens.needs:NeedsBoard", "needs.new"), "edit": "needs assign", "end": "needs close"},
    "NeedEvent": {"create": "needs start", "edit": appended("a need's history"), "end": appended("a need's history")},
    "Team": {"create": "team add", "edit": "team edit --name", "end": "team end"},
    "Volunteer": {
        "create": "volunteers import",
        "edit": key(VOLUNTEER, "volunteer.edit"),
        "end": key(VOLUNTEER, "volunteer.end"),
    },
    "VolunteerSkill": {
        "create": "volunteers add --skills",
        "edit": "volunteers edit --skills",
        "end": "volunteers edit --skills",
    },
    "Pairing": {"create": key(VOLUNTEER, "volunteer.pair"), "edit": "pair end --on", "end": "pair end"},
    "Resource": {"create": "resources add --unit", "edit": "resources edit --capacity", "end": "resources end"},
    "Assignment": {"create": "needs assign --volunteer", "edit": "needs done --hours", "end": "needs unassign"},
    "ServiceLog": {
        "create": "volunteers log",
        "edit": appended("the service-hours ledger"),
        "end": appended("the service-hours ledger"),
    },
    "AuditLog": {
        "create": key(HOUSEHOLD, "household.reveal"),
        "edit": appended("the audit log"),
        "end": appended("the audit log"),
    },
    "Conflict": {"create": "import", "edit": "conflicts resolve --mine", "end": "conflicts resolve --theirs"},
}
ELSEWHERE: set[str] = set()
"""Models whose paths come with some other work; nothing may be waiting."""


def test_every_synced_model_has_a_user_path_to_create_edit_and_end_it():
    assert set(PATHS) == {m.__name__ for m in SYNCED_MODELS}, "name the user paths of a new model here"
    for model, paths in PATHS.items():
        assert set(paths) == {"create", "edit", "end"}, model
        assert not isinstance(paths["create"], Appended | Never), f"{model}: nothing creates it"
    waiting = {m for m, paths in PATHS.items() if any(isinstance(p, Elsewhere) for p in paths.values())}
    assert waiting == ELSEWHERE


def parsers() -> dict[tuple[str, ...], argparse.ArgumentParser]:
    from gridtui.cli import build_parser

    found: dict[tuple[str, ...], argparse.ArgumentParser] = {}

    def walk(parser, prefix):
        found[prefix] = parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, (*prefix, name))

    walk(build_parser(), ())
    return found


COMMANDS = sorted({(m, what, p) for m, paths in PATHS.items() for what, p in paths.items() if isinstance(p, str)})


@pytest.mark.parametrize(("model", "what", "path"), COMMANDS, ids=lambda v: str(v))
def test_each_command_path_exists_with_its_options(model, what, path):
    words = path.split()
    command = tuple(w for w in words if not w.startswith("--"))
    parser = parsers().get(command)
    assert parser is not None, f"{model} {what}: no command `gridtui {' '.join(command)}`"
    for option in (w for w in words if w.startswith("--")):
        assert option in parser._option_string_actions, f"{model} {what}: `{path}` has no {option}"


KEYS = sorted(
    {(m, what, p.owner, p.binding) for m, paths in PATHS.items() for what, p in paths.items() if isinstance(p, Key)}
)


@pytest.mark.parametrize(("model", "what", "owner", "binding"), KEYS, ids=lambda v: str(v))
def test_each_screen_path_is_a_key_of_that_screen(model, what, owner, binding):
    module, _, name = owner.partition(":")
    cls = getattr(importlib.import_module(f"gridtui.tui.{module}"), name)
    ids = {b.id for klass in cls.__mro__ for b in klass.__dict__.get("BINDINGS", []) if hasattr(b, "id")}
    assert binding in ids, f"{model} {what}: {owner} has no key {binding}"


def writes_to(model: str) -> list[str]:
    """Every store.update / store.delete / store.bulk_create / store.merge_rows of ``model``'s rows
    outside the store and the sync merge (which writes whatever a peer sent, by design)."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in ("core/store.py",) or relative.startswith("sync/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("update", "delete")
                and getattr(node.func.value, "id", "") == "store"
                and node.args
                and getattr(node.args[0], "id", "") == model
            ):
                found.append(f"{relative}:{node.lineno} {node.func.attr}")
    return found


@pytest.mark.parametrize(
    "model",
    sorted(
        m
        for m, paths in PATHS.items()
        if any(isinstance(p, Appended | Never) for k, p in paths.items() if k != "create")
    ),
)
def test_what_is_appended_is_never_rewritten(model):
    kinds = {k: p for k, p in PATHS[model].items() if isinstance(p, Appended | Never)}
    if "edit" in kinds:
        assert writes_to(model) == [], f"{model} is appended, yet it is rewritten"
    else:  # never ended: no tombstone for it anywhere
        assert [w for w in writes_to(model) if w.endswith(" delete")] == [], model
