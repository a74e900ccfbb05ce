"""`gridtui volunteers|team|pair ...`: the volunteer registry, its teams and 一带多帮 pairings.

``volunteers import`` brings in the office's lists (the 双报到 list of in-service party members,
the teams' rosters); ``add``, ``edit`` and ``end`` keep one volunteer; ``team`` and ``pair`` keep
teams and pairings. A volunteer is named by their ID number, phone, name or id; ID numbers and
phones are shown masked.
"""

from __future__ import annotations

from dataclasses import asdict

from gridtui.commands import (
    add_json,
    command,
    emit_json,
    help_when_bare,
    import_lines,
    open_db,
    sub_commands,
)
from gridtui.domain import households, needs, volunteers
from gridtui.i18n import pick, t
from gridtui.textwidth import table


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "volunteers", help=t("volunteers.cli.help"), description=t("volunteers.cli.description")
    )
    sub = sub_commands(parser, "volunteers_command")
    listing = command(sub, "list", t("volunteers.cli.list_help"), run_list)
    listing.add_argument("--team", metavar="T", help=t("volunteers.cli.team"))
    listing.add_argument("--kind", choices=volunteers.KINDS, help=t("lists.cli.kind"))
    listing.add_argument("--limit", type=int, default=100, metavar="N", help=t("needs.cli.limit"))
    add_json(listing)
    show = command(sub, "show", t("lists.volunteers.show_help"), run_show)
    show.add_argument("volunteer", metavar="VOLUNTEER", help=t("lists.volunteers.ref"))
    add_json(show)
    imp = command(sub, "import", t("lists.volunteers.import_help"), run_import)
    imp.description = t("lists.volunteers.import_description")
    imp.add_argument("file", metavar="FILE", help=t("lists.cli.file"))
    imp.add_argument("--kind", choices=volunteers.KINDS, help=t("lists.volunteers.default_kind"))
    imp.add_argument("--dry-run", action="store_true", help=t("roster.dry_run"))
    add_json(imp)
    add = command(sub, "add", t("lists.volunteers.add_help"), run_add)
    add.add_argument("name", metavar="NAME", help=t("lists.volunteers.name"))
    _volunteer_options(add)
    edit = command(sub, "edit", t("lists.volunteers.edit_help"), run_edit)
    edit.add_argument("volunteer", metavar="VOLUNTEER", help=t("lists.volunteers.ref"))
    edit.add_argument("--name", help=t("lists.volunteers.name"))
    _volunteer_options(edit)
    end = command(sub, "end", t("lists.volunteers.end_help"), run_end)
    end.description = t("lists.volunteers.end_description")
    end.add_argument("volunteer", metavar="VOLUNTEER", help=t("lists.volunteers.ref"))
    end.add_argument("--on", metavar="DATE", help=t("lists.cli.on"))
    end.add_argument("--assignments", choices=volunteers.OPEN_ASSIGNMENTS, help=t("lists.volunteers.assignments"))
    log = command(sub, "log", t("lists.volunteers.log_help"), run_log)
    log.add_argument("volunteer", metavar="VOLUNTEER", help=t("lists.volunteers.ref"))
    log.add_argument("hours", metavar="HOURS", help=t("field.hours"))
    log.add_argument("--activity", default="", help=t("field.activity"))
    log.add_argument("--on", metavar="DATE", help=t("lists.cli.on"))
    help_when_bare(parser)

    team = subparsers.add_parser("team", help=t("lists.team.help"), description=t("lists.team.help"))
    sub = sub_commands(team, "team_command")
    add = command(sub, "add", t("lists.team.add_help"), run_team_add)
    add.add_argument("name", metavar="NAME", help=t("field.team_name"))
    add.add_argument("--en", metavar="NAME", default="", help=t("field.team_name_en"))
    add.add_argument("--note", default="", help=t("field.note"))
    add_json(command(sub, "list", t("lists.team.list_help"), run_team_list))
    edit = command(sub, "edit", t("lists.team.edit_help"), run_team_edit)
    edit.add_argument("team", metavar="TEAM", help=t("volunteers.cli.team"))
    edit.add_argument("--name", help=t("field.team_name"))
    edit.add_argument("--en", metavar="NAME", help=t("field.team_name_en"))
    edit.add_argument("--note", help=t("field.note"))
    end = command(sub, "end", t("lists.team.end_help"), run_team_end)
    end.add_argument("team", metavar="TEAM", help=t("volunteers.cli.team"))
    help_when_bare(team)

    pair = subparsers.add_parser("pair", help=t("lists.pair.help"), description=t("lists.pair.description"))
    sub = sub_commands(pair, "pair_command")
    add = command(sub, "add", t("lists.pair.add_help"), run_pair_add)
    add.add_argument("volunteer", metavar="VOLUNTEER", help=t("lists.volunteers.ref"))
    add.add_argument("household", metavar="ADDRESS", help=t("lists.cli.address"))
    add.add_argument("--since", metavar="DATE", help=t("field.since"))
    add.add_argument("--note", default="", help=t("field.note"))
    end = command(sub, "end", t("lists.pair.end_help"), run_pair_end)
    end.add_argument("volunteer", metavar="VOLUNTEER", help=t("lists.volunteers.ref"))
    end.add_argument("household", metavar="ADDRESS", help=t("lists.cli.address"))
    end.add_argument("--on", metavar="DATE", help=t("lists.cli.on"))
    listing = command(sub, "list", t("lists.pair.list_help"), run_pair_list)
    listing.add_argument("volunteer", metavar="VOLUNTEER", nargs="?", help=t("lists.volunteers.ref"))
    add_json(listing)
    help_when_bare(pair)


