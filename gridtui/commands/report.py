"""`gridtui report KIND --out FILE.xlsx|FILE.csv`: the office's registers and reports."""

from __future__ import annotations

import sys
from dataclasses import asdict

from gridtui.commands import emit_json, open_db
from gridtui.config import load_settings
from gridtui.i18n import t
from gridtui.io.reports import KINDS, PERSONAL, write_report


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help=t("report.help"), description=t("report.description"))
    p.add_argument("kind", choices=KINDS, metavar="KIND", help=t("report.kind", kinds=", ".join(KINDS)))
    p.add_argument("--out", required=True, metavar="FILE", help=t("report.out"))
    p.add_argument("--grid", metavar="G", help=t("report.grid"))
    p.add_argument("--campaign", metavar="C", help=t("report.campaign"))
    p.add_argument("--community", metavar="NAME", help=t("hub.community_option"))
    p.add_argument("--reveal-ids", action="store_true", help=t("report.reveal"))
    p.add_argument("--json", action="store_true", help=t("report.json"))
    p.set_defaults(func=run)


def run(args) -> int:
    open_db(args, write=args.reveal_ids or args.kind in PERSONAL)  # a report of people is audited
    result = write_report(
        args.kind,
        args.out,
        grid=args.grid,
        campaign=args.campaign,
        reveal=args.reveal_ids,
        community=args.community,
        actor=load_settings().worker_name,
    )
    if args.json:
        emit_json(asdict(result))
        return 0
    print(t("report.done", rows=result.rows, path=result.path))
    if len(result.sheets) > 1:
        for sheet in result.sheets:
            print(t("report.sheet_line", name=sheet.name, rows=sheet.rows))
    if result.revealed:
        print(t("report.revealed"), file=sys.stderr)
    return 0
