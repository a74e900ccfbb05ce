"""Reading an XLSForm workbook: the one module that imports pyxform.

pyxform reads the sheets and checks the form's structure; its parsed dict is not a public
contract, so it is read here only, in one place, and the golden tests pin what this module
expects of the pinned version (:data:`PYXFORM_VERSION`). What gridtui keeps is its own form
definition (:mod:`gridtui.forms.model`), stored in the database: nothing after import needs
pyxform, so the app's start and a visit never import it (it costs ~0.35 s).

Every problem is reported at once, each with its sheet, row and column (and, in an expression,
the position): the rows first (types, columns, groups, settings), then pyxform's own reading,
then the form's expressions and references. The subset gridtui supports is in the module's
constants; anything else is refused by row and type, never dropped.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from gridtui.errors import GridError
from gridtui.forms.model import FORMAT, NAME, Form, FormErrors, Problem

__all__ = ["PYXFORM_VERSION", "read_workbook"]

PYXFORM_VERSION = "4.5.0"
"""The pyxform release this adapter was written and golden-tested against (pinned in pyproject)."""

PLAIN_TYPES = {
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "text": "text",
    "string": "text",
    "date": "date",
    "note": "note",
    "calculate": "calculate",
}
METADATA_TYPES = (
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "email",
    "audit",
    "start-geopoint",
)
"""What ODK records by itself (KoboToolbox puts start and end in every new form): a visit
records its own time, device and worker, so these rows are refused with that said."""
GROUP_TYPES = {"begin_group": "begin", "begin group": "begin", "end_group": "end", "end group": "end"}
SELECT_TYPES = {
    "select_one": "select_one",
    "select one": "select_one",
    "select_multiple": "select_multiple",
    "select all that apply": "select_multiple",
}
PYXFORM_SELECTS = {"select one": "select_one", "select all that apply": "select_multiple"}

TRANSLATED = ("label", "hint", "required_message", "constraint_message")
SURVEY_COLUMNS = (
    "type",
    "name",
    *TRANSLATED,
    "required",
    "relevant",
    "constraint",
    "default",
    "choice_filter",
    "calculation",
)
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language")
BIND = {"relevant": "relevant", "required": "required", "constraint": "constraint", "calculate": "calculation"}
MESSAGES = {"jr:requiredMsg": "required_message", "jr:constraintMsg": "constraint_message"}

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
"""An encrypted .xlsx (and an old .xls) is an OLE compound file, not a zip."""


def language_of(name: str) -> str | None:
    """zh or en for a column's language suffix (``中文 (zh)``, ``English (en)``, ``中文``...)."""
    low = name.strip().lower()
    code = re.search(r"\(([a-z]{2})[^)]*\)\s*$", low)
    if code:
        return code.group(1) if code.group(1) in ("zh", "en") else None
    if low in ("zh", "zh-cn", "zh_cn", "chinese", "中文", "汉语", "简体中文") or low.startswith("中文"):
        return "zh"
    if low in ("en", "english", "英文", "英语"):
        return "en"
    return None


def read_workbook(path: str | Path) -> Form:
    """The form in an XLSForm workbook, checked; FormErrors lists every problem found, and a
    file that is no workbook at all is one GridError sentence."""
    path = Path(path)
    raw = _read(path)
    rows = _Rows(raw)
    problems = rows.check()
    if problems:
        raise FormErrors(problems)
    parsed = _pyxform_json(raw, path)
    definition = _definition(parsed, rows)
    try:
        return Form.from_definition(definition)
    except FormErrors as errors:
        raise FormErrors([rows.locate(p) for p in errors.problems]) from None


# -- reading -----------------------------------------------------------------------------------------


