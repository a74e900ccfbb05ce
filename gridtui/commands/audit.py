"""`gridtui audit list`: the audit log, as the office reads it (every laptop's entries travel to it)."""

from __future__ import annotations

from datetime import date

from gridtui.commands import add_json, command, emit_json, help_when_bare, open_db, sub_commands
from gridtui.errors import GridError
from gridtui.i18n import t
from gridtui.textwidth import table


def register(subparsers) -> None:
    audit = subparsers.add_parser("audit", help=t("audit.cli.help"), description=t("audit.cli.help"))
    sub = sub_commands(audit, "audit_command")
    listing = command(sub, "list", t("audit.cli.list_help"), run_list)
    listing.add_argument("--since", metavar="DATE", help=t("audit.cli.since"))
    listing.add_argument("--actor", metavar="NAME", help=t("audit.cli.actor"))
    add_json(listing)
    help_when_bare(audit)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise GridError("audit.bad_date", value=text) from exc


def run_list(args) -> int:
    from gridtui.domain import privacy

    since = _day(args.since)
    open_db(args, create=False)
    found = privacy.audit_entries(since=since, actor=args.actor)
    if args.json:
        emit_json(found)
        return 0
    if not found:
        print(t("audit.cli.empty"))
        return 0
    header: list[object] = [
        t("audit.col.at"),
        t("audit.col.actor"),
        t("audit.col.action"),
        t("audit.col.target"),
        t("audit.col.detail"),
    ]
    body: list[list[object]] = [
        [
            e["at"][:19],
            e["actor"],
            t(f"audit.action.{e['action']}", default=e["action"]),
            f"{e['table']} {e['target'][:12]}".strip(),
            e["summary"],
        ]
        for e in found
    ]
    print("\n".join(table([header, *body], "lllll")))
    return 0
