"""What the closure context needs from storage (SQL in ``creditline.store.closure``;
reached as ``uow.closure_requests``, ``uow.closure_plans``, ``uow.negotiations``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from creditline.closure.negotiation import Negotiation
from creditline.closure.plans import Plan
from creditline.closure.request import ClosureRequest
from creditline.paging import Page, PageRequest
from creditline.servicing.model import Installment
from creditline.servicing.statements import Statement


@dataclass(frozen=True)
class RequestQuery:
    status: str | None = None
    line_id: str | None = None
    customer_id: str | None = None
    statuses: tuple[str, ...] | None = None  # any of these (the review queue)


class ClosureRequestRepository(Protocol):
    def add(self, req: ClosureRequest) -> None:
        """Insert; a second open request on the line is a ``Conflict`` (the partial unique
        index holds it under concurrent submissions)."""

    def get(self, request_id: str, *, lock: bool = False) -> ClosureRequest | None: ...

    def save(self, req: ClosureRequest) -> None:
        """Write back, checking ``version`` (bumped)."""

    def open_for_line(self, line_id: str) -> ClosureRequest | None: ...

    def page(self, query: RequestQuery, req: PageRequest) -> Page[ClosureRequest]: ...

    def closing_of_lines(self, line_ids: Sequence[str]) -> list[ClosureRequest]:
        """The ``closing`` requests of these lines, in one read (end of day)."""

    def final_statements(self, rows: Sequence[Statement]) -> None:
        """Insert the final statements (end of day, when a closing line closes) and reset
        the lines' cycle counters, in bulk."""


class PlanRepository(Protocol):
    def add(self, plan: Plan) -> None: ...

    def get(self, plan_id: str, *, lock: bool = False) -> Plan | None: ...

    def save(self, plan: Plan) -> None: ...

    def page(self, status: str | None, line_id: str | None, req: PageRequest) -> Page[Plan]: ...

    def rewrite_installments(self, items: Sequence[Installment]) -> None:
        """Write back changed installments with their bill and due dates (acceleration
        moves them) and state."""

    def mark_restructured(self, line_id: str, purchase_ids: Sequence[str],
                          rates: dict[str, tuple[Decimal, Decimal]]) -> None:
        """Set the ``restructured`` flag on the line and the draws, and each draw's new
        (daily interest rate, fee rate)."""


class NegotiationRepository(Protocol):
    def add(self, n: Negotiation) -> None: ...

    def get(self, negotiation_id: str, *, lock: bool = False) -> Negotiation | None: ...

    def save(self, n: Negotiation) -> None: ...

    def page(self, status: str | None, line_id: str | None, req: PageRequest
             ) -> Page[Negotiation]: ...
