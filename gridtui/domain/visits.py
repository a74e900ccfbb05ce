"""Visits: one call at a door (or a shop), its checklist answered item by item.

A target's state in a campaign is the outcome of its latest visit there: a visit is appended,
never rewritten, so "where do we stand" is always "what did the last call find"
(:mod:`gridtui.domain.campaigns` counts it, :mod:`gridtui.domain.walk` lists it).

A visit is answered in its campaign's form, the version the campaign is on: each visit
records that version, and a visit resumed after the office published a new version moves to
it at its next answer, keeping the answers it has and showing the new items. Skip logic,
required rules and constraints are the form's (:class:`~gridtui.forms.model.FormState`); an
item's type and choices are checked again by the store, like any other field.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from peewee import JOIN, fn

from gridtui.core import store
from gridtui.core.ids import stable_id, uuid7
from gridtui.core.models import (
    Answer,
    Building,
    Business,
    Campaign,
    Compound,
    FormVersion,
    Household,
    Visit,
    by_id,
    database,
    live,
    live_row,
)
from gridtui.core.stored_forms import form_of_version
from gridtui.core.validate import one_of
from gridtui.domain.coverage import grids as coverage_grids
from gridtui.domain.coverage import heads
from gridtui.errors import GridError, ValidationError
from gridtui.forms.model import Form, FormState, Item, display, text
from gridtui.i18n import pick, t

__all__ = [
    "FINAL_OUTCOMES",
    "TARGETS",
    "AnswerError",
    "AnswerLine",
    "BuildingInfo",
    "GridInfo",
    "UndoLog",
    "VisitInfo",
    "VisitState",
    "answer",
    "answer_id",
    "answers",
    "buildings",
    "checklist",
    "grids",
    "household_heads",
    "item_id",
    "missing_required",
    "open_visit",
    "set_outcome",
    "target_words",
    "undo_last",
    "visit_form",
    "visit_history",
    "visit_state",
]

FINAL_OUTCOMES = ("done", "nobody_home", "refused", "moved_away")

TARGETS = {"household": Household, "business": Business}
"""A campaign's target -> the table its visits call on (the Visit field has the same name)."""


@dataclass(frozen=True)
class GridInfo:
    id: str
    code: str
    name: str
    worker_name: str


@dataclass(frozen=True)
class BuildingInfo:
    id: str
    compound: str
    number: str
    households: int


class AnswerError(ValidationError):
    """A bad or missing answer. ``field`` is the item id (the screen puts the cursor there);
    the message names the item in the reader's language."""

    def __init__(self, item: Item, item_id_: str, key: str, **params: object) -> None:
        super().__init__(item_id_, key, **params)
        self.item = item

    def message(self, lang: str | None = None) -> str:
        label = text(self.item.label, lang) or self.item.name
        params: dict[str, Any] = {k: text(v, lang) if isinstance(v, dict) else v for k, v in self.params.items()}
        return t(self.key, lang=lang, **{**params, "field": label, "item": label})


@dataclass(frozen=True)
class VisitState:
    """Where one visit stands; ``saved`` is False while nothing has been written for it yet."""

    id: str
    campaign_id: str
    household_id: str
    outcome: str
    revisit_due: date | None
    note: str
    saved: bool
    business_id: str = ""  # in a business campaign, instead of household_id
    form_id: str = ""  # the form version it is answered in


@dataclass(frozen=True)
class AnswerLine:
    item_id: str
    item_zh: str
    item_en: str
    value: Any
    display: str  # the value in the current language, with choice labels

    @property
    def item(self) -> str:
        return pick(self.item_zh, self.item_en)


@dataclass(frozen=True)
class VisitInfo:
    """One past visit of a household, for the household's history."""

    id: str
    campaign_id: str
    campaign_name: str
    campaign_name_en: str
    visited_at: datetime
    outcome: str
    revisit_due: date | None
    worker: str
    note: str
    answers: tuple[AnswerLine, ...]
    version: str = ""

    @property
    def campaign(self) -> str:
        return pick(self.campaign_name, self.campaign_name_en)


