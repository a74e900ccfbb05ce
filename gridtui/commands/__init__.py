"""Subcommands of ``gridtui``: one module per group, each exposing ``register(subparsers)``.

``register`` adds the group's parser(s) with ``func=run``; ``run(args) -> int`` returns the exit
code. :mod:`gridtui.cli` adds ``--db`` and ``--lang`` to every parser and resolves ``args.db`` to
a path before calling ``run``, and turns a :class:`~gridtui.errors.GridError` into one sentence.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal, overload

import peewee

from gridtui.config import resolve_db_path
from gridtui.errors import GridError
from gridtui.i18n import t


def open_db(args: Any, *, create: bool = False, write: bool = False, plain: bool = False) -> peewee.SqliteDatabase:
    """Open the database named by ``--db`` (or GRIDTUI_DB, or the default path).

    Only the commands that start a database pass ``create=True`` (demo, community set, import,
    and the device commands a new laptop begins with); they say in one line on stderr that they
    made one. For any other command a mistyped path is "there is no database", never a new
    empty one. ``write=True``: a read-only database is refused before the command does any work.

    An encrypted database is opened with the passphrase from ``--passphrase-file`` (or
    GRIDTUI_PASSPHRASE_FILE), else asked on the terminal. A new one is encrypted the same way
    (asked twice on a terminal); ``plain=True`` (the demo) or no passphrase and no terminal
    makes a plain one, and says so.
    """
    from gridtui.core import unlock
    from gridtui.core.db import open_database, read_only

    path = resolve_db_path(getattr(args, "db", None))
    if isinstance(path, str):  # a street office's hub on a server: no file, no passphrase
        return open_database(path, create=create, on_create=say_created)
    cipher = None
    if unlock.encrypted(path):
        cipher = unlock.key_for(path, passphrase(args, path))
    elif create and not plain and not path.exists():
        phrase = passphrase(args, path, new=True)
        cipher = unlock.new_key(phrase) if phrase else None
    database = open_database(
        path, create=create, cipher=cipher, on_create=say_created if cipher or plain else say_created_plain
    )
    if write and read_only():
        raise GridError("db.readonly", path=str(path))
    command = getattr(args, "command_path", "")
    if command:
        from gridtui.sync import authority

        if authority.office_only_command(command):
            authority.require_office(f"gridtui {command}")
    return database


@overload
def passphrase(args: Any, path: Path, *, new: Literal[False] = False) -> str: ...
@overload
def passphrase(args: Any, path: Path, *, new: bool) -> str | None: ...
def passphrase(args: Any, path: Path, *, new: bool = False) -> str | None:
    """From the passphrase file, else asked on the terminal (twice for a new database).

    None only for a new database when there is neither (a script): it is then made plain.
    """
    import getpass

    from gridtui.core import unlock

    given = unlock.passphrase_from_file(getattr(args, "passphrase_file", None))
    if given is not None:
        if new:
            unlock.check_strength(given)
        return given
    if not sys.stdin.isatty():
        if new:
            return None
        raise GridError("unlock.needed", path=str(path))
    try:
        phrase = getpass.getpass(t("unlock.ask_new" if new else "unlock.ask", path=path))
        if new:
            unlock.check_strength(phrase)
            if getpass.getpass(t("unlock.ask_again")) != phrase:
                raise GridError("unlock.mismatch")
    except EOFError as exc:
        raise GridError("unlock.needed", path=str(path)) from exc
    return phrase


def say_created(path: Path | str) -> None:
    """One line on stderr (stdout may be JSON for a script): a new database was made here."""
    print(t("db.created", path=path), file=sys.stderr)


def say_created_plain(path: Path | str) -> None:
    """A new database with no passphrase (a script gave none): said, with what to do."""
    print(t("unlock.created_plain", path=path), file=sys.stderr)


def emit_json(obj: Any) -> None:
    """Print ``obj`` as JSON for scripts: Chinese kept readable, dates as ``2026-07-14``."""
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def help_when_bare(parser: Any) -> None:
    """A command group run without one of its subcommands shows its help and exits 2 (usage)."""

    def show(_args: Any) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(func=show)


def import_lines(result: Any, label: Any) -> list[str]:
    """How a spreadsheet was read and what was wrong in it: the header found and each column's
    meaning (``label(field)``), the columns ignored, every bad row with its column and reason,
    then whether anything was written. The caller adds its own summary line."""
    lines = [t("roster.header_found", row=result.header_row, sheet=result.sheet)]
    lines += [t("roster.mapping_line", header=h, field=label(f)) for h, f in result.mapping.items()]
    if result.ignored_columns:
        lines.append(t("roster.ignored", columns="、".join(result.ignored_columns)))
    if result.problems:
        lines += ["", t("roster.problems", rows=result.bad_rows)]
        lines += [t("roster.problem_line", row=p.row, column=p.column or "-", reason=p.reason) for p in result.problems]
    lines += ["", t("roster.dry_run_note") if result.dry_run else t("roster.done_note")]
    return lines


def add_json(parser: Any) -> None:
    parser.add_argument("--json", action="store_true", help=t("needs.cli.json"))


def sub_commands(parser: Any, dest: str) -> Any:
    """The subcommands of a command group, titled in the user's language."""
    return parser.add_subparsers(dest=dest, title=t("cli.commands"), metavar=t("cli.command_metavar"))


def command(sub: Any, name: str, text: str, run: Any) -> Any:
    """One subcommand run by ``run``, with ``text`` (in the user's language) as help and description."""
    parser = sub.add_parser(name, help=text, description=text)
    parser.set_defaults(func=run)
    return parser
