"""``python -m tests.reliability.kill_driver N -- GRIDTUI ARGS``: the real CLI, SIGKILLed by
itself at its Nth row written (INSERT), so a test can stop a write at an exact point mid-way.

The only addition to gridtui is an SQLite trace callback on the connection the command opens;
every statement still runs through gridtui's own code.
"""

from __future__ import annotations

import os
import signal
import sys

from gridtui.core import db as core_db


def arm(nth: int) -> None:
    real_open = core_db.open_database

    def open_and_arm(*args, **kwargs):
        database = real_open(*args, **kwargs)
        written = 0

        def trace(sql: str) -> None:
            nonlocal written
            if sql.lstrip().upper().startswith("INSERT"):
                written += 1
                if written >= nth:
                    os.kill(os.getpid(), signal.SIGKILL)

        database.connection().set_trace_callback(trace)
        return database

    core_db.open_database = open_and_arm


if __name__ == "__main__":
    split = sys.argv.index("--")
    arm(int(sys.argv[1]))
    from gridtui.cli import main

    raise SystemExit(main(sys.argv[split + 1 :]))
