"""The demo community: 湖光社区 at the article's real scale, deterministic for a seed.

At scale 1.0: 21 compounds, 19 grids, 69 buildings, 5,969 households, 18,000+ residents with
family structures, fictitious ID numbers with valid check digits, 17 resident units, 344
individual businesses, 16 co-building units, 810 in-service party members, 287 party-member
volunteers in 3 teams, every register kind, a year of visits, needs in every status, resources.

The community is built the way a real office builds one, through the very domain functions the
commands call: ``community set`` (places.set_community), ``grid add`` and ``grid assign``, the
roster import's placement (domain.roster.Roster), ``units add``, ``business add``, ``volunteers
add``, ``pair add``, ``needs add`` and every move of a need, ``collective open/meeting/close``,
``resources add``. Nothing here writes a row of its own, except the campaigns, visits and
answers (their own section below, kept apart for the campaigns' checklists to replace). New
rows take their ids from the seed (:func:`gridtui.core.ids.id_source`), so the same seed gives
the same community.

Dates are laid out around ``today`` so the home screen has revisits due and needs overdue on the
day the demo is made.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from gridtui.core import catalogs, store
from gridtui.core.catalogs import read_data
from gridtui.core.db import DEMO_MARK, meta_set
from gridtui.core.ids import id_source, stable_id, uuid7
from gridtui.core.models import Answer, Household, Synced, Visit, database, live
from gridtui.errors import GridError
from gridtui.forms import builtin

if TYPE_CHECKING:  # both imported where used: the demo's start stays light
    from gridtui.domain.campaigns import CampaignInfo
    from gridtui.forms.model import Form, FormState, Item

__all__ = [
    "DUE_HOURS",
    "FULL",
    "NEED_FLOW",
    "NEED_STATUS_WEIGHTS",
    "Progress",
    "REGION_CODES",
    "SOURCES",
    "WORKER_NOTES",
    "generate",
    "is_empty",
]

FULL = {
    "compounds": 21,
    "grids": 19,
    "buildings": 69,
    "households": 5969,
    "resident_units": 17,
    "businesses": 344,
    "cobuilding_units": 16,
    "in_service_party": 810,
    "party_volunteers": 287,
    "needs": 640,
}
REGION_CODES = ("410402", "410403", "410404", "410411", "410421", "410422", "410423", "410425")
NEED_FLOW = ("open", "assigned", "in_progress", "done", "followed_up", "closed")
NEED_STATUS_WEIGHTS = (16, 12, 12, 10, 10, 40)
SOURCES = (("visit", 40), ("phone", 20), ("platform", 15), ("hotline", 10), ("walk_in", 10), ("meeting", 5))
WORKER_NOTES = ("", "", "", "家中整洁", "老人精神状态好", "已加入楼栋微信群", "提醒注意燃气安全", "子女在外地工作")
DUE_HOURS = {"urgent": 24, "high": 72, "normal": 168, "low": 336}
"""The shipped defaults, fixed here so the demo does not depend on the machine's config file."""

Progress = Callable[[str], None]


def _range(constraint: str) -> tuple[float, float]:
    """The bounds a demo number is drawn from: a form's ". >= a and . <= b", else 0 to 10."""
    found = re.search(r">=\s*(-?[\d.]+).*<=\s*(-?[\d.]+)", constraint or "")
    return (float(found.group(1)), float(found.group(2))) if found else (0.0, 10.0)


def _scaled(n: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(n * scale))


class _Ids:
    """Deterministic UUIDv7s: time-ordered like real ones, reproducible for a seed."""

    def __init__(self, rng: random.Random, base: datetime) -> None:
        self.rng = rng
        self.ms = int(base.timestamp() * 1000)

    def __call__(self, at: datetime | None = None) -> str:
        ms = int(at.timestamp() * 1000) if at else self.ms
        self.ms += 1
        return uuid7(ms, self.rng.randbytes(10))


def is_empty() -> bool:
    return not Household.select().where(live(Household)).exists()


COMMUNITY = ("湖光社区", "Huguang Community", "湖滨路街道")
"""The demo community's name, English name and street office (湖光社区 of the article)."""