# -- places -----------------------------------------------------------------------------------------


def grids(mine: list[str] | None = None) -> list[GridInfo]:
    """Grids in code order; ``mine`` (codes or names, from Settings.my_grids) narrows them."""
    run = lambda sql, params: database.execute_sql(sql, params).fetchall()  # noqa: E731
    return [GridInfo(*row) for row in coverage_grids(run, mine)]


def buildings(grid_id: str) -> list[BuildingInfo]:
    """A grid's buildings in walk order, with their (live) household counts."""
    count = fn.COUNT(Household.id)
    query = (
        Building.select(Building.id, Building.number, Compound.name.alias("compound"), count.alias("n"))
        .join(Compound, on=(Building.compound == Compound.id))
        .switch(Building)
        .join(Household, JOIN.LEFT_OUTER, on=((Household.building == Building.id) & live(Household)))
        .where((Building.grid == grid_id) & live(Building))
        .group_by(Building.id)
        .order_by(Building.walk_order, Building.id)
    )
    return [
        BuildingInfo(id=r["id"], compound=r["compound"], number=r["number"], households=r["n"]) for r in query.dicts()
    ]


def household_heads(ids: list[str]) -> dict[str, tuple[str, int]]:
    """household id -> (head's name, residents present); the head, else the eldest, names it."""
    return heads(lambda sql, params: database.execute_sql(sql, params).fetchall(), ids)


# -- one visit --------------------------------------------------------------------------------------
#
# Opening a household does not write anything: the visit row is created with the first answer
# or outcome. Paging through the walk list with ] and [ therefore leaves no half-started visits
# behind, and a household only turns "in progress" once something was actually recorded.

_pending: dict[str, tuple[str, str, str, str, datetime]] = {}
"""visit id -> (campaign, target, target id, worker, opened at) for visits opened but not yet
written; target is the campaign's, "household" or "business" (the Visit field it fills)."""
_opening = threading.Lock()


def _campaign(campaign_id: str) -> Campaign:
    return live_row(Campaign, campaign_id)


def open_visit(campaign_id: str, target_id: str, worker: str = "") -> str:
    """The visit to record this household's (or, in a business campaign, this business's) call in.

    Resumes the latest visit when it is still in progress, or when it is done (answers can be
    corrected; a done household is not reopened by merely looking at it). Otherwise (never
    visited, nobody home, refused, moved away) a new visit begins: its id is returned at once
    and its row written, with outcome "in_progress" and visited_at the time it was opened,
    together with the first answer or outcome.
    """
    target = _campaign(campaign_id).target
    model = TARGETS[target]
    if not model.select().where((model.id == target_id) & live(model)).exists():
        raise GridError("store.not_found", table=target, id=target_id)
    column = getattr(Visit, target)
    latest: Visit | None = (
        Visit.select(Visit.id, Visit.outcome)
        .where((Visit.campaign == campaign_id) & (column == target_id) & live(Visit))
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
        .first()
    )
    if latest is not None and latest.outcome in ("in_progress", "done"):
        return latest.id
    with _opening:
        for visit_id, (c, _target, opened, _w, _at) in _pending.items():
            if c == campaign_id and opened == target_id:
                return visit_id
        visit_id = uuid7()
        _pending[visit_id] = (campaign_id, target, target_id, worker, datetime.now())
        return visit_id


def _ensure_visit(visit_id: str, today: date | None = None) -> Visit:
    """The visit's row, written now if it was only opened (with its form's default answers),
    and on the campaign's current form version; call inside store.transaction().

    The check runs inside the write transaction (BEGIN IMMEDIATE), so two threads answering
    the same new visit write it once. The pending entry is dropped by the caller after commit.
    """
    row = by_id(Visit, visit_id, tombstoned=True)
    if row is None and visit_id in _pending:
        campaign_id, target, target_id, worker, at = _pending[visit_id]
        current = _campaign(campaign_id).form_id
        row = store.create(
            Visit,
            id=visit_id,
            campaign=campaign_id,
            form=current,
            worker=worker,
            visited_at=at,
            outcome="in_progress",
            **{target: target_id},
        )
        _write_defaults(visit_id, form_of_version(current), today)
    if row is None or row.deleted:
        raise GridError("store.not_found", table="visit", id=visit_id)
    current = _campaign(row.campaign_id).form_id
    if row.form_id != current:  # resumed after the office published a new version
        store.update(Visit, visit_id, form=current)
    return row


