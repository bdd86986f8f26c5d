"""What the origination services need from storage, as Protocols (SQL implementations in
``creditline.store.applications``, ``.reviews`` and ``.special_terms``; reached as
``uow.applications``, ``uow.reviews`` and ``uow.special_terms``).  The blacklist is fraud's
(``fraud.ports``); which model serves is the model registry's question
(``scoring.ports.ModelRepository``).  ``ApplicationRepository`` also answers the fraud
screen's look-ups over past applications (velocity, rings)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from creditline.fraud.rings import Link
from creditline.fraud.velocity import ApplicationKeys, PastApplication
from creditline.origination.application import Application
from creditline.origination.review import Review
from creditline.origination.special_terms import SpecialTerms
from creditline.paging import Page, PageRequest


@dataclass(frozen=True)
class ApplicationQuery:
    """Filters of an application list, already checked by the service (dates inclusive,
    UTC days of ``created_at``)."""

    status: str | None = None  # approved | declined | referred
    product: str | None = None
    customer_id: str | None = None
    created_from: date | None = None
    created_to: date | None = None


class ApplicationRepository(Protocol):
    def add(self, app: Application) -> None: ...

    def get(self, app_id: str, *, for_update: bool = False) -> Application | None: ...

    def update(self, app: Application) -> Application:
        """Save a changed application; a stale ``version`` raises ``ConcurrencyError``."""

    def last_open_or_declined(self, customer_id: str) -> tuple[str, str, datetime] | None:
        """The latest referred or declined application as (id, status, when)."""

    def recent_sharing(self, keys: ApplicationKeys, since: datetime) -> list[PastApplication]: ...

    def contact_links(self, customer_ids: Iterable[str]) -> list[Link]: ...

    def links_of(self, customer_ids: set[str], since: datetime) -> list[Link]: ...

    def sharing(self, values: set[tuple[str, str]], since: datetime) -> list[Link]: ...

    def since(self, start: datetime, end: datetime | None = None) -> Iterator[Application]: ...

    def for_customer(self, customer_id: str, limit: int = 50) -> list[Application]: ...

    def page(self, query: ApplicationQuery, req: PageRequest) -> Page[Application]:
        """A page in ``(created_at, id)`` order, filtered in SQL, with the total."""


class ReviewRepository(Protocol):
    def add(self, review: Review) -> None: ...

    def get(self, review_id: str, *, for_update: bool = False) -> Review | None: ...

    def for_application(self, app_id: str) -> Review | None: ...

    def update(self, review: Review) -> Review: ...

    def page(self, status: str | None, req: PageRequest) -> Page[Review]:
        """Oldest first, in ``(created_at, id)`` order, with the total."""

    def overdue(self, now: datetime, req: PageRequest) -> Page[Review]:
        """Open reviews (pending or second review) due before ``now``, oldest first, in
        ``(created_at, id)`` order, with the total: the SLA breach list."""


class SpecialTermsRepository(Protocol):
    def add(self, st: SpecialTerms) -> None: ...

    def get(self, terms_id: str, *, for_update: bool = False) -> SpecialTerms | None: ...

    def update(self, st: SpecialTerms) -> SpecialTerms: ...

    def in_force(self, customer_id: str, product: str, on: date) -> SpecialTerms | None: ...

    def page(self, customer_id: str | None, status: str | None, req: PageRequest
             ) -> Page[SpecialTerms]: ...
