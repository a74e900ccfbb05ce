"""`gridtui community set` and `gridtui grid add|list|assign`: a real community from scratch."""

from __future__ import annotations

from gridtui.commands import emit_json, help_when_bare, open_db
from gridtui.domain import places, visits
from gridtui.i18n import t
from gridtui.textwidth import table


def register(subparsers) -> None:
    community = subparsers.add_parser("community", help=t("places.community.help"),
                                      description=t("places.community.description"))
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
    assign = sub.add_parser("assign", help=t("places.grid.assign_help"), description=t("places.grid.assign_description"))
    assign.add_argument("grid", metavar="GRID", help=t("places.grid.grid"))
    assign.add_argument("buildings", metavar="BUILDING", nargs="+", help=t("places.grid.buildings"))
    assign.set_defaults(func=run_assign)
    help_when_bare(grid)



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
    if args.json:
        emit_json({"grids": [{"code": g.code, "name": g.name, "worker": g.worker_name, "buildings": counts[g.id]}
                             for g in grids], "unassigned_buildings": unassigned})
        return 0
    header = [t("places.col.code"), t("places.col.name"), t("places.col.worker"), t("places.col.buildings")]
    print("\n".join(table([header, *([g.code, g.name, g.worker_name or "-", counts[g.id]] for g in grids)], "lllr")))
    if unassigned:
        print(t("places.grid.unassigned", count=len(unassigned), buildings="、".join(unassigned[:10])))
    return 0


def run_assign(args) -> int:
    open_db(args, write=True)
    changed = places.assign_buildings(args.grid, args.buildings)
    print(t("places.grid.assigned", count=changed, grid=args.grid))
    return 0