def _write_defaults(visit_id: str, form: Form, today: date | None) -> None:
    """A new visit starts with its form's defaults, as an ODK form does."""
    state = FormState(form, {}, today)
    at = datetime.now()
    for item in form.items:
        value = state.default(item) if state.shown(item) else None
        if value is not None:
            store.create(
                Answer,
                id=answer_id(visit_id, item_id(form, item)),
                visit=visit_id,
                item=item_id(form, item),
                value=value,
                answered_at=at,
            )


def _written(visit_id: str) -> None:
    """The visit's row is committed: it is no longer only opened."""
    with _opening:  # open_visit iterates _pending under this lock, from another thread perhaps
        _pending.pop(visit_id, None)


def _visit_row(visit_id: str) -> Visit | None:
    return by_id(Visit, visit_id)


def visit_state(visit_id: str) -> VisitState:
    row = _visit_row(visit_id)
    if row is not None:
        return VisitState(
            row.id,
            row.campaign_id,
            row.household_id or "",
            row.outcome,
            row.revisit_due,
            row.note,
            saved=True,
            business_id=row.business_id or "",
            form_id=row.form_id or "",
        )
    opened = _pending.get(visit_id)
    if opened is None:
        raise GridError("store.not_found", table="visit", id=visit_id)
    campaign_id, target, target_id = opened[:3]
    return VisitState(
        visit_id,
        campaign_id,
        target_id if target == "household" else "",
        "in_progress",
        None,
        "",
        saved=False,
        business_id=target_id if target == "business" else "",
        form_id=_campaign(campaign_id).form_id,
    )


def target_words(target_id: str, target: str = "household") -> tuple[str, str]:
    """(name, address) a visit's title shows: a shop's name and street address, a household's
    address (its name is its residents')."""
    if one_of("target", target, tuple(TARGETS)) == "business":
        shop = live_row(Business, target_id)
        return shop.name, shop.address
    return "", live_row(Household, target_id).address


def _campaign_of(visit_id: str) -> str:
    row = _visit_row(visit_id)
    if row is not None:
        campaign_id: str = row.campaign_id
        return campaign_id
    if visit_id in _pending:
        return _pending[visit_id][0]
    raise GridError("store.not_found", table="visit", id=visit_id)


# -- the checklist and its answers ---------------------------------------------------------------------


def checklist(campaign_id: str) -> Form:
    """The form the campaign's visits are answered in now (its current version)."""
    return form_of_version(_campaign(campaign_id).form_id)


def visit_form(visit_id: str) -> Form:
    """The form a visit is shown and answered in: its campaign's current version."""
    return checklist(_campaign_of(visit_id))


def item_id(form: Form, item: Item) -> str:
    """An answer's item: "<form id>:<name>", the same in every version of the form."""
    return f"{form.key}:{item.name}"


def answers(visit_id: str) -> dict[str, Any]:
    """item id -> value for the visit's answered items (cleared items are left out)."""
    query = Answer.select(Answer.item, Answer.value).where(
        (Answer.visit == visit_id) & live(Answer) & Answer.value.is_null(False)
    )
    return {row.item: row.value for row in query}


def form_state(visit_id: str, today: date | None = None) -> FormState:
    """The visit's answers evaluated in its form (defaults shown for a visit not written yet)."""
    form = visit_form(visit_id)
    given = {}
    for key, value in answers(visit_id).items():
        prefix, _, name = key.partition(":")
        if prefix == form.key and form.item(name) is not None:  # an item a later version dropped stays stored
            given[name] = value
    state = FormState(form, given, today)
    if visit_id in _pending and not given:
        for item in form.items:
            value = state.default(item) if state.shown(item) else None
            if value is not None:
                state.set(item.name, value)
    return state


