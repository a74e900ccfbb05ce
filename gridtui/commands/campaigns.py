"""`gridtui campaign new|list|show|activate|close|update|form`: the office's campaigns.

A campaign is made from an XLSForm workbook (checked as ``gridtui form check`` does; a form
with problems writes nothing and lists them all), over a scope of targets. It syncs like any
record, so workers' laptops learn it from the office's next bundle.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from gridtui.commands import emit_json, help_when_bare, open_db
from gridtui.errors import GridError
from gridtui.i18n import t
from gridtui.textwidth import table

if TYPE_CHECKING:
    from gridtui.domain.coverage import GridFigures

__all__ = ["register"]


def _words(text: str | None) -> list[str]:
    """A comma-separated option (Chinese commas too) as its words."""
    return [w.strip() for w in (text or "").replace("，", ",").replace("、", ",").split(",") if w.strip()]


def register(subparsers) -> None:
    campaign = subparsers.add_parser(
        "campaign", help=t("campaigns.cli.help"), description=t("campaigns.cli.description")
    )
    sub = campaign.add_subparsers(dest="campaign_command", title=t("cli.commands"), metavar=t("cli.command_metavar"))

    new = sub.add_parser("new", help=t("campaigns.cli.new_help"), description=t("campaigns.cli.new_description"))
    new.add_argument("file", metavar="FILE.xlsx", help=t("forms.cli.file"))
    new.add_argument("--name", required=True, metavar="NAME", help=t("campaigns.cli.name"))
    new.add_argument("--name-en", metavar="NAME", default="", help=t("campaigns.cli.name_en"))
    new.add_argument(
        "--target", choices=("households", "businesses"), default="households", help=t("campaigns.cli.target")
    )
    new.add_argument("--grids", metavar="01,02", help=t("campaigns.cli.grids"))
    new.add_argument("--buildings", metavar="BUILDING,…", help=t("campaigns.cli.buildings"))
    new.add_argument("--registers", metavar="KIND,…", help=t("campaigns.cli.registers"))
    new.add_argument("--ages", metavar="0-16", help=t("campaigns.cli.ages"))
    new.add_argument("--business-kinds", metavar="KIND,…", help=t("campaigns.cli.business_kinds"))
    new.add_argument("--starts", metavar="DATE", help=t("campaigns.cli.starts"))
    new.add_argument("--ends", metavar="DATE", help=t("campaigns.cli.ends"))
    new.add_argument("--activate", action="store_true", help=t("campaigns.cli.activate_now"))
    new.add_argument("--json", action="store_true", help=t("forms.cli.json"))
    new.set_defaults(func=run_new)

    listing = sub.add_parser("list", help=t("campaigns.cli.list_help"), description=t("campaigns.cli.list_help"))
    listing.add_argument("--json", action="store_true", help=t("forms.cli.json"))
    listing.set_defaults(func=run_list)

    show = sub.add_parser("show", help=t("campaigns.cli.show_help"), description=t("campaigns.cli.show_help"))
    show.add_argument("campaign", metavar="ID", help=t("campaigns.cli.id"))
    show.add_argument("--community", metavar="NAME", help=t("hub.community_option"))
    show.add_argument("--json", action="store_true", help=t("forms.cli.json"))
    show.set_defaults(func=run_show)

    for name in ("activate", "close"):
        one = sub.add_parser(name, help=t(f"campaigns.cli.{name}_help"), description=t(f"campaigns.cli.{name}_help"))
        one.add_argument("campaign", metavar="ID", help=t("campaigns.cli.id"))
        one.set_defaults(func=run_activate if name == "activate" else run_close)

    update = sub.add_parser(
        "update", help=t("campaigns.cli.update_help"), description=t("campaigns.cli.update_description")
    )
    update.add_argument("campaign", metavar="ID", help=t("campaigns.cli.id"))
    update.add_argument("file", metavar="FILE.xlsx", help=t("forms.cli.file"))
    update.set_defaults(func=run_update)

    form = sub.add_parser("form", help=t("campaigns.cli.form_help"), description=t("campaigns.cli.form_help"))
    form.add_argument("campaign", metavar="ID", help=t("campaigns.cli.id"))
    form.add_argument("--out", required=True, metavar="FILE.xlsx", help=t("forms.cli.out"))
    form.add_argument("--version", metavar="V", help=t("campaigns.cli.version"))
    form.add_argument("--force", action="store_true", help=t("forms.cli.force"))
    form.set_defaults(func=run_form)
    help_when_bare(campaign)


def _read(path: str):
    """The workbook's form, or every problem on stderr (None): nothing is written then."""
    from gridtui.commands.forms import print_problems
    from gridtui.forms.model import FormErrors
    from gridtui.forms.xlsform import read_workbook

    try:
        return read_workbook(Path(path))
    except FormErrors as errors:
        print_problems(errors.problems)
        return None


