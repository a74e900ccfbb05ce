"""`gridtui resident|household|register ...`: residents' life events, households, register entries.

A resident is named by their ID number (or, with none yet, ``ADDRESS/NAME``); a household by its
address as the walk list writes it (九天庄园7栋1单元101). Every life event keeps its history
(who recorded it, when, the day it happened) and updates the registers it touches.
"""

from __future__ import annotations

from gridtui.commands import add_json, command, emit_json, help_when_bare, open_db, sub_commands
from gridtui.core.validate import RELATIONS
from gridtui.domain import households, life_events
from gridtui.i18n import t
from gridtui.textwidth import table

STATUSES = ("active", "vacant", "moved_away")


def register(subparsers) -> None:
    resident = subparsers.add_parser("resident", help=t("life.cli.help"), description=t("life.cli.description"))
    sub = sub_commands(resident, "resident_command")
    add = command(sub, "add", t("life.cli.add_help"), run_add)
    add.add_argument("household", metavar="ADDRESS", help=t("lists.cli.address"))
    add.add_argument("name", metavar="NAME", help=t("field.name"))
    how = add.add_mutually_exclusive_group()
    how.add_argument("--born", action="store_true", help=t("life.cli.born"))
    how.add_argument("--arrived", action="store_true", help=t("life.cli.arrived"))
    add.add_argument("--id-number", dest="id_number", metavar="ID", help=t("field.id_number"))
    add.add_argument("--sex", choices=("M", "F"), help=t("field.sex"))
    add.add_argument("--birth-date", dest="birth_date", metavar="DATE", help=t("field.birth_date"))
    add.add_argument("--relation", choices=RELATIONS, help=t("field.relation"))
    add.add_argument("--phone", help=t("field.phone"))
    _event_options(add)
    move = command(sub, "move", t("life.cli.move_help"), run_move)
    move.add_argument("resident", metavar="RESIDENT", help=t("lists.cli.resident"))
    move.add_argument("household", metavar="ADDRESS", help=t("lists.cli.address"))
    move.add_argument("--relation", choices=RELATIONS, help=t("field.relation"))
    _event_options(move)
    out = command(sub, "move-out", t("life.cli.move_out_help"), run_move_out)
    out.add_argument("resident", metavar="RESIDENT", help=t("lists.cli.resident"))
    out.add_argument("--to", default="", metavar="PLACE", help=t("life.cli.to"))
    _event_options(out)
    died = command(sub, "death", t("life.cli.death_help"), run_death)
    died.add_argument("resident", metavar="RESIDENT", help=t("lists.cli.resident"))
    _event_options(died)
    relation = command(sub, "relation", t("life.cli.relation_help"), run_relation)
    relation.add_argument("resident", metavar="RESIDENT", help=t("lists.cli.resident"))
    relation.add_argument("relation", choices=RELATIONS, metavar="RELATION", help=t("life.cli.relations"))
    _event_options(relation)
    edit = command(sub, "edit", t("life.cli.edit_help"), run_edit)
    edit.add_argument("resident", metavar="RESIDENT", help=t("lists.cli.resident"))
    edit.add_argument("--name", help=t("field.name"))
    edit.add_argument("--id-number", dest="id_number", metavar="ID", help=t("field.id_number"))
    edit.add_argument("--phone", help=t("field.phone"))
    edit.add_argument("--note", help=t("field.note"))
    show = command(sub, "show", t("life.cli.show_help"), run_show)
    show.add_argument("resident", metavar="RESIDENT", help=t("lists.cli.resident"))
    add_json(show)
    help_when_bare(resident)

    household = subparsers.add_parser("household", help=t("life.household.help"), description=t("life.household.help"))
    sub = sub_commands(household, "household_command")
    add = command(sub, "add", t("life.household.add_help"), run_household_add)
    add.add_argument("household", metavar="ADDRESS", help=t("lists.cli.address"))
    add.add_argument("--note", default="", help=t("field.note"))
    edit = command(sub, "edit", t("life.household.edit_help"), run_household_edit)
    edit.add_argument("household", metavar="ADDRESS", help=t("lists.cli.address"))
    edit.add_argument("--status", choices=STATUSES, help=t("field.status"))
    edit.add_argument("--note", help=t("field.note"))
    show = command(sub, "show", t("life.household.show_help"), run_household_show)
    show.add_argument("household", metavar="ADDRESS", help=t("lists.cli.address"))
    add_json(show)
    help_when_bare(household)

    entry = subparsers.add_parser("register", help=t("life.register.help"), description=t("life.register.description"))
    sub = sub_commands(entry, "register_command")
    for name, run in (("add", run_register_add), ("end", run_register_end)):
        parser = command(sub, name, t(f"life.register.{name}_help"), run)
        parser.add_argument("kind", metavar="REGISTER", help=t("life.register.kind"))
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--resident", metavar="RESIDENT", help=t("lists.cli.resident"))
        target.add_argument("--household", metavar="ADDRESS", help=t("lists.cli.address"))
        if name == "add":
            parser.add_argument("--since", metavar="DATE", help=t("field.since"))
            parser.add_argument("--note", help=t("field.note"))
        else:
            parser.add_argument("--on", metavar="DATE", help=t("lists.cli.on"))
    help_when_bare(entry)


