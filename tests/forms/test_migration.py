"""A database of gridtui before forms (schema 3) is brought up to date when opened: its
campaigns point at their checklist as a form version, its visits record it, its yes/no answers
read "yes"/"no"; nothing else changes, and the visits can go on."""

from __future__ import annotations

import json
import sqlite3

from gridtui.core.db import SCHEMA_VERSION, close_database, open_database
from gridtui.core.legacy import LEGACY_VERSION
from gridtui.core.models import Campaign, FormVersion, Visit
from gridtui.domain import campaigns, visits

V3 = """
CREATE TABLE "checklist_template" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "zh" VARCHAR(255) NOT NULL, "en" VARCHAR(255) NOT NULL, "target" VARCHAR(255) NOT NULL, "position" INTEGER NOT NULL);
CREATE TABLE "checklist_item" ("id" VARCHAR(255) NOT NULL PRIMARY KEY, "template_id" VARCHAR(255) NOT NULL, "key" VARCHAR(255) NOT NULL, "zh" TEXT NOT NULL, "en" TEXT NOT NULL, "type" VARCHAR(255) NOT NULL, "required" INTEGER NOT NULL, "spec" TEXT NOT NULL, "position" INTEGER NOT NULL, FOREIGN KEY ("template_id") REFERENCES "checklist_template" ("key"));
CREATE TABLE "campaign" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "deleted" INTEGER NOT NULL, "origin" VARCHAR(32) NOT NULL, "stamp" VARCHAR(64) NOT NULL, "stamps" TEXT NOT NULL, "seq" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL, "name_en" VARCHAR(255) NOT NULL, "template_id" VARCHAR(255) NOT NULL, "target" VARCHAR(255) NOT NULL, "starts" DATE NOT NULL, "ends" DATE, "active" INTEGER NOT NULL, "scope" TEXT NOT NULL, FOREIGN KEY ("template_id") REFERENCES "checklist_template" ("key"));
CREATE TABLE "visit" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "deleted" INTEGER NOT NULL, "origin" VARCHAR(32) NOT NULL, "stamp" VARCHAR(64) NOT NULL, "stamps" TEXT NOT NULL, "seq" INTEGER NOT NULL, "campaign_id" VARCHAR(36) NOT NULL, "household_id" VARCHAR(36), "business_id" VARCHAR(36), "worker" VARCHAR(255) NOT NULL, "visited_at" DATETIME NOT NULL, "outcome" VARCHAR(255) NOT NULL, "revisit_due" DATE, "note" TEXT NOT NULL, FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id"), FOREIGN KEY ("household_id") REFERENCES "household" ("id"), FOREIGN KEY ("business_id") REFERENCES "business" ("id"));
CREATE TABLE "answer" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "deleted" INTEGER NOT NULL, "origin" VARCHAR(32) NOT NULL, "stamp" VARCHAR(64) NOT NULL, "stamps" TEXT NOT NULL, "seq" INTEGER NOT NULL, "visit_id" VARCHAR(36) NOT NULL, "item_id" VARCHAR(255) NOT NULL, "value" TEXT, "answered_at" DATETIME NOT NULL, FOREIGN KEY ("visit_id") REFERENCES "visit" ("id"), FOREIGN KEY ("item_id") REFERENCES "checklist_item" ("id"));
CREATE INDEX "visit_campaign_id_household_id_visited_at" ON "visit" ("campaign_id", "household_id", "visited_at");
"""


def as_version_3(path, household: str) -> str:
    """The file as gridtui 3 left it: its checklist tables, a campaign on door_to_door, a visit and
    three answers. Returns the campaign's stamp."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    origin, stamp = conn.execute("SELECT origin, stamp FROM household WHERE id = ?", (household,)).fetchone()
    for table in ("answer", "visit", "campaign", "form_version"):
        conn.execute(f'DROP TABLE "{table}"')
    conn.executescript(V3)
    conn.execute("INSERT INTO checklist_template VALUES ('door_to_door', '大走访', 'Door-to-door', 'household', 0)")
    for n, (key, kind) in enumerate(
        (("moved_in_out", "yesno"), ("residents_present", "number"), ("gas_safety", "choice"))
    ):
        conn.execute(
            "INSERT INTO checklist_item VALUES (?, 'door_to_door', ?, ?, ?, ?, 1, '{}', ?)",
            (f"door_to_door:{key}", key, key, key, kind, n),
        )
    conn.execute(
        "INSERT INTO campaign VALUES ('c3', 0, ?, ?, ?, 1, '2025年大走访', '', 'door_to_door', 'household', "
        "'2025-03-01', NULL, 1, '{}')",
        (origin, stamp, json.dumps({"template": stamp})),
    )
    conn.execute(
        "INSERT INTO visit VALUES ('v3', 0, ?, ?, '{}', 2, 'c3', ?, NULL, '王芳', '2025-03-02 10:00:00', "
        "'in_progress', NULL, '')",
        (origin, stamp, household),
    )
    for n, (item, value) in enumerate(
        (("moved_in_out", "true"), ("residents_present", "3"), ("gas_safety", '"old_hose"'))
    ):
        conn.execute(
            "INSERT INTO answer VALUES (?, 0, ?, ?, '{}', ?, 'v3', ?, ?, '2025-03-02 10:00:00')",
            (f"a{n}", origin, stamp, 3 + n, f"door_to_door:{item}", value),
        )
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    return stamp


def test_a_version_3_database_is_brought_up_to_forms(place, db_path):
    household = place["household"].id
    close_database()
    stamp = as_version_3(db_path, household)

    open_database(db_path)
    try:
        assert open_database(db_path).execute_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        campaign = Campaign.get_by_id("c3")
        version = FormVersion.get_by_id(campaign.form_id)
        assert (campaign.form_key, version.version, campaign.stamp) == ("door_to_door", LEGACY_VERSION, stamp)
        assert campaign.stamps == {"form_key": stamp} and campaign.versions == [campaign.form_id]
        assert Visit.get_by_id("v3").form_id == campaign.form_id
        assert visits.answers("v3") == {
            "door_to_door:moved_in_out": "yes",
            "door_to_door:residents_present": 3,
            "door_to_door:gas_safety": "old_hose",
        }
        tables = {
            r[0] for r in open_database(db_path).execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        assert not {"checklist_template", "checklist_item"} & tables
        indexes = {
            r[0] for r in open_database(db_path).execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert "visit_campaign_id_household_id_visited_at" not in indexes  # inside the covering one now
        assert {"visit_form_id", "resident_birth_date_household_id_status_deleted"} <= indexes
        assert open_database(db_path).execute_sql("PRAGMA foreign_key_check").fetchall() == []
        # the visit goes on, in the form its campaign is on
        visits.answer("v3", "door_to_door:needs_care", "no")
        assert visits.missing_required("v3")[0].name == "electrical_wiring"  # the old rules hold
        visits.set_outcome("v3", "nobody_home")
        assert campaigns.coverage("c3")[0].nobody_home == 1
    finally:
        close_database()