def _volunteer_options(parser) -> None:
    parser.add_argument("--phone", help=t("field.phone"))
    parser.add_argument("--id-number", dest="id_number", metavar="ID", help=t("field.id_number"))
    parser.add_argument("--kind", choices=volunteers.KINDS, help=t("lists.cli.kind"))
    parser.add_argument("--work-unit", dest="work_unit", metavar="UNIT", help=t("field.work_unit"))
    parser.add_argument("--team", metavar="TEAM", help=t("lists.volunteers.team"))
    parser.add_argument("--skills", metavar="A,B", help=t("lists.volunteers.skills"))
    parser.add_argument("--availability", metavar="TEXT", help=t("lists.volunteers.availability"))
    parser.add_argument("--available", choices=("yes", "no"), help=t("lists.volunteers.available"))
    parser.add_argument("--note", help=t("field.note"))


def _values(args) -> dict:
    """The fields the options name (an option not given leaves its field alone)."""
    values = {
        k: getattr(args, k)
        for k in ("name", "phone", "id_number", "kind", "work_unit", "availability", "note")
        if getattr(args, k, None) is not None
    }
    if args.team is not None:
        values["team"] = volunteers.resolve_team(args.team) if args.team.strip() else None
    if args.available is not None:
        values["available"] = args.available == "yes"
    return values


def _skills(args) -> list[str] | None:
    if args.skills is None:
        return None
    from gridtui.io.sheet_import import split_list

    return [needs.find_item(word) for word in split_list(args.skills)]


def run_list(args) -> int:
    open_db(args, create=False)
    team_id = volunteers.resolve_team(args.team) if args.team else None
    rows = volunteers.list_volunteers(team_id=team_id, kind=args.kind, limit=max(0, args.limit))
    total = volunteers.count_volunteers(team_id=team_id, kind=args.kind)
    if args.json:
        emit_json({"total": total, "volunteers": [asdict(r) for r in rows]})
        return 0
    if not rows:
        print(t("volunteers.cli.none"))
        return 0
    header = [t(f"volunteers.col.{c}") for c in ("name", "kind", "team", "phone", "available", "load", "hours")]
    body = [
        [
            r.name,
            t(f"volunteers.kind.{r.kind}"),
            r.team or "-",
            r.phone or "-",
            t("volunteers.yes") if r.available else t("volunteers.no"),
            r.open_load,
            f"{r.hours:g}",
        ]
        for r in rows
    ]
    print("\n".join(table([header, *body], "lllllrr")))
    print(t("needs.cli.shown", shown=len(rows), total=total))
    return 0


def run_show(args) -> int:
    open_db(args, create=False)
    detail = volunteers.volunteer_detail(volunteers.find_volunteer(args.volunteer))
    if args.json:
        emit_json(asdict(detail))
        return 0
    from gridtui.core.catalogs import need_items

    items = {i["key"]: pick(i["zh"], i["en"]) for i in need_items()}
    fields = [
        ("name", detail.name),
        ("kind", t(f"volunteers.kind.{detail.kind}")),
        ("team", detail.team or "-"),
        ("work_unit", detail.work_unit or "-"),
        ("id_number", detail.id_masked or "-"),
        ("phone", detail.phone or "-"),
        ("availability", detail.availability or "-"),
        ("available", t("volunteers.yes") if detail.available else t("volunteers.no")),
        ("skills", t("registry.list_sep").join(items.get(s, s) for s in detail.skills) or "-"),
        ("load", detail.open_load),
        ("hours", f"{detail.hours:g}"),
    ]
    print("\n".join(table([[t(f"lists.volunteers.col.{k}"), v] for k, v in fields])))
    if detail.pairings:
        print("\n" + t("registry.vol.pairings"))
        print("\n".join("  " + line for line in table([[p.address, f"{p.since or ''}"] for p in detail.pairings])))
    return 0


