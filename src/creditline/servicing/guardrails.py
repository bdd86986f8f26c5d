"""Money guardrails: how much a repayment may be, and which manual limit changes need a
second person.  Pure rules; the numbers come from settings through the commands
(``CREDITLINE_OVERPAYMENT_TOLERANCE``, ``CREDITLINE_LIMIT_APPROVAL_INCREASE``), so a lender
sets its own policy without a code change.

Why the cap is the payoff amount: with ``excess="prepay"`` the waterfall spends a payment on
billed debts and then on unbilled installments, so paying everything off today is legitimate;
with ``excess="credit"`` what is not billed yet stays as a credit balance that end of day
applies to the next bills, which is the same early payoff, only spent later.  Either way a
payment beyond ``payoff_amount`` (all owed, billed or not, less any credit balance) can only
become a credit balance the lender must pay back.  A small tolerance keeps a customer who
rounds up, or pays the day's interest twice, from being refused; anything above is a typo or
an attack (a 9,999,999,999,999.99 "repayment" made the line a money store).
"""

from __future__ import annotations

from decimal import Decimal

from creditline.errors import ValidationError
from creditline.money import ZERO, money_str, to_money

DEFAULT_OVERPAYMENT_TOLERANCE = Decimal("1.00")
DEFAULT_LIMIT_APPROVAL_INCREASE = Decimal("1000.00")


def setting_amount(value: object, field: str, default: Decimal) -> Decimal:
    """A non-negative amount from a setting (``None``: the default)."""
    if value is None:
        return default
    return to_money(value, field, allow_zero=True)


def max_repayment(payoff_amount: Decimal, tolerance: Decimal) -> Decimal:
    """The most one repayment may be: what would leave the line owing nothing, plus the
    tolerance (which then stays as a credit balance, as any overpayment did before)."""
    return max(ZERO, payoff_amount) + tolerance


def check_repayment(amount: Decimal, payoff_amount: Decimal, tolerance: Decimal) -> None:
    """422 naming ``amount`` and the maximum accepted when the repayment is above the cap."""
    cap = max_repayment(payoff_amount, tolerance)
    if amount > cap:
        raise ValidationError("amount", f"must not exceed {money_str(cap)}: the line owes "
                                        f"{money_str(payoff_amount)} to pay off and a repayment "
                                        f"may exceed that by at most {money_str(tolerance)}")


def check_limit_bounds(limit: Decimal, minimum: Decimal, maximum: Decimal, product: str) -> None:
    """A manual limit stays within the product's range (422 naming ``limit``).  Below the
    amount in use is fine: a cut leaves available credit at zero until the balance runs down."""
    if limit < minimum:
        raise ValidationError("limit", f"must be at least {money_str(minimum)} for {product} "
                                       f"(its range is {money_str(minimum)} to "
                                       f"{money_str(maximum)})")
    if limit > maximum:
        raise ValidationError("limit", f"must not exceed {money_str(maximum)} for {product} "
                                       f"(its range is {money_str(minimum)} to "
                                       f"{money_str(maximum)})")


def needs_approval(old: Decimal, new: Decimal, threshold: Decimal) -> bool:
    """Maker-checker: a raise of more than ``threshold`` is only a proposal until a second
    person approves it.  Cuts and small raises take effect at once (a cut only lowers risk)."""
    return new - old > threshold
