"""Browsing applications: a page filtered in the store (status, product, customer, dates)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from creditline.auth import Principal
from creditline.errors import ValidationError
from creditline.origination.application import STATUSES, Application
from creditline.origination.ports import ApplicationQuery
from creditline.paging import Page, PageRequest, check_filters
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class ListApplications:
    status: str | None = None  # the decision: approved, declined or referred
    product: str | None = None
    customer_id: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    page: PageRequest = field(default_factory=PageRequest)


def list_applications(cmd: ListApplications, uow: UnitOfWork, actor: Principal
                      ) -> Page[Application]:
    """A page of applications, oldest first (``applications:read``)."""
    actor.require("applications:read")
    check_filters(status=cmd.status, product=cmd.product, customer_id=cmd.customer_id)
    if cmd.status is not None and cmd.status not in STATUSES:
        raise ValidationError("status", "must be one of: " + ", ".join(STATUSES))
    if cmd.created_from and cmd.created_to and cmd.created_from > cmd.created_to:
        raise ValidationError("created_to", "must not be before created_from")
    query = ApplicationQuery(status=cmd.status, product=cmd.product, customer_id=cmd.customer_id,
                             created_from=cmd.created_from, created_to=cmd.created_to)
    with uow:
        return uow.applications.page(query, cmd.page)