def generate(
    seed: int = 2026,
    scale: float = 1.0,
    today: date | None = None,
    progress: Progress | None = None,
    community: tuple[str, str, str] = COMMUNITY,
) -> dict[str, int]:
    """Fill the open, empty database with the demo community; returns row counts per table.
    ``community``: another community's names (a street of them is made one by one)."""
    if not 0 < scale <= 5:
        raise GridError("demo.bad_scale", scale=scale)
    if not is_empty():
        raise GridError("demo.not_empty")
    made = _Demo(seed, scale, today or date.today(), progress or (lambda _s: None))
    made.community = community
    counts = made.run()
    meta_set(DEMO_MARK, str(seed))  # home says this community is the demo's (its people made up)
    return counts


class _Demo:
    community = COMMUNITY

    def __init__(self, seed: int, scale: float, today: date, progress: Progress) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.scale = scale
        self.today = today
        self.say = progress
        self.names: dict[str, list[Any]] = read_data("demo_names")
        self.new_id = _Ids(self.rng, datetime.combine(today - timedelta(days=400), time(9)))
        self.counts: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------------------------
    def when(self, days_ago_min: int, days_ago_max: int) -> datetime:
        day = self.today - timedelta(days=self.rng.randint(days_ago_min, days_ago_max))
        return datetime.combine(day, time(self.rng.randint(8, 17), self.rng.randint(0, 59)))

    def surname(self) -> str:
        if not hasattr(self, "_surnames"):
            self._surnames: list[str] = [s for s, _ in self.names["surnames"]]
            self._weights: list[float] = [w for _, w in self.names["surnames"]]
        return self.rng.choices(self._surnames, self._weights)[0]

    def given(self, sex: str) -> str:
        pool: list[str] = self.names["given_male"] if sex == "M" else self.names["given_female"]
        first = self.rng.choice(pool)
        if self.rng.random() < 0.25:
            return first
        neutral: list[str] = self.names["given_neutral"]
        return first + self.rng.choice(pool + neutral)

    def full_name(self) -> str:
        return self.surname() + self.given(self.rng.choice("MF"))

    def id_number(self, born: date, sex: str) -> str:
        from stdnum.cn import ric

        order = self.rng.randint(0, 499) * 2 + (1 if sex == "M" else 0)
        body = f"{self.rng.choice(REGION_CODES)}{born:%Y%m%d}{order:03d}"
        return body + ric.calc_check_digit(body + "0")

    def mobile(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randint(0, 999_999_999):09d}"

    def person(self, surname: str, sex: str, age: int) -> dict[str, Any]:
        born = self.today - timedelta(days=age * 365 + self.rng.randint(0, 364))
        return {
            "name": surname + self.given(sex),
            "sex": sex,
            "birth_date": born,
            "id_number": self.id_number(born, sex),
            "phone": self.mobile() if 16 <= age <= 80 and self.rng.random() < 0.9 else "",
        }

    # -- the community ---------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        with store.transaction(), id_source(self.new_id):
            self.places()
            self.people()
            self.organizations()
            self.volunteers()
            self.campaigns_and_visits()
            self.needs()
            self.resources()
        return self.count_rows()

    def count_rows(self) -> dict[str, int]:
        """Rows per table, as the demo command reports them."""
        from gridtui.core.models import SYNCED_MODELS

        counts = {m._meta.table_name: m.select().count() for m in SYNCED_MODELS}
        return {table: n for table, n in counts.items() if n}

    def places(self) -> None:
        """The community and its grids (``community set``, ``grid add``); its compounds, buildings
        and households come with the people, as a roster brings them."""
        from gridtui.domain import places

        self.say("places")
        s = self.scale
        places.set_community(*self.community)
        n_compounds = min(_scaled(FULL["compounds"], s), len(self.names["compounds"]))
        self.compound_names = self.names["compounds"][:n_compounds]
        self.grids = []
        for i in range(_scaled(FULL["grids"], s)):
            code = f"{i + 1:02d}"
            places.add_grid(code, f"第{i + 1}网格", self.full_name(), self.mobile())
            self.grids.append({"code": code, "id": places.find_grid(code).id})

        n_grids = len(self.grids)
        n_buildings = max(_scaled(FULL["buildings"], s), n_compounds)
        # Every compound has at least one building; the larger first compounds get more.
        per_compound = [1] * n_compounds
        for _ in range(n_buildings - n_compounds):
            per_compound[
                self.rng.choices(range(n_compounds), [n_compounds - i + 3 for i in range(n_compounds)])[0]
            ] += 1
        sizes = self._split(_scaled(FULL["households"], s), n_buildings)
        self.households: list[dict[str, Any]] = []
        self.building_grids: dict[str, list[str]] = {}  # grid code -> buildings (as 凤飞园3栋)
        walk = 0
        for ci, count in enumerate(per_compound):
            compound = self.compound_names[ci]
            for number in range(1, count + 1):
                target = sizes[walk]
                grid = self.grids[min(walk * n_grids // n_buildings, n_grids - 1)]
                self.building_grids.setdefault(grid["code"], []).append(f"{compound['zh']}{number}栋")
                walk += 1
                units = 2 if target < 60 else 3 if target < 120 else 4
                floors = max(1, -(-target // (units * 2)))
                made = 0
                for unit in range(1, units + 1):
                    for floor in range(1, floors + 1):
                        for door in (1, 2):
                            if made >= target:
                                break
                            made += 1
                            self.households.append(
                                {
                                    "compound": compound["zh"],
                                    "building": str(number),
                                    "unit": unit,
                                    "floor": floor,
                                    "door": f"{floor}{door:02d}",
                                    "_grid": grid["id"],
                                }
                            )

    def _split(self, total: int, parts: int) -> list[int]:
        weights = [self.rng.uniform(0.6, 1.4) for _ in range(parts)]
        sizes = [max(1, int(total * w / sum(weights))) for w in weights]
        i = 0
        while sum(sizes) != total:
            step = 1 if sum(sizes) < total else -1
            if sizes[i % parts] + step >= 1:
                sizes[i % parts] += step
            i += 1
        return sizes

    def people(self) -> None:
        """Families (elderly alone, empty nests, young couples, three generations, left-behind
        children) placed as a roster places them, then the buildings drawn into grids."""
        from gridtui.domain import places
        from gridtui.domain.roster import Roster

        self.say("people")
        rng = self.rng
        families = [self.family(hh) for hh in self.households]
        # The article's 张爱琴 lives in 九天庄园 (she likes the community's public classes).
        jiutian = next((i for i, h in enumerate(self.households) if h["compound"] == "九天庄园"), None)
        if jiutian is not None:
            families[jiutian][0].update(self.person("张", "F", 67), name="张爱琴")
        # 双报到: in-service party members who live here report to the community.
        adults = [m for members in families for m in members if not m["registers"] and 23 <= self.age(m) <= 58]
        rng.shuffle(adults)
        self.in_service = adults[: _scaled(FULL["in_service_party"], self.scale)]
        for m in self.in_service:
            m["registers"].append(("party_in_service", self.since()))
        roster = Roster()
        self.residents: dict[str, list[dict[str, Any]]] = {}  # household id -> its people
        for hh, members in zip(self.households, families, strict=True):
            hh["id"] = roster.household(hh)
            for m in members:
                m["id"] = roster.place({**hh, **{k: v for k, v in m.items() if not k.startswith("_")}})
                m["household"] = hh["id"]
            self.residents[hh["id"]] = members
        roster.flush()
        for grid, buildings in self.building_grids.items():
            places.assign_buildings(grid, buildings)
        self.party = [
            m for members in families for m in members if any(k.startswith("party") for k, _ in m["registers"])
        ]

    def family(self, hh: dict[str, Any]) -> list[dict[str, Any]]:
        """One household's people (as roster rows: name, ID, relation, registers...)."""
        rng = self.rng
        shape = rng.choices(
            (
                "alone_old",
                "alone_young",
                "couple_old",
                "couple_young",
                "family3",
                "family4",
                "three_gen",
                "left_behind",
            ),
            (7, 3, 14, 6, 30, 21, 15, 4),
        )[0]
        surname = self.surname()
        if shape == "alone_old":
            members = [("head", rng.choice("MFF"), rng.randint(70, 92))]
        elif shape == "alone_young":
            members = [("head", rng.choice("MF"), rng.randint(22, 40))]
        elif shape in ("couple_old", "couple_young"):
            age = rng.randint(62, 85) if shape == "couple_old" else rng.randint(24, 38)
            members = [("head", "M", age), ("spouse", "F", age - rng.randint(0, 5 if shape == "couple_old" else 4))]
        elif shape in ("family3", "family4", "three_gen"):
            age = rng.randint(30, 52)
            members = [("head", "M", age), ("spouse", "F", age - rng.randint(0, 4))]
            for _ in range(1 if shape == "family3" else 2):
                members.append(("child", rng.choice("MF"), rng.randint(1, max(1, age - 24))))
            if shape == "three_gen":
                members.append(("parent", rng.choice("MF"), age + rng.randint(24, 32)))
        else:  # grandparents raising a grandchild while the parents work away
            age = rng.randint(58, 75)
            members = [
                ("head", "M", age),
                ("spouse", "F", age - rng.randint(0, 4)),
                ("grandchild", rng.choice("MF"), rng.randint(4, 15)),
            ]
        people = []
        for relation, sex, age in members:
            person = self.person(surname if relation in ("head", "child", "grandchild") else self.surname(), sex, age)
            registers = []
            if age >= 23 and rng.random() < 0.1:
                kind = "party_retired_cadre" if age >= 62 and rng.random() < 0.4 else "party_registered"
                if age < 45 and rng.random() < 0.08:
                    kind = "party_floating"
                registers.append((kind, self.since()))
            if age >= 55 and rng.random() < 0.22:
                registers.append(("chronic_illness", self.since()))
                hh["_chronic"] = True
            if rng.random() < 0.015:
                registers.append(("disabled", self.since()))
            if shape == "left_behind" and relation == "grandchild":
                registers.append(("left_behind_child", self.since()))
            people.append({**person, "relation": relation, "registers": registers})
        head = people[0]["registers"]
        if shape == "alone_old":
            head.append(("elderly_alone", self.since()))
        if shape == "couple_old" and rng.random() < 0.6:
            head.append(("empty_nest", self.since()))
        if rng.random() < 0.025 or (shape == "alone_old" and rng.random() < 0.1):
            head.append(("hardship", self.since()))  # a household's register, written through its head's row
            hh["_hardship"] = True
            if rng.random() < 0.4:
                head.append(("subsistence", self.since()))
        hh["_shape"] = shape
        hh["_size"] = len(members)
        hh["_children"] = sum(1 for _, _, a in members if a < 18)
        return people

    def since(self) -> date:
        return self.today - timedelta(days=self.rng.randint(30, 3000))

    def age(self, resident: dict[str, Any]) -> int:
        born: date = resident["birth_date"]
        return (self.today - born).days // 365

    @property
    def hardship(self) -> list[dict[str, Any]]:
        return [h for h in self.households if h.get("_hardship")]

    @property
    def elderly_alone(self) -> list[dict[str, Any]]:
        return [h for h in self.households if h["_shape"] == "alone_old"]

    @property
    def with_children(self) -> list[dict[str, Any]]:
        return [h for h in self.households if h["_children"]]

    @property
    def chronic(self) -> list[dict[str, Any]]:
        return [h for h in self.households if h.get("_chronic")]

    def organizations(self) -> None:
        """The partner units (``units add``) and the shops (``business add``)."""
        from gridtui.domain import business_list, resources

        self.say("organizations")
        rng = self.rng
        self.orgs = []
        for u in self.names["cobuilding_units"][: _scaled(FULL["cobuilding_units"], self.scale)]:
            contact = self.full_name()
            self.orgs.append(
                {
                    "contact": contact,
                    "id": resources.add_unit(
                        "cobuilding",
                        u["zh"],
                        name_en=u["en"],
                        contact=contact,
                        phone=self.mobile(),
                        agreement_date=self.today - timedelta(days=rng.randint(60, 900)),
                        projects=u.get("projects", []),
                    ),
                }
            )
        for u in self.names["resident_units"][: _scaled(FULL["resident_units"], self.scale)]:
            contact = self.full_name()
            self.orgs.append(
                {
                    "contact": contact,
                    "id": resources.add_unit(
                        "resident_unit", u["zh"], name_en=u["en"], contact=contact, phone=self.mobile()
                    ),
                }
            )
        for u in self.names["social_orgs"]:
            contact = self.full_name()
            self.orgs.append(
                {
                    "contact": contact,
                    "id": resources.add_unit(
                        "social_org",
                        u["zh"],
                        name_en=u["en"],
                        contact=contact,
                        phone=self.mobile(),
                        members=u.get("members", 20),
                    ),
                }
            )

        kinds = self.names["business_kinds"]
        flour = next(k for k in kinds if k["key"] == "flour_mill")
        streets = self.names["streets"]
        self.businesses = []
        for i in range(_scaled(FULL["businesses"], self.scale)):
            kind = flour if i < 8 else rng.choice(kinds)
            owner = self.full_name()
            self.businesses.append(
                {
                    "owner_name": owner,
                    "id": business_list.add_business(
                        rng.choice(self.names["business_prefixes"]) + rng.choice(kind["name_suffixes"]),
                        kind["key"],
                        food=bool(kind.get("food")),
                        owner_name=owner,
                        phone=self.mobile(),
                        address=f"{rng.choice(streets)['zh']}{rng.randint(1, 300)}号",
                        license_no=f"92410400MA{i:04d}{rng.randint(0, 9999):04d}",
                        grid=rng.choice(self.grids)["id"],
                    ),
                }
            )

    def volunteers(self) -> None:
        """810 in-service party members (双报到) and 287 party-member volunteers in the 3 teams
        (``volunteers add``), and 一带多帮 pairings (``pair add``)."""
        from gridtui.domain import volunteers

        self.say("volunteers")
        rng = self.rng
        teams = catalogs.teams()
        volunteers.ensure_teams()
        members = [m for m in self.party if self.age(m) <= 75 and m not in self.in_service]
        rng.shuffle(members)
        n_service = len(self.in_service)
        work_units = self.names["work_units"]
        self.volunteer_rows: list[dict[str, Any]] = []
        for i, person in enumerate(self.in_service + members[: _scaled(FULL["party_volunteers"], self.scale)]):
            in_service = i < n_service
            team = None if in_service and rng.random() < 0.7 else teams[i % len(teams)]
            skills = rng.sample(team["skills"], k=min(2, len(team["skills"]))) if team else []
            vid = volunteers.register_volunteer(
                person["name"],
                phone=person["phone"] or self.mobile(),
                id_number=person["id_number"],
                kind="in_service_party" if in_service else "party_volunteer",
                resident_id=person["id"],
                work_unit=rng.choice(work_units)["zh"] if in_service else "",
                team_id=stable_id("team", team["key"]) if team else None,
                available=rng.random() < 0.85,
                availability=rng.choice(("工作日晚上", "周末", "随时", "工作日白天", "周末上午")),
                skills=skills,
            )
            self.volunteer_rows.append({"id": vid, "team": team["key"] if team else None})
        helpers = [v for v in self.volunteer_rows[n_service:]] or self.volunteer_rows
        for i, hh in enumerate(self.hardship + self.elderly_alone[: len(self.hardship)]):
            volunteers.pair(
                helpers[(i // 4) % len(helpers)]["id"],
                hh["id"],
                since=self.today - timedelta(days=rng.randint(10, 700)),
            )

    # =============================================================================================
    # Campaigns, visits and answers: a year of them, written in the store's batch mode.
    # =============================================================================================
    def put(self, model: type[Synced], rows: list[dict[str, Any]], check: bool = True) -> None:
        self.counts[model._meta.table_name] = self.counts.get(model._meta.table_name, 0) + len(rows)
        store.bulk_create(model, rows, check=check)

    # -- campaigns and a year of visits ----------------------------------------------------------
    #
    # The campaigns are made from the shipped XLSForm workbooks exactly as `gridtui campaign new`
    # makes them (campaigns.create_from_workbook), their targets read back through the scope
    # query, and a year of visits answered in each form, skip logic included.

    def campaigns_and_visits(self) -> None:
        from gridtui.domain import campaigns
        from gridtui.domain.campaigns import Scope

        self.say("visits")
        year = self.today.year
        households = {h["id"]: h for h in self.households}
        businesses = {b["id"]: b for b in self.businesses}
        # (form, name, name_en, target, started days ago, ended days ago, active, scope, share done)
        plan = [
            (
                "door_to_door",
                f"{year - 1}年大走访",
                f"Door-to-door visits {year - 1}",
                "household",
                330,
                250,
                False,
                Scope(),
                0.95,
            ),
            ("door_to_door", f"{year}年大走访", f"Door-to-door visits {year}", "household", 60, 0, True, Scope(), 0.55),
            (
                "drowning_prevention",
                "防溺水致家长的一封信",
                "Drowning-prevention letter",
                "household",
                150,
                120,
                True,
                Scope(ages=(0, 16)),
                0.9,
            ),
            (
                "chronic_followup",
                "慢病随访",
                "Chronic-disease follow-up",
                "household",
                90,
                0,
                True,
                Scope(registers=("chronic_illness",)),
                0.6,
            ),
            (
                "business_safety",
                "个体工商户食品与消防安全检查",
                "Business food and fire safety checks",
                "business",
                40,
                0,
                True,
                Scope(),
                0.7,
            ),
        ]
        visits: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []
        self.active_door = None
        # Their own random stream: what the campaigns draw does not shift the sections after them.
        self.visit_rng = random.Random(f"{self.seed}:campaigns")
        self.visit_id = _Ids(self.visit_rng, datetime.combine(self.today - timedelta(days=400), time(9)))
        for key, name, name_en, target, start_ago, end_ago, active, scope, share in plan:
            cid = campaigns.create_from_workbook(
                builtin.workbook(key),
                id=self.visit_id(),
                name=name,
                name_en=name_en,
                target=target,
                scope=scope,
                starts=self.today - timedelta(days=start_ago),
                activate=active,
                today=self.today,
                ends=None if active else self.today - timedelta(days=end_ago),
            )
            self.counts["campaign"] = self.counts.get("campaign", 0) + 1
            if key == "door_to_door" and active:
                self.active_door = cid
            info = campaigns.campaign(cid)
            found = campaigns.targets(info, today=self.today)
            pool = businesses if target == "business" else households
            chosen = [pool[r[0]] for r in database.execute_sql(f"SELECT t.id {found.sql} ORDER BY t.id", found.params)]
            self._visits(info, chosen, share, start_ago, end_ago, visits, answers)
        self.put(Visit, visits)
        self.put(Answer, answers, check=False)  # made by form.clean below, in the form they answer
        self.visits = visits

    def _visits(
        self,
        info: CampaignInfo,
        targets: list[dict[str, Any]],
        share: float,
        start_ago: int,
        end_ago: int,
        visits: list[dict[str, Any]],
        answers: list[dict[str, Any]],
    ) -> None:
        from gridtui.core.stored_forms import form_of_version
        from gridtui.forms.model import FormState

        rng = self.visit_rng
        form = form_of_version(info.form_id)
        for target in targets:
            roll = rng.random()
            if roll > share + 0.12:
                continue  # not visited yet
            at = self._when(end_ago, start_ago)
            base = {info.target: target["id"], "campaign": info.id, "form": info.form_id, "worker": "demo"}
            if roll > share:
                outcome = rng.choices(("nobody_home", "refused", "moved_away"), (80, 15, 5))[0]
                revisit = (at.date() + timedelta(days=3)) if outcome == "nobody_home" else None
                if revisit and end_ago == 0:
                    revisit = self.today + timedelta(days=rng.randint(-4, 2))
                visits.append(
                    {**base, "id": self.visit_id(at), "visited_at": at, "outcome": outcome, "revisit_due": revisit}
                )
                continue
            if rng.random() < 0.1:  # nobody home first, done on the revisit
                first = at - timedelta(days=3)
                visits.append(
                    {
                        **base,
                        "id": self.visit_id(first),
                        "visited_at": first,
                        "outcome": "nobody_home",
                        "revisit_due": at.date(),
                    }
                )
            vid = self.visit_id(at)
            visits.append({**base, "id": vid, "visited_at": at, "outcome": "done", "note": rng.choice(WORKER_NOTES)})
            state = FormState(form, {}, at.date())
            for item in form.items:
                if not item.answered or not state.shown(item):
                    continue
                value = self._answer(form, state, item, target, at)
                if value is None:
                    continue
                value = form.clean(item, value)
                state.set(item.name, value)
                answers.append(
                    {
                        "id": self.visit_id(at),
                        "visit": vid,
                        "item": f"{form.key}:{item.name}",
                        "value": value,
                        "answered_at": at,
                    }
                )

    def _when(self, days_ago_min: int, days_ago_max: int) -> datetime:
        day = self.today - timedelta(days=self.visit_rng.randint(days_ago_min, days_ago_max))
        return datetime.combine(day, time(self.visit_rng.randint(8, 17), self.visit_rng.randint(0, 59)))

    def _answer(self, form: Form, state: FormState, item: Item, target: dict[str, Any], at: datetime) -> Any:
        rng = self.visit_rng
        if not state.required.get(item.name) and rng.random() < 0.45:
            return None
        kind = item.type
        if kind in ("select_one", "select_multiple"):
            choices = [c.name for c in state.choices(item)]
            if not choices:
                return None
            if kind == "select_one":
                return choices[0] if rng.random() < 0.75 else rng.choice(choices)
            return rng.sample(choices, k=rng.randint(1, min(2, len(choices))))
        if kind in ("integer", "decimal"):
            if item.name == "residents_present":
                return target.get("_size", 1)
            if item.name == "children_count":
                return target.get("_children", 0)
            low, high = _range(item.constraint)
            value = low + (high - low) * rng.uniform(0.25, 0.5)
            return int(value) if kind == "integer" else round(value, 1)
        if kind == "date":
            return (at.date() + timedelta(days=rng.randint(14, 90))).isoformat()
        return rng.choice(("情况良好", "已告知注意事项", "子女每周来看望", "需要再次上门"))

    # -- needs, dispatch, collective issues ------------------------------------------------------
    def needs(self) -> None:
        """Needs in every status (``needs add`` and every move), the article's collective issues
        (``collective open/meeting/close``)."""
        from gridtui.domain import collective, dispatch, needs

        self.say("needs")
        rng = self.rng
        items = catalogs.need_items()
        volunteers = [v["id"] for v in self.volunteer_rows if v["team"]] or [v["id"] for v in self.volunteer_rows]
        issues = self._collectives()
        shared = [(item, issue) for item, issue in issues.items() for _ in range(3)]  # each issue: 3 needs at least
        by_key = {i["key"]: i for i in items}
        n = _scaled(FULL["needs"], self.scale, minimum=max(len(NEED_FLOW) * 3, len(shared)))
        for i in range(n):
            status = (
                NEED_FLOW[i % len(NEED_FLOW)]
                if i < len(NEED_FLOW) * 3
                else rng.choices(NEED_FLOW, NEED_STATUS_WEIGHTS)[0]
            )
            hh = (
                rng.choice(self.hardship + self.elderly_alone + self.households)
                if rng.random() < 0.5
                else rng.choice(self.households)
            )
            item = by_key[shared[i][0]] if i < len(shared) else rng.choice(items)
            at = self.when(1, 200) if status in ("closed", "followed_up") else self.when(0, 30)
            issue = shared[i][1] if i < len(shared) else issues.get(item["key"]) if rng.random() < 0.7 else None
            if issue in self.done_on and at.date() >= self.done_on[issue]:
                if i < len(shared):  # raised before the shared work was finished
                    at = datetime.combine(self.done_on[issue] - timedelta(days=rng.randint(20, 40)), at.time())
                else:
                    issue = None  # raised after the shared work was finished: a need of its own
            need = needs.open_need(
                hh["id"],
                item["key"],
                resident_id=rng.choice(self.residents[hh["id"]])["id"],
                source=rng.choices(*zip(*SOURCES, strict=True))[0],
                actor="demo",
                at=at,
                due_hours=DUE_HOURS,
                collective_id=issue,
            )
            volunteer = rng.choice(volunteers)
            for step in NEED_FLOW[1 : NEED_FLOW.index(status) + 1]:
                at = at + timedelta(hours=rng.randint(2, 60))
                if step == "assigned":
                    assignment = dispatch.assign(need, volunteer, actor="demo", at=at)
                elif step == "in_progress":
                    needs.start(need, actor="demo", at=at)
                elif step == "done":
                    dispatch.record_outcome(
                        assignment, rng.choice((0.5, 1, 1.5, 2, 3)), actor="demo", at=at, on=at.date()
                    )
                elif step == "followed_up":
                    choices = (
                        ("satisfied", "basically") if status == "closed" else ("satisfied", "basically", "unsatisfied")
                    )
                    needs.follow_up(
                        need,
                        rng.choices(choices, (80, 17, 3)[: len(choices)])[0],
                        actor="demo",
                        at=at,
                        due_hours=DUE_HOURS,
                    )
                else:
                    needs.close(need, actor="demo", at=at)
        for issue, done in self.done_on.items():
            collective.complete(issue, done, actor="demo", at=datetime.combine(done, time(17)))

    def _collectives(self) -> dict[str, str]:
        """The article's shared problems: 凤飞园 parking (27 spaces, 25 days from meeting to done)
        and others. Returns need item -> issue; the done ones are closed once their needs are in."""
        from gridtui.domain import collective, places

        names = [c["zh"] for c in self.compound_names]
        meeting = self.today - timedelta(days=130)
        rows = [
            (
                "home_environment.parking",
                "凤飞园停车位改造",
                names[0],
                meeting,
                meeting + timedelta(days=25),
                "改造现有停车位，增加车位27个",
                "业委会、业主代表、党员居民志愿者、共建单位",
            ),
            (
                "home_environment.roof_leak",
                "凤舞园屋顶漏水维修",
                names[min(1, len(names) - 1)],
                self.today - timedelta(days=80),
                self.today - timedelta(days=52),
                "统一做屋面防水",
                "业委会、物业公司、楼栋长",
            ),
            (
                "home_environment.greenery_oil_drip",
                "九天庄园绿植滴油治理",
                names[min(2, len(names) - 1)],
                self.today - timedelta(days=20),
                None,
                "更换树种并清洗路面",
                "物业公司、园林单位、居民代表",
            ),
            ("home_environment.heating_insufficient", "供暖不足协调", names[-1], None, None, "", ""),
        ]
        found: dict[str, str] = {}
        self.done_on: dict[str, date] = {}
        for item, title, compound, met, done, decision, attendees in rows:
            issue = collective.create_issue(title, compound_id=places.find_compound(compound))
            if met:
                collective.record_meeting(issue, met, attendees, decision)
            if done:
                self.done_on[issue] = done
            found[item] = issue
        return found

    def resources(self) -> None:
        """What the units and a tenth of the shops offer (``resources add``)."""
        from gridtui.domain import resources

        self.say("resources")
        rng = self.rng
        items = catalogs.resource_items()
        for org in self.orgs:
            provider = resources.provider_of_unit(org["id"])
            for item in rng.sample(items, k=rng.randint(2, 4)):
                resources.add_resource(
                    item["key"],
                    provider,
                    organization_id=org["id"],
                    capacity=rng.randint(1, 30),
                    availability=rng.choice(("周末", "工作日", "每月一次", "预约")),
                    contact=org["contact"],
                )
        for biz in self.businesses[: max(1, len(self.businesses) // 10)]:
            resources.add_resource(
                rng.choice(items)["key"],
                "business",
                business_id=biz["id"],
                capacity=rng.randint(1, 10),
                availability="营业时间",
                contact=biz["owner_name"],
            )