def run_import(args) -> int:
    from gridtui.io.office_lists import VOLUNTEERS, field_label, import_list

    open_db(args, write=True)  # a dry run too: it imports and rolls back
    result = import_list(VOLUNTEERS, args.file, dry_run=args.dry_run, defaults={"kind": args.kind})
    if args.json:
        emit_json(result.as_dict())
        return 0
    print("\n".join(import_lines(result, lambda f: field_label(VOLUNTEERS, f))))
    print(
        t(
            "lists.volunteers.summary",
            rows=result.rows,
            good=result.good_rows,
            bad=result.bad_rows,
            created=result.created["volunteers"],
            updated=result.updated,
            unchanged=result.unchanged,
        )
    )
    return 0


def run_add(args) -> int:
    open_db(args, write=True)
    values = _values(args)
    team = values.pop("team", None)
    vid = volunteers.register_volunteer(values.pop("name"), team_id=team, skills=_skills(args) or (), **values)
    print(t("lists.volunteers.added", name=args.name.strip(), id=vid[-8:]))
    return 0


def run_edit(args) -> int:
    open_db(args, write=True)
    vid = volunteers.find_volunteer(args.volunteer)
    changed = volunteers.edit_volunteer(vid, skills=_skills(args), **_values(args))
    name = volunteers.get_volunteer(vid).name
    print(t("lists.edited", name=name, fields=", ".join(changed)) if changed else t("lists.unchanged", name=name))
    return 0


def run_end(args) -> int:
    open_db(args, write=True)
    vid = volunteers.find_volunteer(args.volunteer)
    name = volunteers.get_volunteer(vid).name
    done = volunteers.end_volunteer(vid, on=args.on, assignments=args.assignments)
    print(t("lists.volunteers.ended", name=name, returned=done.returned, kept=done.kept, pairings=done.pairings))
    return 0


def run_log(args) -> int:
    open_db(args, write=True)
    vid = volunteers.find_volunteer(args.volunteer)
    volunteers.log_service(vid, args.hours, on=args.on, activity=args.activity)
    print(t("registry.vol.logged", hours=args.hours, name=volunteers.get_volunteer(vid).name))
    return 0


# -- teams ---------------------------------------------------------------------------------------


def run_team_add(args) -> int:
    open_db(args, write=True)
    volunteers.create_team(args.name.strip(), name_en=args.en, note=args.note)
    print(t("registry.vol.team_saved", team=args.name.strip()))
    return 0


def run_team_list(args) -> int:
    open_db(args, create=False)
    teams = volunteers.list_teams()
    if args.json:
        emit_json({"teams": [asdict(tm) for tm in teams]})
        return 0
    if not teams:
        print(t("lists.team.none"))
        return 0
    header = [t("lists.team.col.name"), t("lists.team.col.members"), t("lists.team.col.hours")]
    print("\n".join(table([header, *([tm.name, tm.members, f"{tm.hours:g}"] for tm in teams)], "lrr")))
    return 0


def run_team_edit(args) -> int:
    open_db(args, write=True)
    team = volunteers.resolve_team(args.team)
    values = {k: v for k, v in (("name", args.name), ("name_en", args.en), ("note", args.note)) if v is not None}
    changed = volunteers.update_team(team, **values)
    print(
        t("lists.edited", name=args.team, fields=", ".join(changed))
        if changed
        else t("lists.unchanged", name=args.team)
    )
    return 0


def run_team_end(args) -> int:
    open_db(args, write=True)
    members = volunteers.end_team(volunteers.resolve_team(args.team))
    print(t("lists.team.ended", team=args.team, members=members))
    return 0


# -- pairings ------------------------------------------------------------------------------------


def run_pair_add(args) -> int:
    open_db(args, write=True)
    vid = volunteers.find_volunteer(args.volunteer)
    household = households.find_household(args.household)
    volunteers.pair(vid, household, since=args.since, note=args.note)
    print(t("lists.pair.added", name=volunteers.get_volunteer(vid).name, address=args.household.strip()))
    return 0


def run_pair_end(args) -> int:
    open_db(args, write=True)
    vid = volunteers.find_volunteer(args.volunteer)
    pairing = volunteers.find_pairing(vid, households.find_household(args.household))
    volunteers.end_pairing(pairing, on=args.on)
    print(t("lists.pair.ended", name=volunteers.get_volunteer(vid).name, address=args.household.strip()))
    return 0


def run_pair_list(args) -> int:
    open_db(args, create=False)
    rows = volunteers.list_pairings(volunteers.find_volunteer(args.volunteer) if args.volunteer else None)
    if args.json:
        emit_json({"pairings": [asdict(r) for r in rows]})
        return 0
    if not rows:
        print(t("lists.pair.none"))
        return 0
    header = [t("lists.pair.col.volunteer"), t("lists.pair.col.address"), t("lists.pair.col.since")]
    print("\n".join(table([header, *([r.volunteer, r.address, f"{r.since or '-'}"] for r in rows)])))
    return 0