def _event_options(parser) -> None:
    parser.add_argument("--on", metavar="DATE", help=t("life.cli.on"))
    parser.add_argument("--note", default="", help=t("field.note"))


def _said(key: str, resident_id: str, **params) -> int:
    from gridtui.core.models import Resident

    print(t(key, name=Resident.get_by_id(resident_id).name, **params))
    return 0


def run_add(args) -> int:
    open_db(args, write=True)
    household = households.find_household(args.household)
    fields = {
        k: getattr(args, k)
        for k in ("id_number", "sex", "birth_date", "relation", "phone")
        if getattr(args, k) is not None
    }
    resident = life_events.arrive(household, born=args.born, on=args.on, note=args.note, name=args.name, **fields)
    return _said("life.cli.born_done" if args.born else "life.cli.added", resident, address=args.household.strip())


def run_move(args) -> int:
    open_db(args, write=True)
    resident = households.find_resident(args.resident)
    life_events.move(
        resident, households.find_household(args.household), relation=args.relation, on=args.on, note=args.note
    )
    return _said("life.cli.moved", resident, address=args.household.strip())


def run_move_out(args) -> int:
    open_db(args, write=True)
    resident = households.find_resident(args.resident)
    life_events.move_out(resident, on=args.on, to=args.to, note=args.note)
    return _said("life.cli.moved_out", resident)


def run_death(args) -> int:
    open_db(args, write=True)
    resident = households.find_resident(args.resident)
    life_events.death(resident, on=args.on, note=args.note)
    return _said("life.cli.died", resident)


def run_relation(args) -> int:
    open_db(args, write=True)
    resident = households.find_resident(args.resident)
    life_events.change_relation(resident, args.relation, on=args.on, note=args.note)
    return _said("life.cli.relation_done", resident, relation=t(f"tui.relation.{args.relation}"))


def run_edit(args) -> int:
    open_db(args, write=True)
    resident = households.find_resident(args.resident)
    values = {k: getattr(args, k) for k in ("name", "id_number", "phone", "note") if getattr(args, k) is not None}
    changed = households.update_resident(resident, **values)
    key = "lists.edited" if changed else "lists.unchanged"
    return _said(key, resident, fields=", ".join(changed))


