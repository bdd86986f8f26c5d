"""The repayment waterfall: which debts a payment settles, in what order.

Billed debts are paid by the product's ``Waterfall``: with ``by="kind"`` (the default) all
penalties oldest-due first, then all fees, then interest, then principal; with ``by="due"``
the oldest installment is paid in full (kinds in order) before the next.  "Oldest" is the
due date, then the purchase id, then the installment number, so the order is total and the
same in this scalar path and in the vectorized kernel (tests pin them to each other).

What is left then, with ``excess="prepay"``, pays ahead: interest accrued on unbilled
installments, then unbilled principal in billing order (the fee on a prepaid installment is
waived in proportion); anything beyond that — or everything with ``excess="credit"`` — stays
as a credit balance, which end of day applies to the next amounts billed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from creditline.money import ZERO
from creditline.products.catalog import Waterfall
from creditline.servicing.model import Installment


@dataclass(frozen=True)
class Allocation:
    """One step of the explanation: so much of the payment went to this debt."""

    purchase_id: str
    seq: int
    kind: str
    amount: Decimal
    ahead: bool = False  # paid before it was billed


@dataclass(frozen=True)
class AllocationResult:
    amount: Decimal
    items: tuple[Allocation, ...]
    to_credit: Decimal

    def billed(self, kind: str) -> Decimal:
        return sum((a.amount for a in self.items if a.kind == kind and not a.ahead), ZERO)

    def ahead(self, kind: str) -> Decimal:
        return sum((a.amount for a in self.items if a.kind == kind and a.ahead), ZERO)

    def summary(self) -> dict[str, Decimal]:
        return {"penalty": self.billed("penalty"), "fee": self.billed("fee"),
                "interest": self.billed("interest"), "principal": self.billed("principal"),
                "prepaid_interest": self.ahead("interest"),
                "prepaid_principal": self.ahead("principal"), "credit_balance": self.to_credit}


def due_order(installments: list[Installment]) -> list[Installment]:
    return sorted((i for i in installments if i.billed),
                  key=lambda i: (i.due_date, i.purchase_id, i.seq))


def bill_order(installments: list[Installment]) -> list[Installment]:
    return sorted((i for i in installments if not i.billed),
                  key=lambda i: (i.bill_date, i.purchase_id, i.seq))


def allocate(amount: Decimal, installments: list[Installment], waterfall: Waterfall, *,
             billed_only: bool = False) -> AllocationResult:
    """Spread ``amount`` over the debts; pure (reads the installments, changes nothing)."""
    left = amount
    items: list[Allocation] = []

    def take(i: Installment, kind: str, ahead: bool = False) -> None:
        nonlocal left
        due = i.outstanding(kind)
        pay = min(due, left)
        if pay > 0:
            items.append(Allocation(i.purchase_id, i.seq, kind, pay, ahead))
            left -= pay

    billed = due_order(installments)
    if waterfall.by == "kind":
        for kind in waterfall.order:
            for i in billed:
                take(i, kind)
    else:
        for i in billed:
            for kind in waterfall.order:
                take(i, kind)
    if not billed_only and waterfall.excess == "prepay" and left > 0:
        ahead = bill_order(installments)
        for i in ahead:
            take(i, "interest", ahead=True)
        for i in ahead:
            take(i, "principal", ahead=True)
    return AllocationResult(amount, tuple(items), left)


def apply_allocation(installments: list[Installment], result: AllocationResult) -> None:
    """Record the payments on the installments and waive the fee on what was prepaid."""
    by_key = {(i.purchase_id, i.seq): i for i in installments}
    for a in result.items:
        inst = by_key[(a.purchase_id, a.seq)]
        inst.pay(a.kind, a.amount)
        if a.ahead and a.kind == "principal":
            inst.f_sched = inst.unbilled_fee()
    for i in installments:
        i.refresh_settled()
