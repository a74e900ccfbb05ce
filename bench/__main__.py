"""``python -m bench --scale 1.0``: build (or reuse) the community, measure, print one table."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from bench.community import ROOT, community
from bench.measure import Bench
from bench.table import render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="demo community scale (1.0 = 5,969 households)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=5, help="runs of each side for the medians (default 5)")
    parser.add_argument(
        "--hub-communities",
        default="1,5",
        help="street sizes the hub lines import (default 1,5; the issue's 20 at --hub-scale 1 takes tens of minutes)",
    )
    parser.add_argument(
        "--hub-scale", type=float, default=0.2, help="each community's scale on the hub lines (default 0.2)"
    )
    parser.add_argument(
        "--steps", default="", help="only these steps, comma-separated (e.g. hub or search,sync; default every step)"
    )
    args = parser.parse_args(argv)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    began = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    db = community(args.scale, args.seed, say)
    with tempfile.TemporaryDirectory(prefix="gridtui-bench-") as work:
        bench = Bench(db, args.scale, args.seed, args.runs, Path(work), say)
        bench.hub_counts = [int(n) for n in args.hub_communities.split(",") if n.strip()]
        bench.hub_scale = args.hub_scale
        try:
            rows = bench.rows([s.strip() for s in args.steps.split(",") if s.strip()])
        finally:
            bench.close()
    header = (
        f"gridtui bench: scale {args.scale:g} (seed {args.seed}), {args.runs} run{'s' if args.runs != 1 else ''} a side, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.perf_counter() - began:.0f} s"
    )
    print(render(rows, header))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
