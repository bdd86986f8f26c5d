"""``creditline calendar``: show, set or advance the book's business date."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer

from creditline.calendar.services import (
    Advance,
    CalendarView,
    SetBusinessDate,
    advance,
    set_business_date,
    show_calendar,
)
from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.errors import ValidationError

sub = typer.Typer(help="The book's business date: show it, set it, advance it.",
                  no_args_is_help=True)


def _print(v: CalendarView) -> None:
    if v.pinned and v.updated_at is not None:
        console.print(f"business date {v.business_date.isoformat()} (set by {v.updated_by} "
                      f"at {v.updated_at.isoformat(timespec='seconds')})", soft_wrap=True)
    else:
        console.print(f"business date {v.business_date.isoformat()} (not set: follows the "
                      "wall clock's date)", soft_wrap=True)


def _day(value: str, field: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(field, "must be a date as YYYY-MM-DD") from None


@sub.command("show")
def calendar_show(db: DbOption = None) -> None:
    """Print the book's business date and who last moved it."""
    _print(show_calendar(container_for(db).uow()))


@sub.command("set")
def calendar_set(
    business_date: Annotated[str, typer.Argument(
        metavar="DATE", help="The new business date (YYYY-MM-DD), the same day or later.")],
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Set the business date (admin; audited; never backwards)."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    _print(set_business_date(SetBusinessDate(_day(business_date, "DATE")), container.uow(),
                             actor))


@sub.command("advance")
def calendar_advance(
    days: Annotated[int, typer.Option(help="Days to move forward.", min=1, max=366)] = 1,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Move the business date forward.

    Admin; audited.  Run end of day through the old date first."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    _print(advance(Advance(days), container.uow(), actor))
