"""`gridtui dispatch suggest|batch|card`: ranked volunteers for a need (each with its score
parts), batch dispatch of a collective issue's or campaign's open needs, a volunteer's task card."""

from __future__ import annotations

from dataclasses import asdict

from gridtui.commands import emit_json, help_when_bare, open_db
from gridtui.core.models import Assignment, Campaign, CollectiveIssue, Volunteer
from gridtui.domain import dispatch, needs
from gridtui.i18n import t
from gridtui.textwidth import table

PARTS = ("skill", "place", "pairing", "load", "available", "satisfaction")


def register(subparsers) -> None:
    parser = subparsers.add_parser("dispatch", help=t("dispatch.cli.help"), description=t("dispatch.cli.description"))
    sub = parser.add_subparsers(dest="dispatch_command", title=t("cli.commands"), metavar=t("cli.command_metavar"))
    suggest = sub.add_parser("suggest", help=t("dispatch.cli.suggest_help"), description=t("dispatch.cli.suggest_help"))
    suggest.add_argument("need_id", metavar="NEED_ID", help=t("needs.cli.id"))
    suggest.add_argument("--limit", type=int, default=10, metavar="N", help=t("dispatch.cli.limit"))
    suggest.add_argument("--json", action="store_true", help=t("needs.cli.json"))
    suggest.set_defaults(func=run_suggest)
    batch = sub.add_parser("batch", help=t("dispatch.cli.batch_help"), description=t("dispatch.cli.batch_description"))
    scope = batch.add_mutually_exclusive_group(required=True)
    scope.add_argument("--collective", metavar="ID", help=t("dispatch.cli.collective"))
    scope.add_argument("--campaign", metavar="ID", help=t("dispatch.cli.campaign"))
    batch.add_argument("--volunteer", metavar="ID", help=t("dispatch.cli.volunteer"))
    batch.add_argument("--actor", default="", help=t("dispatch.cli.actor"))
    batch.add_argument("--json", action="store_true", help=t("needs.cli.json"))
    batch.set_defaults(func=run_batch)
    card = sub.add_parser("card", help=t("dispatch.cli.card_help"), description=t("dispatch.cli.card_help"))
    card.add_argument("assignment_id", metavar="ASSIGNMENT_ID", help=t("dispatch.cli.assignment_id"))
    card.set_defaults(func=run_card)
    help_when_bare(parser)


def run_suggest(args) -> int:
    open_db(args, create=False)
    need_id = needs.resolve_id(args.need_id)
    candidates = dispatch.suggest(need_id, limit=max(0, args.limit))
    if args.json:
        emit_json(
            {"need_id": need_id, "candidates": [{"rank": i + 1, **c.as_dict()} for i, c in enumerate(candidates)]}
        )
        return 0
    detail = needs.need_detail(need_id)
    print(t("dispatch.cli.for_need", item=detail.item, address=detail.address or "-"))
    if not candidates:
        print(t("dispatch.cli.none"))
        return 0
    header = [
        "#",
        t("dispatch.col.name"),
        t("dispatch.col.team"),
        t("dispatch.col.score"),
        *(t(f"dispatch.part.{p}") for p in PARTS),
    ]
    body = [
        [i + 1, c.name, c.team or "-", f"{c.score:g}", *(f"{c.parts[p]:g}" for p in PARTS)]
        for i, c in enumerate(candidates)
    ]
    print("\n".join(table([header, *body], "rllr" + "r" * len(PARTS))))
    print()
    for i, c in enumerate(candidates):
        print(t("dispatch.cli.reasons", rank=i + 1, name=c.name, reasons=t("dispatch.cli.reason_sep").join(c.reasons)))
    return 0


def run_batch(args) -> int:
    open_db(args, write=True)
    if args.collective:
        issue = needs.resolve(CollectiveIssue, args.collective, "collective.not_found")
        need_ids = dispatch.collective_needs(issue)
    else:
        campaign = needs.resolve(Campaign, args.campaign, "dispatch.cli.unknown_campaign")
        need_ids = dispatch.campaign_needs(campaign)
    volunteer = needs.resolve(Volunteer, args.volunteer, "volunteers.not_found") if args.volunteer else None
    made = dispatch.batch_dispatch(need_ids, volunteer_id=volunteer, actor=args.actor)
    if args.json:
        emit_json({"assigned": [asdict(m) for m in made]})
        return 0
    names = dict(
        Volunteer.select(Volunteer.id, Volunteer.name).where(Volunteer.id.in_([m.volunteer_id for m in made])).tuples()
    )
    for m in made:
        detail = needs.need_detail(m.need_id)
        print(
            t(
                "dispatch.cli.batch_line",
                need=m.need_id[-8:],
                item=detail.item,
                address=detail.address or "-",
                volunteer=names.get(m.volunteer_id, ""),
            )
        )
    print(t("dispatch.cli.batch_done", count=len(made)))
    return 0


def run_card(args) -> int:
    open_db(args, create=False)
    assignment = needs.resolve(Assignment, args.assignment_id, "dispatch.assignment_not_found")
    print(dispatch.task_card(assignment, args.lang))
    return 0
