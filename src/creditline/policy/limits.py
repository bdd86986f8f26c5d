"""Limits in Decimal: the lowest of the constraints that apply, rounded down to the
ruleset's step (e.g. 100.00).  Each constraint carries the reason code that explains it
when it is the one that binds.

Person: the limit matrix (score band x income band), the debt-burden capacity (what the
cap on installments over income leaves, drawn over ``tenor_months``), the product maximum
and the amount requested.
Enterprise: the cash-flow capacity (operating cash flow / target DSCR less existing debt
service), collateral after haircut, the industry cap, the product maximum and the request —
or, when a risk officer's special terms are approved, those terms instead of the first three.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from creditline.money import ZERO, money_str, quantize


def round_down(amount: Decimal, step: Decimal) -> Decimal:
    """Down to a whole number of ``step``; never below zero."""
    if amount <= 0:
        return ZERO
    return quantize((amount / step).to_integral_value(rounding=ROUND_DOWN) * step)


@dataclass(frozen=True)
class LimitBasis:
    limit: Decimal
    binding: str
    components: tuple[tuple[str, Decimal], ...]

    def as_json(self) -> dict[str, object]:
        return {"limit": money_str(self.limit), "binding": self.binding,
                "components": {code: money_str(v) for code, v in self.components}}


def lowest(components: Iterable[tuple[str, Decimal | None]], step: Decimal) -> LimitBasis:
    """The smallest constraint binds; on a tie the one listed first is named."""
    present = [(code, quantize(v)) for code, v in components if v is not None]
    if not present:
        raise ValueError("at least one limit constraint is needed")
    code, value = min(present, key=lambda cv: cv[1])  # min keeps the first of equals
    return LimitBasis(limit=round_down(value, step), binding=code, components=tuple(present))


def debt_burden_capacity(monthly_income: Decimal | None, monthly_debt: Decimal,
                         max_ratio: Decimal, tenor_months: int) -> Decimal:
    """The largest line whose installments (drawn in full over ``tenor_months``), added to
    existing ones, keep the burden at or under ``max_ratio`` of income."""
    if monthly_income is None or monthly_income <= 0:
        return ZERO
    room = max_ratio * monthly_income - monthly_debt
    return quantize(max(room, ZERO) * tenor_months)


def cash_flow_capacity(operating_cash_flow: Decimal, debt_service: Decimal,
                       target_dscr: Decimal) -> Decimal:
    """Annual new debt service the cash flow supports at the target coverage."""
    if target_dscr <= 0:
        raise ValueError("target_dscr must be positive")
    return quantize(max(operating_cash_flow / target_dscr - debt_service, ZERO))


def collateral_value(items: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """Sum of appraised value x advance rate (1 - haircut) over the pledged items."""
    return quantize(sum((value * rate for value, rate in items), ZERO))
