"""`gridtui needs list|show`: the needs board and one need's history, as a table or JSON."""

from __future__ import annotations

from typing import Any

from gridtui.commands import emit_json, help_when_bare, open_db
from gridtui.core.validate import NEED_STATUSES
from gridtui.domain import needs, places
from gridtui.i18n import t
from gridtui.textwidth import table


def register(subparsers) -> None:
    parser = subparsers.add_parser("needs", help=t("needs.cli.help"), description=t("needs.cli.description"))
    sub = parser.add_subparsers(dest="needs_command", title=t("cli.commands"), metavar=t("cli.command_metavar"))
    listing = sub.add_parser("list", help=t("needs.cli.list_help"), description=t("needs.cli.list_help"))
    listing.add_argument("--status", choices=NEED_STATUSES, help=t("needs.cli.status"))
    listing.add_argument("--grid", metavar="G", help=t("needs.cli.grid"))
    listing.add_argument("--overdue", action="store_true", help=t("needs.cli.overdue"))
    listing.add_argument("--limit", type=int, default=100, metavar="N", help=t("needs.cli.limit"))
    listing.add_argument("--json", action="store_true", help=t("needs.cli.json"))
    listing.set_defaults(func=run_list)
    show = sub.add_parser("show", help=t("needs.cli.show_help"), description=t("needs.cli.show_help"))
    show.add_argument("id", metavar="ID", help=t("needs.cli.id"))
    show.add_argument("--json", action="store_true", help=t("needs.cli.json"))
    show.set_defaults(func=run_show)
    help_when_bare(parser)



def run_list(args) -> int:
    open_db(args, create=False)
    grid_id = places.find_grid(args.grid).id if args.grid else None
    filters: dict[str, Any] = {"status": args.status, "grid_id": grid_id, "overdue": True if args.overdue else None}
    rows = needs.list_needs(**filters, limit=max(0, args.limit))
    total = needs.count_needs(**filters)
    if args.json:
        emit_json({"total": total, "needs": [r.as_dict() for r in rows]})
        return 0
    if not rows:
        print(t("needs.cli.none"))
        return 0
    header = [t(f"needs.col.{c}") for c in ("id", "item", "address", "urgency", "status", "due")]
    body = [
        [r.id[-8:], r.item, r.address or "-", t(f"needs.urgency.{r.urgency}"),
         needs.status_label(r.status) + (" " + t("needs.overdue_mark") if r.overdue else ""),
         r.due_at.strftime("%Y-%m-%d %H:%M") if r.due_at else "-"]
        for r in rows
    ]
    print("\n".join(table([header, *body])))
    print(t("needs.cli.shown", shown=len(rows), total=total))
    return 0


def run_show(args) -> int:
    open_db(args, create=False)
    detail = needs.need_detail(needs.resolve_id(args.id))
    if args.json:
        emit_json(detail)
        return 0
    print("\n".join(render(detail)))
    return 0


def render(d: dict[str, Any]) -> list[str]:
    """One need as aligned lines: what, where, who, due, then its history and assignments."""
    fields = [
        ("id", d["id"]), ("item", d["item"]), ("address", d["address"] or "-"), ("grid", d["grid"] or "-"),
        ("resident", f"{d['resident'] or '-'} {d['phone']}".strip()),
        ("urgency", t(f"needs.urgency.{d['urgency']}")), ("source", t(f"needs.source.{d['source']}")),
        ("status", needs.status_label(d["status"]) + (" " + t("needs.overdue_mark") if d["overdue"] else "")),
        ("opened", f"{d['opened_at']:%Y-%m-%d %H:%M}"),
        ("due", f"{d['due_at']:%Y-%m-%d %H:%M}" if d["due_at"] else "-"),
    ]
    if d["satisfaction"]:
        fields.append(("satisfaction", t(f"needs.satisfaction.{d['satisfaction']}")))
    if d["collective"]:
        fields.append(("collective", d["collective"]))
    if d["note"]:
        fields.append(("note", d["note"]))
    lines = table([[t(f"needs.col.{k}"), v] for k, v in fields])
    lines += ["", t("needs.cli.history")]
    lines += ["  " + line for line in table([
        [f"{e['at']:%Y-%m-%d %H:%M}", needs.status_label(e["from_status"]) if e["from_status"] else "-", "->",
         needs.status_label(e["to_status"]), e["actor"], e["note"]]
        for e in d["events"]
    ])]
    if d["assignments"]:
        lines += ["", t("needs.cli.assignments")]
        lines += ["  " + line for line in table([
            [a["id"][-8:], a["volunteer"], t(f"dispatch.assignment.{a['status']}"),
             f"{a['assigned_at']:%Y-%m-%d}", t("needs.cli.hours", hours=a["hours"]) if a["hours"] else ""]
            for a in d["assignments"]
        ])]
    return lines
