"""What the origination services need from storage, as Protocols (SQL implementations in
``creditline.store.applications``, ``.reviews`` and ``.special_terms``; reached as
``uow.applications``, ``uow.reviews`` and ``uow.special_terms``).  The blacklist is fraud's
(``fraud.ports``); which model serves is the model registry's question
(``scoring.ports.ModelRepository``).  ``ApplicationRepository`` also answers the fraud
screen's look-ups over past applications (velocity, rings)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Protocol

from creditline.fraud.rings import Link
from creditline.fraud.velocity import ApplicationKeys, PastApplication
from creditline.origination.application import Application
from creditline.origination.review import Review
from creditline.origination.special_terms import SpecialTerms


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


class ReviewRepository(Protocol):
    def add(self, review: Review) -> None: ...

    def get(self, review_id: str, *, for_update: bool = False) -> Review | None: ...

    def for_application(self, app_id: str) -> Review | None: ...

    def update(self, review: Review) -> Review: ...

    def list(self, status: str | None, limit: int, offset: int) -> list[Review]: ...


class SpecialTermsRepository(Protocol):
    def add(self, st: SpecialTerms) -> None: ...

    def get(self, terms_id: str, *, for_update: bool = False) -> SpecialTerms | None: ...

    def update(self, st: SpecialTerms) -> SpecialTerms: ...

    def in_force(self, customer_id: str, product: str, on: date) -> SpecialTerms | None: ...

    def list(self, customer_id: str | None, status: str | None) -> list[SpecialTerms]: ...
