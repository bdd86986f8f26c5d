"""The records of the losses context: a write-off (proposed, executed or rejected), the
loss account each written-off or sold line keeps, the payments received on such lines, and
a debt sale with the lines in it.  Plain frozen values; the store keeps them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from creditline.errors import Conflict, Forbidden
from creditline.money import ZERO


class Decision(StrEnum):
    PENDING = "pending"  # waiting for a second person
    EXECUTED = "executed"  # approved (or needing no second approval) and posted
    REJECTED = "rejected"


class Source(StrEnum):
    END_OF_DAY = "end_of_day"  # the write-off rules at the threshold
    OFFICER = "officer"  # a risk officer's decision


class LossStatus(StrEnum):
    WRITTEN_OFF = "written_off"
    SOLD = "sold"


class PaymentKind(StrEnum):
    RECOVERY = "recovery"  # on a written-off line the lender still owns
    TO_BUYER = "to_buyer"  # on a sold line: owed on to the buyer


def check_decider(proposed_by: str, decider: str, what: str) -> None:
    """Maker-checker: the proposer never decides their own proposal (403)."""
    if decider == proposed_by:
        raise Forbidden(f"{what} was proposed by {proposed_by}: a second person decides it")


def check_pending(status: Decision, what: str) -> None:
    if status is not Decision.PENDING:
        raise Conflict(f"{what} is already {status.value}")


@dataclass(frozen=True)
class WriteOff:
    id: str
    line_id: str
    customer_id: str
    status: Decision
    source: Source
    reason: str
    dpd: int
    threshold_dpd: int
    rules_version: str
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    business_date: date | None = None  # when it was posted
    amounts: dict[str, Decimal] = field(default_factory=dict)  # by balance, as posted
    credit_applied: Decimal = ZERO
    amount: Decimal = ZERO  # net charged off
    from_allowance: Decimal = ZERO
    to_expense: Decimal = ZERO
    entry_id: str | None = None
    version: int = 1

    @property
    def needs_second_approval(self) -> bool:
        return self.dpd < self.threshold_dpd


@dataclass(frozen=True)
class LossAccount:
    """One line charged off or sold: what was written off, recovered since, and -- once
    sold -- to whom, for how much, and what has been passed on to the buyer."""

    line_id: str
    customer_id: str
    status: LossStatus
    case_id: str | None = None
    write_off_id: str | None = None
    written_off: Decimal = ZERO
    written_off_on: date | None = None
    recovered: Decimal = ZERO
    sale_id: str | None = None
    buyer: str | None = None
    sold_on: date | None = None
    sold_face: Decimal = ZERO
    sale_price: Decimal = ZERO
    to_buyer: Decimal = ZERO
    version: int = 1

    @property
    def claim(self) -> Decimal:
        """What the lender may still receive as its own: written off less recovered."""
        return self.written_off - self.recovered

    @property
    def owed_to_buyer(self) -> Decimal:
        """On a sold line, what the customer still owes the buyer, as far as the lender
        knows (face sold less what reached the lender and was passed on)."""
        return self.sold_face - self.to_buyer


@dataclass(frozen=True)
class LossPayment:
    id: str
    line_id: str
    kind: PaymentKind
    amount: Decimal
    business_date: date
    entry_id: str
    created_by: str
    created_at: datetime
    buyer: str | None = None
    sale_id: str | None = None


@dataclass(frozen=True)
class SaleLine:
    line_id: str
    customer_id: str
    product: str
    face: Decimal
    price: Decimal
    written_off: bool  # off the books already (a written-off line): the price is a recovery
    dpd: int
    bucket: int


@dataclass(frozen=True)
class DebtSale:
    id: str
    buyer: str
    status: Decision
    method: str
    rate: Decimal  # price per unit of face value applied
    pool: dict[str, Any]  # the filters, as given
    proposed_by: str
    proposed_at: datetime
    lines: tuple[SaleLine, ...] = ()
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    business_date: date | None = None
    from_allowance: Decimal = ZERO
    to_expense: Decimal = ZERO
    recovery_income: Decimal = ZERO
    version: int = 1

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def face(self) -> Decimal:
        return sum((s.face for s in self.lines), ZERO)

    @property
    def price(self) -> Decimal:
        return sum((s.price for s in self.lines), ZERO)
