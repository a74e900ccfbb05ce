"""`gridtui demo`: fill a database with the demo community (湖光社区 at the article's scale)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from gridtui.commands import open_db
from gridtui.config import resolve_db_path
from gridtui.core.db import close_database
from gridtui.domain import demo
from gridtui.i18n import t


def register(subparsers) -> None:
    p = subparsers.add_parser("demo", help=t("demo.help"), description=t("demo.description"))
    p.add_argument("--seed", type=int, default=2026, help=t("demo.seed"))
    p.add_argument("--scale", type=float, default=1.0, help=t("demo.scale"))
    p.add_argument("--communities", type=int, default=0, metavar="N", help=t("hub.communities_option"))
    group = p.add_mutually_exclusive_group()
    group.add_argument("--force", action="store_true", help=t("demo.force"))
    group.add_argument("--if-empty", action="store_true", help=t("demo.if_empty"))
    p.set_defaults(func=run)


def run(args) -> int:
    path = resolve_db_path(args.db)
    if args.force and not isinstance(path, str):  # a hub is never deleted from here
        close_database()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    open_db(args, create=True, write=not args.if_empty, plain=True)  # a demo holds no real people
    if not demo.is_empty():
        if args.if_empty:
            return 0
        print(t("demo.not_empty"), file=sys.stderr)
        return 1
    started = time.perf_counter()
    if args.communities > 0:
        return _street(args, path, started)
    print(t("demo.start", path=path, scale=args.scale, seed=args.seed), file=sys.stderr)
    counts = demo.generate(
        seed=args.seed,
        scale=args.scale,
        progress=lambda stage: print("  " + t(f"demo.stage.{stage}"), file=sys.stderr),
    )
    print(
        t(
            "demo.done",
            households=counts.get("household", 0),
            residents=counts.get("resident", 0),
            seconds=f"{time.perf_counter() - started:.1f}",
        ),
        file=sys.stderr,
    )
    return 0


def _street(args, path, started: float) -> int:
    """A street of communities, each made by its own office and sent to this database."""
    from gridtui.sync import street

    print(t("hub.demo_street", count=args.communities), file=sys.stderr)
    summary = street.build(
        str(path) if isinstance(path, str) else path,
        args.communities,
        seed=args.seed,
        scale=args.scale,
        say=lambda name: print("  " + name, file=sys.stderr),
    )
    tables = summary["tables"]
    print(
        t(
            "demo.done",
            households=tables.get("household", 0),
            residents=tables.get("resident", 0),
            seconds=f"{time.perf_counter() - started:.1f}",
        ),
        file=sys.stderr,
    )
    return 0
