"""The data model: what a community's grid work is made of.

Two kinds of table:

* **Synced** tables (:class:`Synced`) hold the community's records. Every row has a UUIDv7 id, a
  ``deleted`` tombstone, the device it came from, version stamps per field and a local change
  sequence number. ``stamp`` is the row's creation stamp and the default stamp of every field;
  ``stamps`` holds a JSON object only for fields written since (most rows never change, so most
  rows carry ``{}``). Rows are written only through :mod:`gridtui.core.store`; any other write
  raises :class:`WriteOutsideStore`.
* **Local** tables are this laptop's own: catalogs loaded from ``data/``, device identities and the
  meta key/value table (schema version lives in ``PRAGMA user_version``).
"""

from __future__ import annotations

import contextvars
import functools
import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    Expression,
    Field,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    ModelAlias,
    ModelInsert,
    ModelUpdate,
    OperationalError,
    SqliteDatabase,
    TextField,
)


class GridDatabase(SqliteDatabase):
    """Peewee's SQLite database, able to open its file through SQLite URI flags (``mode=ro``).

    ``database`` stays the plain path, since the key file and the quarantine folder are named
    after it; only the connection is made from the URI.
    """

    uri_flags = ""
    """SQLite URI parameters for every connection, e.g. ``mode=ro``; empty: read-write."""

    cipher: Any = None
    """An encrypted database's :class:`~gridtui.core.unlock.CipherKey`; None: a plain file."""

    is_hub = False

    @property
    def read_only(self) -> bool:
        return "mode=ro" in self.uri_flags

    def execute_sql(self, sql: str, params: Sequence[object] | None = None) -> sqlite3.Cursor:
        """SQLite's refusal to write a read-only file, as the one sentence users get for it
        (whichever table, the store's or a local one, the write was meant for)."""
        if self.cipher is not None and params:
            sql, params = _fixed_limit(sql, params)
        try:
            cursor: sqlite3.Cursor = super().execute_sql(sql, params)
            return cursor
        except OperationalError as exc:
            if self.read_only and "readonly" in str(exc):
                from gridtui.errors import GridError

                raise GridError("db.readonly", path=str(self.database)) from exc
            raise

    def _connect(self) -> sqlite3.Connection:
        if not self.uri_flags and self.cipher is None:
            connection: sqlite3.Connection = super()._connect()
            return connection
        driver: Any = sqlite3  # sqlite3 or SQLCipher's dbapi2 (untyped), the same interface
        if self.cipher is not None:  # only for an encrypted file: sqlcipher3 is not on every start
            from sqlcipher3 import dbapi2

            driver = dbapi2
        flags = self.uri_flags or "mode=rwc"
        uri = f"{Path(self.database).resolve().as_uri()}?{flags}"
        conn: sqlite3.Connection = driver.connect(
            uri, timeout=self._timeout, isolation_level=None, uri=True, **self.connect_params
        )
        try:
            if self.cipher is not None:  # before anything else reads the file; SQLCipher says nothing
                conn.execute("PRAGMA cipher_log_level = NONE")
                conn.execute(f"PRAGMA key = {self.cipher.pragma()}")
            self._add_conn_hooks(conn)
        except Exception:
            conn.close()
            raise
        return conn


_LIMIT_TAIL = re.compile(r" LIMIT \?( OFFSET \?)?$")
_LIMIT_NAMED = re.compile(r"\b(LIMIT|OFFSET) :(\w+)")


