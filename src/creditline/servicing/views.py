"""What the use cases answer: read-only views of a line, a purchase and its schedule, a
repayment and a return.  Plain values (Decimal money, dates); the API turns them into JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from creditline.lines.holds import HeldPurchase
from creditline.lines.limits import TemporaryLimit
from creditline.lines.line import Line
from creditline.money import ZERO
from creditline.servicing.calendar import next_statement_date
from creditline.servicing.model import Installment, PurchaseRecord


@dataclass(frozen=True)
class LineView:
    id: str
    customer_id: str
    product: str
    product_version: str
    status: str
    currency: str
    limit: Decimal
    used: Decimal
    available: Decimal
    principal_unbilled: Decimal
    principal_billed: Decimal
    fees: Decimal
    interest_accrued: Decimal
    interest_billed: Decimal
    penalties: Decimal
    credit_balance: Decimal
    total_owed: Decimal
    amount_due: Decimal
    minimum_due: Decimal
    past_due: Decimal
    days_past_due: int
    due_date: date | None
    statement_day: int
    next_statement_date: date
    opened_on: date
    as_of: date  # the last business day closed for this line
    payoff_amount: Decimal
    version: int
    effective_limit: Decimal  # on the business date: a temporary limit while it runs
    temporary_limit: TemporaryLimit | None = None  # granted, whether or not in force yet
    held: Decimal = ZERO  # purchases held by a trigger for a reviewer (counted against available)
    restructured: bool = False  # draws restructured (closure): IFRS 9 staging reads it

    @classmethod
    def of(cls, line: Line, on: date) -> LineView:
        """The line as of business date ``on`` (which decides the limit in force)."""
        return cls(
            id=line.id, customer_id=line.customer_id, product=line.product,
            product_version=line.product_version, status=line.status.value,
            currency=line.currency, limit=line.limit, used=line.used,
            available=line.available_on(on), effective_limit=line.effective_limit(on),
            temporary_limit=line.temporary, held=line.held,
            principal_unbilled=line.principal_unbilled, principal_billed=line.principal_billed,
            fees=line.fee, interest_accrued=line.interest_accrued,
            interest_billed=line.interest_billed, penalties=line.penalty,
            credit_balance=line.credit_balance, total_owed=line.total_owed,
            amount_due=line.amount_due, minimum_due=line.minimum_due, past_due=line.past_due,
            days_past_due=line.dpd, due_date=line.min_due_date,
            statement_day=line.statement_day,
            next_statement_date=next_statement_date(line.last_eod, line.statement_day),
            opened_on=line.opened_on, as_of=line.last_eod, payoff_amount=line.payoff_amount,
            version=line.version, restructured=line.restructured)


@dataclass(frozen=True)
class InstallmentView:
    seq: int
    bill_date: date
    due_date: date
    status: str
    principal: Decimal
    fee: Decimal
    interest: Decimal
    penalty: Decimal
    principal_paid: Decimal
    fee_paid: Decimal
    interest_paid: Decimal
    penalty_paid: Decimal
    outstanding: Decimal
    scheduled_principal: Decimal
    scheduled_fee: Decimal

    @classmethod
    def of(cls, i: Installment) -> InstallmentView:
        return cls(seq=i.seq, bill_date=i.bill_date, due_date=i.due_date, status=i.status,
                   principal=i.p_sched, fee=i.f_sched, interest=i.i_amt, penalty=i.pen_amt,
                   principal_paid=i.p_paid, fee_paid=i.f_paid, interest_paid=i.i_paid,
                   penalty_paid=i.pen_paid, outstanding=i.p_out + i.f_out + i.i_out + i.pen_out,
                   scheduled_principal=i.p_orig, scheduled_fee=i.f_orig)


@dataclass(frozen=True)
class PurchaseView:
    id: str
    line_id: str
    amount: Decimal
    merchant: str
    merchant_category: str
    installments: int
    method: str
    fee_rate: Decimal
    interest_daily_rate: Decimal
    made_on: date
    returned: Decimal
    status: str
    schedule: tuple[InstallmentView, ...]
    replayed: bool = False
    # a purchase a real-time trigger held for a reviewer (status "held" or "refused"):
    # the triggers and the reason, in English and Chinese; None for a booked purchase
    hold: dict[str, Any] | None = None

    @classmethod
    def held(cls, h: HeldPurchase, replayed: bool = False) -> PurchaseView:
        """A held (or refused) purchase: nothing booked, so no schedule."""
        return cls(id=h.id, line_id=h.line_id, amount=h.amount, merchant=h.merchant,
                   merchant_category=h.merchant_category, installments=h.periods,
                   method=h.method or "", fee_rate=h.fee_rate, interest_daily_rate=ZERO,
                   made_on=h.business_date, returned=ZERO, status=h.status.value, schedule=(),
                   replayed=replayed,
                   hold={"triggers": list(h.triggers), "reason_en": h.reason_en,
                         "reason_zh": h.reason_zh, "rules_version": h.rules_version,
                         "decided_by": h.decided_by, "decision_note": h.decision_note})

    @classmethod
    def of(cls, p: PurchaseRecord, schedule: list[Installment], replayed: bool = False) -> PurchaseView:
        views = tuple(InstallmentView.of(i) for i in sorted(schedule, key=lambda i: i.seq))
        if p.returned == p.amount:
            status = "returned"
        elif all(i.settled for i in schedule):
            status = "paid"
        else:
            status = "active"
        return cls(id=p.id, line_id=p.line_id, amount=p.amount, merchant=p.merchant,
                   merchant_category=p.merchant_category, installments=p.periods,
                   method=p.method, fee_rate=p.fee_rate, interest_daily_rate=p.interest_rate,
                   made_on=p.made_on, returned=p.returned, status=status, schedule=views,
                   replayed=replayed)

    @property
    def total_fees(self) -> Decimal:
        return sum((i.fee for i in self.schedule), ZERO)


@dataclass(frozen=True)
class RepaymentView:
    id: str
    line_id: str
    amount: Decimal
    business_date: date
    allocation: dict[str, Decimal]
    items: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    replayed: bool = False


@dataclass(frozen=True)
class ReturnView:
    id: str
    purchase_id: str
    line_id: str
    amount: Decimal
    business_date: date
    effect: dict[str, Decimal]
    replayed: bool = False


@dataclass(frozen=True)
class RefundView:
    """A refund of a credit balance; kept whole as the idempotent answer (JSON-safe)."""

    id: str
    line_id: str
    amount: Decimal
    business_date: date
    credit_balance: Decimal  # what is left on the line after it
    replayed: bool = False

    def to_json(self) -> dict[str, str]:
        return {"refund_id": self.id, "line_id": self.line_id, "amount": str(self.amount),
                "business_date": self.business_date.isoformat(),
                "credit_balance": str(self.credit_balance)}

    @classmethod
    def from_json(cls, d: dict[str, Any], replayed: bool = False) -> RefundView:
        return cls(d["refund_id"], d["line_id"], Decimal(d["amount"]),
                   date.fromisoformat(d["business_date"]), Decimal(d["credit_balance"]),
                   replayed)
