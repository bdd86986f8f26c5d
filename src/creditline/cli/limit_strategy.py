"""``creditline lines auto-increase`` and ``creditline lines strategy``: the
customer's opt-out of automatic limit increases, and what end of day's limit strategy
decided (issue 13)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.errors import ValidationError
from creditline.lines import strategy_services as svc
from creditline.money import money_str


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(option, "must be a date as YYYY-MM-DD") from None


def auto_increase(
    line_id: Annotated[str, typer.Argument(help="The credit line id.")],
    opt_out: Annotated[bool | None, typer.Option(
        "--opt-out/--opt-in", help="Turn automatic increases by the limit strategy off "
                                   "(--opt-out) or on again (--opt-in); without either, show "
                                   "the setting.", show_default=False)] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Show or set a line's opt-out of automatic limit increases.

    Cuts and freezes by the strategy still apply to a line that opted out."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    if opt_out is None:
        s = svc.strategy_settings(line_id, container.uow(), actor)
    else:
        s = svc.set_auto_increase(svc.SetAutoIncrease(line_id, opt_out), container.uow(), actor)
    state = "opted out" if s.auto_increase_opt_out else "automatic increases allowed"
    when = f" (since {s.changed_at.isoformat()} by {s.changed_by})" if s.changed_at else ""
    console.print(f"{s.line_id}: {state}{when}")


def strategy_decisions(
    start: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD); default: 29 "
                                                   "days before --end.")] = None,
    end: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD); default: the "
                                                 "book's business date.")] = None,
    line: Annotated[str | None, typer.Option("--line", help="Only this line.")] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """List the limit strategy's decisions, oldest first.

    Increases, cuts, freezes, suspensions and reinstatements, with their reasons."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    rows = svc.list_decisions(svc.ListDecisions(_day(start, "--start"), _day(end, "--end"),
                                                line), container.uow(), actor)
    table = Table("business date", "line", "action", "from", "to", "band", "reasons", "rules")
    for d in rows:
        table.add_row(d.business_date.isoformat(), d.line_id, d.action, money_str(d.old_limit),
                      money_str(d.new_limit), d.band or "", " ".join(d.reason_codes),
                      d.rules_version)
    console.print(table)
    console.print(f"{len(rows)} decisions")
