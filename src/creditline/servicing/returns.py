"""Returning goods: the returned principal comes off the installments not yet billed first,
last installment first; what is left comes off billed installments, again last first.
Principal still owed is simply credited; principal the customer already paid is given
back as a credit balance.  Available credit comes back with the principal.

Fees follow the principal (``fee_refund`` in the product): an unbilled installment's fee is
always in proportion to its outstanding principal; with ``pro_rata`` a billed installment's
fee is also cut to the share of its principal that was not returned, the unpaid part
reversed and the paid part given back as credit; with ``unbilled_only`` billed fees stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from creditline.money import ZERO, quantize
from creditline.servicing.model import Installment


@dataclass(frozen=True)
class ReturnEffect:
    amount: Decimal
    unbilled_principal: Decimal  # taken off principal not yet billed
    billed_principal: Decimal  # taken off billed principal still owed
    principal_refund: Decimal  # principal already paid, back to the customer as credit
    fee_reversed_unpaid: Decimal  # billed fees no longer owed
    fee_reversed_paid: Decimal  # billed fees already paid, back as credit
    unbilled_fee_waived: Decimal  # scheduled fees that will no longer bill

    @property
    def to_credit(self) -> Decimal:
        return self.principal_refund + self.fee_reversed_paid


def apply_return(installments: list[Installment], amount: Decimal, fee_refund: str) -> ReturnEffect:
    """Take ``amount`` off one purchase's installments (mutates them).  The caller checks
    that ``amount`` does not exceed what is returnable."""
    left = amount
    unbilled = billed = refund = fee_unpaid = fee_paid = waived = ZERO
    order = (sorted((i for i in installments if not i.billed), key=lambda i: -i.seq)
             + sorted((i for i in installments if i.billed), key=lambda i: -i.seq))
    for inst in order:
        if left == 0:
            break
        x = min(left, inst.p_sched)
        if x == 0:
            continue
        left -= x
        from_owed = min(x, inst.p_out)
        back = x - from_owed
        inst.p_sched -= x
        inst.p_paid -= back
        refund += back
        if inst.billed:
            billed += from_owed
            if fee_refund == "pro_rata" and inst.p_orig > 0:
                new_fee = quantize(inst.f_orig * inst.p_sched / inst.p_orig)
                reversed_ = max(ZERO, inst.f_sched - new_fee)
                unpaid = min(reversed_, inst.f_out)
                fee_unpaid += unpaid
                fee_paid += reversed_ - unpaid
                inst.f_paid -= reversed_ - unpaid
                inst.f_sched -= reversed_
        else:
            unbilled += from_owed
            new_fee = inst.unbilled_fee()
            waived += inst.f_sched - new_fee
            inst.f_sched = new_fee
        inst.changed = True
        inst.refresh_settled()
    if left:
        raise ValueError(f"return of {amount} exceeds the purchase's principal by {left}")
    return ReturnEffect(amount, unbilled, billed, refund, fee_unpaid, fee_paid, waived)