def _fixed_limit(sql: str, params: Sequence[object] | Mapping[str, object]) -> tuple[str, Any]:
    """A statement's bound LIMIT and OFFSET with their numbers written in.

    The SQLite inside SQLCipher reads a bound LIMIT while planning, so binding it throws the
    prepared statement away: every ``.get()`` or ``.first()`` prepared its statement anew
    (~7-30 us each, ~0.1 ms of a saved answer), and every search of a keystroke each of its
    statements (a quarter of the keystroke); written in, the statement is prepared once.
    Peewee's ``LIMIT ? [OFFSET ?]`` ends the statement, so its numbers are the last parameters;
    named ones (``LIMIT :limit``, as in a search's subquery) may stand anywhere. Only whole
    numbers are written in; anything else stays bound."""
    if isinstance(params, Mapping):
        return _fixed_named_limit(sql, params)
    found = _LIMIT_TAIL.search(sql)
    if found is None:
        return sql, params
    count = 2 if found.group(1) else 1
    numbers = list(params[-count:])
    if len(numbers) < count or any(type(n) is not int for n in numbers):
        return sql, params
    return sql[: found.start()] + " LIMIT " + " OFFSET ".join(map(str, numbers)), params[:-count]


def _fixed_named_limit(sql: str, params: Mapping[str, object]) -> tuple[str, Mapping[str, object]]:
    """:func:`_fixed_limit` for named parameters (the statement's pieces kept per statement:
    a search runs the same few statements at every keystroke)."""
    slots = _named_limit_slots(sql)
    if slots is None:
        return sql, params
    texts, words, names = slots
    numbers = [params.get(name) for name in names]
    if any(type(n) is not int for n in numbers):
        return sql, params
    written = "".join(f"{word} {n}{text}" for word, n, text in zip(words, numbers, texts[1:], strict=True))
    return texts[0] + written, {name: value for name, value in params.items() if name not in names}


