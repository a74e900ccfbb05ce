"""`gridtui device|export|import|conflicts|quarantine`: sync by file from the command line.

Every refusal is one translated sentence and exit 1 (the CLI turns a GridError into that);
``import`` prints one summary line, or JSON with ``--json``. The sync modules (and the crypto
libraries under them) are imported when a command runs, not when the parser is built.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from gridtui.commands import emit_json, open_db
from gridtui.errors import GridError
from gridtui.i18n import t
from gridtui.sync.summary import summary_line
from gridtui.textwidth import table


def register(subparsers) -> None:
    device = subparsers.add_parser("device", help=t("sync.cli.device_help"), description=t("sync.cli.device_help"))
    sub = device.add_subparsers(dest="device_command", title=t("cli.commands"), metavar=t("cli.command_metavar"))
    show = sub.add_parser("show", help=t("sync.cli.show_help"), description=t("sync.cli.show_help"))
    show.add_argument("--json", action="store_true", help=t("sync.cli.json"))
    show.set_defaults(func=run_show)
    card = sub.add_parser("card", help=t("sync.cli.card_help"), description=t("sync.cli.card_help"))
    card.add_argument("--out", required=True, metavar="FILE", help=t("sync.cli.card_out"))
    card.set_defaults(func=run_card)
    trust = sub.add_parser("trust", help=t("sync.cli.trust_help"), description=t("sync.cli.trust_help"))
    trust.add_argument("card", metavar="FILE", help=t("sync.cli.trust_file"))
    trust.add_argument("--role", choices=("office", "worker"), default=None, help=t("sync.cli.trust_role"))
    trust.set_defaults(func=run_trust)
    role = sub.add_parser("role", help=t("sync.cli.role_help"), description=t("sync.cli.role_description"))
    role.add_argument("name", metavar="NAME", help=t("sync.cli.revoke_name"))
    role.add_argument("role", choices=("office", "worker"), metavar="office|worker", help=t("sync.cli.role_role"))
    role.set_defaults(func=run_role)
    listing = sub.add_parser("list", help=t("sync.cli.list_help"), description=t("sync.cli.list_help"))
    listing.add_argument("--json", action="store_true", help=t("sync.cli.json"))
    listing.set_defaults(func=run_list)
    revoke = sub.add_parser("revoke", help=t("sync.cli.revoke_help"), description=t("sync.cli.revoke_help"))
    revoke.add_argument("name", metavar="NAME", help=t("sync.cli.revoke_name"))
    revoke.set_defaults(func=run_revoke)
    rename = sub.add_parser("rename", help=t("sync.cli.rename_help"), description=t("sync.cli.rename_help"))
    rename.add_argument("name", metavar="NAME", help=t("sync.cli.rename_name"))
    rename.set_defaults(func=run_rename)
    fresh = sub.add_parser(
        "new-identity", help=t("sync.cli.new_identity_help"), description=t("sync.cli.new_identity_description")
    )
    fresh.add_argument("--name", metavar="NAME", help=t("sync.cli.new_identity_name"))
    fresh.set_defaults(func=run_new_identity)
    device.set_defaults(func=run_show, json=False)

    export = subparsers.add_parser(
        "export", help=t("sync.cli.export_help"), description=t("sync.cli.export_description")
    )
    export.add_argument("--out", required=True, metavar="FILE", help=t("sync.cli.export_out"))
    export.add_argument("--to", action="extend", nargs="+", default=[], metavar="NAME", help=t("sync.cli.export_to"))
    export.add_argument("--full", action="store_true", help=t("sync.cli.export_full"))
    export.add_argument("--passphrase-file", metavar="F", help=t("sync.cli.passphrase_file"))
    export.add_argument("--insecure-plaintext", action="store_true", help=t("sync.cli.plaintext"))
    export.add_argument("--json", action="store_true", help=t("sync.cli.json"))
    export.set_defaults(func=run_export)

    imp = subparsers.add_parser("import", help=t("sync.cli.import_help"), description=t("sync.cli.import_description"))
    imp.add_argument("files", nargs="+", metavar="FILE", help=t("sync.cli.import_files"))
    imp.add_argument("--dry-run", action="store_true", help=t("sync.cli.dry_run"))
    imp.add_argument("--passphrase-file", metavar="F", help=t("sync.cli.passphrase_file"))
    imp.add_argument("--json", action="store_true", help=t("sync.cli.json"))
    imp.set_defaults(func=run_import)

    conf = subparsers.add_parser(
        "conflicts", help=t("sync.cli.conflicts_help"), description=t("sync.cli.conflicts_help")
    )
    conf.add_argument("--all", action="store_true", help=t("sync.cli.conflicts_all"))
    conf.add_argument("--json", action="store_true", help=t("sync.cli.json"))
    csub = conf.add_subparsers(dest="conflicts_command", title=t("cli.commands"), metavar=t("cli.command_metavar"))
    res = csub.add_parser("resolve", help=t("sync.cli.resolve_help"), description=t("sync.cli.resolve_help"))
    res.add_argument("id", metavar="ID", help=t("sync.cli.resolve_id"))
    how = res.add_mutually_exclusive_group(required=True)
    how.add_argument("--mine", dest="how", action="store_const", const="mine", help=t("sync.cli.mine"))
    how.add_argument("--theirs", dest="how", action="store_const", const="theirs", help=t("sync.cli.theirs"))
    how.add_argument("--value", metavar="TEXT", help=t("sync.cli.value"))
    res.set_defaults(func=run_resolve)
    conf.set_defaults(func=run_conflicts)

    quar = subparsers.add_parser(
        "quarantine", help=t("sync.cli.quarantine_help"), description=t("sync.cli.quarantine_help")
    )
    quar.add_argument("--json", action="store_true", help=t("sync.cli.json"))
    qsub = quar.add_subparsers(dest="quarantine_command", title=t("cli.commands"), metavar=t("cli.command_metavar"))
    accept = qsub.add_parser("accept", help=t("sync.cli.accept_help"), description=t("sync.cli.accept_description"))
    accept.add_argument("ids", nargs="*", metavar="ID", help=t("sync.cli.accept_ids"))
    accept.add_argument("--passphrase-file", metavar="F", help=t("sync.cli.passphrase_file"))
    accept.set_defaults(func=run_accept)
    quar.set_defaults(func=run_quarantine)


# -- device ------------------------------------------------------------------------------------


def run_show(args) -> int:
    from gridtui.sync import keys

    open_db(args)
    me = keys.describe(keys.ensure_identity().device)
    if args.json:
        emit_json(me)
        return 0
    for key in ("id", "name", "fingerprint", "sign_public", "age_recipient"):
        print(f"{t('sync.cli.field.' + key)}: {me[key]}")
    return 0


def run_card(args) -> int:
    from gridtui.sync import keys

    open_db(args, create=True)  # a new laptop's first step: its card
    card = keys.make_card(keys.ensure_identity())
    out = Path(args.out)
    try:
        out.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise GridError("sync.cannot_write", path=str(out), detail=exc.strerror or str(exc)) from exc
    print(t("sync.cli.card_written", path=str(out), fingerprint=keys.fingerprint(card["sign_public"])))
    return 0


def run_trust(args) -> int:
    from gridtui.sync import keys

    open_db(args, create=True, write=True)
    keys.ensure_identity()
    device = keys.trust(Path(args.card), args.role)
    print(t("sync.cli.trusted", name=device.name, id=device.id, fingerprint=keys.fingerprint(device.sign_public)))
    print(t(f"sync.cli.trusted_as_{device.role}", name=device.name))
    return 0


def run_role(args) -> int:
    from gridtui.sync import keys

    open_db(args, write=True)
    device = keys.set_role(args.name, args.role)
    print(t(f"sync.cli.trusted_as_{device.role}", name=device.name))
    return 0


def run_list(args) -> int:
    from gridtui.core.models import Device
    from gridtui.sync import keys

    open_db(args)
    devices = [keys.describe(d) for d in Device.select().order_by(Device.is_self.desc(), Device.name)]
    if args.json:
        emit_json(devices)
        return 0
    header = [
        t("sync.cli.col.name"),
        t("sync.cli.col.id"),
        t("sync.cli.col.state"),
        t("sync.cli.col.role"),
        t("sync.cli.col.fingerprint"),
    ]
    body = [
        [d["name"], d["id"], t(f"sync.cli.state.{_state(d)}"), t(f"sync.cli.role.{d['role']}"), d["fingerprint"]]
        for d in devices
    ]
    print("\n".join(table([header, *body], "lllll")))
    return 0


def _state(device: dict) -> str:
    if device["self"]:
        return "self"
    if device["revoked"]:
        return "revoked"
    return "trusted" if device["trusted"] else "unknown"


def run_rename(args) -> int:
    from gridtui.sync import keys

    open_db(args, create=True, write=True)
    device = keys.rename(args.name)
    print(t("sync.cli.renamed", name=device.name))
    return 0


def run_new_identity(args) -> int:
    from gridtui.sync import keys

    open_db(args, create=False)
    identity, original = keys.new_identity(args.name)
    device = identity.device
    print(
        t(
            "sync.cli.new_identity_done",
            name=device.name,
            id=device.id,
            original=original.name,
            original_id=original.id,
            fingerprint=keys.fingerprint(device.sign_public),
        )
    )
    return 0


def run_revoke(args) -> int:
    from gridtui.sync import keys

    open_db(args, write=True)
    device = keys.revoke(args.name)
    print(t("sync.cli.revoked", name=device.name, id=device.id))
    return 0


# -- export / import ---------------------------------------------------------------------------


def run_export(args) -> int:
    from gridtui.sync import transfer

    open_db(args, write=True)  # it records what each peer was sent
    result = transfer.export_bundle(
        Path(args.out),
        to=args.to,
        full=args.full,
        passphrase=transfer.read_passphrase(args.passphrase_file),
        plaintext=args.insecure_plaintext,
    )
    if args.json:
        emit_json(result.as_dict())
    else:
        print(t("sync.cli.exported", rows=result.rows, path=result.file))
    return 0


def run_import(args) -> int:
    from gridtui.sync import transfer

    for name in args.files:
        if not os.path.isfile(name):
            raise GridError("sync.file_unreadable", path=name, detail=t("sync.no_such_file"))
    open_db(args, create=not args.dry_run, write=not args.dry_run)
    summary = transfer.import_bundles(
        [Path(f) for f in args.files],
        dry_run=args.dry_run,
        passphrase=transfer.read_passphrase(args.passphrase_file),
    )
    if args.json:
        emit_json({**summary.as_dict(), "dry_run": args.dry_run})
    else:
        print(summary_line(summary, args.dry_run))
    return 0


# -- conflicts / quarantine --------------------------------------------------------------------


def run_conflicts(args) -> int:
    from gridtui.sync import conflicts

    open_db(args, create=False)
    found = conflicts.open_conflicts(include_resolved=args.all)
    dupes = conflicts.duplicates()
    if args.json:
        emit_json({"conflicts": [asdict(c) for c in found], "duplicates": [asdict(d) for d in dupes]})
        return 0
    if not found and not dupes:
        print(t("sync.cli.no_conflicts"))
        return 0
    if found:
        header = [
            t("sync.cli.col.id"),
            t("sync.cli.col.record"),
            t("sync.cli.col.field"),
            t("sync.cli.col.mine"),
            t("sync.cli.col.theirs"),
            t("sync.cli.col.state"),
        ]
        body = [
            [
                c.id[:8],
                f"{c.table} {c.row[:8]}",
                c.field,
                _short(c.mine),
                _short(c.theirs),
                t(f"sync.status.{c.status}"),
            ]
            for c in found
        ]
        print("\n".join(table([header, *body], "llllll")))
    for group in dupes:
        names = "、".join(f"{r.name}（{r.address}）" for r in group.residents)
        print(t("sync.cli.duplicate", id_number=group.id_number, residents=names))
    return 0


def _short(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 24 else text[:23] + "…"


def run_resolve(args) -> int:
    from gridtui.sync import conflicts

    open_db(args, write=True)
    how = "edit" if args.value is not None else args.how
    conflict = conflicts.resolve(args.id, how, args.value)
    print(t("sync.cli.resolved", id=conflict.id[:8], status=t(f"sync.status.{conflict.status}")))
    return 0


def run_quarantine(args) -> int:
    from gridtui.sync import transfer

    open_db(args, create=False)
    held = transfer.quarantined()
    if args.json:
        emit_json(held)
        return 0
    if not held:
        print(t("sync.cli.quarantine_empty"))
        return 0
    for item in held:
        if item["kind"] == "bundle":
            print(
                t(
                    f"sync.cli.held_{item['state']}",
                    id=item.get("id", ""),
                    file=item.get("file", ""),
                    rows=item.get("rows", 0),
                    fingerprint=item.get("key", ""),
                    sender=item.get("sender", ""),
                    name=item.get("sender_name", ""),
                )
            )
        else:
            print(
                t(
                    "sync.cli.held_row",
                    id=item["id"],
                    table=item["table"],
                    row=item["row"][:8],
                    sender=item["sender"],
                    reason=t(f"sync.held_why.{item['reason']}"),
                )
            )
    return 0


def run_accept(args) -> int:
    from gridtui.sync import transfer

    open_db(args, write=True)
    summary = transfer.accept_quarantined(transfer.read_passphrase(args.passphrase_file), only=args.ids or None)
    print(summary_line(summary))
    return 0
