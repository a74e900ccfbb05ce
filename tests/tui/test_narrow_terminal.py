"""A narrow terminal (60×20, 80×24): checklist titles wrap under their text, lists say which
columns they left out, and notices keep every Chinese character."""

from __future__ import annotations

import re

import pytest

from gridtui.core.models import Household
from gridtui.tui.widgets.checklist import Checklist

from .tui_helpers import cursor_to, on_screen, settle

SIZES = [(60, 20), (80, 24)]


def region_lines(app, region) -> list[str]:
    """The screen's text inside ``region``, one string a line, cut by cells (not characters)."""
    strips = app.screen._compositor.render_strips()
    return [strips[y].crop(region.x, region.right).text.replace("\u00a0", " ") for y in range(region.y, region.bottom)]


async def open_first_visit(pilot):
    await settle(pilot)
    pilot.app.open_visit([Household.select().order_by(Household.id).first().id])
    await settle(pilot)
    return pilot.app.screen.query_one(Checklist)


def item_lines(app, checklist: Checklist, name: str, kind: str) -> list[str]:
    """The item's question (or answer) lines as the screen shows them, scrolled into view."""
    first, count = checklist.span(name)
    indexes = [i for i in range(first, first + count) if checklist.lines[i][0] == kind]
    view = checklist.view
    view.scroll_to(y=indexes[0], animate=False, immediate=True)
    area = view.scrollable_content_region  # without the scroll bar
    return [
        line.rstrip()
        for line in region_lines(app, area._replace(y=area.y - view.scroll_offset.y + indexes[0], height=len(indexes)))
    ]


def words(lang: str, lines: list[str]) -> str:
    """Wrapped lines put back together: Chinese joins directly, English with a space."""
    parts = [line.strip() for line in lines]
    return ("" if lang == "zh" else " ").join(p for p in parts if p)


def question_of(item) -> str:
    from gridtui.forms.model import text

    return text(item.label)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES)
async def test_a_long_question_wraps_under_its_text(make_app, size, lang):
    app = make_app(lang=lang)
    async with app.run_test(size=size) as pilot:
        checklist = await open_first_visit(pilot)
        wrapped = set()
        for item in checklist.rows:
            item_lines(app, checklist, item.name, "question")
            await pilot.pause()  # drawn where it was scrolled to
            lines = item_lines(app, checklist, item.name, "question")
            first, *rest = lines
            number = checklist.numbers[item.name]
            assert re.match(rf"^ ?{number}\. \S", first), lines  # never the number alone
            assert all(line.startswith("    ") and line[4] != " " for line in rest), lines
            assert not any(line.endswith("…") for line in lines), lines  # nothing cut
            shown = words(lang, [first[4:], *rest])
            assert shown.startswith(question_of(item)), shown
            if rest:
                wrapped.add(item.name)
        if size == (60, 20):  # the checklist is about 35 columns wide there: several questions wrap
            assert wrapped
        assert not app.errors


@pytest.mark.parametrize("size", SIZES)
async def test_a_long_choice_wraps_under_its_label(make_app, size):
    app = make_app(lang="en")
    async with app.run_test(size=size) as pilot:
        checklist = await open_first_visit(pilot)
        await cursor_to(pilot, checklist, "needs_care")
        await pilot.press("space")  # yes: the care situation's choices are asked
        await settle(pilot)
        labels = []
        for item in checklist.rows:
            if checklist.typed(item) or checklist.form.yes_no(item):
                continue
            item_lines(app, checklist, item.name, "answer")
            await pilot.pause()  # drawn where it was scrolled to
            lines = item_lines(app, checklist, item.name, "answer")
            for line in lines:  # a choice begins with its number; a long label's next line is under the label
                assert re.match(r"^    \d+\.\S", line) or re.match(r"^      \S", line), lines
                assert not line.endswith("…"), lines
            labels += re.split(r"\s+(?=\d+\.)", " ".join(line.strip() for line in lines))
        assert "3.Bedridden or unable to care for self" in labels, labels
        assert not app.errors


MARK = re.compile(r"…(?:另有(\d+)列| \+(\d+) columns?|\+(\d+))$")


