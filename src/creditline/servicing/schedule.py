"""Installment schedules.  Every split sums exactly to the whole, to the cent.

- ``single``: the whole amount on the first statement, interest-free until its due date.
- ``even``: principal split evenly, the remainder on the last period; the installment fee is
  ``fee_rate`` of the purchase principal per period, ``round(P x rate x n)`` in total, split
  the same way (so the fees also sum exactly).
- ``annuity``: equal payments of principal and interest at the monthly rate
  ``daily_rate x 30`` (the schedule convention); the principal parts are fixed by it, the
  last part takes what is left.  Interest itself is *accrued* day by day on the unbilled
  principal at end of day and billed with each installment, so the interest shown on a
  schedule is a projection (actual days x daily rate x principal still unbilled).
- ``interest_only``: interest each period, the whole principal with the last one (bullet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from creditline.money import ZERO, quantize, split_even
from creditline.servicing.calendar import bill_dates, due_date

SCHEDULE_MONTH_DAYS = 30


@dataclass(frozen=True)
class PlannedInstallment:
    seq: int
    bill_date: date
    due_date: date
    principal: Decimal
    fee: Decimal
    projected_interest: Decimal


def principal_parts(amount: Decimal, periods: int, method: str,
                    daily_rate: Decimal = ZERO) -> list[Decimal]:
    """How ``amount`` is repaid period by period under ``method``; sums exactly to amount."""
    amount = quantize(amount)
    if method == "single":
        if periods != 1:
            raise ValueError("a single payment has one period")
        return [amount]
    if method == "interest_only":
        return [ZERO] * (periods - 1) + [amount]
    if method == "even" or (method == "annuity" and daily_rate == 0):
        return split_even(amount, periods)
    if method != "annuity":
        raise ValueError(f"unknown method {method!r}")
    with localcontext() as ctx:
        ctx.prec = 40
        r = daily_rate * SCHEDULE_MONTH_DAYS
        payment = quantize(amount * r / (1 - (1 + r) ** -periods))
        parts: list[Decimal] = []
        remaining = amount
        for _ in range(periods - 1):
            interest = (remaining * r).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            part = min(max(payment - interest, ZERO), remaining)
            parts.append(part)
            remaining -= part
        parts.append(remaining)
    return parts


def fee_parts(amount: Decimal, periods: int, fee_rate: Decimal) -> list[Decimal]:
    """The installment fee, ``fee_rate`` of the principal per period, split to the cent."""
    total = quantize(quantize(amount) * fee_rate * periods)
    return split_even(total, periods)


def build_schedule(amount: Decimal, periods: int, method: str, *, purchase_date: date,
                   statement_day: int, grace_days: int, fee_rate: Decimal = ZERO,
                   daily_rate: Decimal = ZERO) -> list[PlannedInstallment]:
    principal = principal_parts(amount, periods, method, daily_rate)
    fees = fee_parts(amount, periods, fee_rate)
    bills = bill_dates(purchase_date, statement_day, periods)
    out: list[PlannedInstallment] = []
    unbilled = quantize(amount)
    start = purchase_date
    for k in range(periods):
        days = (bills[k] - start).days + (1 if k == 0 else 0)
        interest = quantize(unbilled * daily_rate * days)
        out.append(PlannedInstallment(k + 1, bills[k], due_date(bills[k], grace_days),
                                      principal[k], fees[k], interest))
        unbilled -= principal[k]
        start = bills[k]
    return out