def answer_id(visit_id: str, item: str) -> str:
    """One Answer row per (visit, item), the same id on every laptop."""
    return stable_id("answer", f"{visit_id}:{item}")


class UndoLog:
    """The answers a visit changed, most recent last, with the value each had before."""

    def __init__(self, size: int = 50) -> None:
        self._steps: deque[tuple[str, Any]] = deque(maxlen=size)

    def record(self, item: str, old: Any) -> None:
        self._steps.append((item, old))

    def pop(self) -> tuple[str, Any] | None:
        return self._steps.pop() if self._steps else None

    def __len__(self) -> int:
        return len(self._steps)


_undo_logs: dict[str, UndoLog] = {}
"""Per-visit logs for callers that do not keep their own UndoLog."""


def _undo_log(visit_id: str, undo: UndoLog | None) -> UndoLog:
    return undo if undo is not None else _undo_logs.setdefault(visit_id, UndoLog())


def _named(form: Form, item: str) -> Item:
    """The item an answer's id names in this form (AnswerError-free: unknown is a GridError)."""
    key, _, name = item.partition(":")
    found = form.item(name) if key == form.key else None
    if found is None or not found.answered:
        raise GridError("visits.unknown_item", item=item)
    return found


def check(state: FormState, item: str, value: Any) -> Any:
    """The stored form of ``value`` for the item, checked by its form (type, choices, whether it
    is asked at all, its constraint); AnswerError names the item. Writes nothing."""
    found = _named(state.form, item)
    try:
        return state.check(found, value)
    except ValidationError as exc:
        raise AnswerError(found, item, exc.key, **{k: v for k, v in exc.params.items() if k != "field"}) from exc


def answer(
    visit_id: str,
    item: str,
    value: Any,
    *,
    undo: UndoLog | None = None,
    state: FormState | None = None,
    today: date | None = None,
) -> Any:
    """Save one answer at once, in its own committed transaction; None clears it. Returns the
    value as stored.

    The value is checked by the visit's form first (:func:`check`): a bad value raises
    AnswerError and nothing is written. ``state``: the caller's own evaluation of this visit
    (the visit screen keeps one), else it is read. The previous value goes to ``undo`` (or
    this visit's own log) so :func:`undo_last` can put it back.
    """
    state = state if state is not None else form_state(visit_id, today)
    clean = check(state, item, value)
    old = _write_answer(visit_id, item, clean, today)
    if old is not _UNCHANGED:
        _undo_log(visit_id, undo).record(item, old)
    return clean


_UNCHANGED = object()


def _write_answer(visit_id: str, item: str, value: Any, today: date | None = None) -> Any:
    """Create or update the (visit, item) answer; returns the old value, or _UNCHANGED."""
    row_id = answer_id(visit_id, item)
    with store.transaction():
        existing = Answer.get_or_none(Answer.id == row_id)
        if existing is None and value is None:
            return _UNCHANGED  # clearing what was never answered writes nothing
        _ensure_visit(visit_id, today)
        row = existing or Answer.get_or_none(Answer.id == row_id)  # perhaps a default just written
        if row is None:
            old = None
            store.create(Answer, id=row_id, visit=visit_id, item=item, value=value, answered_at=datetime.now())
        else:
            old = row.value
            if old != value:
                store.update(Answer, row_id, value=value, answered_at=datetime.now())
    _written(visit_id)
    return _UNCHANGED if old == value else old


def undo_last(visit_id: str, undo: UndoLog | None = None) -> str | None:
    """Put back the value the most recently changed answer had; returns that item's id.

    None when there is nothing to undo. The restore is itself saved at once.
    """
    step = _undo_log(visit_id, undo).pop()
    if step is None:
        return None
    item, old = step
    _write_answer(visit_id, item, old)
    return item


def missing_required(visit_id: str, today: date | None = None) -> list[Item]:
    """The items the form requires now (relevant, required by rule) still unanswered, in order."""
    return form_state(visit_id, today).missing()


