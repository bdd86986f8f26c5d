"""``creditline demo``: the main job — a simulated market run through the real services."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from creditline.cli.common import console
from creditline.errors import ValidationError
from creditline.simulate.demo import (
    DEFAULT_ACTIVITY,
    MAX_MONTHS,
    MIN_CUSTOMERS,
    DemoConfig,
    DemoResult,
    DemoRun,
)

_OPTION = {"customers": "--customers", "months": "--months", "seed": "--seed",
           "enterprises": "--enterprises", "activity": "--activity", "db": "--db",
           "out": "--out", "limits": "--limits", "collections": "--collections"}


class RichProgress:
    """One bar that restarts for each phase of the run."""

    def __init__(self, progress: Progress) -> None:
        self._p = progress
        self._task: Any = None

    def phase(self, name: str, total: int) -> None:
        if self._task is None:
            self._task = self._p.add_task(name, total=total)
        else:
            self._p.update(self._task, description=name, total=total, completed=0)

    def advance(self, n: int = 1) -> None:
        self._p.advance(self._task, n)


def demo(
    customers: Annotated[int, typer.Option(
        "--customers", help=f"Simulated consumer applicants (at least {MIN_CUSTOMERS}).")] = 2_000,
    months: Annotated[int, typer.Option(
        "--months", help=f"Months of business days to run (1-{MAX_MONTHS}).")] = 12,
    seed: Annotated[int, typer.Option(
        "--seed", help="Random seed: the same seed gives the same summary.")] = 42,
    db: Annotated[str | None, typer.Option(
        "--db", help="Database URL; it must be empty (default: a fresh SQLite file "
                     "creditline.db under --out).", show_default=False)] = None,
    out: Annotated[Path, typer.Option(
        "--out", help="Folder for report.html, summary.json and the SQLite database.")
    ] = Path("demo-out"),
    enterprises: Annotated[int, typer.Option(
        "--enterprises", help="Also simulate this many SME applicants (sme_line): the "
                              "approved ones draw, repay and are reviewed yearly (use "
                              "--months 13+ to see reviews); 0 for consumers only.")] = 300,
    activity: Annotated[float, typer.Option(
        "--activity", help="Scale of the customers' purchase habits (1.0 = as simulated, "
                           "about 1.2 purchases a month; the default 0.3 keeps the "
                           "default run to a few minutes: bench/RESULTS.md).")] = DEFAULT_ACTIVITY,
    limits: Annotated[str, typer.Option(
        "--limits", help="dynamic: end of day runs the limit strategy (B-card bands, "
                         "increases, cuts, freezes); static: limits stay as origination set "
                         "them. The same seed gives the same market either way.")] = "dynamic",
    collections: Annotated[str, typer.Option(  # ccard
        "--collections", help="ccard: end of day decides collection with the C-card strategy "
                              "tables; ladder: with the fixed ladder (everybody in a bucket "
                              "gets the same contacts), for comparison on the same seed "
                              "(bench/collections_strategy_bench.py).")] = "ccard",
) -> None:
    """Run the demo on a simulated book.

    Registers simulated customers, decides their applications, runs the months day by
    day (purchases, returns, repayments, end of day) through the real services, then
    prints a summary and writes report.html."""
    if out.exists() and not out.is_dir():
        raise ValidationError("--out", "is a file; give a folder")
    try:
        config = DemoConfig(customers=customers, months=months, seed=seed, out=out, db_url=db,
                            enterprises=enterprises, activity=activity, limits=limits,
                            collections=collections)
    except ValidationError as exc:  # name the option, not the Python field
        raise ValidationError(_OPTION.get(exc.field, exc.field), exc.rule) from None
    columns = (TextColumn("[bold]{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=False) as bar:
            result = DemoRun(config).run(RichProgress(bar))
    except ValidationError as exc:
        raise ValidationError(_OPTION.get(exc.field, exc.field), exc.rule) from None
    print_summary(result)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def print_summary(result: DemoResult) -> None:
    s = result.summary
    a, act, end, fraud, truth = (s["applications"], s["activity"], s["end"], s["fraud"],
                                 s["truth"])
    head = Table(title=f"Creditline demo - {s['run']['customers']:,} customers, "
                       f"{s['run']['months']} months, seed {s['run']['seed']}")
    head.add_column("measure")
    head.add_column("value", justify="right")
    rows = [
        ("applications", f"{a['applied']:,}"),
        ("  screened out (knock-outs)", f"{a['screened_out']:,}"),
        ("  approved / referred / declined",
         f"{a['approved']:,} / {a['referred']:,} / {a['declined']:,}"),
        ("approval rate", _pct(a["approval_rate"])),
        ("lines opened", f"{s['lines']['opened']:,}"),
        ("total limit (CNY)", s["lines"]["total_limit"]),
        ("utilisation at the end", _pct(end["utilisation"])),
        ("purchases", f"{act['purchases']['count']:,} for {act['purchases']['amount']}"),
        ("returns", f"{act['returns']['count']:,} for {act['returns']['amount']}"),
        ("repayments", f"{act['repayments']['count']:,} for {act['repayments']['amount']}"),
        ("losses: charged off (CNY)", f"{end['charged_off']} on "
         f"{s['losses']['written_off']['lines']:,} lines, {s['losses']['recovered']} recovered"),
        ("balance 90+ days past due, still on the book", end["balance_90_plus"]),
        ("fraud caught / missed (hidden truth)", f"{fraud['caught']} / {fraud['missed']}"),
        ("  by kind: caught / applied", ", ".join(f"{k} {v['caught']}/{v['applied']}"
                                                  for k, v in fraud["by_kind"].items())),
        ("  owed by missed fraudsters (CNY)", fraud["missed_balance_end"]),
        ("  false alarms (good applicants flagged)",
         f"{fraud['false_alarms']} ({_pct(fraud['false_alarm_rate'])})"),
        ("reviews decided / referred", f"{s['reviews']['decided']} / {s['reviews']['referred']}"),
        ("  median hours to decision / after SLA",
         f"{s['reviews']['hours_to_decision']['median']} / {s['reviews']['decided_after_sla']}"),
        ("bad rate approved / referred / declined",
         " / ".join(_pct(truth[g]["bad_rate"]) for g in ("approved", "referred", "declined"))),
        ("ledger", "balanced" if s["ledger"].get("ok") else "NOT BALANCED"),
    ]
    lim = s.get("limits") or {}
    if lim:  # issue 13: what the limits did
        cuts = lim["cuts_before_default"]
        rows += [
            (f"limits ({lim['mode']}): strategy moves",
             ", ".join(f"{k} {v:,}" for k, v in lim["moves"].items()) or "none"),
            ("revenue: fees / interest / penalties",
             f"{lim['revenue']['fees']} / {lim['revenue']['interest']} / "
             f"{lim['revenue']['penalties']}"),
            ("average limit / utilisation (month ends)",
             f"{lim['average_limit']} / {_pct(lim['average_utilisation'])}"),
            ("defaulters cut before default (median days)",
             f"{cuts['cut_before']} of {cuts['defaulters']} "
             f"({cuts['median_days_before'] if cuts['median_days_before'] is not None else '-'})"),
        ]
    for k, v in rows:
        head.add_row(k, v)
    console.print(head)
    if s["months"]:
        buckets = list(s["months"][0]["buckets"])
        table = Table(title="Balances by days past due at month ends (whole CNY)")
        for col in ("month", "util.", *buckets, "31+ share"):
            table.add_column(col, justify="right", no_wrap=True)
        for m in s["months"]:
            table.add_row(m["month"], _pct(m["utilisation"]),
                          *(f"{Decimal(v):,.0f}" for v in m["buckets"].values()),
                          _pct(m["share_30_plus"]))
        console.print(table)
    ctx = result.context
    console.print(f"summary: {result.summary_path}")
    if result.report_path is not None:
        console.print(f"report:  {result.report_path}")
    console.print(f"finished in {result.seconds:.0f} s")
    url = ctx.config.database_url
    env = "" if url.startswith("sqlite:///") else f"CREDITLINE_DATA_DIR={ctx.config.out} "
    console.print("browse the result:")
    typer.echo(f"  {env}creditline serve --db {url}")
    if ctx.admin_token:
        console.print("  as user demo-admin (admin) with the bearer token (shown once):")
        typer.echo(f"  {ctx.admin_token}")
    # console (issue 19): the pages for people, in the same process
    console.print("  console for people: http://127.0.0.1:8000/console; give demo-admin a "
                  "password first:")
    typer.echo(f"  {env}creditline users set-password demo-admin --db {url}")
