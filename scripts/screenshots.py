"""Make the README's screenshots from the real app: ``make screenshots``.

Builds a small demo community (fixed seed, fixed day) in a temporary folder, drives GridApp
through Textual's Pilot and saves one SVG per screen in docs/screenshots/. Nothing here is
faked: each picture is what the app draws at 120x40.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from gridtui.domain import campaigns

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
TODAY = date(2026, 7, 14)
SIZE = (120, 40)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def shoot(db: Path, lang: str) -> list[Path]:
    from gridtui.core.models import Resident
    from gridtui.tui import GridApp

    app = GridApp(db_path=db, lang=lang, today=TODAY, config_path=db.with_name("none.toml"))
    saved: list[Path] = []

    def save(name: str) -> None:
        path = OUT / f"{name}-{lang}.svg"
        app.save_screenshot(path.name, str(OUT))
        saved.append(path)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        save("home")
        for _ in range(2):  # first grid, whole grid
            await pilot.press("enter")
            await settle(pilot)
        save("walk")
        await pilot.press("v")  # the households not visited yet: a visit begins at the first
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        visited = pilot.app.screen.household_id
        await pilot.press("3", "enter", "space", "j", "j", "space", "space", "j", "2", "j", "1", "j")
        await settle(pilot)
        save("visit")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*("plumb" if lang == "en" else ""))
        await settle(pilot)
        save("need")
        await pilot.press("escape", "h")
        await settle(pilot)
        person = Resident.select().where(Resident.is_head).order_by(Resident.id).first()
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*person.name_initials)
        await settle(pilot)
        save("search")
        await pilot.press("escape")
        app.open_household(visited)  # the household just visited, its answers in its history
        await settle(pilot)
        save("household")
        await pilot.press("question_mark")
        await settle(pilot)
        save("keys")
        await pilot.press("escape", "h")
        app.campaign_id = next(c.id for c in campaigns.campaigns(active_only=True) if c.target == "business")
        await settle(pilot)
        for _ in range(2):  # the first grid's shops, the first shop
            await pilot.press("enter")
            await settle(pilot)
        save("shop")
    return saved


def main() -> int:
    from gridtui.core.db import close_database, open_database
    from gridtui.domain import demo

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        open_database(db)
        demo.generate(seed=2026, scale=0.05, today=TODAY)
        close_database()
        for lang in ("zh", "en"):
            copy = db.with_name(f"{lang}.db")  # each language starts from the same community
            shutil.copy(db, copy)
            for path in asyncio.run(shoot(copy, lang)):
                print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
