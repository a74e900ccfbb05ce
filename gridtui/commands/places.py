"""`gridtui community set`, `grid add|list|assign|worker|end`, `compound rename|remove`,
`building remove`: a real community's places from scratch, and who looks after each grid."""

from __future__ import annotations

from gridtui.commands import command, emit_json, help_when_bare, open_db, sub_commands
from gridtui.domain import places, visits
from gridtui.i18n import t
from gridtui.textwidth import table


def register(subparsers) -> None:
    community = subparsers.add_parser(
        "community", help=t("places.community.help"), description=t("places.community.description")
    )
    sub = community.add_subparsers(dest="community_command", title=t("cli.commands"), metavar=t("cli.command_metavar"))
    setter = sub.add_parser("set", help=t("places.community.set_help"), description=t("places.community.set_help"))
    setter.add_argument("name", metavar="NAME", help=t("places.community.name"))
    setter.add_argument("--en", metavar="NAME", help=t("places.community.en"))
    setter.add_argument("--subdistrict", metavar="NAME", help=t("places.community.subdistrict"))
    setter.set_defaults(func=run_set_community)
    help_when_bare(community)

    grid = subparsers.add_parser("grid", help=t("places.grid.help"), description=t("places.grid.description"))
    sub = grid.add_subparsers(dest="grid_command", title=t("cli.commands"), metavar=t("cli.command_metavar"))
    add = sub.add_parser("add", help=t("places.grid.add_help"), description=t("places.grid.add_help"))
    add.add_argument("code", metavar="CODE", help=t("places.grid.code"))
    add.add_argument("name", metavar="NAME", help=t("places.grid.name"))
    add.add_argument("--worker", metavar="NAME", default="", help=t("places.grid.worker"))
    add.add_argument("--phone", metavar="PHONE", default="", help=t("places.grid.phone"))
    add.set_defaults(func=run_add_grid)
    listing = sub.add_parser("list", help=t("places.grid.list_help"), description=t("places.grid.list_help"))
    listing.add_argument("--json", action="store_true", help=t("needs.cli.json"))
    listing.set_defaults(func=run_list_grids)
    assign = sub.add_parser(
        "assign", help=t("places.grid.assign_help"), description=t("places.grid.assign_description")
    )
    assign.add_argument("grid", metavar="GRID", help=t("places.grid.grid"))
    assign.add_argument("buildings", metavar="BUILDING", nargs="+", help=t("places.grid.buildings"))
    assign.set_defaults(func=run_assign)
    worker = command(sub, "worker", t("places.grid.worker_help"), run_worker)
    worker.description = t("places.grid.worker_description")
    worker.add_argument("grid", metavar="GRID", help=t("places.grid.grid"))
    worker.add_argument("who", metavar="DEVICE-or-NAME", help=t("places.grid.who"))
    worker.add_argument("--name", help=t("places.grid.worker"))
    worker.add_argument("--phone", help=t("places.grid.phone"))
    end = command(sub, "end", t("places.grid.end_help"), run_end_grid)
    end.add_argument("grid", metavar="GRID", help=t("places.grid.grid"))
    help_when_bare(grid)

    compound = subparsers.add_parser("compound", help=t("places.compound.help"), description=t("places.compound.help"))
    sub = sub_commands(compound, "compound_command")
    rename = command(sub, "rename", t("places.compound.rename_help"), run_rename_compound)
    rename.add_argument("compound", metavar="NAME", help=t("places.compound.name"))
    rename.add_argument("new_name", metavar="NEW_NAME", help=t("places.compound.new_name"))
    rename.add_argument("--en", metavar="NAME", help=t("places.community.en"))
    remove = command(sub, "remove", t("places.compound.remove_help"), run_remove_compound)
    remove.add_argument("compound", metavar="NAME", help=t("places.compound.name"))
    help_when_bare(compound)

    building = subparsers.add_parser("building", help=t("places.building.help"), description=t("places.building.help"))
    sub = sub_commands(building, "building_command")
    remove = command(sub, "remove", t("places.building.remove_help"), run_remove_building)
    remove.add_argument("building", metavar="BUILDING", help=t("places.grid.buildings"))
    help_when_bare(building)


def run_set_community(args) -> int:
    open_db(args, create=True, write=True)
    places.set_community(args.name, args.en, args.subdistrict)
    print(t("places.community.done", name=args.name))
    return 0


def run_add_grid(args) -> int:
    open_db(args, write=True)
    places.add_grid(args.code, args.name, args.worker, args.phone)
    print(t("places.grid.added", grid=args.code.strip(), name=args.name.strip()))
    return 0


def run_list_grids(args) -> int:
    open_db(args, create=False)
    grids = visits.grids()
    counts = {g.id: len(visits.buildings(g.id)) for g in grids}
    unassigned = places.unassigned_buildings()
    devices = places.grid_devices()
    if args.json:
        emit_json(
            {
                "grids": [
                    {
                        "code": g.code,
                        "name": g.name,
                        "worker": g.worker_name,
                        "device": devices.get(g.id, ""),
                        "buildings": counts[g.id],
                    }
                    for g in grids
                ],
                "unassigned_buildings": unassigned,
            }
        )
        return 0
    header = [
        t("places.col.code"),
        t("places.col.name"),
        t("places.col.worker"),
        t("places.col.device"),
        t("places.col.buildings"),
    ]
    print(
        "\n".join(
            table(
                [
                    header,
                    *(
                        [g.code, g.name, g.worker_name or "-", places.device_label(devices.get(g.id, "")), counts[g.id]]
                        for g in grids
                    ),
                ],
                "llllr",
            )
        )
    )
    if unassigned:
        print(t("places.grid.unassigned", count=len(unassigned), buildings="、".join(unassigned[:10])))
    return 0


def run_assign(args) -> int:
    open_db(args, write=True)
    changed = places.assign_buildings(args.grid, args.buildings)
    print(t("places.grid.assigned", count=changed, grid=args.grid))
    return 0


def run_worker(args) -> int:
    open_db(args, write=True)
    done = places.set_grid_worker(args.grid, args.who, name=args.name, phone=args.phone)
    key = "places.grid.worker_device" if done.device else "places.grid.worker_named"
    print(t(key, grid=done.grid, worker=done.worker, device=places.device_label(done.device)))
    return 0


def run_end_grid(args) -> int:
    open_db(args, write=True)
    print(t("places.grid.ended", grid=places.end_grid(args.grid)))
    return 0


def run_rename_compound(args) -> int:
    open_db(args, write=True)
    places.rename_compound(args.compound, args.new_name, args.en)
    print(t("places.compound.renamed", compound=args.compound, name=args.new_name))
    return 0


def run_remove_compound(args) -> int:
    open_db(args, write=True)
    places.remove_compound(args.compound)
    print(t("places.compound.removed", compound=args.compound))
    return 0


def run_remove_building(args) -> int:
    open_db(args, write=True)
    places.remove_building(args.building)
    print(t("places.building.removed", building=args.building))
    return 0
