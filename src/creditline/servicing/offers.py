"""What a purchase would cost, shown at checkout before the customer buys: for an amount on a
line, every plan the line's product offers, with its fees, projected interest, the total to
repay and the full schedule (the one ``purchase`` would book that day, to the cent).

Read-only: nothing is posted, audited or reserved.  The figures come from the line's own
terms (copied from the product catalogue when it was opened) through the same schedule
builder the purchase uses, so the offer and the booked purchase cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from creditline.auth import Principal
from creditline.errors import NotFound
from creditline.money import ZERO
from creditline.products import categories
from creditline.products.catalog import terms_product
from creditline.servicing.schedule import PlannedInstallment, build_schedule
from creditline.servicing.services import _text, _today, check_can_buy, parse_amount
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class CheckoutOffers:
    """The plans available for ``amount`` on ``line_id`` (on the book's business date
    unless ``on`` is given)."""

    line_id: str
    amount: str | Decimal
    on: date | None = None
    # the merchant's category, when the checkout knows it: the product's category caps
    # refuse it as the purchase would, and a green category's plans show its lower fee
    merchant_category: str | None = None


@dataclass(frozen=True)
class PlanOffer:
    installments: int
    method: str
    fee_rate: Decimal  # per period, a share of the purchase
    interest_daily_rate: Decimal
    schedule: tuple[PlannedInstallment, ...]
    interest_free_days: int | None  # single payment: days from today to its due date

    @property
    def total_fee(self) -> Decimal:
        return sum((r.fee for r in self.schedule), ZERO)

    @property
    def total_interest(self) -> Decimal:
        """Projected: interest accrues day by day on what is still unbilled."""
        return sum((r.projected_interest for r in self.schedule), ZERO)

    @property
    def total_cost(self) -> Decimal:
        """What the plan costs beyond the price: fees plus projected interest."""
        return self.total_fee + self.total_interest

    @property
    def total_repayable(self) -> Decimal:
        return sum((r.principal for r in self.schedule), ZERO) + self.total_cost


@dataclass(frozen=True)
class Offers:
    line_id: str
    product: str
    currency: str
    amount: Decimal
    business_date: date
    available: Decimal
    late_fee: Decimal
    penalty_daily_rate: Decimal
    plans: tuple[PlanOffer, ...]


def checkout_offers(cmd: CheckoutOffers, uow: UnitOfWork, actor: Principal) -> Offers:
    """Every plan for the amount, cheapest first within the product's order (installment
    count, then method).  Refused as a purchase would be: 404 for an unknown line, 409 for
    a line that is not active, 422 (``reason``) past due or beyond the available credit."""
    amount = parse_amount(cmd.amount)
    category = None if cmd.merchant_category is None else _text(
        cmd.merchant_category, "merchant_category", 60)
    with uow:
        line = uow.lines.get(cmd.line_id)
        if line is None:
            raise NotFound(f"credit line {cmd.line_id} not found")
        day = max(_today(uow, cmd.on), line.last_eod + timedelta(days=1))
        check_can_buy(line, amount, day)
        product = terms_product(line.product, line.terms)
        caps = product.categories if category is not None else None
        if caps is not None and category is not None:
            owed = (uow.activity.owed_in_categories(line.id, caps.high_energy)
                    if caps.kind(category) == "high_energy" else ZERO)
            categories.check_purchase(caps, line.product, category, amount,
                                      line.effective_limit(day), owed)
    available = line.available_on(day)
    plans = []
    for periods, plan in sorted(product.plans.items()):
        rate = plan.fee_rate if category is None else categories.fee_rate(caps, category,
                                                                           plan.fee_rate)
        for method in plan.methods:
            rows = build_schedule(amount, periods, method, purchase_date=day,
                                  statement_day=line.statement_day, grace_days=line.grace_days,
                                  fee_rate=rate, daily_rate=product.interest_daily_rate)
            free = (rows[0].due_date - day).days if method == "single" else None
            plans.append(PlanOffer(periods, method, rate, product.interest_daily_rate,
                                   tuple(rows), free))
    return Offers(line_id=line.id, product=line.product, currency=product.currency,
                  amount=amount, business_date=day, available=available,
                  late_fee=product.late_fee, penalty_daily_rate=product.penalty_daily_rate,
                  plans=tuple(plans))
