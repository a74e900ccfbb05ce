"""The volunteer registry and one volunteer: skills, 一带多帮 households, assignments, hours.

The list is a :class:`PagedList` over ``volunteers.list_volunteers`` / ``count_volunteers`` (1,100
people at full scale: in-service party members who reported to the community (双报到) with their
work unit, party-member volunteers and resident volunteers). ``t`` cycles the team (the three of
the article and any the office added), ``f`` the kind, ``a`` adds a volunteer and ``n`` a team.
On one volunteer, ``a`` says whether they are available now, ``l`` writes a line of the
service-hours ledger, ``E`` edits them (skills from the needs catalog), ``X`` ends their service
(asking what becomes of the needs they hold), ``p`` pairs them with a household and ``u`` ends the
pairing under the cursor; Enter on a paired household or an assignment opens it. ID numbers and
phones are masked; ``r`` reveals them (written to the audit log). Every write goes through the
app's writes, so another program's lock never freezes the screen.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, SelectionList, Static

from gridtui.errors import GridError, ValidationError
from gridtui.i18n import pick, t
from gridtui.tui.keys import bind
from gridtui.tui.messages import VolunteerLoaded, VolunteersReady
from gridtui.tui.screens.base import GridModal, GridScreen
from gridtui.tui.screens.forms import ChoiceDialog, FormDialog, required
from gridtui.tui.screens.residents import cycle
from gridtui.tui.widgets import columns
from gridtui.tui.widgets.columns import ColumnHeader, Columns, visible_width
from gridtui.tui.widgets.footer import KeyFooter
from gridtui.tui.widgets.header import GridHeader
from gridtui.tui.widgets.paged_list import PagedList
from gridtui.tui.workers import db_work

if TYPE_CHECKING:
    from gridtui.domain.volunteers import (
        PairedHousehold,
        TeamRow,
        VolunteerAssignment,
        VolunteerDetail,
        VolunteerRow,
    )

KINDS = ("in_service_party", "party_volunteer", "resident", "unit_staff")
WIDTHS = (8, 14, 16, 14, 4, 4, 6)
ASSIGNMENT_STYLE = {"assigned": "black on yellow", "done": "black on green", "cancelled": "dim"}


def _hours(value: float) -> str:
    return f"{value:g}"


def volunteer_cells(v: VolunteerRow) -> list:
    return [
        (v.name, WIDTHS[0], "bold"),
        (t(f"volunteers.kind.{v.kind}", default=v.kind), WIDTHS[1]),
        (v.team or "-", WIDTHS[2], "" if v.team else "dim"),
        (v.work_unit or "-", WIDTHS[3], "" if v.work_unit else "dim"),
        (t("volunteers.yes") if v.available else t("volunteers.no"), WIDTHS[4], "green" if v.available else "dim"),
        (v.open_load, WIDTHS[5], "bold" if v.open_load else "dim"),
        (columns.fit(_hours(v.hours), WIDTHS[6], "right"), WIDTHS[6]),
    ]


def volunteers_columns() -> Columns:
    keys = ("name", "kind", "team", "work_unit", "available", "load", "hours")
    return Columns([(t(f"registry.vol.col.{k}"), w) for k, w in zip(keys, WIDTHS, strict=True)])


class VolunteersScreen(GridScreen):
    """The volunteer registry, filtered by team and kind, paged from SQLite."""

    BINDINGS = [
        bind("t", "cycle_team", "volunteers.team"),
        bind("f", "cycle_kind", "volunteers.kind"),
        bind("x", "clear", "volunteers.clear"),
        bind("a", "add", "volunteers.add"),
        bind("n", "new_team", "volunteers.new_team"),
        bind("escape", "app.pop_screen", "volunteers.back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.team_id: str | None = None
        self.kind: str | None = None
        self.teams: list[TeamRow] = []
        self.ready = False
        self.columns = volunteers_columns()
        self.people = PagedList(render=self.render_row, empty=t("registry.vol.empty"), id="volunteers-list")

    def compose(self) -> ComposeResult:
        yield GridHeader()
        yield Static(t("registry.loading"), id="volunteers-filters", classes="screen-title", markup=False)
        yield ColumnHeader(self.columns, self.people, classes="list-header")
        yield self.people
        yield KeyFooter()

    def render_row(self, v: VolunteerRow) -> Text:
        return self.columns.row(volunteer_cells(v), visible_width(self.people))

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.ready:  # back from a volunteer: hours or availability changed
            self.reload()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import volunteers

        self.post_message(VolunteersReady(volunteers.list_teams()))

    def on_volunteers_ready(self, message: VolunteersReady) -> None:
        self.teams, self.ready = message.teams, True
        self.reload(keep_cursor=False)

    def reload(self, keep_cursor: bool = True) -> None:
        from gridtui.domain import volunteers

        people = self.query_one(PagedList)
        team_id, kind = self.team_id, self.kind
        with self.app.guarded():
            if keep_cursor:
                people.reload()
            else:
                people.set_source(
                    lambda offset, limit: volunteers.list_volunteers(team_id, kind, offset=offset, limit=limit),
                    lambda: volunteers.count_volunteers(team_id, kind),
                )
        team = next((f"{tm.name} ({tm.members})" for tm in self.teams if tm.id == self.team_id), None)
        out = Text()
        for label, value in (
            (t("registry.vol.col.team"), team),
            (t("registry.vol.col.kind"), t(f"volunteers.kind.{kind}") if kind else None),
        ):
            out.append(f"{label}:", "dim")
            out.append(f"{value or t('registry.all')}  ", "bold" if value else "")
        out.append(t("registry.vol.count", count=people.count))
        self.query_one("#volunteers-filters", Static).update(out)

    def action_cycle_team(self) -> None:
        self.team_id = cycle(self.team_id, [tm.id for tm in self.teams])
        self.reload(keep_cursor=False)

    def action_cycle_kind(self) -> None:
        self.kind = cycle(self.kind, list(KINDS))
        self.reload(keep_cursor=False)

    def action_clear(self) -> None:
        self.team_id = self.kind = None
        self.reload(keep_cursor=False)

    def action_new_team(self) -> None:
        def save(values: dict[str, str]) -> str:
            from gridtui.domain import volunteers

            required(values, "team_name")
            volunteers.create_team(values["team_name"], name_en=values["team_name_en"])
            return t("registry.vol.team_saved", team=values["team_name"])

        fields = [("team_name", t("field.team_name"), ""), ("team_name_en", t("field.team_name_en"), "")]
        self.app.push_screen(
            FormDialog(t("registry.vol.team_title"), fields, save), lambda saved: self.load() if saved else None
        )

    def action_add(self) -> None:
        self.app.push_screen(VolunteerDialog(None), lambda saved: self.load() if saved else None)

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        self.app.push_screen(VolunteerScreen(message.row.id))


def render_pairing(p: PairedHousehold) -> Text:
    since = f"{p.since:%Y-%m-%d}" if p.since else ""
    return columns.row([(p.address, 26), (since, 10, "dim")])


def render_assignment(a: VolunteerAssignment) -> Text:
    return columns.row(
        [
            (f"{a.assigned_at:%Y-%m-%d}", 10, "dim"),
            (a.item, 16, "bold"),
            (a.address or "-", 20),
            (t(f"dispatch.assignment.{a.status}", default=a.status), 8, ASSIGNMENT_STYLE.get(a.status, "")),
            (columns.fit(_hours(a.hours) if a.hours else "", 4, "right"), 4),
        ]
    )


class VolunteerScreen(GridScreen):
    """One volunteer: who, skills, ledger on the left; paired households and assignments on the right."""

    BINDINGS = [
        bind("a", "toggle_available", "volunteer.available"),
        bind("l", "log_hours", "volunteer.log_hours"),
        bind("E", "edit", "volunteer.edit"),
        bind("X", "end", "volunteer.end"),
        bind("p", "pair", "volunteer.pair"),
        bind("u", "unpair", "volunteer.unpair"),
        bind("r", "reveal", "volunteer.reveal"),
        bind("escape", "app.pop_screen", "volunteer.back"),
    ]

    def __init__(self, volunteer_id: str) -> None:
        super().__init__()
        self.volunteer_id = volunteer_id
        self.detail: VolunteerDetail | None = None

    def compose(self) -> ComposeResult:
        yield GridHeader()
        with Horizontal(id="volunteer-body"):
            with VerticalScroll(id="volunteer-info"):
                yield Static(t("registry.loading"), id="volunteer-detail", markup=False)
            with Vertical(id="volunteer-side"):
                yield Static(t("registry.vol.pairings"), classes="section-title", markup=False)
                yield PagedList(render=render_pairing, empty=t("registry.vol.no_pairings"), id="volunteer-pairings")
                yield Static(t("registry.vol.assignments"), classes="section-title", markup=False)
                yield PagedList(
                    render=render_assignment, empty=t("registry.vol.no_assignments"), id="volunteer-assignments"
                )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#volunteer-pairings", PagedList).focus()
        self.load()

    @db_work(group="volunteer", load=True)
    def load(self) -> None:
        from gridtui.domain import volunteers

        self.post_message(
            VolunteerLoaded(
                volunteers.volunteer_detail(self.volunteer_id), volunteers.assignments_of_volunteer(self.volunteer_id)
            )
        )

    def on_volunteer_loaded(self, message: VolunteerLoaded) -> None:
        self.detail = message.detail
        self.query_one("#volunteer-detail", Static).update(render_detail(message.detail))
        self.query_one("#volunteer-pairings", PagedList).set_rows(message.detail.pairings)
        self.query_one("#volunteer-assignments", PagedList).set_rows(message.assignments)

    def on_paged_list_selected(self, message: PagedList.Selected) -> None:
        message.stop()
        if message.paged_list.id == "volunteer-pairings":
            self.app.open_household(message.row.household_id)
        else:
            from gridtui.tui.screens.needs import NeedScreen

            self.app.push_screen(NeedScreen(message.row.need_id))

    def action_toggle_available(self) -> None:
        from gridtui.domain import volunteers

        if self.detail is None:
            return
        available, name, volunteer = not self.detail.available, self.detail.name, self.volunteer_id

        def shown(_: object) -> None:
            self.notify(t("registry.vol.now_available" if available else "registry.vol.now_away", name=name))
            self.load()

        with self.app.guarded():
            self.app.writes.save(lambda: volunteers.set_availability(volunteer, available), shown=shown)

    def _reload(self, saved: object) -> None:
        if saved:
            self.load()

    def action_edit(self) -> None:
        if self.detail is not None:
            self.app.push_screen(VolunteerDialog(self.detail), self._reload)

    def action_end(self) -> None:
        """End their service; with needs in hand, say what becomes of them."""
        if self.detail is None:
            return
        name, volunteer, today = self.detail.name, self.volunteer_id, self.app.today or date.today()
        held = self.detail.open_load

        def save(choice: str) -> str:
            from gridtui.domain import volunteers

            done = volunteers.end_volunteer(
                volunteer,
                on=today,
                assignments=None if choice == "end" else choice,
                actor=self.app.settings.worker_name,
            )
            return t(
                "lists.volunteers.ended", name=name, returned=done.returned, kept=done.kept, pairings=done.pairings
            )

        choices = (
            [("return", t("registry.vol.end_return")), ("keep", t("registry.vol.end_keep"))]
            if held
            else [("end", t("registry.vol.end_confirm"))]
        )
        question = (
            t("registry.vol.end_question", name=name, count=held) if held else t("registry.vol.end_plain", name=name)
        )

        def closed(chosen: object) -> None:
            if chosen:
                self.app.pop_screen()

        self.app.push_screen(ChoiceDialog(t("registry.vol.end_title", name=name), question, choices, save), closed)

    def action_pair(self) -> None:
        if self.detail is None:
            return
        name, volunteer = self.detail.name, self.volunteer_id

        def save(values: dict[str, str]) -> str:
            from gridtui.domain import households, volunteers

            required(values, "household")
            volunteers.pair(volunteer, households.find_household(values["household"]), since=values["since"] or None)
            return t("lists.pair.added", name=name, address=values["household"])

        fields = [
            ("household", t("field.household"), ""),
            ("since", t("field.since"), f"{self.app.today or date.today()}"),
        ]
        self.app.push_screen(FormDialog(t("registry.vol.pair_title", name=name), fields, save), self._reload)

    def action_unpair(self) -> None:
        from gridtui.domain import volunteers

        pairing = self.query_one("#volunteer-pairings", PagedList).current
        if self.detail is None or pairing is None:
            self.notify(t("registry.vol.no_pairings"), severity="warning")
            return
        name, today = self.detail.name, self.app.today or date.today()

        def shown(_: object) -> None:
            self.notify(t("lists.pair.ended", name=name, address=pairing.address))
            self.load()

        with self.app.guarded():
            self.app.writes.save(lambda: volunteers.end_pairing(pairing.id, on=today), shown=shown)

    def action_reveal(self) -> None:
        from gridtui.domain import volunteers

        if self.detail is None:
            return
        volunteer, actor = self.volunteer_id, self.app.settings.worker_name

        def shown(numbers: tuple[str, str]) -> None:
            if self.detail is not None:
                self.detail = replace(self.detail, id_masked=numbers[0], phone=numbers[1])
                self.query_one("#volunteer-detail", Static).update(render_detail(self.detail))

        with self.app.guarded():
            self.app.writes.save(lambda: volunteers.reveal(volunteer, actor=actor), shown=shown)

    def action_log_hours(self) -> None:
        if self.detail is None:
            return
        name = self.detail.name

        def save(values: dict[str, str]) -> str:
            from gridtui.domain import volunteers

            required(values, "hours", "activity")
            volunteers.log_service(
                self.volunteer_id, values["hours"], on=values["date"] or None, activity=values["activity"]
            )
            return t("registry.vol.logged", hours=values["hours"], name=name)

        fields = [
            ("hours", t("field.hours"), ""),
            ("date", t("field.date"), f"{self.app.today or date.today()}"),
            ("activity", t("field.activity"), ""),
        ]
        self.app.push_screen(
            FormDialog(t("registry.vol.log_title", name=name), fields, save),
            lambda saved: self.load() if saved else None,
        )


def render_detail(d: VolunteerDetail) -> Text:
    """The volunteer, their skills and their ledger as text for the left pane."""
    from gridtui.core.catalogs import need_items

    labels = {i["key"]: pick(i["zh"], i["en"]) for i in need_items()}
    out = Text()
    out.append(f"{d.name}\n", "bold")
    out.append_text(
        columns.badges(
            [
                (t(f"volunteers.kind.{d.kind}", default=d.kind), "black on #87afd7"),
                (
                    t("registry.vol.available") if d.available else t("registry.vol.away"),
                    "black on green" if d.available else "reverse",
                ),
            ]
        )
    )
    out.append("\n\n")
    fields = [
        ("team", d.team or "-"),
        ("work_unit", d.work_unit or "-"),
        ("id_number", d.id_masked or "-"),
        ("phone", d.phone or "-"),
        ("availability", d.availability or "-"),
        ("load", d.open_load),
        ("hours", _hours(d.hours)),
    ]
    for key, value in fields:
        out.append_text(columns.row([(t(f"registry.vol.col.{key}"), 10, "dim"), Text(str(value))]))
        out.append("\n")
    out.append("\n" + t("registry.vol.skills") + "\n", "bold")
    out.append((t("registry.list_sep").join(labels.get(s, s) for s in d.skills) or t("registry.none")) + "\n")
    out.append("\n" + t("registry.vol.ledger") + "\n", "bold")
    for line in d.service:
        out.append(f"{line.date:%Y-%m-%d}  ", "dim")
        out.append(columns.fit(_hours(line.hours), 4, "right") + "h  ", "bold")
        out.append(f"{line.activity or (t('registry.vol.for_need') if line.need_id else '')}\n")
    if not d.service:
        out.append(t("registry.none") + "\n", "dim")
    return out


class VolunteerDialog(GridModal):
    """Add a volunteer, or edit one: their details and skills (items of the needs catalog).

    The ID number and phone are never put on screen to edit: their masked forms stand in the
    empty fields, and typing a new one replaces it.
    """

    BINDINGS = [
        bind("escape", "dismiss", "dialog.close"),
        bind("ctrl+s", "save", "registry.form_save"),
    ]
    FIELDS = ("name", "phone", "id_number", "kind", "work_unit", "team", "availability", "note")
    MASKED = {"phone": "phone", "id_number": "id_masked"}

    def __init__(self, detail: VolunteerDetail | None) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        d = self.detail
        with Vertical(classes="dialog wide"):
            yield Static(
                t("registry.vol.edit_title" if d else "registry.vol.add_title", name=d.name if d else ""),
                classes="dialog-title",
                markup=False,
            )
            for name in self.FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(t(f"field.{name}"), classes="form-label", markup=False)
                    if name in self.MASKED:
                        value, placeholder = "", getattr(d, self.MASKED[name], "")
                    elif name == "kind":
                        value = t(f"volunteers.kind.{d.kind}") if d else ""
                        placeholder = " / ".join(t(f"volunteers.kind.{k}") for k in KINDS)
                    else:
                        value, placeholder = str(getattr(d, name, "") or ""), ""
                    yield Input(value, placeholder=placeholder, id=f"vol-{name}", classes="form-input")
            yield Static(t("registry.vol.skills"), classes="section-title", markup=False)
            yield SelectionList(id="vol-skills")
            yield Static("", id="vol-error", classes="item-error", markup=False)
            yield Static(t("registry.form.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        from gridtui.core.catalogs import need_items

        self.query_one("#vol-error", Static).display = False
        self.query_one("#vol-name", Input).focus()
        skills = self.query_one(SelectionList)
        held = set(self.detail.skills if self.detail else ())
        for item in need_items():
            skills.add_option((pick(item["zh"], item["en"]), item["key"], item["key"] in held))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self) -> None:
        from gridtui.tui.screens.dialogs import choice_key

        values = {name: self.query_one(f"#vol-{name}", Input).value.strip() for name in self.FIELDS}
        if self.detail:  # an empty masked field keeps what is stored
            values = {k: v for k, v in values.items() if v or k not in self.MASKED}
        if values.get("kind"):
            values["kind"] = choice_key(values["kind"], KINDS + ("resident",), "volunteers.kind")
        elif not self.detail:
            values["kind"] = "in_service_party" if values.get("work_unit") else "resident"
        skills = list(self.query_one(SelectionList).selected)
        detail = self.detail
        name = values.get("name") or (detail.name if detail else "")

        def write() -> str:
            from gridtui.domain import volunteers

            required(values, "name")
            team = values.pop("team", "")
            team_id = volunteers.resolve_team(team) if team else None
            if detail:
                volunteers.edit_volunteer(detail.id, team=team_id, skills=skills, **values)
            else:
                volunteers.register_volunteer(
                    values["name"],
                    team_id=team_id,
                    skills=skills,
                    phone=values["phone"],
                    id_number=values["id_number"],
                    kind=values["kind"],
                    work_unit=values["work_unit"],
                    availability=values["availability"],
                    note=values["note"],
                )
            return t("registry.vol.saved", name=name)

        try:
            self.app.writes.save(write, shown=self.app.notify)
        except GridError as exc:
            error = self.query_one("#vol-error", Static)
            error.update(exc.message())
            error.display = True
            field = exc.field if isinstance(exc, ValidationError) else ""
            if self.query(f"#vol-{field}"):
                self.query_one(f"#vol-{field}", Input).focus()
            return
        except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
            self.app.report(exc)
            return
        self.dismiss(True)
