"""`gridtui volunteers list [--team T]`: the volunteer registry with teams, load and hours."""

from __future__ import annotations

from gridtui.commands import emit_json, help_when_bare, open_db
from gridtui.domain import volunteers
from gridtui.i18n import t
from gridtui.textwidth import table


def register(subparsers) -> None:
    parser = subparsers.add_parser("volunteers", help=t("volunteers.cli.help"), description=t("volunteers.cli.description"))
    sub = parser.add_subparsers(dest="volunteers_command", title=t("cli.commands"), metavar=t("cli.command_metavar"))
    listing = sub.add_parser("list", help=t("volunteers.cli.list_help"), description=t("volunteers.cli.list_help"))
    listing.add_argument("--team", metavar="T", help=t("volunteers.cli.team"))
    listing.add_argument("--limit", type=int, default=100, metavar="N", help=t("needs.cli.limit"))
    listing.add_argument("--json", action="store_true", help=t("needs.cli.json"))
    listing.set_defaults(func=run_list)
    help_when_bare(parser)



def run_list(args) -> int:
    open_db(args, create=False)
    team_id = volunteers.resolve_team(args.team) if args.team else None
    rows = volunteers.list_volunteers(team_id=team_id, limit=max(0, args.limit))
    total = volunteers.count_volunteers(team_id=team_id)
    if args.json:
        emit_json({"total": total, "volunteers": rows})
        return 0
    if not rows:
        print(t("volunteers.cli.none"))
        return 0
    header = [t(f"volunteers.col.{c}") for c in ("name", "kind", "team", "phone", "available", "load", "hours")]
    body = [
        [r["name"], t(f"volunteers.kind.{r['kind']}"), r["team"] or "-", r["phone"] or "-",
         t("volunteers.yes") if r["available"] else t("volunteers.no"), r["open_load"], f"{r['hours']:g}"]
        for r in rows
    ]
    print("\n".join(table([header, *body], "lllllrr")))
    print(t("needs.cli.shown", shown=len(rows), total=total))
    return 0