def run_new(args) -> int:
    from gridtui.domain import campaigns

    open_db(args, write=True)
    form = _read(args.file)  # every problem listed, nothing written
    if form is None:
        return 1
    scope = campaigns.scope_from_words(
        grids=_words(args.grids),
        buildings=_words(args.buildings),
        registers=_words(args.registers),
        ages=args.ages,
        business_kinds=_words(args.business_kinds),
    )
    campaign_id = campaigns.create(
        form,
        name=args.name.strip(),
        name_en=args.name_en.strip(),
        target=args.target,
        scope=scope,
        starts=args.starts,
        ends=args.ends,
        activate=args.activate,
    )
    info = campaigns.campaign(campaign_id)
    count = campaigns.target_count(campaign_id)
    if args.json:
        emit_json(
            {
                "id": campaign_id,
                "name": info.name,
                "form_id": info.form_key,
                "version": info.version,
                "target": info.target,
                "targets": count,
                "active": info.active,
            }
        )
        return 0
    print(
        t(
            "campaigns.cli.created",
            name=info.name,
            id=campaign_id,
            form=info.form_key,
            version=info.version,
            count=count,
        )
    )
    print(
        t("campaigns.cli.now_active" if info.active else "campaigns.cli.not_active", id=campaigns.short_id(campaign_id))
    )
    return 0


def _row(info, coverage: list[GridFigures]) -> dict[str, Any]:
    total = sum(r.total for r in coverage)
    done = sum(r.done for r in coverage)
    return {
        "id": info.id,
        "name": info.name,
        "name_en": info.name_en,
        "target": info.target,
        "form_id": info.form_key,
        "version": info.version,
        "active": info.active,
        "starts": info.starts,
        "ends": info.ends,
        "targets": total,
        "done": done,
    }


def run_list(args) -> int:
    from gridtui.domain import campaigns

    open_db(args)
    rows = [_row(c, campaigns.coverage(c.id)) for c in campaigns.campaigns()]
    if args.json:
        emit_json({"campaigns": rows})
        return 0
    if not rows:
        print(t("campaigns.cli.none"))
        return 0
    header = [t(f"campaigns.col.{k}") for k in ("id", "name", "target", "form", "state", "dates", "done")]
    body = [
        [
            campaigns.short_id(r["id"]),
            r["name"],
            t(f"campaigns.target.{r['target']}"),
            f"{r['form_id']} {r['version']}",
            t("campaigns.state.active" if r["active"] else "campaigns.state.closed"),
            f"{r['starts']} ~ {r['ends'] or ''}",
            f"{r['done']}/{r['targets']}",
        ]
        for r in rows
    ]
    print("\n".join(table([header, *body], "lllllll")))
    return 0


