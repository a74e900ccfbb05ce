"""`gridtui dispatch suggest NEED_ID`: ranked volunteers for a need, each with its score parts."""

from __future__ import annotations

from gridtui.commands import emit_json, open_db
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
    parser.set_defaults(func=lambda _args: _usage(parser))


def _usage(parser) -> int:
    parser.print_help()
    return 2


def run_suggest(args) -> int:
    open_db(args, create=False)
    need_id = needs.resolve_id(args.need_id)
    candidates = dispatch.suggest(need_id, limit=max(0, args.limit))
    if args.json:
        emit_json({"need_id": need_id, "candidates": [
            {"rank": i + 1, **c.as_dict()} for i, c in enumerate(candidates)]})
        return 0
    detail = needs.need_detail(need_id)
    print(t("dispatch.cli.for_need", item=detail["item"], address=detail["address"] or "-"))
    if not candidates:
        print(t("dispatch.cli.none"))
        return 0
    header = ["#", t("dispatch.col.name"), t("dispatch.col.team"), t("dispatch.col.score"),
              *(t(f"dispatch.part.{p}") for p in PARTS)]
    body = [[i + 1, c.name, c.team or "-", f"{c.score:g}", *(f"{c.parts[p]:g}" for p in PARTS)]
            for i, c in enumerate(candidates)]
    print("\n".join(table([header, *body], "rllr" + "r" * len(PARTS))))
    print()
    for i, c in enumerate(candidates):
        print(t("dispatch.cli.reasons", rank=i + 1, name=c.name, reasons=t("dispatch.cli.reason_sep").join(c.reasons)))
    return 0