def set_outcome(
    visit_id: str, outcome: str, *, revisit_days: int = 3, note: str = "", today: date | None = None
) -> None:
    """Close the call: done, nobody_home (revisit due in ``revisit_days``), refused, moved_away.

    "done" needs every required item answered (AnswerError naming the first missing one, with
    the form's own required message where it has one). "moved_away" also marks the household
    moved away; any other outcome on a visit that had said moved away makes the household
    active again (a correction).
    """
    one_of("outcome", outcome, FINAL_OUTCOMES)
    if outcome == "done":
        state = form_state(visit_id, today)
        missing = state.missing()
        if missing:
            first = missing[0]
            key = "visits.missing_required_message" if first.required_message else "visits.missing_required"
            raise AnswerError(first, item_id(state.form, first), key, message=state.worded(first.required_message))
    due = (today or date.today()) + timedelta(days=revisit_days) if outcome == "nobody_home" else None
    with store.transaction():
        row = _ensure_visit(visit_id, today)
        changes: dict[str, Any] = {"outcome": outcome, "revisit_due": due}
        if note:
            changes["note"] = note
        store.update(Visit, visit_id, **changes)
        if row.household_id:
            status = Household.get_by_id(row.household_id).status
            if outcome == "moved_away" and status != "moved_away":
                store.update(Household, row.household_id, status="moved_away")
            elif outcome != "moved_away" and row.outcome == "moved_away" and status == "moved_away":
                store.update(Household, row.household_id, status="active")
    _written(visit_id)


# -- history ----------------------------------------------------------------------------------------


def _forms_of(form_key: str) -> list[Form]:
    """Every stored version of a form, newest first (by when it was stored)."""
    rows = (
        FormVersion.select(FormVersion.id)
        .where((FormVersion.form_key == form_key) & live(FormVersion))
        .order_by(FormVersion.stamp.desc())
    )
    return [form_of_version(r.id) for r in rows]


def _answer_line(forms: list[Form], item: str, value: Any) -> AnswerLine | None:
    """An answer in words, read in the first form (the visit's own version first) that has it."""
    name = item.partition(":")[2]
    for form in forms:
        found = form.item(name)
        if found is not None:
            return AnswerLine(
                item, text(found.label, "zh"), text(found.label, "en"), value, display(form, found, value)
            )
    return None


def visit_history(target_id: str, target: str = "household") -> list[VisitInfo]:
    """Every visit to a household (or a business), newest first, with its answers in its form's
    order, each read in the version it was answered in."""
    visits = list(
        Visit.select(Visit, Campaign.id, Campaign.name, Campaign.name_en, Campaign.form_key, Campaign.form)
        .join(Campaign, on=(Visit.campaign == Campaign.id))
        .where((getattr(Visit, one_of("target", target, tuple(TARGETS))) == target_id) & live(Visit))
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
    )
    given: dict[str, dict[str, Any]] = {}
    if visits:
        for row in Answer.select(Answer.visit, Answer.item, Answer.value).where(
            Answer.visit.in_([v.id for v in visits]) & live(Answer) & Answer.value.is_null(False)
        ):
            given.setdefault(row.visit_id, {})[row.item] = row.value
    history = []
    for v in visits:
        own = form_of_version(v.form_id or v.campaign.form_id)
        forms = [own, *(f for f in _forms_of(v.campaign.form_key) if f is not own)]
        values = given.get(v.id, {})
        order = {item_id(own, i): n for n, i in enumerate(own.items)}
        lines = [_answer_line(forms, key, values[key]) for key in sorted(values, key=lambda k: (order.get(k, 1e9), k))]
        history.append(
            VisitInfo(
                id=v.id,
                campaign_id=v.campaign.id,
                campaign_name=v.campaign.name,
                campaign_name_en=v.campaign.name_en,
                visited_at=v.visited_at,
                outcome=v.outcome,
                revisit_due=v.revisit_due,
                worker=v.worker,
                note=v.note,
                answers=tuple(line for line in lines if line is not None),
                version=own.version,
            )
        )
    return history
