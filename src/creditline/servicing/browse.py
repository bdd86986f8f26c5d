"""Browsing the book: pages of credit lines and purchases, filtered in the store.

Per-object access: a ``service`` user (a merchant checkout) sees only its own merchants'
purchases, so its list is restricted in SQL to them; every other role holding
``purchases:read`` sees all.  Lines need ``lines:read``, which no ``service`` user holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from creditline.auth import Principal, Role
from creditline.errors import ValidationError
from creditline.lines.ports import LineQuery
from creditline.lines.status import parse_status
from creditline.paging import Page, PageRequest, check_filters
from creditline.servicing.ports import PurchaseQuery
from creditline.servicing.services import _today
from creditline.servicing.views import LineView, PurchaseView
from creditline.uow import UnitOfWork

PURCHASE_STATUSES = ("active", "paid", "returned")


@dataclass(frozen=True)
class ListLines:
    status: str | None = None
    product: str | None = None
    min_dpd: int | None = None
    max_dpd: int | None = None
    customer_id: str | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class ListPurchases:
    line_id: str | None = None
    customer_id: str | None = None
    merchant: str | None = None
    made_from: date | None = None
    made_to: date | None = None
    status: str | None = None
    page: PageRequest = field(default_factory=PageRequest)


def _dates(start: date | None, end: date | None, end_field: str, start_field: str) -> None:
    if start is not None and end is not None and start > end:
        raise ValidationError(end_field, f"must not be before {start_field}")


def _dpd(value: int | None, name: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or value < 0):
        raise ValidationError(name, "must be a non-negative integer")


def list_lines(cmd: ListLines, uow: UnitOfWork, actor: Principal) -> Page[LineView]:
    """A page of lines, oldest first, e.g. every active line 30+ days past due."""
    actor.require("lines:read")
    check_filters(status=cmd.status, product=cmd.product, customer_id=cmd.customer_id)
    _dpd(cmd.min_dpd, "min_dpd")
    _dpd(cmd.max_dpd, "max_dpd")
    if cmd.min_dpd is not None and cmd.max_dpd is not None and cmd.min_dpd > cmd.max_dpd:
        raise ValidationError("max_dpd", "must not be below min_dpd")
    _dates(cmd.opened_from, cmd.opened_to, "opened_to", "opened_from")
    status = None if cmd.status is None else parse_status(cmd.status).value
    query = LineQuery(status=status, product=cmd.product, min_dpd=cmd.min_dpd,
                      max_dpd=cmd.max_dpd, customer_id=cmd.customer_id,
                      opened_from=cmd.opened_from, opened_to=cmd.opened_to)
    with uow:
        on = _today(uow, None)  # the date a line view is shown as of, as get_line does
        page = uow.lines.page(query, cmd.page)
    return Page([LineView.of(line, on) for line in page.items], page.next, page.total)


def list_purchases(cmd: ListPurchases, uow: UnitOfWork, actor: Principal
                   ) -> Page[PurchaseView]:
    """A page of purchases with their schedules, oldest first; a ``service`` user's list
    holds only its own merchants' purchases (and asking for another merchant's gives an
    empty page, not a hint that they exist)."""
    actor.require("purchases:read")
    check_filters(line_id=cmd.line_id, customer_id=cmd.customer_id, merchant=cmd.merchant,
                  status=cmd.status)
    if cmd.status is not None and cmd.status not in PURCHASE_STATUSES:
        raise ValidationError("status", "must be one of: " + ", ".join(PURCHASE_STATUSES))
    _dates(cmd.made_from, cmd.made_to, "made_to", "made_from")
    query = PurchaseQuery(
        line_id=cmd.line_id, customer_id=cmd.customer_id, merchant=cmd.merchant,
        made_from=cmd.made_from, made_to=cmd.made_to, status=cmd.status,
        merchants=actor.merchants if actor.role is Role.SERVICE else None)
    with uow:
        page = uow.purchases.page(query, cmd.page)
        schedules = uow.purchases.installments_of_many([p.id for p in page.items])
    return Page([PurchaseView.of(p, schedules[p.id]) for p in page.items], page.next,
                page.total)
