"""The register of individual businesses (个体工商户): add, edit, close, and the office's list.

The market regulation office keeps the list of licensed shops; the community brings it in
(``gridtui business import``) or keeps it by hand (``business add/edit/end``). A shop is known by
its licence number (统一社会信用代码), else by its name and address. A shop that closes for good
is ended; its checks stay in the campaigns' history. The walk list and the shop screen read the
register (:mod:`gridtui.domain.businesses`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridtui.core import store
from gridtui.core.models import Business, by_id, live
from gridtui.core.validate import fold
from gridtui.errors import GridError, ValidationError

__all__ = [
    "BusinessRow",
    "FIELDS",
    "add_business",
    "end_business",
    "find_business",
    "kind_key",
    "list_businesses",
    "match_business",
    "update_business",
    "upsert_business",
]

FIELDS = ("name", "kind", "owner_name", "phone", "address", "license_no", "food", "grid")


def kind_key(text: str) -> str:
    """A business kind's key when ``text`` names a known kind (超市便利店, grocery), else as written."""
    from gridtui.i18n import catalog

    wanted = fold(text)
    for key, entry in catalog().items():
        if key.startswith("businesses.kind.") and wanted in (fold(key[16:]), *(fold(v) for v in entry.values())):
            return key[16:]
    return (text or "").strip()


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    for name in values:
        if name not in FIELDS:
            raise ValidationError(name, "households.not_editable")
    if "kind" in values:
        values["kind"] = kind_key(values["kind"] or "")
        if not values["kind"]:
            raise ValidationError("kind", "validate.required")
    if "license_no" in values:
        values["license_no"] = (values["license_no"] or "").strip().upper()
    return values


def add_business(name: str, kind: str, **values: Any) -> str:
    """A shop on the register; a licence number already on another shop is refused."""
    values = _checked({"name": name, "kind": kind, **values})
    _licence_free(values.get("license_no", ""), None)
    return store.create(Business, **values).id


def update_business(business_id: str, **values: Any) -> list[str]:
    """Change a shop's fields (``grid`` is a grid id, None for none)."""
    _business(business_id)
    values = _checked(values)
    if "license_no" in values:
        _licence_free(values["license_no"], business_id)
    return store.update(Business, business_id, **values)


def end_business(business_id: str) -> None:
    """The shop has closed for good: it leaves the register and the walk lists."""
    _business(business_id)
    store.delete(Business, business_id)


def _business(business_id: str) -> Business:
    found = by_id(Business, business_id)
    if found is None:
        raise GridError("business.not_found", id=business_id)
    return found


def _licence_free(licence: str, business_id: str | None) -> None:
    if not licence:
        return
    other = Business.get_or_none((Business.license_no == licence) & live(Business))
    if other is not None and other.id != business_id:
        raise ValidationError("license_no", "business.licence_taken", name=other.name)


def match_business(values: dict[str, Any]) -> str | None:
    """The live shop a list's row describes: by licence number, else by name and address."""
    licence = (values.get("license_no") or "").strip().upper()
    if licence:
        licensed: Business | None = Business.get_or_none((Business.license_no == licence) & live(Business))
        if licensed is not None:
            return licensed.id
    found: Business | None = Business.get_or_none(
        (Business.name == values.get("name", "")) & (Business.address == values.get("address", "")) & live(Business)
    )
    return found.id if found else None


def find_business(ref: str) -> str:
    """A shop by licence number, its name (if only one shop has it) or its id."""
    text = (ref or "").strip()
    found = match_business({"license_no": text}) if text else None
    if found:
        return found
    named: list[str] = [
        b for (b,) in Business.select(Business.id).where((Business.name == text) & live(Business)).limit(3).tuples()
    ]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise GridError("business.ambiguous", ref=text, count=len(named))
    from gridtui.domain.needs import resolve

    return resolve(Business, text, "business.not_found")


def upsert_business(values: dict[str, Any]) -> str:
    """One row of the office's shop list: made or brought up to date; "created", "updated" or
    "unchanged"."""
    found = match_business(values)
    if found is None:
        add_business(values.pop("name"), values.pop("kind", "") or "other", **values)
        return "created"
    return "updated" if update_business(found, **values) else "unchanged"


@dataclass(frozen=True)
class BusinessRow:
    """One shop of the register; the owner's phone masked."""

    id: str
    name: str
    kind: str
    kind_label: str
    owner_name: str
    phone: str
    address: str
    license_no: str
    food: bool
    grid: str  # the grid's code


def list_businesses(grid_id: str | None = None) -> list[BusinessRow]:
    """The register (or one grid's shops) by name; owners' phones masked."""
    from gridtui.core.models import Grid
    from gridtui.domain.businesses import kind_label
    from gridtui.domain.privacy import mask_phone

    grids = dict(Grid.select(Grid.id, Grid.code).where(live(Grid)).tuples())
    query = Business.select().where(live(Business))
    if grid_id:
        query = query.where(Business.grid == grid_id)
    return [
        BusinessRow(
            id=b.id,
            name=b.name,
            kind=b.kind,
            kind_label=kind_label(b.kind),
            owner_name=b.owner_name,
            phone=mask_phone(b.phone),
            address=b.address,
            license_no=b.license_no,
            food=b.food,
            grid=grids.get(b.grid_id, ""),
        )
        for b in query.order_by(Business.name, Business.id)
    ]
