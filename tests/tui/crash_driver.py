"""Drive the real app in this process, answer a few items, report them, then wait to be killed.

Run by test_tui_crash.py as ``python crash_driver.py DB``: it prints one JSON line (the visit id
and the answers given) once they are saved, and then blocks until the test SIGKILLs it.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date


async def main(db_path: str) -> None:
    from gridtui.domain import walk
    from gridtui.tui import GridApp

    app = GridApp(db_path=db_path, lang="en", today=date(2026, 7, 14))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.ensure_db()
        household = walk.HOUSEHOLDS.ids(app.campaign_id, filter="not_visited", today=app.today)[0]
        app.open_visit([household])
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("4", "enter")  # people living here
        await pilot.press("space", "j")  # moved in or out: yes (so the details are asked)
        await pilot.press(*"grandson moved in", "enter")  # details
        await pilot.press("space", "space", "space", "j")  # needs care: yes, no, yes again
        await pilot.press("3")  # care situation (asked since someone needs care): bedridden
        await pilot.pause()
        print(json.dumps({"visit": app.screen.data.visit_id, "errors": [repr(e) for e in app.errors]}), flush=True)
        await asyncio.Event().wait()  # until SIGKILL


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
