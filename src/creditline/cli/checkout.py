"""``creditline checkout offers``: what each plan would cost for an amount on a line, as a
merchant checkout shows it before the purchase (the CLI twin of ``GET /v1/checkout/offers``)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.money import money_str
from creditline.servicing import offers as services

sub = typer.Typer(help="Checkout: the plans for an amount, with their total cost.",
                  no_args_is_help=True)


@sub.command("offers")
def checkout_offers(
    line_id: Annotated[str, typer.Argument(help="The credit line id.")],
    amount: Annotated[str, typer.Option(help="The basket, e.g. 1200.00.", show_default=False)],
    schedule: Annotated[bool, typer.Option(help="Print each plan's full schedule too.")
                        ] = False,
    merchant_category: Annotated[str | None, typer.Option(
        "--category", help="The merchant's category: its cap applies, green fees shown.",
        show_default=False)] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """The plans for an amount on a line, with their total cost.

    For each plan: fees, projected interest, total cost and total to repay. Nothing is
    booked (service role, risk officer or admin)."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    actor.require("checkout:offers")
    o = services.checkout_offers(services.CheckoutOffers(line_id, amount,
                                                         merchant_category=merchant_category),
                                 container.uow(), actor)
    table = Table("installments", "method", "fee rate / period", "interest-free days",
                  "total fee", "total interest", "total cost", "total to repay")
    for p in o.plans:
        table.add_row(str(p.installments), p.method, str(p.fee_rate),
                      "-" if p.interest_free_days is None else str(p.interest_free_days),
                      money_str(p.total_fee), money_str(p.total_interest),
                      money_str(p.total_cost), money_str(p.total_repayable))
    console.print(table)
    console.print(f"{money_str(o.amount)} {o.currency} on line {o.line_id} ({o.product}) on "
                  f"{o.business_date.isoformat()}; available {money_str(o.available)}; if late: "
                  f"late fee {money_str(o.late_fee)}, penalty {o.penalty_daily_rate} a day on "
                  f"the amount past due", soft_wrap=True)
    if schedule:
        for p in o.plans:
            rows = Table("#", "bill date", "due date", "principal", "fee", "interest",
                         title=f"{p.installments} x {p.method}")
            for r in p.schedule:
                rows.add_row(str(r.seq), r.bill_date.isoformat(), r.due_date.isoformat(),
                             money_str(r.principal), money_str(r.fee),
                             money_str(r.projected_interest))
            console.print(rows)
