"""``python -m tests.reliability.report_driver LIMIT ignore|die -- GRIDTUI ARGS``: the real CLI
with a file size limit (RLIMIT_FSIZE, LIMIT bytes) set the moment a report's file is opened, so
the kernel refuses every write past LIMIT from then on: like a disk that fills up mid-report.

``ignore``: the refused write fails with EFBIG, as on a full disk. ``die``: the kernel's
SIGXFSZ kills the process at that write, mid-report. The database is opened and read before
the limit is set, so only the report's own writes (and openpyxl's scratch files) meet it.
"""

from __future__ import annotations

import resource
import signal
import sys
from contextlib import contextmanager

from gridtui.io import outfile


def arm(limit: int, die: bool) -> None:
    real = outfile.replacing

    @contextmanager
    def limited(path):
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL if die else signal.SIG_IGN)  # Python ignores it
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        with real(path) as out:
            yield out

    outfile.replacing = limited


if __name__ == "__main__":
    split = sys.argv.index("--")
    arm(int(sys.argv[1]), sys.argv[2] == "die")
    from gridtui.cli import main

    raise SystemExit(main(sys.argv[split + 1 :]))
