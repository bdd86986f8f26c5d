"""A statement per cycle: what the customer owed at the last statement, what happened
since, what is owed now, and what must be paid by when.

    closing = opening + purchases - returns - repayments + fees + interest + penalties

holds to the cent for every statement (fees are net of fees reversed by returns; the
balance is everything owed, billed or not, less any credit balance).  ``amount_due`` is the
billed part, ``minimum_payment`` follows the rule in ``servicing.kernel`` (step 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Statement:
    line_id: str
    statement_date: date
    period_start: date
    due_date: date
    opening: Decimal
    purchases: Decimal
    returns: Decimal
    repayments: Decimal
    fees: Decimal
    interest: Decimal
    penalties: Decimal
    closing: Decimal
    amount_due: Decimal
    minimum_payment: Decimal
    past_due: Decimal

    @property
    def reconciles(self) -> bool:
        return self.closing == (self.opening + self.purchases - self.returns - self.repayments
                                + self.fees + self.interest + self.penalties)