def mark_count(line: str) -> int:
    """How many columns a header line says were left out (0: it says nothing)."""
    found = MARK.search(line.rstrip())
    return int(next(g for g in found.groups() if g)) if found else 0


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [*SIZES, (120, 40)])
async def test_home_says_how_many_grid_columns_a_narrow_terminal_left_out(make_app, size, lang):
    from gridtui.tui.widgets.paged_list import PagedList

    app = make_app(lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        title, names = region_lines(app, app.screen.query_one("#home-grids-title").content_region)
        grid = app.screen.query_one("#grid-list", PagedList)
        first = region_lines(app, grid.content_region)[0].rstrip()
        shown = len(names.split())
        assert mark_count(title) == 7 - shown  # 网格 名称 进度 已完成 无人 拒访 待复访, one word each
        assert title.startswith("我的网格" if lang == "zh" else "My grids")
        if size == (60, 20):  # code, name and a bar that narrowed; the done/total figure left out
            assert shown == 3 and re.fullmatch(r"01 +\S+ +[█░]+", first), first
        elif size == (80, 24):  # … up to done/total, the three counts left out
            assert shown == 4 and re.fullmatch(r"01 +\S+ +[█░]{16} \d+/\d+", first), first
        else:
            assert shown == 7 and not mark_count(title) and re.search(r"\d+/\d+ +\d+ +\d+ +\d+$", first), first


def list_screens() -> dict:
    """The lists with fixed columns, by name; "shops" is the walk list of a business campaign."""
    from gridtui.domain import visits
    from gridtui.tui.screens.needs import NeedsBoard
    from gridtui.tui.screens.residents import ResidentsScreen
    from gridtui.tui.screens.volunteers import VolunteersScreen
    from gridtui.tui.screens.walk import WalkScreen

    grid = visits.grids()[0]
    walk = lambda: WalkScreen(grid.id, None, grid.name)  # noqa: E731
    return {
        "needs": NeedsBoard,
        "residents": ResidentsScreen,
        "volunteers": VolunteersScreen,
        "households": walk,
        "shops": walk,
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES)
async def test_lists_say_how_many_columns_they_left_out_and_show_none_in_part(make_app, size, lang):
    """The header names the columns shown and counts the others; no row shows a piece of a
    column left out."""
    from gridtui.domain import campaigns
    from gridtui.tui.widgets.columns import ColumnHeader, fit, visible_width
    from gridtui.tui.widgets.paged_list import PagedList

    app = make_app(lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        left_out = {}
        for name, screen in list_screens().items():
            if name == "shops":
                app.campaign_id = next(c.id for c in campaigns.campaigns() if c.target == "business")
                await settle(pilot)
            app.push_screen(screen())
            await settle(pilot)
            header, rows = app.screen.query_one(ColumnHeader), app.screen.query_one(PagedList)
            columns, width = header.columns, visible_width(rows)
            line = region_lines(app, header.content_region)[0]
            named = [head for head, size in columns.heads if fit(head, size).strip() in line]
            tail = bool(columns.tail) and columns.tail in line
            left_out[name] = len(columns.heads) + bool(columns.tail) - len(named) - tail
            assert mark_count(line) == left_out[name], line
            shown = columns.fitted(width)
            assert len(named) == len(shown.widths), line
            if not tail:  # past the last column shown, nothing: no part of a column left out
                end = sum(shown.widths) + columns.gap * (len(shown.widths) - 1)
                area = rows.scrollable_content_region
                assert not "".join(region_lines(app, area._replace(x=area.x + end, width=width - end))).strip()
            app.pop_screen()
            await settle(pilot)
        if size == (60, 20):  # these lists hold more than 60 columns; a walk list of households fits
            assert all(left_out[name] for name in ("needs", "residents", "volunteers", "shops"))
            assert not left_out["households"]
        assert not app.errors


@pytest.mark.parametrize("size", SIZES)
async def test_a_notice_keeps_every_chinese_character(make_app, size):
    """Drawn over the visit's two panels, a notice lost the characters lying across their edges."""
    from gridtui.i18n import t

    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        checklist = await open_first_visit(pilot)
        await pilot.press(*"jjjjjj")  # the cursor low on the screen, where the notice goes
        sentence = t("tui.writes.queued")  # 另一个程序正在写入数据库（可能在导入），你的回答已记下……
        app.notify(sentence, timeout=60)
        await settle(pilot)
        toast = app.screen.query_one("Toast")
        shown = "".join(line.replace("▌", "").strip() for line in region_lines(app, toast.region))
        assert shown == sentence
        checklist = app.screen.query_one(Checklist)
        assert not toast.region.overlaps(checklist.region)  # the screen made room for it
        assert on_screen(checklist, checklist.current.name)
