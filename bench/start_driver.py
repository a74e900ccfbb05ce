"""``python -m bench.start_driver bare|grid [--db PATH]``: one cold start, as a user's starts it.

Prints ``READY <max rss KiB> <stamps>``: wall-clock stamps of this code running, the app made,
its first screen mounted, and the home screen showing the community's figures (for the bare
app: its Static mounted), then the peak memory once the app has settled. GridApp is made by
``gridtui.tui.launch``, as the ``gridtui`` command makes it: home's figures are read from the
moment it begins, while Textual is imported. Nothing here imports Textual before that.

With ``BENCH_STRETCHED`` (``salt:key`` in hex, computed by the bench beforehand) an encrypted
database's passphrase is not stretched again: that salt's stretch hands back the key at once,
so the start is timed without its unlock, which the bench reports on its own line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import time

SIZE = (120, 40)


STRETCHED = "BENCH_STRETCHED"


def stretch_known() -> None:
    """The stretch of the passphrase file's passphrase over the bench's salt, made instant."""
    from gridtui.core import unlock

    salt, key = (bytes.fromhex(part) for part in os.environ[STRETCHED].split(":"))
    phrase = unlock.passphrase_from_file(None)
    real = unlock.stretch

    def known(passphrase: str, given_salt: bytes) -> bytes:
        return key if (passphrase, given_salt) == (phrase, salt) else real(passphrase, given_salt)

    unlock.stretch = known


async def start(kind: str, db: str | None) -> None:
    stamps = [time.time()]
    if os.environ.get(STRETCHED):
        stretch_known()
    if kind == "bare":
        from bench.tui_driver import BareApp, bare_ready

        app, ready = BareApp(), bare_ready
    else:
        from gridtui.tui import launch

        app = launch(db_path=db)
        from bench.tui_driver import grid_ready as ready
    stamps.append(time.time())
    from bench.tui_driver import wait_for

    async with app.run_test(headless=True, size=SIZE) as pilot:
        await wait_for(lambda: app.screen.is_mounted and app.screen.region.height > 0)
        stamps.append(time.time())
        await wait_for(lambda: ready(app))
        stamps.append(time.time())
        # memory once the app has settled: the database open and home's own reads done
        await app.workers.wait_for_complete()
        await pilot.pause()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"READY {rss} " + " ".join(f"{s:.6f}" for s in stamps), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("bare", "grid"))
    parser.add_argument("--db")
    args = parser.parse_args()
    asyncio.run(start(args.kind, args.db))


if __name__ == "__main__":
    main()
