"""`gridtui business ...`: the register of individual businesses (个体工商户) the shop campaigns visit.

``business import`` brings in the market regulation office's list; ``add``, ``edit`` and
``end`` keep one shop. A shop is named by its licence number (统一社会信用代码), its name or id.
"""

from __future__ import annotations

from dataclasses import asdict

from gridtui.commands import (
    add_json,
    command,
    emit_json,
    help_when_bare,
    import_lines,
    open_db,
    sub_commands,
)
from gridtui.domain import business_list, places
from gridtui.i18n import t
from gridtui.textwidth import table


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "business", help=t("lists.businesses.help"), description=t("lists.businesses.description")
    )
    sub = sub_commands(parser, "business_command")
    listing = command(sub, "list", t("lists.businesses.list_help"), run_list)
    listing.add_argument("--grid", metavar="G", help=t("needs.cli.grid"))
    add_json(listing)
    imp = command(sub, "import", t("lists.businesses.import_help"), run_import)
    imp.description = t("lists.businesses.import_description")
    imp.add_argument("file", metavar="FILE", help=t("lists.cli.file"))
    imp.add_argument("--dry-run", action="store_true", help=t("roster.dry_run"))
    add_json(imp)
    add = command(sub, "add", t("lists.businesses.add_help"), run_add)
    add.add_argument("name", metavar="NAME", help=t("field.business_name"))
    add.add_argument("--kind", required=True, help=t("lists.businesses.kind"))
    _options(add)
    edit = command(sub, "edit", t("lists.businesses.edit_help"), run_edit)
    edit.add_argument("business", metavar="SHOP", help=t("lists.businesses.ref"))
    edit.add_argument("--name", help=t("field.business_name"))
    edit.add_argument("--kind", help=t("lists.businesses.kind"))
    _options(edit)
    end = command(sub, "end", t("lists.businesses.end_help"), run_end)
    end.add_argument("business", metavar="SHOP", help=t("lists.businesses.ref"))
    help_when_bare(parser)


def _options(parser) -> None:
    parser.add_argument("--owner", help=t("lists.businesses.owner"))
    parser.add_argument("--phone", help=t("field.phone"))
    parser.add_argument("--address", help=t("lists.businesses.address"))
    parser.add_argument("--licence", "--license", dest="licence", help=t("lists.businesses.licence"))
    parser.add_argument("--food", choices=("yes", "no"), help=t("lists.businesses.food"))
    parser.add_argument("--grid", metavar="G", help=t("places.grid.grid"))


def _values(args) -> dict:
    values = {
        k: v
        for k, v in (
            ("name", getattr(args, "name", None)),
            ("kind", args.kind),
            ("owner_name", args.owner),
            ("phone", args.phone),
            ("address", args.address),
            ("license_no", args.licence),
        )
        if v is not None
    }
    if args.food is not None:
        values["food"] = args.food == "yes"
    if args.grid is not None:
        values["grid"] = places.find_grid(args.grid).id if args.grid.strip() else None
    return values


def run_list(args) -> int:
    open_db(args, create=False)
    rows = business_list.list_businesses(places.find_grid(args.grid).id if args.grid else None)
    if args.json:
        emit_json({"businesses": [asdict(b) for b in rows]})
        return 0
    if not rows:
        print(t("lists.businesses.none"))
        return 0
    header = [t(f"lists.businesses.col.{c}") for c in ("name", "kind", "owner", "address", "grid")]
    body = [[b.name, b.kind_label, b.owner_name or "-", b.address or "-", b.grid or "-"] for b in rows]
    print("\n".join(table([header, *body])))
    return 0


def run_import(args) -> int:
    from gridtui.io.office_lists import BUSINESSES, field_label, import_list

    open_db(args, write=True)
    result = import_list(BUSINESSES, args.file, dry_run=args.dry_run)
    if args.json:
        emit_json(result.as_dict())
        return 0
    print("\n".join(import_lines(result, lambda f: field_label(BUSINESSES, f))))
    print(
        t(
            "lists.businesses.summary",
            rows=result.rows,
            good=result.good_rows,
            bad=result.bad_rows,
            created=result.created["businesses"],
            updated=result.updated,
            unchanged=result.unchanged,
        )
    )
    return 0


def run_add(args) -> int:
    open_db(args, write=True)
    values = _values(args)
    business_list.add_business(values.pop("name"), values.pop("kind"), **values)
    print(t("lists.businesses.added", name=args.name.strip()))
    return 0


def run_edit(args) -> int:
    open_db(args, write=True)
    changed = business_list.update_business(business_list.find_business(args.business), **_values(args))
    name = args.business
    print(t("lists.edited", name=name, fields=", ".join(changed)) if changed else t("lists.unchanged", name=name))
    return 0


def run_end(args) -> int:
    open_db(args, write=True)
    business_list.end_business(business_list.find_business(args.business))
    print(t("lists.businesses.ended", name=args.business))
    return 0
