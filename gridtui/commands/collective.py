"""`gridtui collective ...`: collective issues and their deliberation meeting (红色议事会).

``open`` starts an issue (with the needs that share its cause, or attach them later), ``attach``
and ``detach`` change which needs it groups, ``meeting`` records the meeting (date, attendees,
decision) and ``close`` marks the decided work done, which moves its waiting needs to done.
"""

from __future__ import annotations

from dataclasses import asdict

from gridtui.commands import add_json, command, emit_json, help_when_bare, open_db, sub_commands
from gridtui.domain import collective, needs, places
from gridtui.i18n import t
from gridtui.textwidth import table

STATUSES = ("open", "decided", "done")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "collective", help=t("lists.collective.help"), description=t("lists.collective.description")
    )
    sub = sub_commands(parser, "collective_command")
    listing = command(sub, "list", t("lists.collective.list_help"), run_list)
    listing.add_argument("--status", choices=STATUSES, help=t("field.status"))
    add_json(listing)
    show = command(sub, "show", t("lists.collective.show_help"), run_show)
    show.add_argument("issue", metavar="ISSUE", help=t("lists.collective.ref"))
    add_json(show)
    opened = command(sub, "open", t("lists.collective.open_help"), run_open)
    opened.add_argument("title", metavar="TITLE", help=t("lists.collective.title"))
    opened.add_argument("needs", metavar="NEED", nargs="*", help=t("needs.cli.id"))
    where = opened.add_mutually_exclusive_group()
    where.add_argument("--compound", metavar="NAME", help=t("lists.collective.compound"))
    where.add_argument("--building", metavar="BUILDING", help=t("places.grid.buildings"))
    for name, run in (("attach", run_attach), ("detach", run_detach)):
        moved = command(sub, name, t(f"lists.collective.{name}_help"), run)
        moved.add_argument("issue", metavar="ISSUE", help=t("lists.collective.ref"))
        moved.add_argument("needs", metavar="NEED", nargs="+", help=t("needs.cli.id"))
    meeting = command(sub, "meeting", t("lists.collective.meeting_help"), run_meeting)
    meeting.add_argument("issue", metavar="ISSUE", help=t("lists.collective.ref"))
    meeting.add_argument("--date", required=True, metavar="DATE", help=t("field.meeting_date"))
    meeting.add_argument("--attendees", default="", help=t("field.attendees"))
    meeting.add_argument("--decision", required=True, help=t("field.decision"))
    close = command(sub, "close", t("lists.collective.close_help"), run_close)
    close.add_argument("issue", metavar="ISSUE", help=t("lists.collective.ref"))
    close.add_argument("--on", metavar="DATE", help=t("field.done_at"))
    close.add_argument("--hours", default="0", metavar="H", help=t("registry.col.hours_each"))
    close.add_argument("--note", default="", help=t("field.note"))
    rename = command(sub, "rename", t("lists.collective.rename_help"), run_rename)
    rename.add_argument("issue", metavar="ISSUE", help=t("lists.collective.ref"))
    rename.add_argument("title", metavar="TITLE", help=t("lists.collective.title"))
    help_when_bare(parser)


def _day(value) -> str:
    return f"{value}" if value else "-"


def run_list(args) -> int:
    open_db(args, create=False)
    issues = collective.list_issues(args.status)
    if args.json:
        emit_json({"issues": [asdict(i) for i in issues]})
        return 0
    if not issues:
        print(t("registry.col.empty"))
        return 0
    header = [t(f"lists.collective.col.{c}") for c in ("id", "title", "compound", "status", "meeting", "needs", "days")]
    body = [
        [
            i.id[-8:],
            i.title,
            i.compound or "-",
            t(f"collective.status.{i.status}"),
            _day(i.meeting_date),
            i.needs,
            "" if i.days_meeting_to_done is None else i.days_meeting_to_done,
        ]
        for i in issues
    ]
    print("\n".join(table([header, *body], "llllrrr")))
    return 0


def run_show(args) -> int:
    open_db(args, create=False)
    issue_id = collective.find_issue(args.issue)
    issue = next(i for i in collective.list_issues() if i.id == issue_id)
    grouped = needs.list_needs(collective_id=issue_id, limit=1000)
    if args.json:
        emit_json({**asdict(issue), "need_rows": [n.as_dict() for n in grouped]})
        return 0
    fields = [
        ("title", issue.title),
        ("compound", issue.compound or "-"),
        ("status", t(f"collective.status.{issue.status}")),
        ("meeting", _day(issue.meeting_date)),
        ("attendees", issue.attendees or "-"),
        ("decision", issue.decision or "-"),
        ("done", _day(issue.done_at)),
    ]
    print("\n".join(table([[t(f"lists.collective.col.{k}"), v] for k, v in fields])))
    if issue.days_meeting_to_done is not None:
        print(t("collective.days", days=issue.days_meeting_to_done))
    print("\n" + t("registry.col.needs_title"))
    print(
        "\n".join(
            "  " + line
            for line in table([[n.id[-8:], n.item, n.address or "-", needs.status_label(n.status)] for n in grouped])
        )
        or "  -"
    )
    return 0


def run_open(args) -> int:
    open_db(args, write=True)
    need_ids = [needs.resolve_id(ref) for ref in args.needs]
    compound = places.find_compound(args.compound) if args.compound else None
    building = places.find_building(args.building).id if args.building else None
    if need_ids:
        issue = collective.open_from_needs(args.title, need_ids, compound_id=compound, building_id=building)
    else:
        issue = collective.create_issue(args.title, compound_id=compound, building_id=building)
    print(t("lists.collective.opened", id=issue[-8:], title=args.title, count=len(need_ids)))
    return 0


def run_attach(args) -> int:
    open_db(args, write=True)
    issue = collective.find_issue(args.issue)
    changed = collective.attach_needs(issue, [needs.resolve_id(ref) for ref in args.needs])
    print(t("lists.collective.attached", count=changed, title=collective.get_issue(issue).title))
    return 0


def run_detach(args) -> int:
    open_db(args, write=True)
    issue = collective.find_issue(args.issue)
    changed = collective.detach_needs(issue, [needs.resolve_id(ref) for ref in args.needs])
    print(t("lists.collective.detached", count=changed, title=collective.get_issue(issue).title))
    return 0


def run_meeting(args) -> int:
    open_db(args, write=True)
    issue = collective.find_issue(args.issue)
    collective.record_meeting(issue, args.date, args.attendees, args.decision)
    print(t("registry.col.meeting_saved", title=collective.get_issue(issue).title))
    return 0


def run_close(args) -> int:
    from datetime import date

    open_db(args, write=True)
    issue = collective.find_issue(args.issue)
    moved = collective.complete(issue, args.on or date.today(), note=args.note, hours=args.hours)
    print(t("registry.col.done_saved", title=collective.get_issue(issue).title, count=moved))
    return 0


def run_rename(args) -> int:
    open_db(args, write=True)
    issue = collective.find_issue(args.issue)
    collective.rename(issue, args.title)
    print(t("lists.edited", name=args.title, fields="title"))
    return 0
