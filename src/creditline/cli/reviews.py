"""``creditline reviews list|breaches``: the manual review queue and its SLA from the command
line (the twins of ``GET /v1/reviews`` and ``GET /v1/reviews/breaches``), paged like every
list: a page ends with the ``--cursor`` of the next one."""

from __future__ import annotations

from typing import Annotated

import typer

from creditline.cli.browse import CursorOption, LimitOption, _page, _show, _who
from creditline.cli.common import DbOption, UserTokenOption
from creditline.money import money_str
from creditline.origination import reviews as services
from creditline.paging import LIMIT_DEFAULT

sub = typer.Typer(help="The review queue and its SLA breaches.",
                  no_args_is_help=True)

# a few short columns, so the table reads in 80 columns
HEADERS = ("review", "status", "proposed", "hours", "due (UTC)", "late")


def _row(item: services.ReviewItem) -> tuple[str, ...]:
    r = item.review
    due = "-" if r.due_at is None else r.due_at.strftime("%m-%d %H:%M")
    return (r.id[:8], r.status, money_str(r.proposed_limit), f"{item.age_hours:.1f}", due,
            "yes" if item.breached else "")


@sub.command("list")
def reviews_list(
    status: Annotated[str, typer.Option(help="pending, second_review or decided.")
                      ] = "pending",
    cursor: CursorOption = None, limit: LimitOption = LIMIT_DEFAULT,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """List the review queue, oldest first.

    For reviewers, risk officers and admins."""
    container, actor = _who(db, token)
    actor.require("reviews:read")
    _show(services.list_reviews(container.uow(), status, _page(cursor, limit)), HEADERS, _row,
          "reviews")


@sub.command("breaches")
def reviews_breaches(
    cursor: CursorOption = None, limit: LimitOption = LIMIT_DEFAULT,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """List the open reviews past their SLA, oldest first.

    Pending or waiting for a second reviewer after the product's review_sla_hours."""
    container, actor = _who(db, token)
    actor.require("reviews:read")
    _show(services.list_breaches(container.uow(), _page(cursor, limit)), HEADERS, _row,
          "reviews past their SLA")
