"""`gridtui units|resources ...`: the community's partner units and what they offer.

Units are co-building units (共建单位, with their agreement and projects), resident units and
enterprises (驻区单位) and social organisations (社会组织). ``units import`` brings the office's
list in; ``add``, ``edit`` and ``end`` keep one unit. A resource is one item of the 39-item
resources catalog offered by a unit, a volunteer or a shop, with its capacity and when it is
available.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from gridtui.commands import (
    add_json,
    command,
    emit_json,
    help_when_bare,
    import_lines,
    open_db,
    sub_commands,
)
from gridtui.domain import business_list, resources, volunteers
from gridtui.i18n import t
from gridtui.textwidth import table


def register(subparsers) -> None:
    units = subparsers.add_parser("units", help=t("lists.units.help"), description=t("lists.units.description"))
    sub = sub_commands(units, "units_command")
    listing = command(sub, "list", t("lists.units.list_help"), run_list)
    listing.add_argument("--kind", choices=resources.UNIT_KINDS, help=t("lists.units.kind"))
    add_json(listing)
    imp = command(sub, "import", t("lists.units.import_help"), run_import)
    imp.description = t("lists.units.import_description")
    imp.add_argument("file", metavar="FILE", help=t("lists.cli.file"))
    imp.add_argument("--kind", choices=resources.UNIT_KINDS, help=t("lists.units.default_kind"))
    imp.add_argument("--dry-run", action="store_true", help=t("roster.dry_run"))
    add_json(imp)
    add = command(sub, "add", t("lists.units.add_help"), run_add)
    add.add_argument("name", metavar="NAME", help=t("field.organization_name"))
    add.add_argument("--kind", choices=resources.UNIT_KINDS, default="cobuilding", help=t("lists.units.kind"))
    _unit_options(add)
    edit = command(sub, "edit", t("lists.units.edit_help"), run_edit)
    edit.add_argument("unit", metavar="UNIT", help=t("lists.units.ref"))
    edit.add_argument("--name", help=t("field.organization_name"))
    edit.add_argument("--kind", choices=resources.UNIT_KINDS, help=t("lists.units.kind"))
    _unit_options(edit)
    end = command(sub, "end", t("lists.units.end_help"), run_end)
    end.add_argument("unit", metavar="UNIT", help=t("lists.units.ref"))
    help_when_bare(units)

    res = subparsers.add_parser(
        "resources", help=t("lists.resources.help"), description=t("lists.resources.description")
    )
    sub = sub_commands(res, "resources_command")
    listing = command(sub, "list", t("lists.resources.list_help"), run_resources)
    listing.add_argument(
        "--provider-kind", dest="provider_kind", choices=resources.PROVIDER_KINDS, help=t("field.provider_kind")
    )
    add_json(listing)
    add = command(sub, "add", t("lists.resources.add_help"), run_resource_add)
    add.add_argument("item", metavar="ITEM", help=t("lists.resources.item"))
    owner = add.add_mutually_exclusive_group(required=True)
    owner.add_argument("--unit", metavar="UNIT", help=t("lists.units.ref"))
    owner.add_argument("--volunteer", metavar="VOLUNTEER", help=t("lists.volunteers.ref"))
    owner.add_argument("--business", metavar="SHOP", help=t("lists.businesses.ref"))
    _resource_options(add)
    edit = command(sub, "edit", t("lists.resources.edit_help"), run_resource_edit)
    edit.add_argument("resource", metavar="ID", help=t("lists.resources.ref"))
    edit.add_argument("--item", metavar="ITEM", help=t("lists.resources.item"))
    _resource_options(edit)
    end = command(sub, "end", t("lists.resources.end_help"), run_resource_end)
    end.add_argument("resource", metavar="ID", help=t("lists.resources.ref"))
    help_when_bare(res)


def _unit_options(parser) -> None:
    parser.add_argument("--en", metavar="NAME", help=t("lists.units.en"))
    parser.add_argument("--contact", help=t("lists.units.contact"))
    parser.add_argument("--phone", help=t("field.phone"))
    parser.add_argument("--agreement", metavar="DATE", help=t("field.agreement_date"))
    parser.add_argument("--projects", metavar="A,B", help=t("lists.units.projects"))
    parser.add_argument("--members", type=int, metavar="N", help=t("lists.units.members"))


def _unit_values(args) -> dict:
    from gridtui.io.sheet_import import split_list

    values = {
        k: v
        for k, v in (
            ("name", getattr(args, "name", None)),
            ("kind", args.kind),
            ("name_en", args.en),
            ("contact", args.contact),
            ("phone", args.phone),
            ("agreement_date", args.agreement),
            ("members", args.members),
        )
        if v is not None
    }
    if args.projects is not None:
        values["projects"] = split_list(args.projects)
    return values


def _resource_options(parser) -> None:
    parser.add_argument("--capacity", metavar="N", help=t("field.capacity"))
    parser.add_argument("--availability", metavar="TEXT", help=t("lists.resources.availability"))
    parser.add_argument("--contact", help=t("lists.units.contact"))
    parser.add_argument("--note", help=t("field.note"))


def run_list(args) -> int:
    open_db(args, create=False)
    rows = resources.list_units(args.kind)
    if args.json:
        emit_json({"units": [asdict(u) for u in rows]})
        return 0
    if not rows:
        print(t("lists.units.none"))
        return 0
    header = [t(f"lists.units.col.{c}") for c in ("name", "kind", "contact", "agreement", "projects", "resources")]
    body = [
        [
            u.name,
            t(f"lists.units.kind.{u.kind}"),
            u.contact or "-",
            f"{u.agreement_date or '-'}",
            t("registry.list_sep").join(u.project_labels) or "-",
            u.resources,
        ]
        for u in rows
    ]
    print("\n".join(table([header, *body], "lllllr")))
    return 0


def run_import(args) -> int:
    from gridtui.io.office_lists import UNITS, field_label, import_list

    open_db(args, write=True)
    result = import_list(UNITS, args.file, dry_run=args.dry_run, defaults={"kind": args.kind})
    if args.json:
        emit_json(result.as_dict())
        return 0
    print("\n".join(import_lines(result, lambda f: field_label(UNITS, f))))
    print(
        t(
            "lists.units.summary",
            rows=result.rows,
            good=result.good_rows,
            bad=result.bad_rows,
            created=result.created["units"],
            updated=result.updated,
            unchanged=result.unchanged,
        )
    )
    return 0


def run_add(args) -> int:
    open_db(args, write=True)
    values = _unit_values(args)
    resources.add_unit(values.pop("kind"), values.pop("name"), **values)
    print(t("lists.units.added", name=args.name.strip(), kind=t(f"lists.units.kind.{args.kind}")))
    return 0


def run_edit(args) -> int:
    open_db(args, write=True)
    changed = resources.update_unit(resources.find_unit(args.unit), **_unit_values(args))
    print(
        t("lists.edited", name=args.unit, fields=", ".join(changed))
        if changed
        else t("lists.unchanged", name=args.unit)
    )
    return 0


def run_end(args) -> int:
    open_db(args, write=True)
    ended = resources.end_unit(resources.find_unit(args.unit))
    print(t("lists.units.ended", name=args.unit, resources=ended))
    return 0


# -- resources -----------------------------------------------------------------------------------


def run_resources(args) -> int:
    open_db(args, create=False)
    rows = resources.list_resources(provider_kind=args.provider_kind)
    if args.json:
        emit_json({"resources": [asdict(r) for r in rows]})
        return 0
    if not rows:
        print(t("registry.rsc.empty"))
        return 0
    header = [t(f"lists.resources.col.{c}") for c in ("id", "item", "provider", "capacity", "availability")]
    body = [[r.id[-8:], r.item, r.provider or "-", r.capacity, r.availability or "-"] for r in rows]
    print("\n".join(table([header, *body], "lllrl")))
    return 0


def _resource_values(args) -> dict:
    return {
        k: v
        for k, v in (
            ("capacity", args.capacity),
            ("availability", args.availability),
            ("contact", args.contact),
            ("note", args.note),
        )
        if v is not None
    }


def run_resource_add(args) -> int:
    open_db(args, write=True)
    values = _resource_values(args)
    owner: dict[str, Any]  # the provider's id, under its kind's keyword
    if args.unit:
        unit = resources.find_unit(args.unit)
        kind, owner = resources.provider_of_unit(unit), {"organization_id": unit}
    elif args.volunteer:
        kind, owner = "volunteer", {"volunteer_id": volunteers.find_volunteer(args.volunteer)}
    else:
        kind, owner = "business", {"business_id": business_list.find_business(args.business)}
    rid = resources.add_resource(args.item, kind, **owner, **values)
    print(t("lists.resources.added", id=rid[-8:]))
    return 0


def run_resource_edit(args) -> int:
    open_db(args, write=True)
    values = _resource_values(args)
    if args.item is not None:
        values["item"] = args.item
    rid = resources.find_resource(args.resource)
    changed = resources.update_resource(rid, **values)
    print(
        t("lists.edited", name=rid[-8:], fields=", ".join(changed)) if changed else t("lists.unchanged", name=rid[-8:])
    )
    return 0


def run_resource_end(args) -> int:
    open_db(args, write=True)
    rid = resources.find_resource(args.resource)
    resources.end_resource(rid)
    print(t("lists.resources.ended", id=rid[-8:]))
    return 0