@functools.lru_cache(maxsize=256)
def _named_limit_slots(sql: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None:
    """``sql`` cut at each ``LIMIT :name`` / ``OFFSET :name``: the texts between, the words and
    the names; None where there is none, or where such a name is also used elsewhere (it stays
    bound there, so it stays bound)."""
    pieces = _LIMIT_NAMED.split(sql)
    if len(pieces) == 1:
        return None
    texts, words, names = tuple(pieces[0::3]), tuple(pieces[1::3]), tuple(pieces[2::3])
    if any(name in names for text in texts for name in re.findall(r":(\w+)", text)):
        return None
    return texts, words, names


class DatabaseHandle(DatabaseProxy):
    """The one database object every model and module holds: a SQLite file (laptops and
    community offices) or, for a street office's hub, PostgreSQL (:mod:`gridtui.core.dialect`).
    :func:`gridtui.core.db.open_database` puts the right one behind it; settings made on the
    handle (``database.cipher = …``) go to that one."""

    __slots__ = ("obj", "_callbacks", "_Model")

    def __setattr__(self, attr: str, value: object) -> None:
        if attr in DatabaseHandle.__slots__:
            object.__setattr__(self, attr, value)
        else:
            setattr(self.obj, attr, value)


sqlite_database = GridDatabase(None)
database = DatabaseHandle()
database.initialize(sqlite_database)
"""Declared once, initialised by :func:`gridtui.core.db.open_database`."""

STORE_WRITING: contextvars.ContextVar[bool] = contextvars.ContextVar("store_writing", default=False)
"""True inside a write of :mod:`gridtui.core.store`, the one write path; set there only."""


class WriteOutsideStore(RuntimeError):
    """A synced table was written without going through gridtui.core.store (a programming bug)."""


class JSONField(TextField):
    """A JSON value stored as text (compact, UTF-8 kept readable)."""

    def db_value(self, value: object) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def python_value(self, value: str | None) -> Any:
        if value is None:
            return None
        return json.loads(value)


class Base(Model):
    class Meta:
        database = database
        legacy_table_names = False


def live(model: type[Synced] | ModelAlias) -> Expression:
    """The rows of ``model`` (or its alias) that are not tombstoned: deletes travel as
    ``deleted = 1`` and must be skipped by every read."""
    return model.deleted == False  # noqa: E712 - builds SQL (deleted = 0), written here once


def is_set(flag: Field) -> Expression:
    """A flag field that is set, as a condition: flags are stored 0/1 on both databases, and
    PostgreSQL takes no bare 0/1 column as a condition (SQLite does)."""
    return flag == 1


def is_unset(flag: Field) -> Expression:
    return flag == 0


M = TypeVar("M", bound="Base")


def live_row(model: type[M], row_id: str) -> M:
    """The live row with this id, or the one sentence saying it is not there (store.not_found)."""
    from gridtui.errors import GridError

    found = by_id(model, row_id)
    if found is None:
        raise GridError("store.not_found", table=model._meta.table_name, id=row_id)
    return found


_BY_ID: dict[tuple[type, bool], tuple[str, list[object], int, list[Field]]] = {}
_ID_MARK = "\x00id\x00"


def live_where(model: type[M], **equals: object) -> list[M]:
    """The live rows whose fields equal these values (e.g. ``id_number=...``), with the SQL
    built once per model and set of fields, as :func:`by_id` does."""
    names = tuple(sorted(equals))
    key = (model, names)
    compiled = _WHERE.get(key)
    if compiled is None:
        marks = [f"\x00{n}\x00" for n in names]
        query = model.select().where(live(model))
        for name, mark in zip(names, marks, strict=True):
            query = query.where(getattr(model, name) == mark)
        sql, params = query.sql()
        compiled = _WHERE[key] = (sql, params, [params.index(m) for m in marks], model._meta.sorted_fields)
    sql, params, places, fields = compiled
    params = list(params)
    for name, at in zip(names, places, strict=True):
        params[at] = model._meta.fields[name].db_value(equals[name])
    return [_row(model, fields, found) for found in model._meta.database.execute_sql(sql, params).fetchall()]


_WHERE: dict[tuple[type, tuple[str, ...]], tuple[str, list[object], list[int], list[Field]]] = {}


def _row(model: type[M], fields: list[Field], values: Sequence[object]) -> M:
    row = model(__no_default__=1, **{f.name: f.python_value(v) for f, v in zip(fields, values, strict=True)})
    row._dirty.clear()
    return row


def by_id(model: type[M], row_id: str, *, tombstoned: bool = False) -> M | None:
    """The row with this id (live only, unless ``tombstoned``), or None.

    The one lookup every write and most domain moves make, so its SQL is built once per model
    and reused: peewee spends ~20 times longer writing a query than SQLite spends answering it,
    and a need's life makes dozens of these lookups.
    """
    key = (model, tombstoned)
    compiled = _BY_ID.get(key)
    if compiled is None:
        query = model.select().where(model.id == _ID_MARK)
        if not tombstoned:
            query = query.where(live(model))
        sql, params = query.sql()
        compiled = _BY_ID[key] = (sql, params, params.index(_ID_MARK), model._meta.sorted_fields)
    sql, params, at, fields = compiled
    params = list(params)
    params[at] = row_id
    found = model._meta.database.execute_sql(sql, params).fetchone()
    return None if found is None else _row(model, fields, found)


T = TypeVar("T")

if TYPE_CHECKING:

    class Column(Generic[T]):
        """What the type checker sees of a field: the field itself on the class (to build
        queries), its value of type ``T`` on a row. Peewee is read as untyped, so a field
        annotated ``Column[str]`` is the only way a row's value gets a type."""

        @overload
        def __get__(self, row: None, owner: type) -> Field: ...
        @overload
        def __get__(self, row: Base, owner: type) -> T: ...
        def __get__(self, row: Base | None, owner: type) -> Field | T: ...
        def __set__(self, row: Base, value: T) -> None: ...


class Synced(Base):
    """A row that travels between laptops in sync bundles."""

    id: Column[str] = CharField(primary_key=True, max_length=36)
    deleted = BooleanField(default=False)
    origin = CharField(max_length=32)
    stamp: Column[str] = CharField(max_length=64)
    stamps = JSONField(default=dict)
    seq = IntegerField(index=True)

    SYSTEM_FIELDS = ("id", "deleted", "origin", "stamp", "stamps", "seq")
    DERIVED_FIELDS: tuple[str, ...] = ()
    """Fields the store computes from others (a name's pinyin): written with them, under the
    same stamp, so they merge with them and are never a conflict of their own."""

    # -- every write path of peewee funnels through these classmethods --------------------
    @classmethod
    def _guard(cls) -> None:
        if not STORE_WRITING.get():
            raise WriteOutsideStore(f"{cls.__name__} must be written through gridtui.core.store")

    @classmethod
    def insert(cls, *args: Any, **kwargs: Any) -> ModelInsert:
        cls._guard()
        return super().insert(*args, **kwargs)

    @classmethod
    def insert_many(cls, *args: Any, **kwargs: Any) -> ModelInsert:
        cls._guard()
        return super().insert_many(*args, **kwargs)

    @classmethod
    def insert_from(cls, *args: Any, **kwargs: Any) -> ModelInsert:
        cls._guard()
        return super().insert_from(*args, **kwargs)

    @classmethod
    def replace(cls, *args: Any, **kwargs: Any) -> ModelInsert:
        cls._guard()
        return super().replace(*args, **kwargs)

    @classmethod
    def replace_many(cls, *args: Any, **kwargs: Any) -> ModelInsert:
        cls._guard()
        return super().replace_many(*args, **kwargs)

    @classmethod
    def update(cls, *args: Any, **kwargs: Any) -> ModelUpdate:
        cls._guard()
        return super().update(*args, **kwargs)

    @classmethod
    def delete(cls) -> ModelUpdate:
        raise WriteOutsideStore(f"{cls.__name__} rows are tombstoned by store.delete, never removed")

    @classmethod
    def data_fields(cls) -> list[str]:
        """The fields that carry the record's content (everything but the sync bookkeeping)."""
        return [n for n in cls._meta.sorted_field_names if n not in cls.SYSTEM_FIELDS]

    def field_stamp(self, name: str) -> str:
        stamps: dict[str, str] = self.stamps or {}
        return stamps.get(name, self.stamp)


# ---------------------------------------------------------------------------------------------
# Local tables
# ---------------------------------------------------------------------------------------------


class Meta(Base):
    """This database's own key/values: device id, clock, change sequence, demo seed."""

    key = CharField(primary_key=True)
    value = TextField()


class Device(Base):
    """A laptop known to this one: itself (is_self) or a trusted peer."""

    id = CharField(primary_key=True, max_length=32)
    name = CharField()
    sign_public = TextField(null=True)
    enc_public = TextField(null=True)
    is_self = BooleanField(default=False)
    trusted = BooleanField(default=False)
    revoked = BooleanField(default=False)
    added_at = DateTimeField()
    role = CharField(default="worker")
    """office | worker | hub: what its bundles may change here (see gridtui.sync.authority; a
    street office's hub, its card says so, counts as the office). For this laptop itself, the
    role the office's bundles gave it; "office" until one does."""


class NeedCategory(Base):
    key = CharField(primary_key=True)
    zh = CharField()
    en = CharField()
    position = IntegerField()


class NeedItem(Base):
    key = CharField(primary_key=True)
    category = ForeignKeyField(NeedCategory, backref="items")
    zh = CharField()
    en = CharField()
    urgency = CharField(default="normal")
    position = IntegerField()


class ResourceCategory(Base):
    key = CharField(primary_key=True)
    zh = CharField()
    en = CharField()
    position = IntegerField()


class ResourceItem(Base):
    key = CharField(primary_key=True)
    category = ForeignKeyField(ResourceCategory, backref="items")
    zh = CharField()
    en = CharField()
    unit_zh = CharField(default="")
    unit_en = CharField(default="")
    serves = JSONField(default=list)
    position = IntegerField()


class RegisterKind(Base):
    """The office's registers (台账) and the care groups."""

    key = CharField(primary_key=True)
    zh = CharField()
    en = CharField()
    group = CharField()  # ledger | care
    target = CharField()  # resident | household
    flag = CharField(null=True)
    position = IntegerField()


# ---------------------------------------------------------------------------------------------
# Synced tables: places and people
# ---------------------------------------------------------------------------------------------


class Community(Synced):
    name = CharField()
    name_en = CharField(default="")
    subdistrict = CharField(default="")


class Grid(Synced):
    """A grid worker's patch (网格); its buildings may lie in several compounds."""

    community = ForeignKeyField(Community, backref="grids")
    code = CharField()
    name = CharField()
    worker_name = CharField(default="")
    worker_phone = CharField(default="")
    worker_device = CharField(default="")
    """The worker's laptop (its device id), when the grid was given to a device: that laptop's
    home, walk list and needs board hold this grid. Empty: the worker is known by name only."""


class Compound(Synced):
    """A residential compound (小区)."""

    community = ForeignKeyField(Community, backref="compounds")
    name = CharField()
    name_en = CharField(default="")


class Building(Synced):
    """A building (楼栋); belongs to one compound and one grid."""

    compound = ForeignKeyField(Compound, backref="buildings")
    grid = ForeignKeyField(Grid, backref="buildings", null=True)
    number = CharField()
    units = IntegerField(default=1)
    floors = IntegerField(default=6)
    walk_order = IntegerField(default=0)


class Household(Synced):
    """A household (户): unit, floor and door in a building. The unit of a visit."""

    building = ForeignKeyField(Building, backref="households")
    unit = IntegerField()
    floor = IntegerField()
    door = CharField()
    address = CharField(default="")  # 凤飞园3栋2单元501, kept for search and reports
    addr_key = CharField(default="", index=True)  # "3-2-501"
    status = CharField(default="active")  # active | vacant | moved_away
    note = TextField(default="")

    class Meta:
        indexes = ((("building", "unit", "floor", "door"), False),)


class Resident(Synced):
    household = ForeignKeyField(Household, backref="residents")
    name = CharField()
    name_pinyin = CharField(default="", index=True)
    name_initials = CharField(default="", index=True)
    sex = CharField(default="")  # M | F
    birth_date = DateField(null=True)
    id_number = CharField(default="", index=True)
    phone = CharField(default="")
    relation = CharField(default="head")  # head | spouse | child | parent | grandchild | sibling | other
    is_head = BooleanField(default=False)
    party_member = BooleanField(default=False)
    status = CharField(default="present")  # present | moved_out | deceased
    note = TextField(default="")

    DERIVED_FIELDS = ("name_pinyin", "name_initials")

    class Meta:
        # a campaign's scope by age ("every family with a child under 16") from the index alone
        indexes = ((("birth_date", "household", "status", "deleted"), False),)


class ResidentEvent(Synced):
    """One event in a resident's life as the register keeps it: born or arrived, moved within the
    community, moved out, died, relation changed. Appended, never rewritten, like a need's events."""

    resident = ForeignKeyField(Resident, backref="events")
    kind = CharField()  # birth | arrival | move | move_out | death | relation
    happened_on = DateField()
    recorded_at = DateTimeField()
    actor = CharField(default="")
    from_household = ForeignKeyField(Household, null=True, backref="+")
    to_household = ForeignKeyField(Household, null=True, backref="+")
    before = CharField(default="")  # a relation change: the relation before...
    after = CharField(default="")  # ...and after; a move out: where to, if known
    note = TextField(default="")


class Organization(Synced):
    """Co-building units (共建单位), resident units and enterprises, social organisations."""

    kind = CharField()  # cobuilding | resident_unit | social_org
    name = CharField()
    name_en = CharField(default="")
    contact = CharField(default="")
    phone = CharField(default="")
    agreement_date = DateField(null=True)
    projects = JSONField(default=list)
    members = IntegerField(default=0)


class Business(Synced):
    """An individual business (个体工商户): a target of safety-check campaigns."""

    name = CharField()
    kind = CharField()
    owner_name = CharField(default="")
    phone = CharField(default="")
    address = CharField(default="")
    license_no = CharField(default="")
    food = BooleanField(default=False)
    grid = ForeignKeyField(Grid, backref="businesses", null=True)


class RegisterEntry(Synced):
    """A resident's or household's place in a register (台账) or care group."""

    kind = ForeignKeyField(RegisterKind, backref="entries")
    resident = ForeignKeyField(Resident, backref="registers", null=True)
    household = ForeignKeyField(Household, backref="registers", null=True)
    since = DateField(null=True)
    until = DateField(null=True)
    note = TextField(default="")


# ---------------------------------------------------------------------------------------------
# Synced tables: campaigns and visits
# ---------------------------------------------------------------------------------------------


class FormVersion(Synced):
    """One version of a form the office wrote (an XLSForm workbook), stored parsed.

    Its id is the same on every laptop for a form id and version (see domain.campaigns), and a
    version's content never changes: a changed form needs a new version string.
    """

    form_key = CharField()  # the workbook's settings form_id
    version = CharField()
    digest = CharField(max_length=64)  # sha256 of the content (everything but the version)
    title = CharField(default="")
    definition = JSONField()  # gridtui.forms.model's definition

    class Meta:
        indexes = ((("form_key", "version"), False),)


class Campaign(Synced):
    """A form applied to a set of targets (households or businesses), version by version."""

    name = CharField()
    name_en = CharField(default="")
    form_key = CharField()  # the form's id; every version of the campaign's form shares it
    form = ForeignKeyField(FormVersion, backref="campaigns")  # the current version
    target = CharField()  # household | business
    starts = DateField()
    ends = DateField(null=True)
    active = BooleanField(default=True)
    scope = JSONField(default=dict)  # see domain.campaigns.Scope; {} = every target
    versions = JSONField(default=list)  # the form versions it has been on, oldest first


class Visit(Synced):
    """One call at a door: appended, never rewritten except its outcome while it is open."""

    campaign = ForeignKeyField(Campaign, backref="visits")
    form = ForeignKeyField(FormVersion, null=True)  # the version it was answered in
    household = ForeignKeyField(Household, backref="visits", null=True)
    business = ForeignKeyField(Business, backref="visits", null=True)
    worker = CharField(default="")
    visited_at = DateTimeField()
    outcome = CharField(default="in_progress")  # in_progress | done | nobody_home | refused | moved_away
    revisit_due = DateField(null=True)
    note = TextField(default="")

    class Meta:
        indexes = (
            # a target's latest visit, its outcome and revisit date read from the index alone
            # (coverage, walk lists and revisits due all ask it; see domain/coverage.py)
            (("campaign", "household", "visited_at", "outcome", "revisit_due", "deleted"), False),
            (("campaign", "business", "visited_at", "outcome", "revisit_due", "deleted"), False),
        )


class Answer(Synced):
    """The answer to one checklist item in one visit; ``item`` is "<form id>:<item name>"."""

    visit = ForeignKeyField(Visit, backref="answers")
    item = CharField()
    value = JSONField(null=True)
    answered_at = DateTimeField()


# ---------------------------------------------------------------------------------------------
# Synced tables: needs, resources, volunteers, dispatch
# ---------------------------------------------------------------------------------------------


class CollectiveIssue(Synced):
    """A shared problem (a compound's parking) grouping many needs, with its deliberation meeting."""

    title = CharField()
    compound = ForeignKeyField(Compound, null=True)
    building = ForeignKeyField(Building, null=True)
    meeting_date = DateField(null=True)
    attendees = TextField(default="")
    decision = TextField(default="")
    status = CharField(default="open")  # open | decided | done
    done_at = DateField(null=True)


class Need(Synced):
    household = ForeignKeyField(Household, backref="needs", null=True)
    resident = ForeignKeyField(Resident, backref="needs", null=True)
    item = ForeignKeyField(NeedItem)
    source = CharField(default="visit")  # visit | phone | platform | walk_in | meeting
    urgency = CharField(default="normal")  # urgent | high | normal | low
    status = CharField(default="open")  # open | assigned | in_progress | done | followed_up | closed
    opened_at = DateTimeField()
    due_at = DateTimeField(null=True)
    note = TextField(default="")
    visit = ForeignKeyField(Visit, null=True)
    collective = ForeignKeyField(CollectiveIssue, backref="needs", null=True)
    satisfaction = CharField(null=True)  # satisfied | basically | unsatisfied
    closed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "due_at"), False),)


