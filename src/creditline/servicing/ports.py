"""What the servicing use cases and end of day need from storage, as Protocols (SQL
implementations in ``creditline.store.purchases``, ``.statements`` and ``.eod_columns``;
reached as ``uow.purchases``, ``uow.statements`` and ``uow.eod_columns``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from creditline.paging import Page, PageRequest, SeqPage, SeqPageRequest
from creditline.servicing.model import Installment, PurchaseRecord
from creditline.servicing.statements import Statement


@dataclass(frozen=True)
class PurchaseQuery:
    """Filters of a purchase list, already checked by the service (dates inclusive).
    ``merchants`` is the per-object rule: when set (a ``service`` user), only purchases of
    these merchants are listed, whatever else is asked."""

    line_id: str | None = None
    customer_id: str | None = None
    merchant: str | None = None
    made_from: date | None = None
    made_to: date | None = None
    status: str | None = None  # active | paid | returned, as ``PurchaseView`` says
    merchants: frozenset[str] | None = None


class PurchaseRepository(Protocol):
    """Purchases with their installments, and the repayments and returns made on them.
    Installments are written only under their line's row lock."""

    def add(self, p: PurchaseRecord, created_by: str) -> None: ...

    def get(self, purchase_id: str) -> PurchaseRecord | None: ...

    def save_returned(self, p: PurchaseRecord) -> None:
        """Write back how much of the purchase has been returned."""

    def of_line(self, line_id: str) -> list[PurchaseRecord]: ...

    def page(self, query: PurchaseQuery, req: PageRequest) -> Page[PurchaseRecord]:
        """A page in ``(created_at, id)`` order, filtered in SQL, with the total."""

    def installments_of_many(self, purchase_ids: Sequence[str]) -> dict[str, list[Installment]]:
        """The schedules of several purchases in one read (a list page's)."""

    def add_installments(self, line_id: str, items: Sequence[Installment]) -> None: ...

    def open_installments(self, line_id: str) -> list[Installment]:
        """Every installment of the line with anything left to bill or pay."""

    def installments_of(self, purchase_id: str) -> list[Installment]: ...

    def save_installments(self, items: Sequence[Installment]) -> None:
        """Write back the installments marked ``changed``."""

    def add_repayment(self, repayment_id: str, line_id: str, amount: Decimal, on: date,
                      allocation: dict[str, Any], created_by: str) -> None: ...

    def get_repayment(self, repayment_id: str) -> dict[str, Any] | None: ...

    def add_return(self, return_id: str, purchase_id: str, line_id: str, amount: Decimal,
                   on: date, effect: dict[str, Any], created_by: str) -> None: ...

    def get_return(self, return_id: str) -> dict[str, Any] | None: ...

    # console (issue 19): the line view lists them
    def repayments_of(self, line_id: str) -> list[dict[str, Any]]:
        """The line's repayments, in the shape of ``get_repayment``, oldest first."""
        ...

    def returns_of(self, line_id: str) -> list[dict[str, Any]]:
        """The line's returns, in the shape of ``get_return``, oldest first."""
        ...


class StatementRepository(Protocol):
    def of_line(self, line_id: str) -> list[Statement]:
        """The line's statements, oldest first (end of day writes them in bulk)."""

    def page(self, line_id: str, req: SeqPageRequest) -> SeqPage[Statement]:
        """A page of the line's statements, oldest first, with the total; the key is the
        statement date's ordinal (one statement per line and date)."""


class EodColumns(Protocol):
    """End of day's bulk reads and writes, as columns (money in cents, dates as day
    numbers), and the cached balances the ledger check compares."""

    def oldest_pending(self, through: date) -> date | None:
        """The earliest ``last_eod`` among open lines still behind ``through``."""

    def skip(self, day: date) -> int:
        """Close ``day`` for the open lines with nothing due before their next visit."""

    def lines(self, day: date, *, after: str | None = None, limit: int | None = None,
              line_ids: Sequence[str] | None = None, lock: bool = True) -> dict[str, list[Any]]:
        """The lines still to close ``day``, as columns, in id order."""

    def pending_ids(self, day: date) -> list[str]:
        """The ids of the lines still to close ``day``, in id order (no lock): where a
        partitioned run cuts the day before it hands the partitions out."""

    def installments(self, first_id: str, last_id: str, line_ids: Sequence[str] | None = None,
                     day: date | None = None) -> dict[str, list[Any]]:
        """Unsettled installments of the lines with ids in [first_id, last_id], as columns."""

    def write(self, day: date, *, lines: dict[str, list[Any]], advanced: list[str],
              inst: dict[str, list[Any]], statement_rows: dict[str, list[Any]]) -> None:
        """Write back one partition's end of day."""

    def lapse_temporary_limits(self, line_ids: Sequence[str]
                               ) -> list[tuple[str, Decimal, Decimal, date, date]]:
        """Clear these lines' temporary limits; (id, limit, amount, start, end) of each."""

    def hold_next_visit(self, line_ids: Sequence[str], days: Sequence[date]) -> None:
        """Set these lines' next end-of-day visit to the given days."""

    def cached_balances(self) -> dict[str, dict[str, Decimal]]:
        """Per line, the balances its row caches."""

    def installment_balances(self) -> dict[str, dict[str, Decimal]]:
        """Per line, the balances its open installments add up to."""
