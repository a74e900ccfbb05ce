"""A throwaway PostgreSQL server for the hub's tests: Debian's ``postgresql`` package, run on a
Unix socket in a temporary folder, one server per test process (xdist-safe), stopped at the end.

As root the server runs as the ``postgres`` user (``runuser``), since PostgreSQL refuses to run
as root; otherwise as the user running the tests. Where no server is installed the hub's tests
skip, saying how to install one, unless ``GRIDTUI_REQUIRE_POSTGRES=1`` (set by ``.ci/run``) turns
that skip into a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

INSTALL_HINT = "PostgreSQL is not installed: apt-get install postgresql"
PASSWORD_USER, PASSWORD = "clerk", "right-password"


def find_bin() -> Path | None:
    """The newest Debian PostgreSQL's bin folder that has initdb, or one on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class Server:
    """One running server; :meth:`new_database` gives each test its own empty database."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="gridtui-pg-"))
        self.data = self.folder / "data"
        self.as_postgres = os.geteuid() == 0
        self.user = "postgres" if self.as_postgres else (os.environ.get("USER") or "postgres")
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder)

    def start(self) -> Server:
        done = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "--locale=C",
            "--lc-ctype=C.UTF-8",
            "--encoding=UTF8",
            "-N",
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr}")
        hba = self.data / "pg_hba.conf"  # one user must give a password: the refused-login test
        hba.write_text(f"local all {PASSWORD_USER} scram-sha-256\nlocal all all trust\n")
        options = (
            f"-k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        done = self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stderr}{self.log()}")
        self.sql(f"CREATE ROLE {PASSWORD_USER} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")
        return self

    def log(self) -> str:
        path = self.folder / "log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def url(self, database: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        who = user or self.user
        if password is not None:
            who += f":{password}"
        return f"postgresql://{who}@/{database}?host={self.folder}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)

    def new_database(self, template: str = "template0") -> str:
        """A fresh database's URL: empty, or a copy of ``template``."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