def _read(path: Path) -> Any:
    from pyxform.errors import PyXFormError, PyXFormReadError
    from pyxform.xls2json_backends import get_xlsform

    if not path.is_file():
        raise GridError("forms.file.missing", path=str(path))
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        raise GridError("forms.file.protected", path=str(path))
    if not zipfile.is_zipfile(path):
        raise GridError("forms.file.not_workbook", path=str(path))
    try:
        raw = get_xlsform(xlsform=str(path))
    except (PyXFormReadError, PyXFormError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise GridError("forms.file.unreadable", path=str(path), detail=str(exc).strip()[:200]) from exc
    for row in raw.survey or []:  # a Chinese input method's full-width space (select_one　yn) is a space
        if isinstance(row.get("type"), str):
            row["type"] = " ".join(row["type"].split())
    names = [n.lower() for n in raw.sheet_names or []]
    if "survey" not in names:
        raise GridError("forms.file.no_survey", path=str(path), sheets="、".join(raw.sheet_names or []) or "-")
    return raw


def _pyxform_json(raw: Any, path: Path) -> dict[str, Any]:
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json

    try:
        found: dict[str, Any] = workbook_to_json(
            workbook_dict=raw, form_name="data", fallback_form_name=path.stem, warnings=[]
        )
        return found
    except PyXFormError as exc:
        message = str(exc).strip()
        row = re.search(r"\[row\s*:\s*(\d+)\]", message)
        sheet = re.search(r"sheet\s*'?(\w+)'?", message)
        raise FormErrors(
            [
                Problem(
                    "forms.check.pyxform",
                    {"detail": message[:300]},
                    sheet=sheet.group(1) if sheet else "survey",
                    row=int(row.group(1)) if row else 0,
                )
            ]
        ) from None


# -- the rows, before pyxform -------------------------------------------------------------------------


class _Rows:
    """The sheets as rows, with their Excel row numbers: what is checked here, and where a
    problem the form finds later (by item name) is on the sheet."""

    def __init__(self, raw: Any) -> None:
        self.survey: list[dict[str, str]] = list(raw.survey or [])
        self.choices: list[dict[str, str]] = list(raw.choices or [])
        self.settings: dict[str, str] = dict((raw.settings or [{}])[0]) if raw.settings else {}
        self.survey_columns = list((raw.survey_header or [{}])[0]) if raw.survey_header else []
        self.choice_columns = list((raw.choices_header or [{}])[0]) if raw.choices_header else []
        self.settings_columns = list((raw.settings_header or [{}])[0]) if raw.settings_header else []
        self.row_of: dict[str, int] = {}
        self.choice_rows: dict[tuple[str, str], int] = {}
        self.list_rows: dict[str, int] = {}

    def check(self) -> list[Problem]:
        problems = self._check_columns()
        problems += self._check_survey()
        problems += self._check_choices()
        problems += self._check_lists()
        problems += self._check_expressions()
        problems += self._check_settings()
        sheets = ("survey", "choices", "settings")
        return sorted(problems, key=lambda p: (sheets.index(p.sheet) if p.sheet in sheets else 9, p.row, p.column))

    def _check_lists(self) -> list[Problem]:
        """Each select's list is on the choices sheet."""
        problems = []
        for index, row in enumerate(self.survey):
            kind = " ".join((row.get("type") or "").split()).lower()
            select = next((s for s in SELECT_TYPES if kind.startswith(s + " ")), None)
            list_name = kind[len(select) :].strip() if select else ""
            if select and list_name and " " not in list_name and list_name not in self.list_rows:
                name = (row.get("name") or "-").strip()
                problems.append(
                    Problem(
                        "forms.check.unknown_list",
                        {"name": name, "list": list_name},
                        name,
                        "type",
                        sheet="survey",
                        row=index + 2,
                    )
                )
        return problems

    def _check_expressions(self) -> list[Problem]:
        """Every expression parsed and every ${name} looked up, row by row, so that a mistake in
        one is listed with the sheet's other problems (the form checks them again, whole)."""
        groups = {
            (r.get("name") or "").strip()
            for r in self.survey
            if " ".join((r.get("type") or "").split()).lower() in GROUP_TYPES
        }
        names = set(self.row_of) - groups
        problems = []
        for index, row in enumerate(self.survey):
            name = (row.get("name") or "-").strip()
            for column, source in row.items():
                base = column.partition("::")[0].strip().lower()
                text = str(source or "").strip()
                if base not in EXPRESSION_COLUMNS or not text or _plain(base, text):
                    continue
                problems += _expression_problems(name, column, text, index + 2, names, groups, base == "choice_filter")
        return problems

    def _check_columns(self) -> list[Problem]:
        problems = []
        filled = {k for row in self.survey for k, v in row.items() if v not in (None, "")} | set(self.settings)
        for sheet, columns, allowed in (
            ("survey", self.survey_columns, SURVEY_COLUMNS),
            ("settings", self.settings_columns, SETTINGS_COLUMNS),
        ):
            for column in columns:
                base, _, lang = column.partition("::")
                if base.strip().lower() not in allowed and column in filled:
                    problems.append(
                        Problem("forms.check.unsupported_column", {"column": column}, sheet=sheet, row=1, column=column)
                    )
                elif lang and base.strip().lower() in TRANSLATED and language_of(lang) is None:
                    problems.append(
                        Problem(
                            "forms.check.unsupported_language", {"language": lang}, sheet=sheet, row=1, column=column
                        )
                    )
        for column in self.choice_columns:
            base, _, lang = column.partition("::")
            if base.strip().lower() in ("label",) and lang and language_of(lang) is None:
                problems.append(
                    Problem(
                        "forms.check.unsupported_language", {"language": lang}, sheet="choices", row=1, column=column
                    )
                )
            if base.strip().lower() in ("media", "image", "audio", "video"):
                problems.append(
                    Problem("forms.check.unsupported_column", {"column": column}, sheet="choices", row=1, column=column)
                )
        for needed in ("type", "name"):
            if needed not in self.survey_columns:
                problems.append(
                    Problem("forms.check.missing_column", {"column": needed}, sheet="survey", row=1, column=needed)
                )
        return problems

    def _check_survey(self) -> list[Problem]:
        problems: list[Problem] = []
        open_groups: list[tuple[str, int]] = []
        for index, row in enumerate(self.survey):
            number = index + 2
            raw_type = (row.get("type") or "").strip()
            if not raw_type:
                if any(v for k, v in row.items()):
                    problems.append(Problem("forms.check.no_type", {}, sheet="survey", row=number, column="type"))
                continue
            kind = " ".join(raw_type.split()).lower()
            name = (row.get("name") or "").strip()
            if name in self.row_of:
                problems.append(
                    Problem("forms.check.duplicate_name", {"name": name}, name, "name", sheet="survey", row=number)
                )
            elif name:
                self.row_of[name] = number
            if name and not NAME.match(name):  # said here in the user's words, not pyxform's later
                problems.append(
                    Problem("forms.check.bad_name", {"name": name}, name, "name", sheet="survey", row=number)
                )
            if kind in GROUP_TYPES:
                if GROUP_TYPES[kind] == "begin":
                    open_groups.append((name, number))
                elif not open_groups:
                    problems.append(Problem("forms.check.unmatched_end", {}, sheet="survey", row=number, column="type"))
                else:
                    open_groups.pop()
                continue
            select = next((s for s in SELECT_TYPES if kind.startswith(s + " ")), None)
            if select is not None:
                list_name = kind[len(select) :].strip()
                if " " in list_name or not list_name or list_name.startswith(("or_other",)):
                    problems.append(
                        Problem(
                            "forms.check.unsupported_type",
                            {"name": name or "-", "type": raw_type},
                            sheet="survey",
                            row=number,
                            column="type",
                        )
                    )
                continue
            if kind in METADATA_TYPES:
                problems.append(
                    Problem("forms.check.metadata_type", {"type": raw_type}, sheet="survey", row=number, column="type")
                )
                continue
            if kind not in PLAIN_TYPES:
                problems.append(
                    Problem(
                        "forms.check.unsupported_type",
                        {"name": name or "-", "type": raw_type},
                        sheet="survey",
                        row=number,
                        column="type",
                    )
                )
                continue
            if not name:
                problems.append(
                    Problem("forms.check.no_name", {"type": raw_type}, sheet="survey", row=number, column="name")
                )
        for name, number in open_groups:
            problems.append(
                Problem("forms.check.unmatched_begin", {"name": name or "-"}, sheet="survey", row=number, column="type")
            )
        return problems

    def _check_choices(self) -> list[Problem]:
        problems = []
        for index, row in enumerate(self.choices):
            number = index + 2
            list_name, name = (row.get("list_name") or "").strip(), (row.get("name") or "").strip()
            if not list_name and not name:
                continue
            if not list_name or not name:
                problems.append(
                    Problem(
                        "forms.check.choice_incomplete",
                        {},
                        sheet="choices",
                        row=number,
                        column="list_name" if not list_name else "name",
                    )
                )
                continue
            self.list_rows.setdefault(list_name, number)
            self.choice_rows.setdefault((list_name, name), number)
        return problems

    def _check_settings(self) -> list[Problem]:
        if not self.settings_columns:
            return [Problem("forms.check.no_settings", {}, sheet="settings")]
        problems = []
        for needed in ("form_id", "version"):
            if not str(self.settings.get(needed) or "").strip():
                problems.append(
                    Problem("forms.check.missing_setting", {"setting": needed}, sheet="settings", row=2, column=needed)
                )
        form_id = str(self.settings.get("form_id") or "").strip()
        if form_id and not re.fullmatch(r"[A-Za-z_][\w\-]*", form_id):
            problems.append(
                Problem("forms.check.bad_form_id", {"form_id": form_id}, sheet="settings", row=2, column="form_id")
            )
        return problems

    def locate(self, problem: Problem) -> Problem:
        """The problem with its sheet, row and the column as written on the sheet."""
        if problem.row:
            return problem
        if problem.sheet == "choices":
            row = self.list_rows.get(problem.name, 0)
            if "choice" in problem.params:
                found = [
                    i + 2
                    for i, r in enumerate(self.choices)
                    if (r.get("list_name") or "").strip() == problem.name
                    and (r.get("name") or "").strip() == problem.params["choice"]
                ]
                row = found[1] if len(found) > 1 else row
            return _with(problem, row=row)
        column = problem.column
        if column:
            column = next((c for c in self.survey_columns if c.partition("::")[0].strip().lower() == column), column)
        return _with(problem, row=self.row_of.get(problem.name, 0), column=column)


EXPRESSION_COLUMNS = ("relevant", "constraint", "calculation", "choice_filter", "required", "default")


def _plain(column: str, text: str) -> bool:
    """A required yes/no or a default value: no expression to read."""
    if column == "required":
        return text.lower() in ("yes", "no", "true", "false", "true()", "false()")
    return column == "default" and "(" not in text and "${" not in text


def _expression_problems(
    name: str, column: str, text: str, row: int, names: set[str], groups: set[str], choice_columns: bool
) -> list[Problem]:
    from gridtui.forms.expr import ExpressionError, parse

    base = column.partition("::")[0].strip().lower()
    try:
        found = parse(text, choice_columns=choice_columns)
    except ExpressionError as exc:
        return [
            Problem(
                "forms.check.expression",
                {"name": name, "column": base, "position": exc.position, "detail": exc.message()},
                name,
                column,
                exc.position,
                row=row,
            )
        ]
    problems = []
    for ref in sorted(found.references - names):
        marker = re.search(r"\$\{\s*" + re.escape(ref) + r"\s*\}", text)
        position = marker.start() + 1 if marker else 0
        key = "forms.check.group_reference" if ref in groups else "forms.check.unknown_reference"
        problems.append(
            Problem(
                key, {"name": name, "column": base, "ref": ref, "position": position}, name, column, position, row=row
            )
        )
    return problems


def _with(problem: Problem, **changes: Any) -> Problem:
    from dataclasses import replace

    return replace(problem, **changes)


# -- pyxform's dict, to a definition ---------------------------------------------------------------


def _definition(parsed: dict[str, Any], rows: _Rows) -> dict[str, Any]:
    """gridtui's definition from pyxform's parse (the golden tests pin the shape read here)."""
    default = language_of(str(parsed.get("default_language") or "")) or ""
    groups: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    _walk(parsed.get("children") or [], "", default, groups, items)
    choices = {name: [_choice(c, default) for c in found] for name, found in (parsed.get("choices") or {}).items()}
    title = _labels(parsed.get("title"), default)
    return {
        "format": FORMAT,
        "form_key": str(parsed.get("id_string") or ""),
        "version": str(parsed.get("version") or ""),
        "title": title,
        "default_language": default or "zh",
        "groups": groups,
        "items": items,
        "choices": choices,
    }


def _walk(
    children: list[dict[str, Any]], group: str, default: str, groups: list[dict[str, Any]], items: list[dict[str, Any]]
) -> None:
    for child in children:
        kind = child.get("type")
        if kind == "group":
            if child.get("control", {}).get("bodyless") and child.get("name") == "meta":
                continue  # pyxform's own instanceID, not the office's
            groups.append(
                {
                    "name": child["name"],
                    "label": _labels(child.get("label"), default),
                    "relevant": (child.get("bind") or {}).get("relevant", ""),
                    "parent": group,
                }
            )
            _walk(child.get("children") or [], child["name"], default, groups, items)
            continue
        items.append(_item(child, group, default))


def _item(child: dict[str, Any], group: str, default: str) -> dict[str, Any]:
    kind = child.get("type", "")
    item: dict[str, Any] = {
        "name": child.get("name", ""),
        "type": PYXFORM_SELECTS.get(kind, PLAIN_TYPES.get(kind, kind)),
        "label": _labels(child.get("label"), default),
        "hint": _labels(child.get("hint"), default),
        "group": group,
    }
    bind = child.get("bind") or {}
    for source, target in BIND.items():
        if bind.get(source):
            item[target] = str(bind[source])
    for source, target in MESSAGES.items():
        if bind.get(source):
            item[target] = _labels(bind[source], default)
    if child.get("default") is not None:
        item["default"] = str(child["default"])
        if item["type"] == "date":  # a date Excel keeps as a date cell comes as its midnight
            item["default"] = re.sub(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00$", r"\1", item["default"])
    if child.get("choice_filter"):
        item["choice_filter"] = str(child["choice_filter"])
    if item["type"] in ("select_one", "select_multiple"):
        item["list"] = str(child.get("list_name") or child.get("itemset") or "")
    return item


def _choice(choice: dict[str, Any], default: str) -> dict[str, Any]:
    extra = {k: str(v) for k, v in choice.items() if k not in ("name", "label", "media") and v is not None}
    return {"name": str(choice.get("name", "")), "label": _labels(choice.get("label"), default), "extra": extra}


def _labels(value: Any, default: str) -> dict[str, str]:
    """A label in zh and en: a plain string (no language given) counts for both."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        return {"zh": value, "en": value} if not default else {default: value}
    found: dict[str, str] = {}
    for lang, words in value.items():
        code = default if lang == "default" else language_of(lang)
        if code and words and code not in found:
            found[code] = str(words)
        elif lang == "default" and words and not default:
            found.setdefault("zh", str(words))
            found.setdefault("en", str(words))
    return found
