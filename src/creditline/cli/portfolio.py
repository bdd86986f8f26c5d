"""``creditline portfolio vintages|rolls|transition|concentration|warnings|alerts`` (the book
watched: issue 17) and ``creditline report risk`` (the risk disclosure report).  Each
command builds a query and calls ``portfolio.services``; ``--json`` prints the same JSON the
API answers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.errors import ValidationError

sub = typer.Typer(help="Vintages, roll rates, concentration, early warning. Not here yet: "
                       "IFRS 9 expected credit loss, stress tests and the cash-flow forecast.",
                  no_args_is_help=True)

AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", help="The date the book is read as of (YYYY-MM-DD); default: the book's "
                    "business date.", show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the JSON the API answers.")]


def _services() -> Any:
    """``portfolio.services``, imported when a command runs (it loads Polars and matplotlib,
    which no other command should pay for at start-up)."""
    from creditline.portfolio import services

    return services


def parse_as_of(value: str | None, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(option, "must be a date YYYY-MM-DD") from None


def _dump(data: Any) -> None:
    console.print_json(json.dumps(data, ensure_ascii=False, default=str))


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


@sub.command("vintages")
def vintages_cmd(
    as_of: AsOfOption = None,
    by: Annotated[str | None, typer.Option("--by", help="Also by product, channel, band "
                                                        "(A-score) or kind.",
                                           show_default=False)] = None,
    as_json: JsonOption = False, token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Vintages by origination month and months on book.

    Shares of lines and of balance 30+ and 90+ days past due and charged off."""
    container = container_for(db)
    ps = _services()
    actor_from_token(container, token).require("portfolio:read")
    d = ps.vintages(ps.BookQuery(parse_as_of(as_of), by), container.uow())
    if as_json:
        _dump(d)
        return
    t = Table("vintage", *([by] if by else []), "mob", "lines", "30+", "90+", "charged off",
              "balance", "30+ bal", "90+ bal", "c/o bal", title=f"vintages as of {d['as_of']}")
    for r in d["rows"]:
        t.add_row(r["vintage"], *([str(r[by])] if by else []), str(r["mob"]), str(r["lines"]),
                  _pct(r["share_30"]), _pct(r["share_90"]), _pct(r["share_co"]), r["balance"],
                  _pct(r["balance_share_30"]), _pct(r["balance_share_90"]),
                  _pct(r["balance_share_co"]))
    console.print(t)


@sub.command("rolls")
def rolls_cmd(as_of: AsOfOption = None, as_json: JsonOption = False,
              token: UserTokenOption = None, db: DbOption = None) -> None:
    """Roll, cure and flow rates; the transition matrix.

    Month end to month end, over every month of the history."""
    container = container_for(db)
    ps = _services()
    actor_from_token(container, token).require("portfolio:read")
    d = ps.rolls(ps.BookQuery(parse_as_of(as_of)), container.uow())
    if as_json:
        _dump(d)
        return
    names = d["states"]
    t = Table("period", "lines", *(f"roll {n}" for n in names[:-1]), *(f"cure {n}" for n in names[1:-1]),
              title=f"roll and cure rates as of {d['as_of']}")
    for p in d["periods"]:
        t.add_row(f"{p['from']}..{p['to']}", str(p["lines"]),
                  *(_pct(p["roll"][n]) for n in names[:-1]),
                  *(_pct(p["cure"][n]) for n in names[1:-1]))
    console.print(t)
    _matrix(d)


def _matrix(d: dict[str, Any]) -> None:
    names = d["states"]
    m = Table("from \\ to", *names, title="transition matrix (cohort method), % (count)")
    for i, row in enumerate(d["matrix"]):
        m.add_row(names[i], *("" if x is None else f"{100 * x:.1f} ({d['counts'][i][j]})"
                              for j, x in enumerate(row)))
    console.print(m)


@sub.command("transition")
def transition_cmd(as_of: AsOfOption = None, as_json: JsonOption = False,
                   token: UserTokenOption = None, db: DbOption = None) -> None:
    """The one-month transition matrix (cohort method)."""
    container = container_for(db)
    ps = _services()
    actor_from_token(container, token).require("portfolio:read")
    d = ps.transition(ps.BookQuery(parse_as_of(as_of)), container.uow())
    if as_json:
        _dump(d)
        return
    _matrix(d)