class NeedEvent(Synced):
    """One step in a need's life: who moved it, when, from what to what, and why."""

    need = ForeignKeyField(Need, backref="events")
    from_status = CharField(null=True)
    to_status = CharField()
    at = DateTimeField()
    actor = CharField(default="")
    note = TextField(default="")


class Team(Synced):
    key = CharField(default="")
    name = CharField()
    name_en = CharField(default="")
    note = TextField(default="")


class Volunteer(Synced):
    """A resident volunteer or an in-service party member who reported to the community (双报到)."""

    resident = ForeignKeyField(Resident, null=True, backref="volunteering")
    name = CharField()
    phone = CharField(default="")
    id_number = CharField(default="", index=True)
    kind = CharField(default="resident")  # resident | in_service_party | party_volunteer | unit_staff
    work_unit = CharField(default="")
    organization = ForeignKeyField(Organization, null=True)
    team = ForeignKeyField(Team, backref="members", null=True)
    available = BooleanField(default=True)
    availability = CharField(default="")
    note = TextField(default="")
    ended_on = DateField(null=True)
    """The day they stopped volunteering here: gone from the registry and dispatch, their hours
    and history kept for the reports."""


class VolunteerSkill(Synced):
    volunteer = ForeignKeyField(Volunteer, backref="skills")
    item = ForeignKeyField(NeedItem)


