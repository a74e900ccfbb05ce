"""The demo community: 湖光社区 at the article's real scale, deterministic for a seed.

At scale 1.0: 21 compounds, 19 grids, 69 buildings, 5,969 households, 18,000+ residents with
family structures, fictitious ID numbers with valid check digits, 17 resident units, 344
individual businesses, 16 co-building units, 810 in-service party members, 287 party-member
volunteers in 3 teams, every register kind, a year of visits, needs in every status, resources.

Everything is written through the store's batch mode, so demo rows are stamped and synced like
any other. Dates are laid out around ``today`` so the home screen has revisits due and needs
overdue on the day the demo is made.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from gridtui.core import catalogs, store
from gridtui.core.catalogs import read_data
from gridtui.core.ids import stable_id, uuid7
from gridtui.core.models import (
    Answer,
    Assignment,
    Building,
    Business,
    CollectiveIssue,
    Community,
    Compound,
    Grid,
    Household,
    Need,
    NeedEvent,
    Organization,
    Pairing,
    RegisterEntry,
    Resident,
    Resource,
    ServiceLog,
    Synced,
    Team,
    Visit,
    Volunteer,
    VolunteerSkill,
    database,
)
from gridtui.errors import GridError
from gridtui.forms import builtin

FULL = {
    "compounds": 21, "grids": 19, "buildings": 69, "households": 5969, "resident_units": 17,
    "businesses": 344, "cobuilding_units": 16, "in_service_party": 810, "party_volunteers": 287,
    "needs": 640,
}
REGION_CODES = ("410402", "410403", "410404", "410411", "410421", "410422", "410423", "410425")
NEED_FLOW = ("open", "assigned", "in_progress", "done", "followed_up", "closed")
NEED_STATUS_WEIGHTS = (16, 12, 12, 10, 10, 40)
SOURCES = (("visit", 45), ("phone", 20), ("platform", 20), ("walk_in", 10), ("meeting", 5))
WORKER_NOTES = ("", "", "", "家中整洁", "老人精神状态好", "已加入楼栋微信群", "提醒注意燃气安全", "子女在外地工作")

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
    return not Household.select().where(Household.deleted == False).exists()  # noqa: E712


def generate(
    seed: int = 2026, scale: float = 1.0, today: date | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Fill the open, empty database with the demo community; returns row counts per table."""
    if not 0 < scale <= 5:
        raise GridError("demo.bad_scale", scale=scale)
    if not is_empty():
        raise GridError("demo.not_empty")
    return _Demo(seed, scale, today or date.today(), progress or (lambda _s: None)).run()


