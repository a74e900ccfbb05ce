"""`gridtui form check FILE.xlsx` and `gridtui form template --out FILE.xlsx`: the office's
checklists as XLSForm workbooks, checked before any campaign uses them. Neither needs a
database: a form is checked on its own."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gridtui.commands import emit_json, help_when_bare
from gridtui.errors import GridError
from gridtui.i18n import t

__all__ = ["print_problems", "register"]


def register(subparsers) -> None:
    form = subparsers.add_parser("form", help=t("forms.cli.help"), description=t("forms.cli.description"))
    sub = form.add_subparsers(dest="form_command", title=t("cli.commands"), metavar=t("cli.command_metavar"))
    check = sub.add_parser("check", help=t("forms.cli.check_help"), description=t("forms.cli.check_description"))
    check.add_argument("file", metavar="FILE.xlsx", help=t("forms.cli.file"))
    check.add_argument("--json", action="store_true", help=t("forms.cli.json"))
    check.set_defaults(func=run_check)
    template = sub.add_parser(
        "template", help=t("forms.cli.template_help"), description=t("forms.cli.template_description")
    )
    template.add_argument("--out", required=True, metavar="FILE.xlsx", help=t("forms.cli.out"))
    template.add_argument("--force", action="store_true", help=t("forms.cli.force"))
    template.set_defaults(func=run_template)
    help_when_bare(form)


def problem_lines(problems: list) -> list[dict[str, Any]]:
    """Each problem as its place (sheet, row, column, position) and its sentence."""
    return [
        {
            "sheet": p.sheet,
            "row": p.row or None,
            "column": p.column or None,
            "position": p.position or None,
            "message": p.message(),
        }
        for p in problems
    ]


def print_problems(problems: list) -> None:
    """Every problem on its own line on stderr, where first (sheet, row, column, position)."""
    print(t("forms.cli.problems", count=len(problems)), file=sys.stderr)
    for line in problem_lines(problems):
        where = [t("forms.cli.where_sheet", sheet=line["sheet"])]
        if line["row"]:
            where.append(t("forms.cli.where_row", row=line["row"]))
        if line["column"]:
            where.append(t("forms.cli.where_column", column=line["column"]))
        if line["position"]:
            where.append(t("forms.cli.where_position", position=line["position"]))
        print(f"  {t('forms.cli.where_join').join(where)}: {line['message']}", file=sys.stderr)


def summary(form) -> dict[str, Any]:
    """What a checked form holds, for people and scripts alike."""
    from gridtui.forms.model import ANSWERED_TYPES

    languages = sorted(
        {lang for i in form.items for lang in i.label} | {lang for g in form.groups.values() for lang in g.label}
    )
    return {
        "form_id": form.key,
        "version": form.version,
        "title": form.label,
        "questions": sum(1 for i in form.items if i.type in ANSWERED_TYPES),
        "items": len(form.items),
        "groups": len(form.groups),
        "choice_lists": len(form.choices),
        "choices": sum(len(c) for c in form.choices.values()),
        "languages": languages,
        "digest": form.digest,
    }


def run_check(args) -> int:
    from gridtui.forms.model import FormErrors
    from gridtui.forms.xlsform import read_workbook

    try:
        form = read_workbook(Path(args.file))
    except FormErrors as errors:
        if args.json:
            emit_json({"ok": False, "errors": problem_lines(errors.problems)})
        else:
            print_problems(errors.problems)
        return 1
    found = summary(form)
    if args.json:
        emit_json({"ok": True, "errors": [], "form": found})
        return 0
    print(t("forms.cli.ok", **{**found, "languages": " / ".join(found["languages"]) or "-"}))
    return 0


def run_template(args) -> int:
    from gridtui.forms.workbook import starter, write_workbook

    path = Path(args.out).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise GridError("forms.cli.not_xlsx", path=str(path))
    if path.exists() and not args.force:
        raise GridError("forms.cli.exists", path=str(path))
    if not path.parent.is_dir():
        raise GridError("report.no_folder", path=str(path.parent))
    write_workbook(starter(), path)
    print(t("forms.cli.template_done", path=str(path)))
    return 0