class Pairing(Synced):
    """一带多帮: a party member paired with a household in difficulty."""

    volunteer = ForeignKeyField(Volunteer, backref="pairings")
    household = ForeignKeyField(Household, backref="pairings")
    since = DateField(null=True)
    until = DateField(null=True)
    note = TextField(default="")


class Resource(Synced):
    """Something a unit, business or volunteer offers, against the resource catalog."""

    item = ForeignKeyField(ResourceItem)
    provider_kind = CharField()  # organization | business | volunteer | social_org
    organization = ForeignKeyField(Organization, null=True, backref="resources")
    business = ForeignKeyField(Business, null=True)
    volunteer = ForeignKeyField(Volunteer, null=True)
    capacity = IntegerField(default=0)
    availability = CharField(default="")
    contact = CharField(default="")
    note = TextField(default="")


class Assignment(Synced):
    """A volunteer dispatched to a need, and what they did."""

    need = ForeignKeyField(Need, backref="assignments")
    volunteer = ForeignKeyField(Volunteer, backref="assignments")
    assigned_at = DateTimeField()
    status = CharField(default="assigned")  # assigned | done | cancelled
    done_at = DateTimeField(null=True)
    hours = FloatField(default=0)
    materials = TextField(default="")
    note = TextField(default="")


class ServiceLog(Synced):
    """The service-hours ledger: one line per stint of volunteer work."""

    volunteer = ForeignKeyField(Volunteer, backref="service")
    date = DateField()
    hours = FloatField()
    need = ForeignKeyField(Need, null=True)
    activity = CharField(default="")
    note = TextField(default="")


