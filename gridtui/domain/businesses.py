"""Individual businesses (个体工商户): one shop in full, the target of safety-check campaigns.

A business campaign's walk list is :data:`gridtui.domain.walk.SHOPS` (street by street).
The owner's phone is personal data: masked in every row, revealed only through :func:`reveal`,
which writes the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridtui.core.models import Business, Grid, live, live_row
from gridtui.domain import privacy
from gridtui.domain.visits import VisitInfo, visit_history
from gridtui.domain.walk import RECTIFICATION_ITEM, BusinessRow, ShopRevisit, rectified
from gridtui.i18n import t

__all__ = [
    "FLAGS",
    "RECTIFICATION_ITEM",
    "BusinessDetail",
    "BusinessRow",
    "ShopRevisit",
    "detail",
    "kind_label",
    "reveal",
]

FLAGS = ("food", "rectification")
"""A shop's flags: it handles food; the last check that asked issued a rectification notice."""


@dataclass(frozen=True)
class BusinessDetail:
    id: str
    name: str
    kind: str
    owner_name: str
    phone_masked: str
    address: str
    license_no: str
    food: bool
    grid_code: str
    grid_name: str
    rectification: bool
    visits: tuple[VisitInfo, ...]

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


def kind_label(kind: str) -> str:
    """超市便利店 / Grocery store; a kind this version does not know shows as written."""
    return t(f"businesses.kind.{kind}", default=kind)


def _business(business_id: str) -> Business:
    return live_row(Business, business_id)


def detail(business_id: str) -> BusinessDetail:
    """A business with its owner (phone masked), licence, grid, and every visit with its answers."""
    row = _business(business_id)
    grid = Grid.get_or_none((Grid.id == row.grid_id) & live(Grid)) if row.grid_id else None
    return BusinessDetail(
        id=row.id,
        name=row.name,
        kind=row.kind,
        owner_name=row.owner_name,
        phone_masked=privacy.mask_phone(row.phone),
        address=row.address,
        license_no=row.license_no,
        food=row.food,
        grid_code=grid.code if grid else "",
        grid_name=grid.name if grid else "",
        rectification=business_id in rectified([business_id]),
        visits=tuple(visit_history(business_id, target="business")),
    )


def reveal(business_id: str, actor: str = "") -> str:
    """The owner's full phone number; the reveal is written to the audit log."""
    row = _business(business_id)
    privacy.record_reveal("business", business_id, "phone", actor=actor, where="business")
    phone: str = row.phone
    return phone
