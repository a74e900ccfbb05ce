"""`gridtui roster import FILE`: bring the office's household roster spreadsheet in."""

from __future__ import annotations

from gridtui.commands import emit_json, import_lines, open_db
from gridtui.i18n import t
from gridtui.io.roster import import_roster


def register(subparsers) -> None:
    p = subparsers.add_parser("roster", help=t("roster.help"), description=t("roster.description"))
    actions = p.add_subparsers(dest="roster_action", title=t("roster.actions"), metavar="ACTION", required=True)
    imp = actions.add_parser("import", help=t("roster.import_help"), description=t("roster.import_description"))
    imp.add_argument("file", metavar="FILE", help=t("roster.file"))
    imp.add_argument("--dry-run", action="store_true", help=t("roster.dry_run"))
    imp.add_argument("--json", action="store_true", help=t("roster.json"))
    imp.set_defaults(func=run)


def run(args) -> int:
    open_db(args, write=True)  # a dry run too: it imports and rolls back
    result = import_roster(args.file, dry_run=args.dry_run)
    if args.json:
        emit_json(result.as_dict())
        return 0
    print("\n".join(render(result)))
    return 0


def render(result) -> list[str]:
    """The header mapping, the bad rows and the summary, in the user's language."""
    lines = import_lines(result, lambda f: t(f"roster.field.{f}"))
    c = result.created
    lines.append(
        t(
            "roster.summary",
            rows=result.rows,
            good=result.good_rows,
            bad=result.bad_rows,
            compounds=c["compounds"],
            buildings=c["buildings"],
            households=c["households"],
            residents=c["residents"],
            registers=c["registers"],
            updated=result.updated,
            unchanged=result.unchanged,
        )
    )
    if result.buildings_without_grid:
        lines.append(t("roster.needs_grid", count=result.buildings_without_grid))
    return lines