class AuditLog(Synced):
    """Who revealed what and other privacy-relevant acts; travels to the office with the data."""

    at = DateTimeField()
    actor = CharField(default="")
    action = CharField()
    target_table = CharField(default="")
    target_id = CharField(default="")
    detail = TextField(default="")


# ---------------------------------------------------------------------------------------------
# Sync by file: the conflict record travels; the peers' watermarks and held rows stay local
# ---------------------------------------------------------------------------------------------


class Conflict(Synced):
    """Two devices changed one field without seeing each other's change (kept for a person).

    The merge already applied the last writer (``stamp_b``, ``value_b``); ``value_a`` is the
    losing value. The id and the row stamp come from the two field stamps, so every laptop that
    sees the same pair records the same row; the resolution (``status``) syncs like any field.
    Values are kept as their stored form, JSON encoded.
    """

    target_table = CharField()
    target_id = CharField(max_length=36)
    target_field = CharField()
    stamp_a = CharField(max_length=64)
    value_a = TextField(null=True)
    stamp_b = CharField(max_length=64)
    value_b = TextField(null=True)
    status = CharField(default="open")  # open | kept | taken | edited

    class Meta:
        indexes = ((("target_table", "target_id"), False),)


class SyncPeer(Base):
    """Sync bookkeeping per device: what this laptop holds of its changes, and what it holds of ours.

    ``known_clock``: every change made on that device up to this clock is held here: this
    laptop's knowledge vector, sent in every bundle as ``knows`` (it tells concurrent edits from
    sequential ones). ``received_seq``: the device's own change sequence up to which everything
    it sent is held here, sent back to it as ``have``: its acknowledgement. ``acked_seq``: the
    same, as the device last reported it about this laptop's sequence. An export to it carries
    every row changed here beyond ``acked_seq``, whatever was sent before, so a lost bundle is
    made good by the next one; ``echo`` lists the stretches of this laptop's sequence that hold
    rows taken as they came from that device, which it need not get back.
    """

    device = CharField(primary_key=True, max_length=32)
    known_clock = IntegerField(default=0)
    received_seq = IntegerField(default=0)
    acked_seq = IntegerField(default=0)
    echo = JSONField(default=list)
    scopes = JSONField(default=list)
    """For a worker: ``[[seq, [grid ids]], ...]``, the grids each bundle cut for it since the
    newest it acknowledged held; a grid not in all of them is sent whole (see sync.scope)."""