def run_show(args) -> int:
    from gridtui.domain import campaigns, places
    from gridtui.domain.campaigns import COVERAGE_KEYS
    from gridtui.i18n import pick

    open_db(args)
    info = campaigns.campaign(campaigns.resolve(args.campaign))
    held = places.find_community(args.community) if args.community else None
    coverage = campaigns.coverage(info.id, community=held.id if held else None)
    street = {c.id: pick(c.name, c.name_en) for c in places.communities()} if held is None else {}
    scope = campaigns.describe_scope(info)
    versions = campaigns.versions(info.id)
    if args.json:
        emit_json(
            {
                **_row(info, coverage),
                "scope": scope,
                "versions": [
                    {
                        "version": v.version,
                        "digest": v.digest,
                        "questions": v.items,
                        "visits": v.visits,
                        "current": v.current,
                    }
                    for v in versions
                ],
                "coverage": [r.to_json() for r in coverage],
            }
        )
        return 0
    print(t("campaigns.cli.show_title", name=info.label, id=info.id))
    state = t("campaigns.state.active" if info.active else "campaigns.state.closed")
    print(
        t(
            "campaigns.cli.show_line",
            target=t(f"campaigns.target.{info.target}"),
            state=state,
            starts=info.starts,
            ends=info.ends or "-",
        )
    )
    print(t("campaigns.cli.scope"))
    for part, words in scope.items() or [("all", [t("campaigns.scope.everyone")])]:
        print(f"  {t(f'campaigns.scope.{part}')}: {'、'.join(words)}")
    print(t("campaigns.cli.versions"))
    print(
        "\n".join(
            "  " + line
            for line in table(
                [
                    [t("campaigns.col.version"), t("campaigns.col.questions"), t("campaigns.col.visits"), ""],
                    *(
                        [v.version, v.items, v.visits, t("campaigns.cli.current") if v.current else ""]
                        for v in versions
                    ),
                ],
                "lrrl",
            )
        )
    )
    print(t("campaigns.cli.coverage"))
    header = [t("stats.col.grid"), t("stats.col.grid_name"), *(t(f"stats.col.{k}") for k in COVERAGE_KEYS)]
    body = [[r.grid or "-", r.grid_name or t("stats.no_grid"), *r.figures()] for r in coverage]
    if len(street) > 1:  # a hub's every community: each grid row says whose, and each community its sum
        header, body = [t("hub.col.community"), *header], _by_community(coverage, body, street)
    print(
        "\n".join(
            "  " + line
            for line in table([header, *body], "l" * (len(header) - len(COVERAGE_KEYS)) + "r" * len(COVERAGE_KEYS))
        )
    )
    return 0


def _by_community(coverage: list[GridFigures], body: list[list[Any]], street: dict[str, str]) -> list[list[Any]]:
    """Grid rows led by their community's name, each community's rows followed by its sum."""
    out: list[list[Any]] = []
    for cid, name in street.items():
        mine = [r for r in coverage if r.community == cid]
        out += [[name, *cells] for r, cells in zip(coverage, body, strict=True) if r.community == cid]
        if mine:
            out.append(
                [
                    name,
                    t("stats.col.sum"),
                    "",
                    *(sum(column) for column in zip(*(r.figures() for r in mine), strict=True)),
                ]
            )
    out += [["", *cells] for r, cells in zip(coverage, body, strict=True) if r.community not in street]
    return out


def run_activate(args) -> int:
    return _switch(args, "activate", "campaigns.cli.activated", "campaigns.cli.already_active")


def run_close(args) -> int:
    return _switch(args, "close", "campaigns.cli.closed", "campaigns.cli.already_closed")


def _switch(args, how: str, done: str, already: str) -> int:
    """Open or close a campaign; saying so when it already was."""
    from gridtui.domain import campaigns

    open_db(args, write=True)
    campaign_id = campaigns.resolve(args.campaign)
    changed = getattr(campaigns, how)(campaign_id)
    print(t(done if changed else already, name=campaigns.campaign(campaign_id).name))
    return 0


def run_update(args) -> int:
    from gridtui.domain import campaigns

    open_db(args, write=True)
    form = _read(args.file)
    if form is None:
        return 1
    campaign_id = campaigns.resolve(args.campaign)
    changed = campaigns.update_form(campaign_id, form)
    name = campaigns.campaign(campaign_id).name
    print(t("campaigns.cli.updated" if changed else "campaigns.cli.unchanged", name=name, version=form.version))
    return 0


def run_form(args) -> int:
    from gridtui.domain import campaigns
    from gridtui.forms.workbook import write_workbook

    open_db(args)
    path = Path(args.out).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise GridError("forms.cli.not_xlsx", path=str(path))
    if path.exists() and not args.force:
        raise GridError("forms.cli.exists", path=str(path))
    if not path.parent.is_dir():
        raise GridError("report.no_folder", path=str(path.parent))
    campaign_id = campaigns.resolve(args.campaign)
    chosen = [v for v in campaigns.versions(campaign_id) if (v.version == args.version if args.version else v.current)]
    if not chosen:
        raise GridError("campaigns.no_such_version", version=args.version or "")
    form = campaigns.form(chosen[0].id)
    write_workbook(form, path)
    print(t("campaigns.cli.form_written", path=str(path), form=form.key, version=form.version))
    return 0
