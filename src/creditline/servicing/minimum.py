"""The minimum payment of a statement (documented rule, the same for every product; the
numbers come from the product's ``minimum_payment``):

    minimum = min(amount due, max(fees + interest + penalties billed and unpaid
                                  + principal_share x billed principal unpaid,
                                  floor,
                                  past due))

``amount due`` is everything billed and unpaid, net of any credit balance; ``past due`` is
the part of earlier minimums still unpaid after their due dates.  Paying at least the
minimum by the due date keeps the line current (no days past due); whatever billed amount
is still unpaid after the due date accrues the daily penalty either way.  With
``principal_share = 1`` (SME) the minimum is the whole installment due.
"""

from __future__ import annotations

from decimal import Decimal

from creditline.money import quantize


def minimum_payment(*, amount_due: Decimal, fees: Decimal, interest: Decimal,
                    penalties: Decimal, principal_billed: Decimal, past_due: Decimal,
                    principal_share: Decimal, floor: Decimal) -> Decimal:
    base = fees + interest + penalties + quantize(principal_billed * principal_share)
    return min(amount_due, max(base, floor, past_due))