class DeviceCommunity(Base):
    """A hub's map of which community each device works for, learned from the bundles each
    community's office sends up (the office and every device it holds changes from). An export
    from the hub to one community's office leaves out the rows other communities' devices made;
    ``community`` empty: a device several communities know (shared, sent to all)."""

    device = CharField(primary_key=True, max_length=32)
    community = CharField(max_length=36)


class HeldRow(Base):
    """A received row held back by the clock guard: one of its stamps is too far in the future."""

    target_table = CharField()
    target_id = CharField(max_length=36)
    data = JSONField()  # {column: stored value}
    sender = CharField(max_length=32)
    received_at = DateTimeField()
    reason = CharField(default="future")
    """Why it is held: future (the clock guard), or what the sender may not change here
    (gridtui.sync.authority: office, grid, origin, audit, parent)."""


LOCAL_MODELS: tuple[type[Base], ...] = (
    Meta,
    Device,
    NeedCategory,
    NeedItem,
    ResourceCategory,
    ResourceItem,
    RegisterKind,
    SyncPeer,
    HeldRow,
    DeviceCommunity,
)

SYNCED_MODELS: tuple[type[Synced], ...] = (
    Community,
    Grid,
    Compound,
    Building,
    Household,
    Resident,
    ResidentEvent,
    Organization,
    Business,
    RegisterEntry,
    FormVersion,
    Campaign,
    Visit,
    Answer,
    CollectiveIssue,
    Need,
    NeedEvent,
    Team,
    Volunteer,
    VolunteerSkill,
    Pairing,
    Resource,
    Assignment,
    ServiceLog,
    AuditLog,
    Conflict,
)
"""In dependency order: a parent always comes before the tables that point at it."""

SYNCED_BY_TABLE: dict[str, type[Synced]] = {m._meta.table_name: m for m in SYNCED_MODELS}