def run_show(args) -> int:
    from gridtui.core.models import Household, Resident
    from gridtui.domain.privacy import mask_id, mask_phone

    open_db(args, create=False)
    r = Resident.get_by_id(households.find_resident(args.resident))
    events = life_events.history(resident_id=r.id)
    person = {
        "id": r.id,
        "name": r.name,
        "sex": r.sex,
        "birth_date": r.birth_date,
        "id_number": mask_id(r.id_number),
        "phone": mask_phone(r.phone),
        "relation": r.relation,
        "status": r.status,
        "address": Household.get_by_id(r.household_id).address,
    }
    if args.json:
        emit_json({**person, "events": [e.to_json() for e in events]})
        return 0
    fields = [
        ("name", r.name),
        ("address", person["address"]),
        ("relation", t(f"tui.relation.{r.relation}")),
        ("status", t(f"life.status.{r.status}")),
        ("id_number", person["id_number"] or "-"),
        ("phone", person["phone"] or "-"),
    ]
    print("\n".join(table([[t(f"life.col.{k}"), v] for k, v in fields])))
    print("\n" + t("life.cli.history"))
    print("\n".join("  " + line for line in table([event_line(e) for e in events])) or "  -")
    return 0


def event_line(e: life_events.LifeEvent) -> list[str]:
    """One life event as the columns of a history: day, what, where, who recorded it."""
    where = " -> ".join(part for part in (e.from_address, e.to_address) if part)
    what = t(f"life.kind.{e.kind}")
    if e.kind == "relation":
        before = t("tui.relation." + e.before, default=e.before)
        after = t("tui.relation." + e.after, default=e.after)
        what += f" {before} -> {after}"
    elif e.kind == "move_out" and e.after:
        where += f" -> {e.after}"
    return [f"{e.on}", what, where, e.actor, e.note]


# -- households ----------------------------------------------------------------------------------


def run_household_add(args) -> int:
    open_db(args, write=True)
    households.add_household(args.household, note=args.note)
    print(t("life.household.added", address=args.household.strip()))
    return 0


def run_household_edit(args) -> int:
    open_db(args, write=True)
    values = {k: getattr(args, k) for k in ("status", "note") if getattr(args, k) is not None}
    changed = households.update_household(households.find_household(args.household), **values)
    name = args.household.strip()
    print(t("lists.edited", name=name, fields=", ".join(changed)) if changed else t("lists.unchanged", name=name))
    return 0


def run_household_show(args) -> int:
    open_db(args, create=False)
    hid = households.find_household(args.household)
    detail = households.detail(hid)
    events = life_events.history(household_id=hid)
    if args.json:
        from dataclasses import asdict

        emit_json({**asdict(detail), "events": [e.to_json() for e in events]})
        return 0
    print(f"{detail.address}  {detail.grid_code} {detail.grid_name}  {t(f'life.household.status.{detail.status}')}")
    rows = [
        [
            r.name,
            t(f"tui.relation.{r.relation}"),
            r.age if r.age is not None else "",
            r.id_masked,
            r.phone_masked,
            "、".join(reg.label for reg in r.registers),
        ]
        for r in detail.residents
    ]
    print("\n".join(table(rows)) or t("tui.visit.no_residents"))
    if detail.former:
        print("\n" + t("life.household.former"))
        print("\n".join("  " + line for line in table([[r.name, t(f"life.status.{r.status}")] for r in detail.former])))
    if events:
        print("\n" + t("life.cli.history"))
        print("\n".join("  " + line for line in table([[e.name, *event_line(e)] for e in events])))
    return 0


# -- register entries ----------------------------------------------------------------------------


def _target(args) -> dict:
    if args.resident:
        return {"resident_id": households.find_resident(args.resident)}
    return {"household_id": households.find_household(args.household)}


def run_register_add(args) -> int:
    open_db(args, write=True)
    kind = households.register_kind(args.kind)
    households.set_register(kind, on=True, since=args.since, note=args.note, **_target(args))
    print(t("life.register.added", register=args.kind, who=args.resident or args.household))
    return 0


def run_register_end(args) -> int:
    open_db(args, write=True)
    kind = households.register_kind(args.kind)
    households.end_register(kind, on=args.on, **_target(args))
    print(t("life.register.ended", register=args.kind, who=args.resident or args.household))
    return 0
