"""Communities' offices hand their bundles to one hub, and the hub's campaigns go back down:
the same merge on a SQLite hub and on PostgreSQL."""

from __future__ import annotations

from datetime import date

from gridtui.core import store
from gridtui.core.models import Campaign, Community, Conflict, Grid, Household
from gridtui.domain import campaigns, places, stats, walk
from gridtui.forms import builtin

from .conftest import TODAY, dump, make_site, trust_each_other


def test_two_communities_meet_in_the_hub_and_stay_two(town, tmp_path):
    hub, (a, b) = town
    bundles = [a.export(tmp_path / "a.bundle", hub), b.export(tmp_path / "b.bundle", hub)]
    summary = hub.import_(*bundles)
    assert summary.conflicts == 0 and summary.new > 0
    hub.become()
    names = sorted(c.name for c in Community.select().where(Community.deleted == False))  # noqa: E712
    assert names == ["天河社区", "湖光社区"]
    grids = sorted((g.community_id, g.code) for g in Grid.select().where(Grid.deleted == False))  # noqa: E712
    assert len({code for _c, code in grids}) < len(grids)  # the same codes, once in each community
    result = stats.stats(today=TODAY)
    assert [c["households"] for c in result["communities"]] and sum(
        c["households"] for c in result["communities"]
    ) == result["households"]


def test_importing_twice_or_in_another_order_ends_alike(town, tmp_path, new_database):
    hub, (a, b) = town
    other = make_site("hub2", new_database("hub2"), tmp_path, hub=True)
    trust_each_other(other, a, b)
    first, second = a.export(tmp_path / "a.bundle", hub, other), b.export(tmp_path / "b.bundle", hub, other)
    hub.import_(first, second)
    again = hub.import_(second, first)
    assert again.new == 0 and again.updated == 0 and again.conflicts == 0
    hub.become()
    state = dump()
    other.import_(second)
    other.import_(first)
    other.become()
    assert dump() == state


def test_a_campaign_made_at_the_hub_reaches_one_communitys_laptop_and_no_other_community(town, tmp_path):
    hub, (a, b) = town
    hub.import_(a.export(tmp_path / "a.bundle", hub), b.export(tmp_path / "b.bundle", hub))
    hub.become()
    campaign = Campaign.get_by_id(
        campaigns.create_from_workbook(
            builtin.workbook("drowning_prevention"),
            name="暑期防溺水",
            name_en="Summer drowning prevention",
            starts=date(2026, 7, 1),
            activate=True,
            today=TODAY,
        )
    )
    covered = campaigns.coverage(campaign.id, TODAY)
    street = Household.select().where((Household.deleted == False) & (Household.status == "active"))  # noqa: E712
    assert sum(r.total for r in covered) == street.count()  # the whole street
    first = Grid.select().where(Grid.deleted == False).order_by(Grid.community, Grid.code).first()  # noqa: E712
    assert walk.HOUSEHOLDS.page(campaign.id, grid_id=first.id, limit=5)  # one grid's walk list on the hub
    b_households = {h.id for h in _households_of(b)}
    laptop = make_site("laptop-a1", tmp_path / "laptop-a1.db", tmp_path)
    trust_each_other(laptop, a)
    a.import_(hub.export(tmp_path / "down.bundle", a))
    a.become()
    assert Campaign.get_or_none(Campaign.id == campaign.id) is not None
    assert not b_households & {h.id for h in Household.select(Household.id)}
    laptop.import_(a.export(tmp_path / "to-laptop.bundle", laptop))
    laptop.become()
    assert Campaign.get_by_id(campaign.id).name == "暑期防溺水"
    assert len(places.communities()) == 1


def _households_of(site):
    site.become()
    return list(Household.select(Household.id))


def test_an_edit_at_the_hub_and_one_at_the_office_of_the_same_field_are_a_conflict_on_both(town, tmp_path):
    hub, (a, b) = town
    hub.import_(a.export(tmp_path / "a.bundle", hub))
    a.become()
    household = Household.select().where(Household.deleted == False).first()  # noqa: E712
    store.update(Household, household.id, note="办公室：已核实")
    hub.become()
    store.update(Household, household.id, note="街道：待复查")
    summary = hub.import_(a.export(tmp_path / "a2.bundle", hub))
    assert summary.conflicts == 1
    a.import_(hub.export(tmp_path / "down.bundle", a))
    a.become()
    office = (Household.get_by_id(household.id).note, _open_conflicts())
    hub.become()
    assert (Household.get_by_id(household.id).note, _open_conflicts()) == office
    assert len(office[1]) == 1 and office[1][0][1] == "note"


def _open_conflicts():
    return sorted(Conflict.select(Conflict.target_id, Conflict.target_field).where(Conflict.status == "open").tuples())
