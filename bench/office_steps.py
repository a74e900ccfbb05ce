"""Office reports as the office runs them, against openpyxl writing the very same cells."""

from __future__ import annotations

import pickle
import subprocess
import sys
import time
from pathlib import Path

from bench.community import ROOT, gridtui_cmd

WRITE_CELLS = r"""
import pickle, sys
from openpyxl import Workbook
book = Workbook(write_only=True)
for name, rows in pickle.loads(open(sys.argv[1], "rb").read()):
    sheet = book.create_sheet(title=name)
    for row in rows:
        sheet.append(row)
book.save(sys.argv[2])
"""
"""The baseline: a fresh Python process writing the report's own cells, sheet by sheet."""


def report(db: Path, kind: str, out: Path, env: dict[str, str]) -> float:
    """Seconds for the whole ``gridtui report KIND --out FILE.xlsx`` process."""
    out.unlink(missing_ok=True)
    began = time.perf_counter()
    done = subprocess.run(
        [*gridtui_cmd(), "--db", str(db), "report", kind, "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"gridtui report {kind}: {done.stderr.strip()}")
    return seconds


def cells_of(workbook: Path, into: Path) -> int:
    """Keep the workbook's cells for the baseline to write; returns how many rows it has."""
    from openpyxl import load_workbook

    book = load_workbook(workbook, read_only=True)
    sheets = [(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book]
    book.close()
    into.write_bytes(pickle.dumps(sheets))
    return sum(len(rows) for _, rows in sheets)


def write_cells(cells: Path, out: Path) -> float:
    out.unlink(missing_ok=True)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", WRITE_CELLS, str(cells), str(out)], check=True)
    return time.perf_counter() - began
