"""`gridtui needs ...`: the needs board, one need's history, and every move of a need.

``needs add`` records a need that did not come from a visit: a resident calling or walking into
the office, the 12345 hotline, the online 民呼我应 platform. ``assign``, ``start``, ``done``,
``followup``, ``close`` (and ``unassign``) move it through its life exactly as the needs board's
keys do, so an office can script what a worker does at the keyboard.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from gridtui.commands import command, emit_json, help_when_bare, open_db
from gridtui.core.validate import NEED_STATUSES, SATISFACTION, URGENCIES
from gridtui.domain import dispatch, households, needs, places, volunteers
from gridtui.errors import GridError
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
    add = command(sub, "add", t("lists.needs.add_help"), run_add)
    add.description = t("lists.needs.add_description")
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--household", metavar="ADDRESS", help=t("lists.cli.address"))
    where.add_argument("--resident", metavar="ID_NUMBER", help=t("lists.cli.resident"))
    add.add_argument("--item", required=True, metavar="NAME", help=t("lists.needs.item"))
    add.add_argument("--source", required=True, metavar="SOURCE", help=t("lists.needs.source"))
    add.add_argument("--urgency", choices=URGENCIES, help=t("field.urgency"))
    add.add_argument("--note", default="", help=t("field.note"))
    add.add_argument("--at", metavar="DATETIME", help=t("lists.needs.at"))
    assign = _move(sub, "assign", run_assign)
    assign.add_argument("--volunteer", metavar="VOLUNTEER", help=t("lists.needs.volunteer"))
    _move(sub, "start", run_start)
    done = _move(sub, "done", run_done)
    done.add_argument("--hours", default="0", metavar="H", help=t("field.hours"))
    done.add_argument("--materials", default="", help=t("needs.outcome.materials"))
    followup = _move(sub, "followup", run_followup)
    followup.add_argument("--satisfaction", required=True, choices=SATISFACTION, help=t("field.satisfaction"))
    _move(sub, "close", run_close)
    _move(sub, "unassign", run_unassign)
    help_when_bare(parser)


SOURCE_WORDS = {"walk-in": "walk_in", "12345": "hotline", "online": "platform", "民呼我应": "platform"}
"""What people call the sources on the command line, besides their keys and labels."""


def _move(sub, name: str, run):
    parser = command(sub, name, t(f"lists.needs.{name}_help"), run)
    parser.add_argument("id", metavar="ID", help=t("needs.cli.id"))
    parser.add_argument("--note", default="", help=t("field.note"))
    return parser


def source_key(text: str) -> str:
    """A need source from its key, its label in either language or a usual word (12345, online)."""
    from gridtui.core.validate import NEED_SOURCES, fold

    wanted = fold(text)
    for word, key in SOURCE_WORDS.items():
        if wanted == fold(word):
            return key
    for key in NEED_SOURCES:
        if wanted in (fold(key), *(fold(t(f"needs.source.{key}", lang=lang)) for lang in ("zh", "en"))):
            return key
    return text.strip()  # the domain's rules say which are allowed


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
        [
            r.id[-8:],
            r.item,
            r.address or "-",
            t(f"needs.urgency.{r.urgency}"),
            needs.status_label(r.status) + (" " + t("needs.overdue_mark") if r.overdue else ""),
            r.due_at.strftime("%Y-%m-%d %H:%M") if r.due_at else "-",
        ]
        for r in rows
    ]
    print("\n".join(table([header, *body])))
    print(t("needs.cli.shown", shown=len(rows), total=total))
    return 0


def run_show(args) -> int:
    open_db(args, create=False)
    detail = needs.need_detail(needs.resolve_id(args.id))
    if args.json:
        emit_json(asdict(detail))
        return 0
    print("\n".join(render(detail)))
    return 0


def render(d: needs.NeedDetail) -> list[str]:
    """One need as aligned lines: what, where, who, due, then its history and assignments."""
    fields = [
        ("id", d.id),
        ("item", d.item),
        ("address", d.address or "-"),
        ("grid", d.grid or "-"),
        ("resident", f"{d.resident or '-'} {d.phone}".strip()),
        ("urgency", t(f"needs.urgency.{d.urgency}")),
        ("source", t(f"needs.source.{d.source}")),
        ("status", needs.status_label(d.status) + (" " + t("needs.overdue_mark") if d.overdue else "")),
        ("opened", f"{d.opened_at:%Y-%m-%d %H:%M}"),
        ("due", f"{d.due_at:%Y-%m-%d %H:%M}" if d.due_at else "-"),
    ]
    if d.satisfaction:
        fields.append(("satisfaction", t(f"needs.satisfaction.{d.satisfaction}")))
    if d.collective:
        fields.append(("collective", d.collective))
    if d.note:
        fields.append(("note", d.note))
    lines = table([[t(f"needs.col.{k}"), v] for k, v in fields])
    lines += ["", t("needs.cli.history")]
    lines += [
        "  " + line
        for line in table(
            [
                [
                    f"{e.at:%Y-%m-%d %H:%M}",
                    needs.status_label(e.from_status) if e.from_status else "-",
                    "->",
                    needs.status_label(e.to_status),
                    e.actor,
                    e.note,
                ]
                for e in d.events
            ]
        )
    ]
    if d.assignments:
        lines += ["", t("needs.cli.assignments")]
        lines += [
            "  " + line
            for line in table(
                [
                    [
                        a.id[-8:],
                        a.volunteer,
                        t(f"dispatch.assignment.{a.status}"),
                        f"{a.assigned_at:%Y-%m-%d}",
                        t("needs.cli.hours", hours=a.hours) if a.hours else "",
                    ]
                    for a in d.assignments
                ]
            )
        ]
    return lines


def run_add(args) -> int:
    from gridtui.core.validate import parse_datetime

    open_db(args, write=True)
    household = households.find_household(args.household) if args.household else None
    resident = households.find_resident(args.resident) if args.resident else None
    item = needs.find_item(args.item)
    need_id = needs.open_need(
        household,
        item,
        urgency=args.urgency,
        note=args.note,
        source=source_key(args.source),
        resident_id=resident,
        at=parse_datetime(args.at, "datetime") if args.at else None,
    )
    detail = needs.need_detail(need_id)
    print(
        t(
            "lists.needs.added",
            id=need_id[-8:],
            item=detail.item,
            address=detail.address or "-",
            due=f"{detail.due_at:%Y-%m-%d %H:%M}",
        )
    )
    return 0


def _moved(need_id: str) -> int:
    detail = needs.need_detail(need_id)
    print(t("lists.needs.moved", id=need_id[-8:], item=detail.item, status=needs.status_label(detail.status)))
    return 0


def run_assign(args) -> int:
    open_db(args, write=True)
    need_id = needs.resolve_id(args.id)
    if args.volunteer:
        volunteer = volunteers.find_volunteer(args.volunteer)
    else:
        best = dispatch.suggest(need_id, limit=1)
        if not best:
            raise GridError("lists.needs.no_volunteer")
        volunteer = best[0].volunteer_id
    dispatch.assign(need_id, volunteer, note=args.note)
    return _moved(need_id)


def run_start(args) -> int:
    open_db(args, write=True)
    need_id = needs.resolve_id(args.id)
    needs.start(need_id, note=args.note)
    return _moved(need_id)


def run_done(args) -> int:
    open_db(args, write=True)
    need_id = needs.resolve_id(args.id)
    running = needs.running_assignment(need_id)
    if running is not None:
        dispatch.record_outcome(running, args.hours, args.materials, args.note)
    else:
        needs.mark_done(need_id, note=args.note)
    return _moved(need_id)


def run_followup(args) -> int:
    open_db(args, write=True)
    need_id = needs.resolve_id(args.id)
    needs.follow_up(need_id, args.satisfaction, note=args.note)
    return _moved(need_id)


def run_close(args) -> int:
    open_db(args, write=True)
    need_id = needs.resolve_id(args.id)
    needs.close(need_id, note=args.note)
    return _moved(need_id)


def run_unassign(args) -> int:
    open_db(args, write=True)
    need_id = needs.resolve_id(args.id)
    running = needs.running_assignment(need_id)
    if running is None:
        raise GridError("needs.screen.no_assignment")
    dispatch.cancel(running, note=args.note)
    return _moved(need_id)
