"""Dialogs over the current screen: campaign picker, key map, a need, a resident."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option

from gridtui.core.validate import RELATIONS
from gridtui.errors import GridError, ValidationError
from gridtui.i18n import pick, t
from gridtui.tui.keys import bind
from gridtui.tui.messages import CampaignChoices
from gridtui.tui.screens.base import GridModal
from gridtui.tui.widgets import columns
from gridtui.tui.workers import db_work

URGENCIES = ("urgent", "high", "normal", "low")


class CampaignPicker(GridModal):
    """Switch the active campaign; home and walk lists follow it."""

    BINDINGS = [bind("escape", "dismiss", "dialog.close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("tui.campaigns.title"), classes="dialog-title", markup=False)
            yield OptionList(id="campaign-list")
            yield Static(t("tui.campaigns.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @db_work(load=True)
    def load(self) -> None:
        from gridtui.domain import campaigns

        self.post_message(CampaignChoices(campaigns.campaigns(active_only=True)))

    def on_campaign_choices(self, message: CampaignChoices) -> None:
        campaigns = message.campaigns
        options = self.query_one(OptionList)
        if not campaigns:  # nothing to pick: say where campaigns come from
            options.add_option(Option(t("campaigns.none_open"), disabled=True))
            return
        for campaign in campaigns:
            mark = "● " if campaign.id == self.app.campaign_id else "  "
            options.add_option(Option(mark + campaign.label, id=campaign.id))
        current = next((i for i, c in enumerate(campaigns) if c.id == self.app.campaign_id), 0)
        options.highlighted = current

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from gridtui.domain import campaigns

        campaign_id = event.option.id
        if campaign_id is None:  # every option is made with its campaign's id
            return
        with self.app.guarded():
            campaigns.set_active_campaign(campaign_id)
            self.app.campaign_id = campaign_id
            self.notify(t("tui.campaigns.switched", name=str(event.option.prompt).strip("● ")))
        self.dismiss()


class KeymapScreen(GridModal):
    """Every key of the screen below, with its binding id (the name to remap it in config.toml)."""

    BINDINGS = [bind("escape,question_mark", "dismiss", "dialog.close")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        keys: dict[str, list[str]] = {}
        described: dict[str, str] = {}
        for active in self.below.active_bindings.values():
            binding = active.binding
            if binding.id:  # Textual's own scrolling and copy keys carry no id
                keys.setdefault(binding.id, []).append(self.app.get_key_display(binding))
                described[binding.id] = binding.description
        text = Text()
        text.append_text(
            columns.row(
                [
                    (t("tui.keys.col.key"), 14, "bold"),
                    (t("tui.keys.col.action"), 22, "bold"),
                    (t("tui.keys.col.id"), 24, "bold"),
                ]
            )
        )
        for ident in sorted(keys):
            text.append("\n")
            text.append_text(
                columns.row([(" ".join(keys[ident]), 14, "cyan"), (described[ident], 22), (ident, 24, "dim")])
            )
        with Vertical(classes="dialog wide"):
            yield Static(t("tui.keys.title"), classes="dialog-title", markup=False)
            with VerticalScroll():
                yield Static(text, id="keymap-table")
            focused = self.below.focused  # a widget can say more about its keys (the checklist: typing)
            helper = next((w for w in focused.ancestors_with_self if hasattr(w, "key_help")), None) if focused else None
            if helper is not None:
                yield Static(helper.key_help(), markup=False, classes="dialog-hint")
            yield Static(t("tui.keys.hint"), markup=False, classes="dialog-hint")


OFFICE_SOURCES = ("phone", "walk_in", "hotline", "platform", "meeting")
"""Where a need the office records comes from (a visit's need comes from the visit)."""


class NeedDialog(GridModal):
    """Record a need: at the door for this household (item by type-ahead, urgency, note), or,
    from the needs board (``household_id`` None), one that came in by phone, a walk-in, the
    12345 hotline or the online platform: then the household's address or the resident's ID
    number comes first, and where the need came from."""

    BINDINGS = [
        bind("escape", "dismiss", "dialog.close"),
        bind("ctrl+s", "save", "need.save"),
    ]

    def __init__(self, household_id: str | None, visit_id: str | None) -> None:
        super().__init__()
        self.household_id, self.visit_id = household_id, visit_id
        from gridtui.core.catalogs import need_items

        self.items = need_items()
        self.chosen: dict | None = None

    @property
    def office(self) -> bool:
        return self.household_id is None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                t("tui.need.title_office" if self.office else "tui.need.title"), classes="dialog-title", markup=False
            )
            if self.office:
                yield Input(placeholder=t("tui.need.where_placeholder"), id="need-where")
                with RadioSet(id="need-source"):
                    for source in OFFICE_SOURCES:
                        yield RadioButton(t(f"needs.source.{source}"), value=source == "phone", name=source)
            yield Input(placeholder=t("tui.need.item_placeholder"), id="need-item")
            yield OptionList(*self._options(""), id="need-items")
            with RadioSet(id="need-urgency"):
                for urgency in URGENCIES:
                    yield RadioButton(t(f"tui.urgency.{urgency}"), value=urgency == "normal", name=urgency)
            yield Input(placeholder=t("tui.need.note_placeholder"), id="need-note")
            yield Static("", id="need-error", classes="item-error", markup=False)
            yield Static(t("tui.need.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#need-where" if self.office else "#need-item", Input).focus()
        self.query_one("#need-error", Static).display = False

    def _options(self, query: str) -> list[Option]:
        q = query.strip().lower()
        return [
            Option(pick(item["zh"], item["en"]), id=item["key"])
            for item in self.items
            if not q or q in item["zh"] or q in item["en"].lower() or q in item["key"]
        ]

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "need-item":
            options = self.query_one("#need-items", OptionList)
            options.clear_options()
            options.add_options(self._options(event.value))
            if options.option_count:
                options.highlighted = 0

    def on_key(self, event) -> None:
        """Up and down in the item box move through the matching items."""
        if self.focused is self.query_one("#need-item", Input) and event.key in ("up", "down"):
            options = self.query_one("#need-items", OptionList)
            options.action_cursor_down() if event.key == "down" else options.action_cursor_up()
            event.stop()

    def _pick(self, key: str | None) -> None:
        self.chosen = next((i for i in self.items if i["key"] == key), None)
        if self.chosen:
            self.query_one("#need-item", Input).value = pick(self.chosen["zh"], self.chosen["en"])
            urgency = self.chosen.get("urgency", "normal")
            for button in self.query(RadioButton):
                if button.name == urgency:
                    button.value = True  # the set turns the others off
            self.query_one("#need-urgency", RadioSet).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "need-where":
            self.query_one("#need-item", Input).focus()
        elif event.input.id == "need-item":
            options = self.query_one("#need-items", OptionList)
            if options.highlighted is not None and options.option_count:
                self._pick(options.get_option_at_index(options.highlighted).id)
        else:
            self.action_save()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def action_save(self) -> None:
        from gridtui.domain import needs

        error = self.query_one("#need-error", Static)
        if self.chosen is None:
            error.update(t("tui.need.choose_item"))
            error.display = True
            self.query_one("#need-item", Input).focus()
            return
        pressed = self.query_one("#need-urgency", RadioSet).pressed_button
        settings, household_id, visit_id, item = self.app.settings, self.household_id, self.visit_id, self.chosen["key"]
        urgency, note = pressed.name if pressed else None, self.query_one("#need-note", Input).value
        source, where = "visit", ""
        if self.office:
            source_button = self.query_one("#need-source", RadioSet).pressed_button
            source = (source_button.name if source_button else None) or "phone"
            where = self.query_one("#need-where", Input).value

        def write() -> str:
            resident = None
            place = household_id
            if self.office:
                place, resident = _need_place(where)
            return needs.open_need(
                place,
                item,
                urgency=urgency,
                note=note,
                source=source,
                visit_id=visit_id,
                resident_id=resident,
                actor=settings.worker_name,
                due_hours=settings.due_hours,
            )

        try:
            self.app.writes.save(write)
        except GridError as exc:
            error.update(exc.message())
            error.display = True
            if self.office and (not isinstance(exc, ValidationError) or exc.field == "id_number"):
                self.query_one("#need-where", Input).focus()
            return
        except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
            self.app.report(exc)
            return
        self.notify(t("tui.need.saved", item=pick(self.chosen["zh"], self.chosen["en"])))
        self.dismiss(True)


def _need_place(where: str) -> tuple[str | None, str | None]:
    """(household, resident) from what was typed: an address, or a resident's ID number."""
    from gridtui.domain import households

    text = where.strip()
    if not text:
        raise GridError("tui.need.where_required")
    if text[:1].isdigit() or "/" in text or "／" in text:  # an ID number, or ADDRESS/NAME
        return None, households.find_resident(text)
    return households.find_household(text), None


def choice_key(text: str, keys: tuple[str, ...], label_key: str) -> str:
    """A relation or sex typed as its key or as its label in either language (户主, head, 男, M)."""
    wanted = text.strip().lower()
    for key in keys:
        labels = {key.lower(), *(t(f"{label_key}.{key}", lang=lang).lower() for lang in ("zh", "en"))}
        if wanted in labels:
            return key
    return text.strip()  # the store's rules say what is allowed


class ResidentDialog(GridModal):
    """Add or edit a resident and their register tags. ID and phone stay masked: type to replace."""

    BINDINGS = [
        bind("escape", "dismiss", "dialog.close"),
        bind("ctrl+s", "save", "resident.save"),
    ]
    FIELDS = ("name", "relation", "sex", "birth_date", "id_number", "phone")
    MASKED = {"id_number": "id_masked", "phone": "phone_masked"}
    LABELLED = {"relation": "tui.relation", "sex": "tui.sex"}

    HOW = ("record", "arrival", "birth")
    """A resident added is someone the register missed, a newcomer, or a newborn: the last two
    are life events, kept in the register's history."""

    def __init__(self, household_id: str, resident: Any | None) -> None:
        super().__init__()
        self.household_id, self.resident = household_id, resident
        self.held = {reg.kind for reg in resident.registers} if resident else set()

    def compose(self) -> ComposeResult:
        r = self.resident
        with Vertical(classes="dialog wide"):
            yield Static(
                t("tui.resident.edit_title" if r else "tui.resident.add_title"), classes="dialog-title", markup=False
            )
            if r is None:
                with RadioSet(id="res-how"):
                    for how in self.HOW:
                        yield RadioButton(t(f"tui.resident.how.{how}"), value=how == "record", name=how)
            for name in self.FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(t(f"field.{name}"), classes="form-label")
                    if name in self.MASKED:  # never put the full number on screen to edit it
                        value, placeholder = "", getattr(r, self.MASKED[name], "") if r else ""
                    else:
                        value = str(getattr(r, name, None) or "") if r else ""
                        if value and name in self.LABELLED:  # shown in words: 户主, not head
                            value = t(f"{self.LABELLED[name]}.{value}")
                        placeholder = t(f"tui.resident.hint.{name}", default="")
                    yield Input(value, placeholder=placeholder, id=f"res-{name}", classes="form-input")
            yield Checkbox(t("tui.resident.party_member"), value=bool(r and r.party_member), id="res-party")
            yield Static(t("tui.resident.registers"), classes="section-title", markup=False)
            yield SelectionList(id="res-registers")
            yield Static("", id="res-error", classes="item-error", markup=False)
            yield Static(t("tui.resident.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#res-error", Static).display = False
        self.query_one("#res-name", Input).focus()
        from gridtui.core.catalogs import register_kinds

        registers = self.query_one(SelectionList)
        for kind in register_kinds():
            if kind.get("target", "resident") == "resident":
                registers.add_option((pick(kind["zh"], kind["en"]), kind["key"], kind["key"] in self.held))
        registers.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        from gridtui.domain import households

        values: dict[str, Any] = {name: self.query_one(f"#res-{name}", Input).value.strip() for name in self.FIELDS}
        typed_relation = values["relation"]
        if self.resident:  # an empty masked field means "keep what is stored"
            values = {k: v for k, v in values.items() if v or k not in (*self.MASKED, "relation")}
        elif not values["relation"]:
            values["relation"] = "other"
        if values.get("relation"):
            values["relation"] = choice_key(values["relation"], RELATIONS, "tui.relation")
        if values.get("sex"):
            values["sex"] = choice_key(values["sex"], ("M", "F"), "tui.sex")
        values["party_member"] = self.query_one("#res-party", Checkbox).value
        values["birth_date"] = values.get("birth_date") or None
        registers = set(self.query_one(SelectionList).selected)
        error = self.query_one("#res-error", Static)
        resident, household_id, held = self.resident, self.household_id, self.held
        how = "record"
        if resident is None:
            pressed = self.query_one("#res-how", RadioSet).pressed_button
            how = (pressed.name if pressed else None) or "record"
        today, actor = self.app.today, self.app.settings.worker_name

        def write() -> None:
            from gridtui.domain import life_events

            if resident:
                resident_id = resident.id
                households.update_resident(resident_id, **values)
            elif how == "record":
                resident_id = households.add_resident(household_id, **values)
            else:  # a newborn's day is their birth date; a newcomer's, today
                day = values["birth_date"] if how == "birth" and values["birth_date"] else today
                if how == "birth" and not typed_relation:
                    values["relation"] = "child"
                resident_id = life_events.arrive(household_id, born=how == "birth", on=day, actor=actor, **values)
            for kind in registers ^ held:
                households.set_register(kind, resident_id=resident_id, on=kind in registers)

        try:
            self.app.writes.save(write)
        except ValidationError as exc:
            error.update(exc.message())
            error.display = True
            field = self.query(f"#res-{exc.field}")
            if field:
                field.first().focus()
            return
        except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
            self.app.report(exc)
            return
        self.notify(t("tui.resident.saved", name=values.get("name") or (resident.name if resident else "")))
        self.dismiss(True)


class LifeEventDialog(GridModal):
    """A resident's life event, from the visit's residents panel or the household screen: moved
    out of the community, moved to another household here, died, relation to the head changed.
    Each is kept in the register's history and updates the registers it touches."""

    BINDINGS = [
        bind("escape", "dismiss", "dialog.close"),
        bind("ctrl+s", "save", "life.save"),
    ]
    KINDS = ("move_out", "move", "death", "relation")

    def __init__(self, resident: Any) -> None:
        super().__init__()
        self.resident = resident

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("tui.life.title", name=self.resident.name), classes="dialog-title", markup=False)
            with RadioSet(id="life-kind"):
                for kind in self.KINDS:
                    yield RadioButton(t(f"tui.life.kind.{kind}"), value=kind == "move_out", name=kind)
            for name, placeholder in (
                ("happened_on", ""),
                ("household", t("tui.life.hint.household")),
                ("relation", t("tui.resident.hint.relation", default="")),
                ("to", t("tui.life.hint.to")),
                ("note", ""),
            ):
                with Horizontal(classes="form-row"):
                    yield Label(t(f"field.{name}"), classes="form-label")
                    value = f"{self.app.today or date.today()}" if name == "happened_on" else ""
                    yield Input(value, placeholder=placeholder, id=f"life-{name}", classes="form-input")
            yield Static("", id="life-error", classes="item-error", markup=False)
            yield Static(t("tui.life.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#life-error", Static).display = False
        self.query_one("#life-kind", RadioSet).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        from gridtui.domain import households, life_events

        pressed = self.query_one("#life-kind", RadioSet).pressed_button
        kind = pressed.name if pressed else "move_out"
        value = {
            n: self.query_one(f"#life-{n}", Input).value.strip()
            for n in ("happened_on", "household", "relation", "to", "note")
        }
        resident, actor = self.resident.id, self.app.settings.worker_name
        relation = choice_key(value["relation"], RELATIONS, "tui.relation") if value["relation"] else None
        day = value["happened_on"] or None

        def write() -> str:
            if kind == "move_out":
                life_events.move_out(resident, on=day, to=value["to"], actor=actor, note=value["note"])
            elif kind == "death":
                life_events.death(resident, on=day, actor=actor, note=value["note"])
            elif kind == "move":
                if not value["household"]:
                    raise ValidationError("household", "validate.required")
                life_events.move(
                    resident,
                    households.find_household(value["household"]),
                    relation=relation,
                    on=day,
                    actor=actor,
                    note=value["note"],
                )
            else:
                if relation is None:
                    raise ValidationError("relation", "validate.required")
                life_events.change_relation(resident, relation, on=day, actor=actor, note=value["note"])
            return t(f"tui.life.saved.{kind}", name=self.resident.name)

        try:
            self.app.writes.save(write, shown=self.app.notify)
        except GridError as exc:
            error = self.query_one("#life-error", Static)
            error.update(exc.message())
            error.display = True
            field = exc.field if isinstance(exc, ValidationError) else "household" if kind == "move" else ""
            if self.query(f"#life-{field}"):
                self.query_one(f"#life-{field}", Input).focus()
            return
        except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
            self.app.report(exc)
            return
        self.dismiss(True)
