"""The checklists gridtui ships are XLSForm workbooks like any office's: each reads without a
problem, speaks both languages, uses the skip logic, and keeps the item names of the checklists
before them (so answers given then read the same)."""

from __future__ import annotations

import pytest

from gridtui.core.legacy import legacy_definitions
from gridtui.forms import builtin
from gridtui.forms.model import ANSWERED_TYPES, Form
from gridtui.forms.workbook import write_workbook
from gridtui.forms.xlsform import read_workbook


@pytest.mark.parametrize("key", builtin.KEYS)
def test_a_shipped_checklist_is_a_sound_bilingual_form(key, tmp_path):
    form = read_workbook(builtin.workbook(key))
    assert form.key == key and form.version
    for item in form.items:
        if item.type != "calculate":
            assert item.label.get("zh") and item.label.get("en"), item.name
    for group in form.groups.values():
        assert group.label.get("zh") and group.label.get("en")
    for choices in form.choices.values():
        assert all(c.label.get("zh") and c.label.get("en") for c in choices)
    assert any(i.relevant for i in form.items) or any(g.relevant for g in form.groups.values())
    again = read_workbook(write_workbook(form, tmp_path / f"{key}.xlsx"))
    assert again.digest == form.digest  # "campaign form" gives back the same form


@pytest.mark.parametrize("key", builtin.KEYS)
def test_the_shipped_forms_keep_the_older_checklists_names_and_types(key):
    form = read_workbook(builtin.workbook(key))
    legacy = Form.from_definition(legacy_definitions()[key])
    for item in legacy.items:
        shipped = form.item(item.name)
        assert shipped is not None and shipped.type == item.type, item.name


def test_together_they_use_every_answered_type_groups_notes_aside():
    used = {i.type for key in builtin.KEYS for i in read_workbook(builtin.workbook(key)).items}
    assert set(ANSWERED_TYPES) <= used and "calculate" in used
