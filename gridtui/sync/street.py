"""A street of demo communities in one database: ``gridtui demo --communities N``.

Each community is made as its office would make it, in an office database of its own (the demo
community under another name and seed), and handed to the street's database the way a real
office hands it to the hub: cards exchanged, ``export --to`` the hub, one ``import`` of every
office's bundle. So a demo street is built through the very path twenty real offices take.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from gridtui.core.db import close_database, mark_street_hub, open_database
from gridtui.domain import demo, places
from gridtui.sync import keys, transfer

STREET = "湖滨路街道"
NAMES = (
    ("湖光社区", "Huguang"),
    ("天河社区", "Tianhe"),
    ("凤鸣社区", "Fengming"),
    ("翠竹社区", "Cuizhu"),
    ("文昌社区", "Wenchang"),
    ("桃源社区", "Taoyuan"),
    ("新华社区", "Xinhua"),
    ("金桥社区", "Jinqiao"),
    ("松柏社区", "Songbai"),
    ("紫荆社区", "Zijing"),
    ("长青社区", "Changqing"),
    ("锦绣社区", "Jinxiu"),
    ("春晖社区", "Chunhui"),
    ("丽水社区", "Lishui"),
    ("东升社区", "Dongsheng"),
    ("和平社区", "Heping"),
    ("明珠社区", "Mingzhu"),
    ("龙泉社区", "Longquan"),
    ("南苑社区", "Nanyuan"),
    ("北辰社区", "Beichen"),
)


def community_names(n: int) -> tuple[str, str, str]:
    """The n-th community of the demo street (0: the demo's own 湖光社区)."""
    if n < len(NAMES):
        zh, en = NAMES[n]
        return zh, f"{en} Community", STREET
    return f"第{n + 1}社区", f"Community {n + 1}", STREET


def offices(
    count: int,
    folder: Path,
    *,
    seed: int,
    scale: float,
    today: date | None,
    say: Callable[[str], None] = lambda _s: None,
) -> list[Path]:
    """``count`` office databases, each a demo community, their cards beside them."""
    made = []
    for n in range(count):
        path = folder / f"office-{n + 1:02d}.db"
        open_database(path)
        say(community_names(n)[0])
        demo.generate(seed=seed + n, scale=scale, today=today, community=community_names(n))
        places.own_identity()  # as its office does before it first sends to a hub
        keys.rename(f"office-{n + 1:02d}")
        _card(path)
        close_database()
        made.append(path)
    return made


def bundles_for(hub_card: Path, office_dbs: list[Path], folder: Path) -> list[Path]:
    """Every office trusts the hub and exports to it (taking its community's own id)."""
    out = []
    for path in office_dbs:
        open_database(path)
        hub = keys.trust(hub_card)
        bundle = folder / f"{path.stem}.bundle"
        transfer.export_bundle(bundle, to=[hub.id])
        close_database()
        out.append(bundle)
    return out


def build(
    target: str | Path,
    count: int,
    *,
    seed: int = 2026,
    scale: float = 1.0,
    today: date | None = None,
    say: Callable[[str], None] = lambda _s: None,
) -> dict:
    """Fill ``target`` (a hub's URL, or a file) with a street of ``count`` demo communities."""
    with tempfile.TemporaryDirectory(prefix="gridtui-street-") as tmp:
        folder = Path(tmp)
        open_database(target)
        mark_street_hub()
        keys.rename("hub")
        hub_card = _card(None, folder / "hub.card")
        close_database()
        office_dbs = offices(count, folder, seed=seed, scale=scale, today=today, say=say)
        bundles = bundles_for(hub_card, office_dbs, folder)
        open_database(target)
        for path in office_dbs:
            keys.trust(path.with_suffix(".card"))
        summary = transfer.import_bundles(bundles)
    return summary.as_dict()


def _card(db_path: Path | None, out: Path | None = None) -> Path:
    if out is None:
        assert db_path is not None
        out = db_path.with_suffix(".card")
    out.write_text(json.dumps(keys.make_card(keys.ensure_identity())), encoding="utf-8")
    return out
