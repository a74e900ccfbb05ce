"""The ``gridtui`` command: subcommands for scripts and the office, the TUI when given none.

The language is settled before the parser is built (``--lang`` anywhere in argv, else
GRIDTUI_LANG, the config file, the locale), so every ``--help`` speaks the user's language.
Exit codes: 0 done, 1 an error told in one sentence on stderr, 2 a usage mistake. A user's
mistake (missing file, locked or newer database, bad flag) never ends in a traceback.

Textual is imported only to open the TUI, so the headless subcommands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from gridtui import __version__, i18n
from gridtui.errors import GridError
from gridtui.i18n import t

COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "demo": ("demo",),
    "stats": ("stats",),
    "places": ("community", "grid", "compound", "building"),
    "forms": ("form",),
    "campaigns": ("campaign",),
    "residents": ("resident", "household", "register"),
    "needs": ("needs",),
    "collective": ("collective",),
    "dispatch": ("dispatch",),
    "volunteers": ("volunteers", "team", "pair"),
    "units": ("units", "resources"),
    "business": ("business",),
    "report": ("report",),
    "roster": ("roster",),
    "sync": ("device", "export", "import", "conflicts", "quarantine"),
    "audit": ("audit",),
    "database": ("db",),
}
"""Modules under gridtui.commands, in the order their subcommands are listed in ``--help``, and
the commands each registers. Each exposes ``register(subparsers)``; list a module here once it
exists. A command line naming a command builds only its module's parser, so ``gridtui import``
does not load the demo generator, the reports and the dispatch rules it never runs."""

GLOBAL_VALUES = ("--db", "--lang", "--passphrase-file")
"""The options before a command that take a value (see :func:`_add_common`)."""


class GridHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with its own words ("usage:") taken from the string catalog."""

    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:
            prefix = t("cli.usage_prefix")
        super().add_usage(usage, actions, groups, prefix)


class GridArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are translated; subparsers inherit the class."""

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:
        """Keywords only, as argparse makes subparsers; the help option is added here, translated."""
        kwargs.setdefault("formatter_class", GridHelpFormatter)
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = t("cli.positionals")
        self._optionals.title = t("cli.options")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.help"))

    def error(self, message: str):
        """One translated line on stderr and exit 2 (argparse's own words kept as the detail)."""
        self.exit(2, t("cli.usage_error", prog=self.prog, detail=message) + "\n")


def _scan_lang(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` wherever it appears, read before there is a parser."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _add_common(parser: argparse.ArgumentParser, *, root: bool = False) -> None:
    """``--db`` and ``--lang`` on a parser and every parser below it.

    Below the root the defaults are suppressed, so ``gridtui --db X stats`` keeps X.
    """
    default = None if root else argparse.SUPPRESS
    if "--db" not in parser._option_string_actions:
        parser.add_argument("--db", metavar="PATH", default=default, help=t("cli.db"))
    if "--lang" not in parser._option_string_actions:
        parser.add_argument("--lang", choices=i18n.LANGS, default=default, help=t("cli.lang"))
    if "--passphrase-file" not in parser._option_string_actions:
        parser.add_argument("--passphrase-file", metavar="FILE", default=default, help=t("cli.passphrase_file"))
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                _add_common(sub)


def command_module(argv: Sequence[str]) -> str | None:
    """The module of the command ``argv`` names, or None (no command, help, or a word that is
    none: the whole parser then lists them all)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in GLOBAL_VALUES:
            skip = True
        elif not arg.startswith("-"):
            return next((module for module, names in COMMAND_MODULES.items() if arg in names), None)
        elif arg == "--" or not arg.startswith(tuple(f"{o}=" for o in GLOBAL_VALUES)):
            return None
    return None


def build_parser(only: str | None = None) -> GridArgumentParser:
    """Every command's parser, or only those of the module ``only``."""
    parser = GridArgumentParser(prog="gridtui", description=t("cli.description"), epilog=t("cli.epilog"))
    parser.add_argument("--version", action="version", version=f"gridtui {__version__}", help=t("cli.version"))
    subparsers = parser.add_subparsers(dest="command", title=t("cli.commands"), metavar=t("cli.command_metavar"))
    for name in COMMAND_MODULES if only is None else (only,):
        importlib.import_module(f"gridtui.commands.{name}").register(subparsers)
    _add_common(parser, root=True)
    _name_commands(parser, ())
    return parser


def _name_commands(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    """Each parser knows its command's words (``grid add``): what a worker's laptop may run is
    decided by them (gridtui.sync.authority.COMMANDS)."""
    if path:
        parser.set_defaults(command_path=" ".join(path))
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                _name_commands(sub, (*path, name))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(i18n.normalize(_scan_lang(argv)))
    from gridtui.config import resolve_db_path

    db_path = resolve_db_path(None)
    try:
        parser = build_parser(command_module(argv))
        try:
            args = parser.parse_args(argv)
        except SystemExit as done:  # --help, --version, usage errors
            return done.code if isinstance(done.code, int) else 0
        db_path = args.db = resolve_db_path(args.db)
        args.lang = i18n.language()
        func = getattr(args, "func", None)
        if func is None:
            return open_tui(args)
        return func(args)
    except GridError as err:
        return _fail(err.message(), err.exit_code)
    except KeyboardInterrupt:
        return _fail(t("cli.interrupted"))
    except BrokenPipeError:
        # the reader (head, less) went away: nothing more to say, and nowhere to say it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:
        return _fail(t("cli.os_error", path=exc.filename or _shown(db_path), detail=exc.strerror or exc))
    except Exception as exc:
        import peewee

        from gridtui.core import dialect

        if dialect.hub() and isinstance(exc, peewee.DatabaseError | peewee.InterfaceError):  # the server's words
            return _fail(dialect.server_error(exc, dialect.shown_url(str(db_path))).message())
        if isinstance(exc, peewee.OperationalError):
            from gridtui.core.db import translate_operational

            return _fail(translate_operational(exc, db_path).message())
        if isinstance(exc, peewee.DatabaseError):  # e.g. "file is not a database"
            return _fail(GridError("db.error", path=str(db_path), detail=str(exc)).message())
        raise
    finally:
        from gridtui.core.db import close_database

        close_database()


def open_tui(args: argparse.Namespace) -> int:
    """No subcommand: the interactive workbench. The file is checked first, read-only, so a
    missing, empty, newer or foreign database is refused in one sentence before the screen is
    taken over: the app never makes a database (``demo`` and ``community set`` do)."""
    from gridtui.core import unlock
    from gridtui.core.db import inspect_file

    # an encrypted file is checked once its passphrase opens it, on the app's first screen
    if not unlock.encrypted(args.db) and inspect_file(args.db) is None:
        raise GridError("db.missing", path=str(args.db))
    try:
        from gridtui.tui import launch

        app = launch(db_path=args.db, lang=args.lang, passphrase_file=args.passphrase_file)
    except ImportError:
        return _fail(t("cli.no_tui"))
    app.run()
    return 0


def _shown(db_path) -> str:
    """The database as it may be printed (a hub's URL without its password)."""
    from gridtui.core.dialect import shown_url

    return shown_url(str(db_path))


def _fail(sentence: str, code: int = 1) -> int:
    print(sentence, file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