@sub.command("concentration")
def concentration_cmd(as_of: AsOfOption = None, as_json: JsonOption = False,
                      token: UserTokenOption = None, db: DbOption = None) -> None:
    """Concentration: exposure, HHI, limit breaches.

    By industry, region, merchant category and borrower."""
    container = container_for(db)
    ps = _services()
    actor_from_token(container, token).require("portfolio:read")
    d = ps.concentration_report(ps.BookQuery(parse_as_of(as_of)), container.uow())
    if as_json:
        _dump(d)
        return
    console.print(f"as of {d['as_of']}: exposure {d['total_exposure']}, limits "
                  f"{d['limits_version']}")
    for dim, x in d["dimensions"].items():
        t = Table("segment", "count", "exposure", "share", "limit", "breach",
                  title=f"{dim} (HHI {x['hhi']:.3f}, limit {x['max_hhi']})")
        for s in x["segments"]:
            t.add_row(s["segment"], "-" if s["rows"] is None else str(s["rows"]), s["exposure"],
                      _pct(s["share"]),
                      s["limit"] or "-", "BREACH" if s["breach"] else "")
        console.print(t)
    console.print(f"ten largest borrowers: {_pct(d['top_ten_share'])}; breaches: "
                  f"{len(d['breaches'])}")
    for b in d["breaches"]:
        console.print(f"  {b['dimension']} {b['segment']}: {_pct(b['share'])} > {b['limit']}")


@sub.command("warnings")
def warnings_cmd(as_of: AsOfOption = None, as_json: JsonOption = False,
                 token: UserTokenOption = None, db: DbOption = None) -> None:
    """Run the early warning and keep its alerts.

    Every indicator against its threshold; warnings and alerts are kept (with evidence and a
    proposed action) and the run is audited."""
    container = container_for(db)
    ps = _services()
    actor = actor_from_token(container, token)
    actor.require("portfolio:warnings")
    run = ps.run_warnings(ps.RunWarnings(parse_as_of(as_of)), container.uow(), actor)
    if as_json:
        _dump({"run_id": run.run_id, "business_date": run.business_date.isoformat(),
               "rules_version": run.rules_version, "signals": [s.as_json() for s in run.signals]})
        return
    t = Table("indicator", "segment", "value", "warn", "alert", "level", "proposal",
              title=f"early warning {run.business_date} ({run.rules_version})")
    for s in run.signals:
        prop = "" if s.proposal is None else s.proposal.get("action", "")
        t.add_row(s.indicator, s.segment, "-" if s.value is None else f"{s.value:.4g}",
                  "-" if s.warn is None else f"{s.warn:.4g}",
                  "-" if s.alert is None else f"{s.alert:.4g}", s.level, prop)
    console.print(t)
    console.print(f"run {run.run_id}: {len(run.alerts)} warnings and alerts kept")


@sub.command("alerts")
def alerts_cmd(as_of: AsOfOption = None, token: UserTokenOption = None,
               db: DbOption = None) -> None:
    """List the alerts kept, newest first.

    Those of one business date with --as-of."""
    container = container_for(db)
    ps = _services()
    actor_from_token(container, token).require("portfolio:read")
    rows = ps.list_alerts(ps.AlertQuery(parse_as_of(as_of)), container.uow())
    t = Table("date", "indicator", "segment", "level", "value", "threshold", "by")
    for a in rows:
        t.add_row(a["business_date"].isoformat(), a["indicator"], a["segment"], a["level"],
                  "-" if a["value"] is None else f"{a['value']:.4g}",
                  "-" if a["threshold"] is None else f"{a['threshold']:.4g}", a["created_by"])
    console.print(t)


def report_risk(
    out: Annotated[Path, typer.Option("--out", help="The report file (.html); with both "
                                                    "languages <stem>.en.html and "
                                                    "<stem>.zh.html, each with its PDF.",
                                      show_default=False)],
    as_of: AsOfOption = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="en or zh (repeat for "
                                                                  "both; default both).",
                                                   show_default=False)] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also print each to PDF.")] = True,
    token: UserTokenOption = None, db: DbOption = None,
) -> None:
    """Write the risk disclosure report (HTML and PDF).

    Summary page, vintages, roll rates and transition matrix, concentration, early warning,
    IFRS 9 expected credit loss (the latest ECL run on or before the date), the allowance
    movement, stress tests and the 12-month cash-flow forecast (both measured on the book as it
    stands today), methods; in Chinese and English."""
    container = container_for(db)
    ps = _services()
    actor_from_token(container, token).require("portfolio:read")
    langs = tuple(lang) if lang else ("en", "zh")
    paths = ps.write_risk_report(ps.RiskReport(out, parse_as_of(as_of), langs, pdf),
                                 container.uow())
    for p in paths:
        console.print(f"written {p} ({p.stat().st_size // 1024} KiB)")
