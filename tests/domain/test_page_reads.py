"""What the reads behind a start and a keystroke touch: on an encrypted database every page
read from disk is decrypted and checked, so a query that walks a whole table where an index
would do costs that table in decryptions on every call."""

from __future__ import annotations

from gridtui.core.models import database
from gridtui.domain import walk


def plans(call) -> list[str]:
    """The query plan of every SELECT ``call`` runs on this thread's connection."""
    conn = database.connection()
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    return [
        " / ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        for sql in seen
        if sql.lstrip().upper().startswith("SELECT")
    ]


def test_shop_revisits_come_through_the_campaigns_index_not_every_visit(demo_db):
    found = plans(lambda: walk.SHOPS.revisits_due(limit=8))
    visits = [plan for plan in found if " v USING" in plan or "SCAN v" in plan]
    assert visits and all("SCAN v" not in plan for plan in visits), found
    assert any("visit_campaign_id_business_id_visited_at" in plan for plan in visits), found
