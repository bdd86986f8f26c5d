"""What the line use cases need from storage, as Protocols (SQL implementations in
``creditline.store.lines``; reached as ``uow.lines`` and ``uow.limit_events``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from creditline.lines.limits import LimitEvent
from creditline.lines.line import Line
from creditline.lines.proposals import LimitProposal
from creditline.lines.ramp import LimitRamp
from creditline.paging import Page, PageRequest, SeqPage, SeqPageRequest


@dataclass(frozen=True)
class LineQuery:
    """Filters of a line list, already checked by the service (dates inclusive)."""

    status: str | None = None
    product: str | None = None
    min_dpd: int | None = None
    max_dpd: int | None = None
    customer_id: str | None = None
    opened_from: date | None = None
    opened_to: date | None = None


class LineRepository(Protocol):
    def add(self, line: Line) -> None:
        """Insert; a second not-closed line of the same customer and product is a ``Conflict``."""

    def get(self, line_id: str, *, lock: bool = False) -> Line | None:
        """Load; ``lock`` takes the line's row lock until the transaction ends."""

    def save(self, line: Line) -> None:
        """Write back if nobody changed it since it was read (``ConcurrencyError``
        otherwise) and bump ``version``; clears ``next_eod`` so end of day visits it."""

    def of_customer(self, customer_id: str) -> list[Line]:
        """The customer's lines, oldest first."""

    def where(self, *, min_dpd: int | None = None, status: str | None = None,
              after: str | None = None, limit: int = 1000) -> list[Line]:
        """A page of lines in id order, optionally at least ``min_dpd`` days past due or
        in one status; page on with ``after``."""

    def page(self, query: LineQuery, req: PageRequest) -> Page[Line]:
        """A page in ``(created_at, id)`` order, filtered in SQL, with the total."""


class LimitEventRepository(Protocol):
    def add(self, event: LimitEvent) -> None: ...

    def of_line(self, line_id: str) -> list[LimitEvent]:
        """The line's limit history, oldest first."""

    def page(self, line_id: str, req: SeqPageRequest) -> SeqPage[LimitEvent]:
        """A page of the line's limit history in ``seq`` order, with the total."""


class LimitProposalRepository(Protocol):
    """Manual limit raises waiting for a second person (``lines.proposals``)."""

    def add(self, proposal: LimitProposal) -> None: ...

    def get(self, proposal_id: str, *, lock: bool = False) -> LimitProposal | None:
        """Load; ``lock`` takes its row lock until the transaction ends."""

    def save(self, proposal: LimitProposal) -> None:
        """Write back the decision of a pending proposal."""

    def page(self, status: str | None, line_id: str | None, req: PageRequest
             ) -> Page[LimitProposal]:
        """Proposals oldest first, keyed on ``(proposed_at, id)``, optionally in one status
        or of one line, with the total."""


class LimitRampRepository(Protocol):
    """The limit ramps of new customers' lines (``lines.ramp``; ``uow.limit_ramps``)."""

    def add(self, ramp: LimitRamp) -> None: ...

    def of_lines(self, line_ids: list[str]) -> list[tuple[LimitRamp, Decimal]]:
        """The ramps of these lines that have not reached their target, each with the
        line's permanent limit, in line id order."""

    def step(self, rows: list[tuple[str, Decimal]], on: date) -> None:
        """Set these lines' permanent limits (bumping ``version``), note the step day, and
        drop the ramps whose line reached its target."""
