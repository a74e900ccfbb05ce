"""`gridtui db encrypt|passphrase`: encryption at rest for a database that holds real people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridtui.commands import help_when_bare, open_db, passphrase
from gridtui.config import resolve_db_path
from gridtui.errors import GridError
from gridtui.i18n import t


def register(subparsers) -> None:
    parser = subparsers.add_parser("db", help=t("unlock.cli.help"), description=t("unlock.cli.description"))
    help_when_bare(parser)
    sub = parser.add_subparsers(metavar=t("cli.command_metavar"))
    encrypt = sub.add_parser("encrypt", help=t("unlock.cli.encrypt"), description=t("unlock.cli.encrypt"))
    encrypt.set_defaults(func=run_encrypt)
    rekey = sub.add_parser("passphrase", help=t("unlock.cli.rekey"), description=t("unlock.cli.rekey"))
    rekey.add_argument("--new-passphrase-file", metavar="FILE", help=t("unlock.cli.new_file"))
    rekey.set_defaults(func=run_passphrase)


def run_encrypt(args) -> int:
    """Encrypt a plain database in place, and the private keys beside it."""
    from gridtui.core import unlock
    from gridtui.core.db import close_database
    from gridtui.core.models import database
    from gridtui.sync import keys

    path = _file(args)
    open_db(args, write=True)  # checks and brings the file up to date first; refuses a read-only one
    if database.cipher is not None:
        raise GridError("unlock.already", path=str(path))
    close_database()
    phrase = passphrase(args, path, new=True)
    if phrase is None:
        raise GridError("unlock.needed_new", path=str(path))
    cipher = unlock.new_key(phrase)
    unlock.encrypt_file(path, cipher)
    args.passphrase_file = None
    _reopen(path, cipher)
    keys.reseal()
    print(t("unlock.encrypted", path=path))
    return 0


def run_passphrase(args) -> int:
    """A new passphrase for an encrypted database (and its private keys)."""
    from gridtui.core import unlock
    from gridtui.core.db import close_database
    from gridtui.core.models import database
    from gridtui.sync import keys

    path = _file(args)
    open_db(args, write=True)  # the old passphrase opens it, or one sentence says it does not
    old = database.cipher
    if old is None:
        raise GridError("unlock.not_encrypted", path=str(path))
    close_database()
    args.passphrase_file = args.new_passphrase_file
    new_phrase = passphrase(args, path, new=True)
    if new_phrase is None:
        raise GridError("unlock.needed_new", path=str(path))
    new = unlock.change_key(path, old, new_phrase)
    _reopen(path, new)
    keys.reseal(old)
    print(t("unlock.rekeyed", path=path))
    return 0


def _reopen(path, cipher) -> None:
    from gridtui.core.db import open_database

    open_database(path, create=False, cipher=cipher)


def _file(args: Any) -> Path:
    """The database file these commands work on; a hub is a server's, encrypted by the server."""
    path = resolve_db_path(args.db)
    if isinstance(path, str):
        from gridtui.core.dialect import shown_url

        raise GridError("hub.not_a_file", url=shown_url(path))
    return path
