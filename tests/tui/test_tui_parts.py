"""The parts: bindings carry ids and translated tooltips, strings exist in both languages,
CJK columns line up by cell width, and the paged list reads only the pages it shows."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult

from gridtui.i18n import catalog
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.paged_list import PagedList

TUI = Path(__file__).resolve().parents[2] / "gridtui" / "tui"
STRINGS = catalog()  # the merged catalog: NAV lines of other areas bring their own strings
MODULES = [
    "gridtui.tui.app",
    "gridtui.tui.screens.home",
    "gridtui.tui.screens.walk",
    "gridtui.tui.screens.visit",
    "gridtui.tui.screens.search",
    "gridtui.tui.screens.household",
    "gridtui.tui.screens.dialogs",
    "gridtui.tui.widgets.paged_list",
    "gridtui.tui.widgets.checklist",
]


def own_bindings():
    from textual.dom import DOMNode

    for name in MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, DOMNode) and value.__module__ == name:
                for binding in value.__dict__.get("BINDINGS", []):
                    yield value.__name__, binding


def test_every_binding_has_an_id_and_a_tooltip_in_both_languages():
    seen = list(own_bindings())
    assert len(seen) > 40
    for owner, binding in seen:
        assert binding.id, (owner, binding.key)
        for key in (binding.description, binding.tooltip):
            assert key in STRINGS, (owner, binding.id, key)
            assert STRINGS[key]["zh"] and STRINGS[key]["en"], key


def test_every_string_the_screens_use_is_in_the_catalog_in_both_languages():
    used = set()
    for path in TUI.rglob("*.py"):
        if path.name in ("dashboard.py", "reports.py", "needs.py"):  # other areas keep their own strings
            continue
        used |= set(re.findall(r'\bt\("((?:tui|nav)\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert len(used) > 50
    missing = sorted(k for k in used if k not in STRINGS or not all(STRINGS[k].get(lang) for lang in ("zh", "en")))
    assert not missing


def test_columns_line_up_by_cell_width_with_chinese_text():
    lines = [
        columns.row([("凤飞园1栋1单元101", 24), ("张爱琴", 10), (3, 4), ("已完成", 8)]),
        columns.row([("Block 3-2-501", 24), ("Li", 10), (12, 4), ("done", 8)]),
        columns.row([("九天庄园十二栋三单元一千零一号特别长的地址", 24), ("欧阳娜娜娜", 10), (1, 4), ("无人", 8)]),
    ]
    widths = {cell_len(line.plain) for line in lines}
    assert widths == {24 + 10 + 4 + 8 + 3}
    starts = {
        cell_len(line.plain[: line.plain.index(name)]) for line, name in zip(lines, ("张", "Li", "欧"), strict=True)
    }
    assert starts == {25}


class ListApp(App):
    def __init__(self, total: int) -> None:
        super().__init__()
        self.total, self.fetched = total, []

    def compose(self) -> ComposeResult:
        yield PagedList(self.fetch, lambda: self.total, render=lambda n: columns.row([(f"row {n}", 20)]), id="rows")

    def fetch(self, offset: int, limit: int) -> list[int]:
        self.fetched.append(offset)
        return list(range(offset, min(offset + limit, self.total)))


@pytest.mark.parametrize("total", [0, 7, 60_000])
async def test_paged_list_reads_only_the_pages_it_shows(total):
    app = ListApp(total)
    async with app.run_test(size=(40, 12)) as pilot:
        rows = app.query_one(PagedList)
        rows.reload()
        rows.focus()
        await pilot.pause()
        assert app.fetched == ([0] if total else [])
        if not total:
            return
        await pilot.press("end")
        await pilot.pause()
        assert rows.cursor == total - 1 and rows.current == total - 1
        assert len(app.fetched) <= 3  # the first page, the last page, maybe the one before it
        await pilot.press("up", "home")
        await pilot.pause()
        assert rows.cursor == 0 and 0 in app.fetched


def test_the_first_screen_imports_nothing_heavy():
    """Start-up cost: the app and its home screen load without peewee, pypinyin or openpyxl
    (the database is opened by a thread once the app runs)."""
    import subprocess
    import sys

    code = (
        "import sys, gridtui.tui.app, gridtui.tui.screens.home; "
        "print(sorted(m for m in ('peewee', 'pypinyin', 'openpyxl', 'stdnum') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