class _Demo:
    def __init__(self, seed: int, scale: float, today: date, progress: Progress) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.scale = scale
        self.today = today
        self.say = progress
        self.names = read_data("demo_names")
        self.new_id = _Ids(self.rng, datetime.combine(today - timedelta(days=400), time(9)))
        self.counts: dict[str, int] = {}
        self._seq_ids: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------------------------
    def put(self, model: type[Synced], rows: list[dict[str, Any]], check: bool = True) -> None:
        self.counts[model._meta.table_name] = self.counts.get(model._meta.table_name, 0) + len(rows)
        store.bulk_create(model, rows, check=check)

    def when(self, days_ago_min: int, days_ago_max: int) -> datetime:
        day = self.today - timedelta(days=self.rng.randint(days_ago_min, days_ago_max))
        return datetime.combine(day, time(self.rng.randint(8, 17), self.rng.randint(0, 59)))

    def surname(self) -> str:
        if not hasattr(self, "_surnames"):
            self._surnames = [s for s, _ in self.names["surnames"]]
            self._weights = [w for _, w in self.names["surnames"]]
        return self.rng.choices(self._surnames, self._weights)[0]

    def given(self, sex: str) -> str:
        pool = self.names["given_male"] if sex == "M" else self.names["given_female"]
        first = self.rng.choice(pool)
        if self.rng.random() < 0.25:
            return first
        return first + self.rng.choice(pool + self.names["given_neutral"])

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
            "name": surname + self.given(sex), "sex": sex, "birth_date": born,
            "id_number": self.id_number(born, sex),
            "phone": self.mobile() if 16 <= age <= 80 and self.rng.random() < 0.9 else "",
        }

    # -- the community ---------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        with store.transaction():
            self.places()
            self.people()
            self.organizations()
            self.volunteers()
            self.put(RegisterEntry, self.register_entries)
            self.campaigns_and_visits()
            self.needs()
            self.resources()
        return self.counts

    def places(self) -> None:
        self.say("places")
        s = self.scale
        from gridtui.domain.places import COMMUNITY_ID

        self.community = COMMUNITY_ID
        self.put(Community, [{"id": self.community, "name": "湖光社区", "name_en": "Huguang Community",
                              "subdistrict": "湖滨路街道"}])
        n_compounds = min(_scaled(FULL["compounds"], s), len(self.names["compounds"]))
        compounds = []
        for c in self.names["compounds"][:n_compounds]:
            compounds.append({"id": self.new_id(), "community": self.community, "name": c["zh"], "name_en": c["en"]})
        self.put(Compound, compounds)
        self.compounds = compounds

        n_grids = _scaled(FULL["grids"], s)
        grids = []
        for i in range(n_grids):
            worker = self.surname() + self.given(self.rng.choice("MF"))
            grids.append({"id": self.new_id(), "community": self.community, "code": f"{i + 1:02d}",
                          "name": f"第{i + 1}网格", "worker_name": worker, "worker_phone": self.mobile()})
        self.put(Grid, grids)
        self.grids = grids

        n_buildings = max(_scaled(FULL["buildings"], s), n_compounds)
        # Every compound has at least one building; the larger first compounds get more.
        per_compound = [1] * n_compounds
        for _ in range(n_buildings - n_compounds):
            per_compound[self.rng.choices(range(n_compounds), [n_compounds - i + 3 for i in range(n_compounds)])[0]] += 1
        n_households = _scaled(FULL["households"], s)
        sizes = self._split(n_households, n_buildings)
        buildings, households = [], []
        walk = 0
        for ci, count in enumerate(per_compound):
            compound = compounds[ci]
            for number in range(1, count + 1):
                target = sizes[walk]
                grid = grids[min(walk * n_grids // n_buildings, n_grids - 1)]
                units = 2 if target < 60 else 3 if target < 120 else 4
                floors = max(1, -(-target // (units * 2)))
                bid = self.new_id()
                walk += 1
                buildings.append({"id": bid, "compound": compound["id"], "grid": grid["id"], "number": str(number),
                                  "units": units, "floors": floors, "walk_order": walk})
                made = 0
                for unit in range(1, units + 1):
                    for floor in range(1, floors + 1):
                        for door in (1, 2):
                            if made >= target:
                                break
                            made += 1
                            door_no = f"{floor}{door:02d}"
                            households.append({
                                "id": self.new_id(), "building": bid, "unit": unit, "floor": floor, "door": door_no,
                                "address": f"{compound['name']}{number}栋{unit}单元{door_no}",
                                "addr_key": f"{number}-{unit}-{door_no}", "_grid": grid["id"],
                            })
        self.put(Building, buildings)
        self.households = households
        self.put(Household, [{k: v for k, v in h.items() if not k.startswith("_")} for h in households])

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
        """Families: elderly alone, empty nests, young couples, three generations, left-behind children."""
        self.say("people")
        rng = self.rng
        residents, entries = [], []
        self.elderly_alone, self.hardship, self.with_children, self.chronic = [], [], [], []
        self.party_residents: list[dict] = []
        shapes = (("alone_old", 7), ("alone_young", 3), ("couple_old", 14), ("couple_young", 6),
                  ("family3", 30), ("family4", 21), ("three_gen", 15), ("left_behind", 4))
        names, weights = zip(*shapes, strict=True)
        for hh in self.households:
            shape = rng.choices(names, weights)[0]
            surname = self.surname()
            members: list[tuple[str, str, int]] = []  # relation, sex, age
            if shape == "alone_old":
                members = [("head", rng.choice("MFF"), rng.randint(70, 92))]
            elif shape == "alone_young":
                members = [("head", rng.choice("MF"), rng.randint(22, 40))]
            elif shape == "couple_old":
                age = rng.randint(62, 85)
                members = [("head", "M", age), ("spouse", "F", age - rng.randint(0, 5))]
            elif shape == "couple_young":
                age = rng.randint(24, 38)
                members = [("head", "M", age), ("spouse", "F", age - rng.randint(0, 4))]
            elif shape in ("family3", "family4", "three_gen"):
                age = rng.randint(30, 52)
                members = [("head", "M", age), ("spouse", "F", age - rng.randint(0, 4))]
                for _ in range(1 if shape == "family3" else 2):
                    members.append(("child", rng.choice("MF"), rng.randint(1, max(1, age - 24))))
                if shape == "three_gen":
                    members.append(("parent", rng.choice("MF"), age + rng.randint(24, 32)))
            else:  # grandparents raising a grandchild while the parents work away
                age = rng.randint(58, 75)
                members = [("head", "M", age), ("spouse", "F", age - rng.randint(0, 4)),
                           ("grandchild", rng.choice("MF"), rng.randint(4, 15))]
            ids = []
            for relation, sex, age in members:
                person = self.person(surname if relation in ("head", "child", "grandchild") else self.surname(), sex, age)
                rid = self.new_id()
                party = age >= 23 and rng.random() < 0.1
                row = {"id": rid, "household": hh["id"], "relation": relation, "is_head": relation == "head",
                       "party_member": party, **person}
                residents.append(row)
                ids.append((rid, age, relation))
                if party:
                    self.party_residents.append(row)
                    kind = "party_retired_cadre" if age >= 62 and rng.random() < 0.4 else "party_registered"
                    if age < 45 and rng.random() < 0.08:
                        kind = "party_floating"
                    entries.append(self._entry(kind, resident=rid))
                if age >= 55 and rng.random() < 0.22:
                    entries.append(self._entry("chronic_illness", resident=rid))
                    self.chronic.append(hh)
                if rng.random() < 0.015:
                    entries.append(self._entry("disabled", resident=rid))
                if shape == "left_behind" and relation == "grandchild":
                    entries.append(self._entry("left_behind_child", resident=rid))
            hh["_size"] = len(members)
            hh["_children"] = sum(1 for _, _, a in members if a < 18)
            if hh["_children"]:
                self.with_children.append(hh)
            if shape == "alone_old":
                entries.append(self._entry("elderly_alone", resident=ids[0][0]))
                self.elderly_alone.append(hh)
            if shape == "couple_old" and rng.random() < 0.6:
                entries.append(self._entry("empty_nest", resident=ids[0][0]))
            if rng.random() < 0.025 or (shape == "alone_old" and rng.random() < 0.1):
                entries.append(self._entry("hardship", household=hh["id"]))
                self.hardship.append(hh)
                if rng.random() < 0.4:
                    entries.append(self._entry("subsistence", household=hh["id"]))
        # The article's 张爱琴 lives in 九天庄园 (she likes the community's public classes).
        jiutian = next((h["id"] for h in self.households if h["address"].startswith("九天庄园")), None)
        head = next((r for r in residents if r["household"] == jiutian and r["is_head"]), None)
        if head is not None:
            head.update(self.person("张", "F", 67), name="张爱琴")
        # 双报到: in-service party members who live here report to the community.
        adults = [r for r in residents if not r["party_member"] and 23 <= self.age(r) <= 58]
        rng.shuffle(adults)
        self.in_service = adults[: _scaled(FULL["in_service_party"], self.scale)]
        for r in self.in_service:
            r["party_member"] = True
            entries.append(self._entry("party_in_service", resident=r["id"]))
        self.put(Resident, residents)
        self.residents = residents
        self.register_entries = entries

    def age(self, resident: dict) -> int:
        return (self.today - resident["birth_date"]).days // 365

    def _entry(self, kind: str, resident: str | None = None, household: str | None = None) -> dict:
        return {"id": self.new_id(), "kind": kind, "resident": resident, "household": household,
                "since": self.today - timedelta(days=self.rng.randint(30, 3000))}

    def organizations(self) -> None:
        self.say("organizations")
        rng = self.rng
        orgs = []
        for u in self.names["cobuilding_units"][: _scaled(FULL["cobuilding_units"], self.scale)]:
            orgs.append({"id": self.new_id(), "kind": "cobuilding", "name": u["zh"], "name_en": u["en"],
                         "contact": self.surname() + self.given(rng.choice("MF")), "phone": self.mobile(),
                         "agreement_date": self.today - timedelta(days=rng.randint(60, 900)),
                         "projects": u.get("projects", [])})
        for u in self.names["resident_units"][: _scaled(FULL["resident_units"], self.scale)]:
            orgs.append({"id": self.new_id(), "kind": "resident_unit", "name": u["zh"], "name_en": u["en"],
                         "contact": self.surname() + self.given(rng.choice("MF")), "phone": self.mobile()})
        for u in self.names["social_orgs"]:
            orgs.append({"id": self.new_id(), "kind": "social_org", "name": u["zh"], "name_en": u["en"],
                         "members": u.get("members", 20),
                         "contact": self.surname() + self.given(rng.choice("MF")), "phone": self.mobile()})
        self.put(Organization, orgs)
        self.orgs = orgs

        kinds = self.names["business_kinds"]
        n = _scaled(FULL["businesses"], self.scale)
        flour = next(k for k in kinds if k["key"] == "flour_mill")
        streets = self.names["streets"]
        businesses = []
        for i in range(n):
            kind = flour if i < min(8, n) else rng.choice(kinds)
            grid = rng.choice(self.grids)
            businesses.append({
                "id": self.new_id(), "kind": kind["key"], "food": bool(kind.get("food")),
                "name": rng.choice(self.names["business_prefixes"]) + rng.choice(kind["name_suffixes"]),
                "owner_name": self.surname() + self.given(rng.choice("MF")), "phone": self.mobile(),
                "address": f"{rng.choice(streets)['zh']}{rng.randint(1, 300)}号",
                "license_no": f"92410400MA{rng.randint(0, 99_999_999):08d}", "grid": grid["id"],
            })
        self.put(Business, businesses)
        self.businesses = businesses

    def volunteers(self) -> None:
        """810 in-service party members (双报到) and 287 party-member volunteers in the 3 teams."""
        self.say("volunteers")
        rng = self.rng
        teams = catalogs.teams()
        self.put(Team, [{"id": stable_id("team", t["key"]), "key": t["key"], "name": t["zh"], "name_en": t["en"]}
                        for t in teams])
        n_team = _scaled(FULL["party_volunteers"], self.scale)
        members = [r for r in self.party_residents if self.age(r) <= 75]
        rng.shuffle(members)
        n_service = len(self.in_service)
        volunteers, skills = [], []
        work_units = self.names["work_units"]
        for i, person in enumerate(self.in_service + members[:n_team]):
            vid = self.new_id()
            in_service = i < n_service
            team = None if in_service and rng.random() < 0.7 else teams[i % len(teams)]
            volunteers.append({
                "id": vid, "resident": person["id"], "name": person["name"],
                "phone": person["phone"] or self.mobile(),
                "kind": "in_service_party" if in_service else "party_volunteer",
                "work_unit": rng.choice(work_units)["zh"] if in_service else "",
                "team": stable_id("team", team["key"]) if team else None,
                "available": rng.random() < 0.85,
                "availability": rng.choice(("工作日晚上", "周末", "随时", "工作日白天", "周末上午")),
                "_household": person["household"], "_team": team["key"] if team else None,
            })
            for item in rng.sample(team["skills"], k=min(2, len(team["skills"]))) if team else []:
                skills.append({"id": self.new_id(), "volunteer": vid, "item": item})
        self.put(Volunteer, [{k: v for k, v in row.items() if not k.startswith("_")} for row in volunteers])
        self.put(VolunteerSkill, skills)
        self.volunteer_rows = volunteers
        # 一带多帮: party members each paired with a few households in difficulty.
        pairings = []
        helpers = [v for v in volunteers if v["kind"] == "party_volunteer"] or volunteers
        for i, hh in enumerate(self.hardship + self.elderly_alone[: len(self.hardship)]):
            pairings.append({"id": self.new_id(), "volunteer": helpers[(i // 4) % len(helpers)]["id"],
                             "household": hh["id"], "since": self.today - timedelta(days=rng.randint(10, 700))})
        self.put(Pairing, pairings)

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
            ("door_to_door", f"{year - 1}年大走访", f"Door-to-door visits {year - 1}", "household", 330, 250, False,
             Scope(), 0.95),
            ("door_to_door", f"{year}年大走访", f"Door-to-door visits {year}", "household", 60, 0, True, Scope(), 0.55),
            ("drowning_prevention", "防溺水致家长的一封信", "Drowning-prevention letter", "household", 150, 120, True,
             Scope(ages=(0, 16)), 0.9),
            ("chronic_followup", "慢病随访", "Chronic-disease follow-up", "household", 90, 0, True,
             Scope(registers=("chronic_illness",)), 0.6),
            ("business_safety", "个体工商户食品与消防安全检查", "Business food and fire safety checks", "business",
             40, 0, True, Scope(), 0.7),
        ]
        visits: list[dict] = []
        answers: list[dict] = []
        self.active_door = None
        # Their own random stream: what the campaigns draw does not shift the sections after them.
        self.visit_rng = random.Random(f"{self.seed}:campaigns")
        self.visit_id = _Ids(self.visit_rng, datetime.combine(self.today - timedelta(days=400), time(9)))
        for key, name, name_en, target, start_ago, end_ago, active, scope, share in plan:
            cid = campaigns.create_from_workbook(
                builtin.workbook(key), id=self.visit_id(), name=name, name_en=name_en, target=target, scope=scope,
                starts=self.today - timedelta(days=start_ago), activate=active, today=self.today,
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

    def _visits(self, info, targets: list[dict], share: float, start_ago: int, end_ago: int,
                visits: list, answers: list) -> None:
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
                visits.append({**base, "id": self.visit_id(at), "visited_at": at, "outcome": outcome, "revisit_due": revisit})
                continue
            if rng.random() < 0.1:  # nobody home first, done on the revisit
                first = at - timedelta(days=3)
                visits.append({**base, "id": self.visit_id(first), "visited_at": first, "outcome": "nobody_home",
                               "revisit_due": at.date()})
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
                answers.append({"id": self.visit_id(at), "visit": vid, "item": f"{form.key}:{item.name}",
                                "value": value, "answered_at": at})

    def _when(self, days_ago_min: int, days_ago_max: int) -> datetime:
        day = self.today - timedelta(days=self.visit_rng.randint(days_ago_min, days_ago_max))
        return datetime.combine(day, time(self.visit_rng.randint(8, 17), self.visit_rng.randint(0, 59)))

    def _answer(self, form, state, item, target: dict, at: datetime) -> Any:
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
        """Needs in every status, each with the events, assignments and hours its status implies."""
        self.say("needs")
        rng = self.rng
        items = catalogs.need_items()
        by_household = {}
        for r in self.residents:
            by_household.setdefault(r["household"], []).append(r["id"])
        volunteers = [v for v in self.volunteer_rows if v["_team"]] or self.volunteer_rows
        due_hours = {"urgent": 24, "high": 72, "normal": 168, "low": 336}
        collectives = self._collectives()
        needs, events, assignments, hours = [], [], [], []
        n = _scaled(FULL["needs"], self.scale, minimum=len(NEED_FLOW) * 3)
        for i in range(n):
            status = NEED_FLOW[i % len(NEED_FLOW)] if i < len(NEED_FLOW) * 3 else rng.choices(NEED_FLOW, NEED_STATUS_WEIGHTS)[0]
            hh = rng.choice(self.hardship + self.elderly_alone + self.households) if rng.random() < 0.5 else rng.choice(self.households)
            item = rng.choice(items)
            opened = self.when(1, 200) if status in ("closed", "followed_up") else self.when(0, 30)
            due = opened + timedelta(hours=due_hours[item["urgency"]])
            nid = self.new_id(opened)
            step = NEED_FLOW.index(status)
            collective = None
            if item["key"] in collectives and rng.random() < 0.7:
                collective = collectives[item["key"]]
            need = {"id": nid, "household": hh["id"], "resident": rng.choice(by_household[hh["id"]]),
                    "item": item["key"], "source": rng.choices(*zip(*SOURCES, strict=True))[0],
                    "urgency": item["urgency"], "status": status, "opened_at": opened, "due_at": due,
                    "note": "", "collective": collective}
            at = opened
            events.append({"id": self.new_id(at), "need": nid, "from_status": None, "to_status": "open",
                           "at": at, "actor": "demo"})
            volunteer = rng.choice(volunteers)
            for k in range(1, step + 1):
                at = at + timedelta(hours=rng.randint(2, 60))
                events.append({"id": self.new_id(at), "need": nid, "from_status": NEED_FLOW[k - 1],
                               "to_status": NEED_FLOW[k], "at": at, "actor": "demo"})
                if NEED_FLOW[k] == "assigned":
                    assignments.append({"id": self.new_id(at), "need": nid, "volunteer": volunteer["id"],
                                        "assigned_at": at, "status": "assigned"})
                if NEED_FLOW[k] == "done":
                    spent = rng.choice((0.5, 1, 1.5, 2, 3))
                    assignments[-1].update(status="done", done_at=at, hours=spent)
                    hours.append({"id": self.new_id(at), "volunteer": volunteer["id"], "date": at.date(),
                                  "hours": spent, "need": nid, "activity": item["zh"]})
            if step >= NEED_FLOW.index("followed_up"):
                need["satisfaction"] = rng.choices(("satisfied", "basically", "unsatisfied"), (80, 17, 3))[0]
            if status == "closed":
                need["closed_at"] = at
            needs.append(need)
        self.put(Need, needs)
        self.put(NeedEvent, events)
        self.put(Assignment, assignments)
        self.put(ServiceLog, hours)

    def _collectives(self) -> dict[str, str]:
        """The article's shared problems: 凤飞园 parking (27 spaces, 25 days from meeting to done) and others."""
        compounds = self.compounds
        meeting = self.today - timedelta(days=130)
        rows = [
            ("home_environment.parking", "凤飞园停车位改造", compounds[0], meeting, meeting + timedelta(days=25),
             "改造现有停车位，增加车位27个", "业委会、业主代表、党员居民志愿者、共建单位"),
            ("home_environment.roof_leak", "凤舞园屋顶漏水维修", compounds[min(1, len(compounds) - 1)],
             self.today - timedelta(days=80), self.today - timedelta(days=52), "统一做屋面防水", "业委会、物业公司、楼栋长"),
            ("home_environment.greenery_oil_drip", "九天庄园绿植滴油治理", compounds[min(2, len(compounds) - 1)],
             self.today - timedelta(days=20), None, "更换树种并清洗路面", "物业公司、园林单位、居民代表"),
            ("home_environment.heating_insufficient", "供暖不足协调", compounds[-1], None, None, "", ""),
        ]
        found = {}
        issues = []
        for item, title, compound, met, done, decision, attendees in rows:
            cid = self.new_id()
            found[item] = cid
            issues.append({"id": cid, "title": title, "compound": compound["id"], "meeting_date": met,
                           "decision": decision, "attendees": attendees, "done_at": done,
                           "status": "done" if done else "decided" if met else "open"})
        self.put(CollectiveIssue, issues)
        return found

    def resources(self) -> None:
        self.say("resources")
        rng = self.rng
        items = catalogs.resource_items()
        rows = []
        for org in self.orgs:
            for item in rng.sample(items, k=rng.randint(2, 4)):
                rows.append({"id": self.new_id(), "item": item["key"], "provider_kind": "organization",
                             "organization": org["id"], "capacity": rng.randint(1, 30),
                             "availability": rng.choice(("周末", "工作日", "每月一次", "预约")),
                             "contact": org["contact"]})
        for biz in self.businesses[: max(1, len(self.businesses) // 10)]:
            item = rng.choice(items)
            rows.append({"id": self.new_id(), "item": item["key"], "provider_kind": "business",
                         "business": biz["id"], "capacity": rng.randint(1, 10), "availability": "营业时间",
                         "contact": biz["owner_name"]})
        self.put(Resource, rows)

