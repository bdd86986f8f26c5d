"""``creditline ecl run|show|runs|movement|cashflow`` and ``creditline stress run``: IFRS 9
expected credit loss, the allowance movement, stress tests and the cash-flow projection
(issue 17)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.errors import ValidationError
from creditline.money import money_str
from creditline.portfolio import ecl_services as svc
from creditline.portfolio.cashflow import Projection
from creditline.portfolio.movement import ROWS

ecl_app = typer.Typer(help="IFRS 9 expected credit loss and provisions.\n\n"
                           "Staging, PD/LGD/EAD, ECL by stage, product, industry and region; "
                           "the provision posted to the loss allowance (month ends, by end of "
                           "day; or now); the allowance movement between two dates; the "
                           "12-month cash-flow projection.",
                      no_args_is_help=True)
stress_app = typer.Typer(help="Stress tests of the book.\n\n"
                              "Rerun ECL, expected loss and the cash-flow projection under "
                              "scenarios (portfolio/scenarios/stress.json).",
                         no_args_is_help=True)


def _m(cents: int) -> str:
    return money_str(svc.cents_to_money(cents))


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(option, "must be a date as YYYY-MM-DD") from None


def _print(view: svc.EclView) -> None:
    r = view.run
    console.print(f"ECL run {r.id} as of {r.as_of.isoformat()} ({r.source}, by {r.actor}): "
                  f"{r.lines} lines, EAD {money_str(r.ead)}, ECL {money_str(r.ecl)}"
                  + (f", provision entry {r.journal_entry}" if r.journal_entry else ""))
    console.print(f"staging rules {r.staging_rules}, parameters {r.parameters}")
    for dim, rows in view.summaries.items():
        table = Table(dim, "lines", "drawn", "EAD", "ECL", "12m EL", "coverage",
                      title=f"by {dim}")
        for row in rows:
            table.add_row(str(row[dim]), str(row["lines"]), _m(row["drawn"]), _m(row["ead"]),
                          _m(row["ecl"]), _m(row["el_12m"]), f"{row['coverage']:.2%}")
        console.print(table)


@ecl_app.command("run")
def run(post: Annotated[bool, typer.Option(
            "--post/--no-post", help="Post the provision entry so the loss allowance equals "
                                     "this ECL (default), or only measure and store the run.")
        ] = True,
        token: UserTokenOption = None, db: DbOption = None) -> None:
    """Measure the book's ECL on its business date now."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    _print(svc.run_ecl(svc.RunEcl(post=post), container.uow(), actor))


@ecl_app.command("show")
def show(run_id: Annotated[str | None, typer.Option("--run", help="A run id.")] = None,
         as_of: Annotated[str | None, typer.Option(help="The latest run on or before this date "
                                                        "(YYYY-MM-DD).")] = None,
         token: UserTokenOption = None, db: DbOption = None) -> None:
    """Show an ECL run (default: the latest).

    By stage, product, industry and region."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    _print(svc.show_ecl(svc.ShowEcl(run_id, _day(as_of, "--as-of")), container.uow(), actor))


@ecl_app.command("runs")
def runs(limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
         token: UserTokenOption = None, db: DbOption = None) -> None:
    """List ECL runs, latest first."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    table = Table("run", "as of", "source", "lines", "EAD", "ECL", "provision entry")
    for r in svc.list_runs(container.uow(), actor, limit):
        table.add_row(r.id, r.as_of.isoformat(), r.source, str(r.lines), money_str(r.ead),
                      money_str(r.ecl), r.journal_entry or "-")
    console.print(table)


@ecl_app.command("movement")
def movement(start: Annotated[str, typer.Option("--from", help="Opening date (YYYY-MM-DD): "
                                                                "the run in force then.")],
             end: Annotated[str, typer.Option("--to", help="Closing date (YYYY-MM-DD).")],
             token: UserTokenOption = None, db: DbOption = None) -> None:
    """The loss-allowance movement between two dates.

    By stage: new, derecognised, transfers, write-offs, remeasurement; reconciled to the
    cent."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    a, b = _day(start, "--from"), _day(end, "--to")
    assert a is not None and b is not None
    v = svc.ecl_movement(svc.MovementQuery(a, b), container.uow(), actor)
    mv = v.movement
    table = Table("", "stage 1", "stage 2", "stage 3", "total", "lines",
                  title=f"allowance movement {v.opening.as_of} -> {v.closing.as_of} "
                        f"(runs {v.opening.id} -> {v.closing.id})")
    for row in ROWS:
        c = mv.cells[row]
        table.add_row(row, _m(c[1]), _m(c[2]), _m(c[3]), _m(mv.total(row)),
                      str(mv.lines.get(row, 0)))
    console.print(table)
    console.print("reconciles to the cent" if mv.reconciles else "[red]does not reconcile[/]")


def _cashflow_table(p: Projection, title: str) -> Table:
    table = Table("month", "repayments in", "new draws out", "losses", "net", "cumulative",
                  title=title)
    for r in p.months.to_dicts():
        table.add_row(str(r["month"]), _m(r["repayments_in"]), _m(r["draws_out"]),
                      _m(r["losses"]), _m(r["net"]), _m(r["cumulative"]))
    return table


@ecl_app.command("cashflow")
def cashflow(token: UserTokenOption = None, db: DbOption = None) -> None:
    """The 12-month cash-flow and liquidity projection.

    Of the book as measured now: repayments in, new draws out, losses, funding need."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    as_of, p = svc.cash_flow(container.uow(), actor)
    console.print(_cashflow_table(p, f"cash flow from {as_of.isoformat()}"))
    console.print(f"funding need (deepest cumulative shortfall): {_m(p.funding_need)}")


@stress_app.command("run")
def stress_run(scenario: Annotated[list[str] | None, typer.Option(
                   "--scenario", help="A scenario name (repeat); default: every shipped one "
                                      "(base, export_shock, consumer_recession, severe).")] = None,
               months: Annotated[bool, typer.Option(
                   "--months/--no-months", help="Also print each scenario's month-by-month "
                                                "cash flow.")] = False,
               token: UserTokenOption = None, db: DbOption = None) -> None:
    """Run stress scenarios side by side with the base.

    Reruns ECL, the 12-month expected loss and the cash flow under each scenario against
    the book as measured.  Nothing is stored or posted."""
    container = container_for(db)
    actor = actor_from_token(container, token)
    v = svc.run_stress(svc.RunStress(tuple(scenario or ())), container.uow(), actor)
    base = v.results[0]
    table = Table("scenario", "ECL", "change", "stage 1", "stage 2", "stage 3", "12m EL",
                  "repayments in", "draws out", "losses", "funding need",
                  title=f"stress tests as of {v.as_of.isoformat()} (parameters {v.parameters})")
    for r in v.results:
        st = r.ecl_by_stage()
        tot = r.cashflow.totals()
        table.add_row(r.scenario.name, _m(r.ecl), _m(r.ecl - base.ecl), _m(st[1]), _m(st[2]),
                      _m(st[3]), _m(r.el_12m), _m(tot["repayments_in"]), _m(tot["draws_out"]),
                      _m(tot["losses"]), _m(r.cashflow.funding_need))
    console.print(table)
    for r in v.results:
        console.print(f"{r.scenario.name}: {r.scenario.title}")
        if months:
            console.print(_cashflow_table(r.cashflow, r.scenario.name))
