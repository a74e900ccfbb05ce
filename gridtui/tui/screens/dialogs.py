"""Dialogs over the current screen: campaign picker, key map, a need, a resident."""

from __future__ import annotations

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
from gridtui.errors import ValidationError
from gridtui.i18n import pick, t
from gridtui.tui.app import db_work
from gridtui.tui.keys import bind
from gridtui.tui.screens.base import GridModal
from gridtui.tui.widgets import columns

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

        self.app.call_from_thread(self.show, campaigns.campaigns(active_only=True))

    def show(self, campaigns: list) -> None:
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

        with self.app.guarded():
            campaigns.set_active_campaign(event.option.id)
            self.app.campaign_id = event.option.id
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
        text.append_text(columns.row([(t("tui.keys.col.key"), 14, "bold"), (t("tui.keys.col.action"), 22, "bold"),
                                      (t("tui.keys.col.id"), 24, "bold")]))
        for ident in sorted(keys):
            text.append("\n")
            text.append_text(columns.row([(" ".join(keys[ident]), 14, "cyan"), (described[ident], 22), (ident, 24, "dim")]))
        with Vertical(classes="dialog wide"):
            yield Static(t("tui.keys.title"), classes="dialog-title", markup=False)
            with VerticalScroll():
                yield Static(text, id="keymap-table")
            focused = self.below.focused  # a widget can say more about its keys (the checklist: typing)
            helper = next((w for w in focused.ancestors_with_self if hasattr(w, "key_help")), None) if focused else None
            if helper is not None:
                yield Static(helper.key_help(), markup=False, classes="dialog-hint")
            yield Static(t("tui.keys.hint"), markup=False, classes="dialog-hint")


class NeedDialog(GridModal):
    """Record a need for this household on the spot: item by type-ahead, urgency, note."""

    BINDINGS = [
        bind("escape", "dismiss", "dialog.close"),
        bind("ctrl+s", "save", "need.save"),
    ]

    def __init__(self, household_id: str, visit_id: str | None) -> None:
        super().__init__()
        self.household_id, self.visit_id = household_id, visit_id
        from gridtui.core.catalogs import need_items

        self.items = need_items()
        self.chosen: dict | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("tui.need.title"), classes="dialog-title", markup=False)
            yield Input(placeholder=t("tui.need.item_placeholder"), id="need-item")
            yield OptionList(*self._options(""), id="need-items")
            with RadioSet(id="need-urgency"):
                for urgency in URGENCIES:
                    yield RadioButton(t(f"tui.urgency.{urgency}"), value=urgency == "normal", name=urgency)
            yield Input(placeholder=t("tui.need.note_placeholder"), id="need-note")
            yield Static("", id="need-error", classes="item-error", markup=False)
            yield Static(t("tui.need.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#need-item", Input).focus()
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
        if event.input.id == "need-item":
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
        try:
            self.app.writes.save(lambda: needs.open_need(
                household_id, item, urgency=urgency, note=note, source="visit", visit_id=visit_id,
                actor=settings.worker_name, due_hours=settings.due_hours,
            ))
        except ValidationError as exc:
            error.update(exc.message())
            error.display = True
            return
        except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
            self.app.report(exc)
            return
        self.notify(t("tui.need.saved", item=pick(self.chosen["zh"], self.chosen["en"])))
        self.dismiss(True)


def _choice_key(text: str, keys: tuple[str, ...], label_key: str) -> str:
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

    def __init__(self, household_id: str, resident: Any | None) -> None:
        super().__init__()
        self.household_id, self.resident = household_id, resident
        self.held = {reg.kind for reg in resident.registers} if resident else set()

    def compose(self) -> ComposeResult:
        r = self.resident
        with Vertical(classes="dialog wide"):
            yield Static(t("tui.resident.edit_title" if r else "tui.resident.add_title"), classes="dialog-title", markup=False)
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
        if self.resident:  # an empty masked field means "keep what is stored"
            values = {k: v for k, v in values.items() if v or k not in (*self.MASKED, "relation")}
        elif not values["relation"]:
            values["relation"] = "other"
        if values.get("relation"):
            values["relation"] = _choice_key(values["relation"], RELATIONS, "tui.relation")
        if values.get("sex"):
            values["sex"] = _choice_key(values["sex"], ("M", "F"), "tui.sex")
        values["party_member"] = self.query_one("#res-party", Checkbox).value
        values["birth_date"] = values.get("birth_date") or None
        registers = set(self.query_one(SelectionList).selected)
        error = self.query_one("#res-error", Static)
        resident, household_id, held = self.resident, self.household_id, self.held

        def write() -> None:
            if resident:
                resident_id = resident.id
                households.update_resident(resident_id, **values)
            else:
                resident_id = households.add_resident(household_id, **values)
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
        self.notify(t("tui.resident.saved", name=values.get("name") or self.resident.name))
        self.dismiss(True)
