"""The office's all-residents list: every present resident in address order, paged from SQLite.

A :class:`PagedList` over ``households.residents_page`` / ``residents_count``: 18,600 rows at full
scale, one page read at a time. ``r`` cycles the register (台账 or care group) the list holds,
``w`` the grid, ``x`` shows everyone again; Enter opens the resident's household. ID numbers and
phones are masked here; the household screen reveals them on its own audited key.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from gridtui.i18n import pick, t
from gridtui.tui.keys import bind
from gridtui.tui.messages import ResidentsReady
from gridtui.tui.screens.base import GridScreen
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.columns import ColumnHeader, Columns, visible_width
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import db_work

WIDTHS = (8, 4, 4, 18, 11, 24)
REGISTER_STYLE = {"ledger": "black on #87afd7", "care": "black on #d7af5f"}


def cycle(current, options: list):
    """The option after ``current``; None (everything) comes after the last."""
    choices = [None, *options]
    return choices[(choices.index(current) + 1) % len(choices)] if current in choices else None


def register_badges(keys, groups: dict[str, str]) -> Text:
    """Short register tags (党 独居 困难...) coloured by kind: office ledger or care group."""
    return columns.badges(
        [(t(f"registry.reg.{k}", default=k), REGISTER_STYLE.get(groups.get(k, ""), "reverse")) for k in keys]
    )


def residents_columns() -> Columns:
    keys = ("name", "sex", "age", "id", "phone", "address")
    return Columns(
        [(t(f"registry.res.col.{k}"), w) for k, w in zip(keys, WIDTHS, strict=True)],
        tail=t("registry.res.col.registers"),
    )


class ResidentsScreen(GridScreen):
    """Every present resident of the community, filtered by register and grid."""

    BINDINGS = [
        bind("r", "cycle_register", "residents.register"),
        bind("w", "cycle_grid", "residents.grid"),
        bind("x", "clear", "residents.clear"),
        bind("escape", "app.pop_screen", "residents.back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        from gridtui.core.catalogs import register_kinds

        self.kinds = register_kinds()
        self.groups = {k["key"]: k.get("group", "") for k in self.kinds}
        self.register: str | None = None
        self.grid_id: str | None = None
        self.grids: list = []
        self.columns = residents_columns()
        self.people = PagedList(render=self.render_row, empty=t("registry.res.empty"), id="residents-list")

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("registry.loading"), id="residents-filters", classes="screen-title", markup=False)
        yield ColumnHeader(self.columns, self.people, classes="list-header")
        yield self.people
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.grids:  # back from a household: a resident may have moved
            self.reload()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import visits

        self.post_message(ResidentsReady(visits.grids()))  # the office's list: every grid

    def on_residents_ready(self, message: ResidentsReady) -> None:
        self.grids = message.grids
        self.reload(keep_cursor=False)

    def render_row(self, row) -> Text:
        return self.columns.row(
            [
                (row.name, WIDTHS[0], "bold"),
                (t(f"registry.sex.{row.sex}", default=row.sex), WIDTHS[1]),
                (row.age if row.age is not None else "", WIDTHS[2]),
                (row.id_masked, WIDTHS[3], "dim"),
                (row.phone_masked, WIDTHS[4], "dim"),
                (row.address, WIDTHS[5]),
                register_badges(row.registers, self.groups),
            ],
            visible_width(self.people),
        )

    def reload(self, keep_cursor: bool = True) -> None:
        from gridtui.domain import households

        residents = self.query_one(PagedList)
        scope = {"register": self.register, "grid_id": self.grid_id}
        today = self.app.today
        with self.app.guarded():
            if keep_cursor:
                residents.reload()
            else:
                residents.set_source(
                    lambda offset, limit: households.residents_page(offset, limit, today=today, **scope),
                    lambda: households.residents_count(**scope),
                )
        self.query_one("#residents-filters", Static).update(self.describe(residents.count))

    def describe(self, count: int) -> Text:
        """The filters in words, then the count: what the list below is."""
        kind = next((pick(k["zh"], k["en"]) for k in self.kinds if k["key"] == self.register), None)
        grid = next((f"{g.code} {g.name}" for g in self.grids if g.id == self.grid_id), None)
        out = Text()
        for label, value in ((t("registry.res.register"), kind), (t("registry.res.grid"), grid)):
            out.append(f"{label}:", "dim")
            out.append(f"{value or t('registry.all')}  ", "bold" if value else "")
        out.append(t("registry.res.count", count=count))
        return out

    def action_cycle_register(self) -> None:
        self.register = cycle(self.register, [k["key"] for k in self.kinds])
        self.reload(keep_cursor=False)

    def action_cycle_grid(self) -> None:
        self.grid_id = cycle(self.grid_id, [g.id for g in self.grids])
        self.reload(keep_cursor=False)

    def action_clear(self) -> None:
        self.register = self.grid_id = None
        self.reload(keep_cursor=False)

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        self.app.open_household(message.row.household_id)
