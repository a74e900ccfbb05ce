"""`gridtui stats`: counts of every entity and campaign coverage per grid, as a table or JSON."""

from __future__ import annotations

from typing import Any

from gridtui.commands import emit_json, open_db
from gridtui.core.models import RegisterKind
from gridtui.domain.campaigns import COVERAGE_KEYS
from gridtui.domain.stats import stats
from gridtui.i18n import pick, t
from gridtui.textwidth import table

COUNT_KEYS = (
    "compounds",
    "grids",
    "buildings",
    "households",
    "residents",
    "units",
    "cobuilding_units",
    "social_orgs",
    "businesses",
    "volunteers",
    "teams",
    "need_categories",
    "need_items",
    "resource_categories",
    "resource_items",
    "resources",
    "visits",
    "needs",
)


def register(subparsers) -> None:
    parser = subparsers.add_parser("stats", help=t("stats.help"), description=t("stats.description"))
    parser.add_argument("--json", action="store_true", help=t("stats.json"))
    parser.add_argument("--community", metavar="NAME", help=t("hub.community_option"))
    parser.set_defaults(func=run)


def run(args) -> int:
    from gridtui.core.dialect import shown_url
    from gridtui.domain.places import find_community

    open_db(args, create=False)  # a mistyped path is an error, not a new empty database
    result = stats(community=find_community(args.community).id if args.community else None)
    if args.json:
        emit_json(result)
    else:
        print("\n".join(render(result, shown_url(str(args.db)))))
    return 0


def render(result: dict[str, Any], db_path: str) -> list[str]:
    """The stats as aligned plain-text lines in the current language (CJK counts two cells)."""
    lines = [t("stats.database", path=db_path), ""]
    lines += table([[t(f"stats.{key}"), result[key]] for key in COUNT_KEYS], "lr")
    if result.get("communities"):
        lines += ["", t("hub.by_community")]
        keys = ("households", "residents", "grids", "visits", "needs", "volunteers")
        header = [t("hub.col.community"), *(t(f"stats.{k}") for k in keys)]
        body = [[pick(c["name"], c["name_en"]), *(c[k] for k in keys)] for c in result["communities"]]
        lines += _indent(table([header, *body], "l" + "r" * len(keys)))

    lines += ["", t("stats.needs_by_status")]
    lines += _indent(table([[t(f"stats.need_status.{s}"), n] for s, n in result["needs_by_status"].items()], "lr"))

    kinds = {k.key: pick(k.zh, k.en) for k in RegisterKind.select()}
    lines += ["", t("stats.register_entries_by_kind")]
    lines += _indent(table([[kinds.get(k, k), n] for k, n in result["register_entries_by_kind"].items()], "lr"))

    if not result["campaigns"]:
        lines += ["", t("stats.no_campaigns")]
    for campaign in result["campaigns"]:
        name = pick(campaign["name"], campaign.get("name_en"))
        lines += ["", t("stats.campaign", name=name, template=campaign.get("form_title") or campaign["template"])]
        lines += _indent(_coverage_table(campaign["coverage"]))
    return lines


def _coverage_table(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return [t("stats.no_targets")]
    header = [
        t("stats.col.grid"),
        t("stats.col.grid_name"),
        *(t(f"stats.col.{k}") for k in COVERAGE_KEYS),
        t("stats.col.percent"),
    ]
    body = [
        [r["grid"] or "-", r["grid_name"] or t("stats.no_grid"), *(r[k] for k in COVERAGE_KEYS), _percent(r)]
        for r in rows
    ]
    totals = {k: sum(r[k] for r in rows) for k in COVERAGE_KEYS}
    body.append([t("stats.col.sum"), "", *(totals[k] for k in COVERAGE_KEYS), _percent(totals)])
    return table([header, *body], "ll" + "r" * (len(COVERAGE_KEYS) + 1))


def _percent(row: dict[str, Any]) -> str:
    return f"{100 * row['done'] / row['total']:.0f}%" if row["total"] else "-"


def _indent(lines: list[str]) -> list[str]:
    return ["  " + line for line in lines]
